"""``python -m matching link`` end to end on small CSV files, and its errors (exit status 2)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from matching.csvio import InputError, parse_maps, read_records

from matching_fixtures import population

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matching", "link", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """impots (; UTF-8, one line per créance), amendes (, Windows-1252), helios (;)."""
    d = tmp_path_factory.mktemp("cli")
    records, truth = population(150, seed=4)
    impots = d / "impots.csv"
    with impots.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["numero", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "num", "voie",
                    "cp", "ville", "montant"])
        for r in records:
            if r.source == "impots":
                for amount in ("10,00", "20,00"):  # identity repeated on each créance line
                    w.writerow([r.id, r.birth_name, r.usage_name or "", r.first_names, r.sex, r.birth_date,
                                r.street_number, r.street, r.postcode, r.city, amount])
    amendes = d / "amendes.csv"
    with amendes.open("w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=",")
        w.writerow(["numero", "nom", "prenom", "naissance", "adresse", "cp", "ville"])
        for r in records:
            if r.source == "amendes":
                w.writerow([r.id, r.last_name, r.first_names, r.birth_date or "", r.address[0], r.postcode,
                            r.city + (" Cédex" if r.id.endswith("7") else "")])
    helios = d / "helios.csv"
    with helios.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["numero", "nom", "prenom", "naissance", "voie", "cp", "ville"])
        for r in records:
            if r.source == "helios":
                w.writerow([r.id, r.last_name, r.first_names, r.birth_date or "", r.street, r.postcode, r.city])
    truth_by_file = {}
    for (source, rid), pid in truth.items():
        name = {"impots": impots, "amendes": amendes, "helios": helios}[source]
        truth_by_file[(str(name), rid)] = pid
    return d, impots, amendes, helios, truth_by_file


MAPS = ["--map", "nom_naissance=birth_name", "--map", "nom_usage=usage_name", "--map", "nom=last_name",
        "--map", "prenoms=first_names", "--map", "prenom=first_names", "--map", "sexe=sex",
        "--map", "date_naissance=birth_date", "--map", "naissance=birth_date", "--map", "num=street_number",
        "--map", "voie=street", "--map", "adresse=address", "--map", "cp=postcode", "--map", "ville=city"]


def test_link_writes_pairs_and_clusters(files):
    d, impots, amendes, helios, truth = files
    out, clusters = d / "pairs.csv", d / "clusters.csv"
    proc = run(str(impots), str(amendes), str(helios), "--id-column", "numero", *MAPS, "--out", str(out),
               "--clusters", str(clusters))
    assert proc.returncode == 0, proc.stderr
    assert "enregistrements" in proc.stderr and "paires" in proc.stderr  # French progress
    with out.open(encoding="utf-8") as fh:
        pairs = list(csv.reader(fh))
    assert pairs[0] == ["left_file", "left_id", "right_file", "right_id", "score"]
    with clusters.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"file", "id", "cluster"}
    cluster = {(r["file"], r["id"]): r["cluster"] for r in rows}
    assert set(cluster) == set(truth)  # every record once, rows grouped by id
    assert len(pairs) > 60
    correct = 0
    for lf, li, rf, ri, score in pairs[1:]:
        assert lf in {str(impots), str(amendes), str(helios)}
        assert cluster[(lf, li)] == cluster[(rf, ri)]  # pairs consistent with clusters
        assert 0.0 < float(score) <= 1.0
        correct += truth[(lf, li)] == truth[(rf, ri)]
    assert correct >= 0.97 * (len(pairs) - 1)


def test_threshold_and_model_round_trip(files):
    d, impots, amendes, helios, _ = files
    model = d / "model.json"
    strict, loose = d / "strict.csv", d / "loose.csv"
    assert run(str(impots), str(amendes), "--id-column", "numero", *MAPS, "--threshold", "0.999999",
               "--out", str(strict), "--model-out", str(model)).returncode == 0
    proc = run(str(impots), str(amendes), "--id-column", "numero", *MAPS, "--threshold", "0.5", "--model",
               str(model), "--out", str(loose))
    assert proc.returncode == 0, proc.stderr
    n_strict = len(strict.read_text(encoding="utf-8").splitlines())
    n_loose = len(loose.read_text(encoding="utf-8").splitlines())
    assert n_loose >= n_strict
    assert all(float(line.split(",")[-1]) >= 0.999999 for line in strict.read_text().splitlines()[1:])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--map", "inexistante=first_names"], "absente de tous les fichiers"),
        (["--map", "nom=nom_de_famille"], "rôle inconnu"),
        (["--map", "nom"], "COLONNE=ROLE"),
        (["--map", "nom=last_name", "--map", "nom=first_names"], "deux rôles"),
        (["--map", "nom=last_name", "--date-format", "%Q"], "--date-format invalide"),
        (["--map", "nom=last_name", "--date-format", "JJ/MM/AAAA"], "--date-format invalide"),
        (["--map", "nom=last_name", "--workers", "0"], "--workers"),
    ],
)
def test_bad_maps_exit_2_with_a_french_message(files, args, message):
    d, impots, amendes, *_ = files
    proc = run(str(impots), str(amendes), "--id-column", "numero", *args, "--out", str(d / "x.csv"))
    assert proc.returncode == 2
    assert message in proc.stderr


def test_missing_id_column_unreadable_or_absent_file_exit_2(files, tmp_path):
    d, impots, amendes, *_ = files
    proc = run(str(impots), "--id-column", "identifiant", "--map", "nom=last_name", "--out", str(d / "x.csv"))
    assert proc.returncode == 2 and "colonne d'identifiant" in proc.stderr
    proc = run(str(tmp_path / "absent.csv"), "--id-column", "numero", "--map", "nom=last_name", "--out", "x.csv")
    assert proc.returncode == 2 and "introuvable" in proc.stderr
    folder = tmp_path / "dossier.csv"
    folder.mkdir()
    proc = run(str(folder), "--id-column", "numero", "--map", "nom=last_name", "--out", "x.csv")
    assert proc.returncode == 2 and "est un dossier" in proc.stderr
    proc = run("/dev/null", "--id-column", "numero", "--map", "nom=last_name", "--out", "x.csv")
    assert proc.returncode == 2 and "pas un fichier ordinaire" in proc.stderr
    binary = tmp_path / "binaire.csv"
    binary.write_bytes(b"numero;nom\n" + b"\x00\xff\xfe" * 100)
    proc = run(str(binary), "--id-column", "numero", "--map", "nom=last_name", "--out", str(tmp_path / "y.csv"))
    assert proc.returncode == 2 and "octets nuls" in proc.stderr


def test_windows_1252_detected_on_the_whole_file(tmp_path):
    """The first accented letter may come far down the file: it is still read right."""
    path = tmp_path / "tardif.csv"
    lines = ["numero;nom;prenom"] + [f"{i};MARTIN;PAUL" for i in range(8000)] + ["9001;LEFÈVRE;HÉLÈNE"]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    assert path.stat().st_size > 65536
    out = tmp_path / "paires.csv"
    proc = run(str(path), "--id-column", "numero", "--map", "nom=last_name", "--map", "prenom=first_names",
               "--out", str(out), "--clusters", str(tmp_path / "groupes.csv"))
    assert proc.returncode == 0, proc.stderr
    records = read_records(path, "f", "numero", parse_maps(["nom=last_name", "prenom=first_names"]))
    assert records[-1].last_name == "LEFÈVRE" and records[-1].first_names == "HÉLÈNE"


def test_a_column_absent_from_one_file_is_only_missing_there(files):
    d, impots, amendes, *_ = files
    out = d / "partial.csv"
    # "prenoms" and "nom_naissance" exist only in impots, "nom" only in amendes
    proc = run(str(impots), str(amendes), "--id-column", "numero", "--map", "prenoms=first_names",
               "--map", "nom_naissance=birth_name", "--map", "nom=last_name", "--map", "cp=postcode",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "enregistrements lus" in proc.stderr


def test_empty_file_doubled_header_or_missing_output_folder_exit_2_before_linking(files, tmp_path):
    d, impots, *_ = files
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    doubled = tmp_path / "double.csv"
    doubled.write_text("numero;nom;nom\n1;A;B\n", encoding="utf-8")
    for path, message in ((empty, "fichier vide"), (doubled, "colonne en double")):
        proc = run(str(path), "--id-column", "numero", "--map", "nom=last_name", "--out", str(tmp_path / "x.csv"))
        assert proc.returncode == 2 and message in proc.stderr
    proc = run(str(impots), "--id-column", "numero", "--map", "nom_naissance=birth_name",
               "--out", str(tmp_path / "absent" / "x.csv"))
    assert proc.returncode == 2 and "dossier introuvable pour --out" in proc.stderr
    assert "lus" not in proc.stderr  # nothing was read nor linked before the error


NAMES = parse_maps(["nom=last_name", "prenom=first_names", "naissance=birth_date"])


def _read(tmp_path, content: bytes | str, warn=None):
    path = tmp_path / "f.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return read_records(path, "f", "id", NAMES, warn=warn)


@pytest.mark.parametrize("content, reason", [
    ("id;nom;prenom;naissance\n1;DUPONT;JEAN;01/02/1960;EN TROP\n", "ligne 2 : 5 champs pour 4 colonnes"),
    ("id;nom;prenom;naissance\n1,DUPONT,JEAN,01/02/1960\n", "séparateur différent"),
    ('id;nom;prenom;naissance\n1;DUPONT;"JEAN;01/02/1960\n2;MARTIN;ANNE;03/04/1970\n', "ligne 2 : 3 champ(s)"),
    ("id;nom;prenom;naissance\n;DUPONT;JEAN;01/02/1960\n", "ligne 2 : identifiant (id) vide"),
])
def test_a_malformed_row_refuses_the_file_and_names_the_line(tmp_path, content, reason):
    with pytest.raises(InputError, match=re.escape(reason)):
        _read(tmp_path, content)


def test_rows_of_one_id_with_two_identities_keep_the_first_whole_and_warn(tmp_path):
    warnings: list[str] = []
    records = _read(tmp_path, "id;nom;prenom;naissance\n1;DUPONT;JEAN;\n1;MARTIN;ANNE;03/04/1970\n"
                              "2;LEROY;PAUL;\n2;LEROY;;05/06/1980\n", warn=warnings.append)
    first, second = records
    assert (first.last_name, first.first_names, first.birth_date) == ("DUPONT", "JEAN", None)  # nothing mixed
    assert (second.last_name, second.first_names, second.birth_date) == ("LEROY", "PAUL", "05/06/1980")
    assert len(warnings) == 1 and "identifiant 1 : lignes 2 et 3 différentes (nom, prenom)" in warnings[0]


def test_each_line_is_decoded_on_its_own_and_old_mac_line_ends_are_read(tmp_path):
    content = ("id;nom;prenom;naissance\r1;MÜLLER;JÜRGEN;\r".encode()
               + "2;LEFÈVRE;HÉLÈNE;\r".encode("cp1252"))
    records = _read(tmp_path, content)
    assert [(r.last_name, r.first_names) for r in records] == [("MÜLLER", "JÜRGEN"), ("LEFÈVRE", "HÉLÈNE")]


def test_a_column_is_found_whatever_its_case_and_accents(tmp_path):
    records = _read(tmp_path, "ID;Nom;Prénom;NAISSANCE\n1;DUPONT;JEAN;01/02/1960\n")
    assert (records[0].id, records[0].last_name, records[0].first_names) == ("1", "DUPONT", "JEAN")


def test_a_quoted_address_over_several_lines_is_one_field(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,nom,adresse\n1,"DUPONT, Jean","12 rue de la Paix\nBat A, esc 2\n29000 Quimper"\n',
                    encoding="utf-8")
    records = read_records(path, "f", "id", parse_maps(["nom=last_name", "adresse=address"]))
    assert records[0].address == ("12 rue de la Paix\nBat A, esc 2\n29000 Quimper",)


def test_an_output_never_overwrites_an_input_another_output_or_a_folder(files, tmp_path):
    d, impots, amendes, *_ = files
    before = impots.read_bytes()
    common = [str(impots), str(amendes), "--id-column", "numero", *MAPS]
    cases = [
        (["--out", str(impots)], "--out écraserait le fichier lu"),
        (["--out", str(tmp_path / "p.csv"), "--clusters", str(tmp_path / "p.csv")], "désignent le même fichier"),
        (["--out", str(tmp_path)], "--out désigne un dossier"),
        (["--out", str(tmp_path / "p.csv"), "--model-out", str(tmp_path)], "--model-out désigne un dossier"),
    ]
    for extra, message in cases:
        proc = run(*common, *extra)
        assert proc.returncode == 2, proc.stderr
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert "enregistrements lus" not in proc.stderr  # refused before anything was read
    assert impots.read_bytes() == before


def test_a_model_may_be_updated_in_place(files, tmp_path):
    d, impots, amendes, *_ = files
    model = tmp_path / "modele.json"
    common = [str(impots), str(amendes), "--id-column", "numero", *MAPS, "--out", str(tmp_path / "p.csv")]
    assert run(*common, "--model-out", str(model)).returncode == 0
    proc = run(*common, "--model", str(model), "--model-out", str(model))
    assert proc.returncode == 0, proc.stderr
    proc = run(*common[:-2], "--out", str(model), "--model", str(model))
    assert proc.returncode == 2 and "--out écraserait le fichier lu" in proc.stderr
