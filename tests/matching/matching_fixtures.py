"""A small, seeded population in three sources for the matching tests (independent of the demo
generator: other names, other noise), plus helpers."""

from __future__ import annotations

import random
from datetime import date

from matching import Record

SURNAMES = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFEBVRE "
    "LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT "
    "MULLER LEFEVRE FAURE ANDRE MERCIER BLANC GUERIN BOYER GARNIER CHEVALIER FRANCOIS LEGRAND GAUTHIER "
    "GARCIA PERRIN ROBIN CLEMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL "
    "DENIS DUMONT MARIE LEMAIRE NOEL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIERE LUCAS "
    "BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GERARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL "
    "CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE "
    "BENOIT REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ JEAN DUPUY GUILLOT HUBERT "
    "BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY ROYER "
    "KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRE CHARLES RENAULT CHARPENTIER MENARD "
    "MAILLARD BARON BERTIN BAILLY HERVE SCHNEIDER FERNANDEZ LE GALL COLLET LEGER BOUVIER JULIEN "
    "PREVOST MILLET PERROT DANIEL LE ROUX COUSIN GERMAIN BRETON BESSON LANGLOIS REMY LE GOFF PELLETIER "
    "LEVEQUE PERRIER LEBLANC BARRE LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD "
    "DE LA FONTAINE D'ALMEIDA DA SILVA N'DIAYE"
).replace("LE GALL", "LE_GALL").replace("LE ROUX", "LE_ROUX").replace("LE GOFF", "LE_GOFF").replace(
    "DE LA FONTAINE", "DE_LA_FONTAINE").replace("DA SILVA", "DA_SILVA").split()
SURNAMES = tuple(s.replace("_", " ") for s in SURNAMES)
MALE = ("JEAN PIERRE MICHEL PHILIPPE ALAIN NICOLAS CHRISTOPHE PATRICK DANIEL BERNARD LAURENT ERIC "
        "FREDERIC SEBASTIEN DAVID JULIEN THOMAS OLIVIER PASCAL THIERRY STEPHANE ANTOINE GERARD "
        "FRANCOIS MARC YVES GUILLAUME ROGER JACQUES PAUL LOUIS HENRI ANDRE RENE MAXIME HUGO LUCAS").split()
FEMALE = ("MARIE NATHALIE ISABELLE SYLVIE CATHERINE FRANCOISE MARTINE CHRISTINE MONIQUE VALERIE "
          "SANDRINE SOPHIE STEPHANIE CELINE NICOLE CHANTAL AURELIE JULIE CAROLINE LAURENCE ANNE "
          "CLAIRE EMILIE CAMILLE LEA MANON SARAH PAULINE JEANNE HELENE AGNES ODILE BRIGITTE").split()
STREETS = ("RUE DE LA REPUBLIQUE", "AVENUE JEAN JAURES", "BOULEVARD VICTOR HUGO", "CHEMIN DES VIGNES",
           "IMPASSE DES LILAS", "ALLEE DES TILLEULS", "RUE DU MOULIN", "PLACE DE L'EGLISE",
           "ROUTE DE PARIS", "RUE PASTEUR", "RUE DES ECOLES", "AVENUE DU GENERAL DE GAULLE")
ABBREV = {"RUE": "R", "AVENUE": "AV", "BOULEVARD": "BD", "CHEMIN": "CHE", "IMPASSE": "IMP", "ALLEE": "ALL",
          "PLACE": "PL", "ROUTE": "RTE"}
COMMUNES = (("89000", "AUXERRE"), ("89100", "SENS"), ("43000", "LE PUY-EN-VELAY"), ("58000", "NEVERS"),
            ("06000", "NICE"), ("06400", "CANNES"), ("58200", "COSNE-COURS-SUR-LOIRE"), ("89300", "JOIGNY"),
            ("43100", "BRIOUDE"), ("06600", "ANTIBES"))


def typo(text: str, rnd: random.Random) -> str:
    """One typing error: a dropped, doubled, swapped or replaced letter (not the first)."""
    if len(text) < 4:
        return text
    i = rnd.randrange(1, len(text) - 1)
    k = rnd.randrange(4)
    if k == 0:
        return text[:i] + text[i + 1:]
    if k == 1:
        return text[:i] + text[i] + text[i:]
    if k == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rnd.choice("AEIOURSTLNM") + text[i + 1:]


def population(persons: int = 300, seed: int = 7) -> tuple[list[Record], dict[tuple[str, str], str]]:
    """Records of ``persons`` people in sources impots / amendes / helios, and the truth."""
    rnd = random.Random(seed)
    records: list[Record] = []
    truth: dict[tuple[str, str], str] = {}
    for p in range(persons):
        pid = f"P{p:05d}"
        sex = rnd.choice("MF")
        firsts = rnd.sample(MALE if sex == "M" else FEMALE, rnd.choice((1, 2, 2, 3)))
        surname = rnd.choice(SURNAMES)
        usage = rnd.choice(SURNAMES) if sex == "F" and rnd.random() < 0.3 else None
        born = date(rnd.randint(1940, 2004), rnd.randint(1, 12), rnd.randint(1, 28))
        pc, city = rnd.choice(COMMUNES)
        number, street = rnd.randint(1, 80), rnd.choice(STREETS)
        sources = rnd.choice(("I", "IA", "IH", "IAH", "AH", "A", "H", "IA", "IH"))
        n = 0
        for src in sources:
            n += 1
            rid = f"{src}{p:05d}{n}"
            st = street
            if rnd.random() < 0.4:
                w = st.split(" ", 1)
                st = ABBREV.get(w[0], w[0]) + " " + w[1]
            if src == "I":
                rec = Record("impots", rid, first_names=" ".join(firsts), birth_name=surname, usage_name=usage,
                             sex=sex, birth_date=born.strftime("%d/%m/%Y"), street_number=str(number),
                             street=st, postcode=pc, city=city)
            elif src == "A":
                name = usage or surname
                dob = born.strftime("%Y-%m-%d") if rnd.random() < 0.5 else None
                rec = Record("amendes", rid, first_names=firsts[0].title() if rnd.random() < 0.5 else firsts[0],
                             last_name=typo(name, rnd) if rnd.random() < 0.05 else name.lower(),
                             birth_date=dob, address=(f"{number} {st}",), postcode=pc, city=city.title())
            else:
                name = f"{usage} NEE {surname}" if usage and rnd.random() < 0.5 else (usage or surname)
                first = firsts[0]
                if rnd.random() < 0.05:
                    first = typo(first, rnd)
                dob = born.strftime("%d%m%Y") if rnd.random() < 0.5 else None
                rec = Record("helios", rid, first_names=first, last_name=name, birth_date=dob,
                             street=f"{number} {st}", postcode=pc, city=city)
            records.append(rec)
            truth[(rec.source, rid)] = pid
    return records, truth


def same_cluster(clusters: dict, a: tuple[str, str], b: tuple[str, str]) -> bool:
    return clusters[a] == clusters[b]
