"""Seeded demo population: the three source extracts and their ground truth.

`generate_population(persons, seed, out_dir)` writes, in the formats of `mrf.ingest.formats`:

- ``impots.csv`` (SIP), ``amendes.csv`` (AMD), ``secteur_local.csv`` (Hélios): one line per
  créance, the debtor's identity repeated on each line, ``;``-separated, UTF-8, header row;
- ``verite.csv``: ``source,source_key,person_id``, one row per source record (debtor key).

Every generated person is a debtor in forced recovery in the four experimental départements (89,
43, 58, 06), living in a real commune drawn by population, in a household: spouses (the wife often
uses her husband's name), parents with adult children (a son may carry his father's first name),
twins, widows, divorced women still known under their former married name, namesakes, people who
moved (newer address in impôts, older one in amendes), duplicates inside one source. Each source
writes the identity as that application would hold it (DOMAIN.md), with its own rate of typing
errors. Same seed, same files, byte for byte; memory stays bounded (records are streamed to
bucket files, then each bucket is shuffled so that a household's records are not adjacent).
"""

from __future__ import annotations

import bisect
import math
import random
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from faker.providers.person.fr_FR import Provider as _FakerPerson

from matching.reference import Commune, load_reference
from mrf.demo.structures import DEPARTEMENTS, CompetenceIndex, demo_structures
from mrf.ingest.formats import AMENDES, IMPOTS, SECTEUR_LOCAL, Source

TODAY = date(2026, 11, 23)
_FIRST_DAY = date(2019, 1, 1).toordinal()
_TODAY = TODAY.toordinal()

TRUTH_HEADER = ("source", "source_key", "person_id")


@dataclass(frozen=True)
class DemoFiles:
    impots: Path
    amendes: Path
    secteur_local: Path
    truth: Path
    persons: int
    households: int
    multi_source_persons: int  # persons present in at least two sources
    records: dict[str, int]  # source -> number of debtor records (keys)
    lines: dict[str, int]  # source -> number of créance lines
    common_debtors: int = 0  # persons appended by ``common`` (included in ``persons``)


@dataclass(frozen=True)
class CommonDebtors:
    """Persons appended after the plain stream, all debtors of several sources in one territory: what a
    demo panel selects (the plain stream has too few of them for groups of a few hundred).

    ``communes``: INSEE codes where they live (drawn by population); ``combos``: their sources, among
    ``IA``, ``IS``, ``AS``, ``IAS`` (I impôts, A amendes, S secteur local), drawn evenly; ``hospital``: their
    first local titre is a hospital one."""

    persons: int
    communes: tuple[str, ...]
    combos: tuple[str, ...]
    hospital: bool = False


# ---------------------------------------------------------------------------------------------
# Weighted draws and identifiers


class _Pick:
    """Weighted choice by bisection on cumulated weights (much faster than random.choices)."""

    __slots__ = ("items", "cum", "total", "last")

    def __init__(self, items, weights) -> None:
        self.items = list(items)
        cum, acc = [], 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        self.cum, self.total, self.last = cum, acc, len(cum) - 1

    def __call__(self, rnd: random.Random):
        i = bisect.bisect_right(self.cum, rnd.random() * self.total)
        return self.items[i if i <= self.last else self.last]


class _Ids:
    """Distinct pseudo-random numbers below ``modulus``: an affine bijection of a counter."""

    __slots__ = ("modulus", "a", "b", "n")

    def __init__(self, modulus: int, rnd: random.Random) -> None:
        self.modulus, self.a, self.b, self.n = modulus, 2_654_435_761, rnd.randrange(modulus), 0

    def next(self) -> int:
        x = (self.n * self.a + self.b) % self.modulus
        self.n += 1
        return x


def numero_fiscal(ten_digits: int) -> str:
    """A valid numéro fiscal (SPI) from a number below 4·10⁹: 10 digits + (first 10 mod 511)."""
    head = f"{ten_digits:010d}"
    return f"{head}{ten_digits % 511:03d}"


_DATES: dict[date, str] = {}


def _fmt_date(d: date) -> str:
    """JJ/MM/AAAA (cached: the same dates come back often)."""
    out = _DATES.get(d)
    if out is None:
        out = f"{d.day:02d}/{d.month:02d}/{d.year}"
        if len(_DATES) < 100_000:
            _DATES[d] = out
    return out


def _eur(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


_STRIP: dict[str, str] = {}


def _strip(text: str) -> str:
    """Text without diacritics (cached: names repeat)."""
    out = _STRIP.get(text)
    if out is None:
        out = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        if len(_STRIP) < 200_000:
            _STRIP[text] = out
    return out


def _up(text: str, accents: bool) -> str:
    return text.upper() if accents else _strip(text).upper()


# ---------------------------------------------------------------------------------------------
# Name pools

_FAKER_SURNAMES = tuple(dict.fromkeys(_FakerPerson.last_names))
_FAKER_EXCLUDED = {
    "Alexandria", "Alexandrie", "Alex", "Maggie", "Margaret", "Nath", "Susan", "Lucy", "Olivie",
    "Arnaude", "Célina", "Margaud", "William", "Isaac", "Zacharie", "Honoré", "Théophile",
}

# Most frequent first names by birth cohort (INSEE fichier des prénoms, rounded order).
_MALE_COHORTS = (
    (1954, "Jean Michel André Pierre Jacques Bernard Claude Roger Gérard Robert René Daniel Marcel "
           "Alain Jean-Pierre Jean-Claude Georges Louis Henri Jean-Marie Paul Maurice Raymond "
           "Christian Guy Jean-Louis Roland Yves Joseph Jean-Paul Marc Jean-Jacques Serge Gilbert "
           "Lucien Francis Jean-François Jacky Dominique Patrick Guy"),
    (1974, "Philippe Alain Patrick Michel Christian Thierry Éric Pascal Daniel Dominique Didier "
           "Jean-Pierre Bruno Gilles Christophe Laurent Jean-Luc Frédéric Olivier Stéphane Joël "
           "Denis Jean-Marc Serge Hervé Jean-François Jean-Michel Bernard Marc Franck Francis "
           "Vincent Fabrice Jean-Claude Jacques Gérard Jean-Paul Lionel Régis Jean-Marie"),
    (1994, "Nicolas Julien Sébastien Christophe David Stéphane Frédéric Laurent Olivier Mickaël "
           "Jérôme Cédric Guillaume Anthony Romain Thomas Kévin Maxime Alexandre Fabien Vincent "
           "Mathieu Benjamin Jonathan Arnaud Yannick Ludovic Florian Damien Jérémy Grégory Franck "
           "Emmanuel Mohamed Karim Sylvain Pierre Loïc Samuel Aurélien"),
    (2100, "Thomas Lucas Théo Hugo Maxime Alexandre Nicolas Quentin Antoine Kévin Clément Enzo "
           "Mathis Louis Baptiste Florian Valentin Dylan Romain Julien Anthony Nathan Corentin "
           "Alexis Benjamin Adrien Paul Tom Léo Killian Mohamed Yanis Rayan Bastien Jordan Axel "
           "Mehdi Ryan Lucas Matthieu"),
)
_FEMALE_COHORTS = (
    (1954, "Marie Jeanne Monique Françoise Jacqueline Nicole Michèle Colette Simone Denise Josette "
           "Yvette Madeleine Christiane Danielle Odette Suzanne Paulette Annie Marie-Thérèse "
           "Marie-Claude Marie-France Marie-Louise Ginette Huguette Renée Andrée Geneviève "
           "Bernadette Janine Gisèle Arlette Éliane Lucienne Yvonne Germaine Marcelle"),
    (1974, "Martine Nathalie Isabelle Sylvie Catherine Christine Françoise Brigitte Patricia "
           "Valérie Chantal Véronique Dominique Sandrine Corinne Pascale Nadine Évelyne "
           "Marie-Christine Marie-Claire Marie-Pierre Marie-Hélène Laurence Muriel Béatrice "
           "Florence Annick Joëlle Carole Karine Anne Hélène Agnès Fabienne Marie-Laure"),
    (1994, "Stéphanie Céline Sandrine Aurélie Émilie Virginie Julie Nathalie Karine Élodie Audrey "
           "Laetitia Mélanie Sophie Caroline Amandine Jessica Vanessa Marie Sarah Laura Anaïs "
           "Camille Delphine Séverine Cindy Élise Angélique Christelle Fatima Marion Pauline "
           "Nadia Samira Sabrina Alexandra"),
    (2100, "Manon Camille Laura Léa Marie Chloé Sarah Océane Pauline Julie Emma Marine Mathilde "
           "Anaïs Justine Clara Inès Lisa Morgane Charlotte Lucie Élodie Marion Jade Amandine Eva "
           "Clémence Émilie Margaux Lola Maëva Yasmine Lina Noémie Alicia"),
)

_FOREIGN_SURNAMES = (
    "Benali Haddad Mansouri Belkacem Bouzid Saidi Amrani Cherif Hamidi Ouali Ziani Benamar "
    "Nguyen Tran Diallo Traoré Diop Koné Camara Sylla Da Costa Gonçalves Pinto Teixeira Carvalho "
    "Oliveira Mendes Lopes Silva Yilmaz Kaya Demir Öztürk Kowalski Nowak Popescu Ferrari Romano "
    "Esposito Costa Moreira Benmoussa El Amrani Ait Ali"
)
# A few surnames over-represented in each département (Burgundy, Velay/Auvergne, Nivernais, Nice).
_REGIONAL_SURNAMES = {
    "89": "Bouchard Guyot Perrot Jacquot Colas Bonnot Cornu Guillot Prost Moingeon Rameau Chaumont "
          "Bourgeois Boulé Petitjean Jobert Maréchal Tissier Charpentier Javelot",
    "43": "Chabrier Bonnefoy Chambon Pradier Issartel Rochette Malartre Chapuis Astier Reynaud "
          "Jouve Bouchet Vernet Teyssier Gibert Faure Delorme Chazot Boyer Vidal",
    "58": "Ragon Lhomme Perreau Gaudry Chevrier Blondeau Bonnin Tixier Pinet Boussard Gallois "
          "Guillemot Bouillot Dupuis Martinat Thévenin Billaut Laporte Cottin Dumay",
    "06": "Giordano Ferrero Rossi Bianchi Russo Gallo Maurel Baudoin Lions Raybaud Giraud Barbero "
          "Musso Gastaud Ghiglione Bottero Pastorelli Cotta Ciais Arnaud",
}
_SUR_ONSETS = ("B", "Bl", "Br", "C", "Ch", "Cl", "Cr", "D", "F", "Fl", "Fr", "G", "Gr", "J", "L",
               "M", "N", "P", "Pr", "R", "S", "T", "Tr", "V")
_SUR_VOWELS = ("a", "e", "i", "o", "ou", "au", "ai", "eu")
_SUR_MIDDLES = ("b", "ch", "d", "g", "gn", "l", "ll", "m", "n", "nd", "r", "rd", "rn", "rt", "s",
                "ss", "t", "v", "nt", "rg", "rc")
_SUR_ENDINGS = ("ard", "aud", "eau", "el", "et", "ette", "ier", "in", "ot", "on", "ou", "oux", "ey",
                "and", "ant", "at", "ès", "ière", "ault", "ac", "as", "y", "ie", "e", "é", "ol",
                "in", "iat", "elin", "eron")


class _Names:
    """Pools of surnames and first names with realistic frequencies (built once)."""

    def __init__(self) -> None:
        faker_last = list(dict.fromkeys(_FakerPerson.last_names))
        base = [(n, 1.0 / (rank + 40)) for rank, n in enumerate(faker_last)]
        base_total = sum(w for _, w in base)
        names = [n for n, _ in base]
        weights = [0.60 * w / base_total for _, w in base]
        foreign = self._rejoin(_FOREIGN_SURNAMES.split())
        names += foreign
        weights += [0.08 / len(foreign)] * len(foreign)
        synth_rnd = random.Random(1789)
        synth: dict[str, None] = {}
        known = set(names)
        while len(synth) < 6000:
            name = (synth_rnd.choice(_SUR_ONSETS) + synth_rnd.choice(_SUR_VOWELS)
                    + synth_rnd.choice(_SUR_MIDDLES) + synth_rnd.choice(_SUR_ENDINGS))
            r = synth_rnd.random()
            if r < 0.02:
                name = "Le " + name
            elif r < 0.03:
                name = "Du " + name
            if name not in known:
                synth[name] = None
        names += list(synth)
        weights += [0.30 / len(synth)] * len(synth)
        regional_all = {n for v in _REGIONAL_SURNAMES.values() for n in v.split()}
        for n in sorted(regional_all - set(names)):
            names.append(n)
            weights.append(0.0)
        index = {n: i for i, n in enumerate(names)}
        self.surnames: dict[str, _Pick] = {}
        for dep in DEPARTEMENTS:
            w = list(weights)
            for n in _REGIONAL_SURNAMES[dep].split():
                w[index[n]] += 0.0008
            self.surnames[dep] = _Pick(names, w)

        tail = {
            "M": [n for n in dict.fromkeys(_FakerPerson.first_names_male) if n not in _FAKER_EXCLUDED],
            "F": [n for n in dict.fromkeys(_FakerPerson.first_names_female) if n not in _FAKER_EXCLUDED],
        }
        self.firsts: dict[str, list[tuple[int, _Pick]]] = {}
        self.middles: dict[str, list[_Pick]] = {}
        for sex, cohorts in (("M", _MALE_COHORTS), ("F", _FEMALE_COHORTS)):
            picks = []
            for k, (last_year, text) in enumerate(cohorts):
                top = list(dict.fromkeys(text.split()))
                items = top + [n for n in tail[sex] if n not in top]
                rare = 0.15 if k < 2 else 0.06  # Faker's list: older names, rarer for the young
                w = [1.0 / (i + 3) ** 0.9 for i in range(len(top))]
                top_total = sum(w)
                w = [x * (1 - rare) / top_total for x in w]
                rest = len(items) - len(top)
                w += [rare / rest] * rest
                picks.append((last_year, _Pick(items, w)))
            self.firsts[sex] = picks
            # middle names: simple (not composed) names of the previous cohort and the tail
            mids = []
            for i, (_, _text) in enumerate(cohorts):
                prev = cohorts[max(0, i - 1)][1].split()
                items = [n for n in dict.fromkeys(prev + tail[sex]) if "-" not in n]
                mids.append(_Pick(items, [1.0 / (k + 5) for k in range(len(items))]))
            self.middles[sex] = mids

    @staticmethod
    def _rejoin(words: list[str]) -> list[str]:
        out: list[str] = []
        for w in words:
            if out and out[-1] in ("Da", "El", "Ait"):
                out[-1] = f"{out[-1]} {w}"
            else:
                out.append(w)
        return out

    def cohort(self, year: int) -> int:
        for i, (last_year, _) in enumerate(self.firsts["M"]):
            if year <= last_year:
                return i
        return len(self.firsts["M"]) - 1

    def first(self, sex: str, year: int, rnd: random.Random) -> str:
        return self.firsts[sex][self.cohort(year)][1](rnd)

    def middle(self, sex: str, year: int, rnd: random.Random) -> str:
        if sex == "F" and rnd.random() < 0.22:
            return "Marie"
        return self.middles[sex][self.cohort(year)](rnd)


# ---------------------------------------------------------------------------------------------
# Places

_STREET_NAMES = (
    "de la République", "Jean Jaurès", "Victor Hugo", "du Général de Gaulle", "Charles de Gaulle",
    "Pasteur", "Gambetta", "du Maréchal Foch", "Georges Clemenceau", "de la Gare", "de l'Église",
    "du Moulin", "des Écoles", "du Stade", "des Tilleuls", "des Acacias", "des Lilas", "du Château",
    "de la Fontaine", "de la Mairie", "du 8 Mai 1945", "du 11 Novembre", "de la Libération",
    "Jules Ferry", "Anatole France", "Émile Zola", "de Paris", "de Lyon", "Nationale", "des Prés",
    "des Vignes", "des Cerisiers", "du Colombier", "du Pont", "de la Poste", "Saint-Martin",
    "Notre-Dame", "des Jardins", "du Parc", "des Roses", "de la Paix", "Aristide Briand",
    "Louis Pasteur", "Jean Moulin", "Pierre Curie", "Marie Curie", "de Verdun", "de la Croix",
    "du Four", "des Champs", "du Lavoir", "des Platanes", "des Marronniers", "Paul Bert",
    "Jean Macé", "Voltaire", "Carnot", "Thiers", "de la Résistance", "des Peupliers",
    "du Docteur Roux", "Léon Blum", "Gabriel Péri", "Pierre Brossolette", "des Fleurs",
    "du Calvaire", "de la Chapelle", "du Puits", "des Bleuets", "de Bel Air", "du Soleil",
)
_REGIONAL_STREETS = {
    "89": ("de Bourgogne", "de l'Yonne", "d'Auxerre", "de Sens", "des Vendanges", "de Chablis"),
    "43": ("d'Auvergne", "de la Loire", "du Velay", "de la Dentelle", "de Lafayette", "du Mézenc"),
    "58": ("de la Loire", "du Nivernais", "du Morvan", "de Nevers", "des Flotteurs", "du Bazois"),
    "06": ("des Oliviers", "de la Mer", "des Mimosas", "de la Corniche", "des Orangers",
           "Masséna", "de Provence", "du Paillon", "des Pins", "Garibaldi"),
}
_LIEUX_DITS = ("le Bourg", "les Grands Champs", "la Croix Blanche", "le Moulin Neuf", "les Vignes",
               "la Forêt", "le Château", "les Bordes", "la Grange", "les Chaumes", "le Plessis",
               "la Côte", "les Granges", "le Mont", "la Chaume", "les Places", "le Verger")
# canonical type -> forms (full, La Poste abbreviation, other spellings seen)
_VOIE_FORMS = {
    "RUE": ("RUE", "RUE", "R"),
    "AVENUE": ("AVENUE", "AV", "AV."),
    "BOULEVARD": ("BOULEVARD", "BD", "BLVD"),
    "CHEMIN": ("CHEMIN", "CHE", "CH"),
    "IMPASSE": ("IMPASSE", "IMP", "IMP."),
    "PLACE": ("PLACE", "PL", "PL."),
    "ALLEE": ("ALLÉE", "ALL", "ALLEE"),
    "ROUTE": ("ROUTE", "RTE", "RTE"),
    "QUAI": ("QUAI", "QUAI", "QU"),
    "RESIDENCE": ("RÉSIDENCE", "RES", "RESID"),
    "LOTISSEMENT": ("LOTISSEMENT", "LOT", "LOTISST"),
    "GRANDE RUE": ("GRANDE RUE", "GDE RUE", "GRANDE RUE"),
}
_URBAN_VOIES = _Pick(
    ("RUE", "AVENUE", "BOULEVARD", "IMPASSE", "PLACE", "ALLEE", "CHEMIN", "QUAI", "RESIDENCE"),
    (45, 20, 10, 6, 4, 6, 5, 2, 2))
_RURAL_VOIES = _Pick(
    ("RUE", "ROUTE", "CHEMIN", "IMPASSE", "PLACE", "GRANDE RUE", "LOTISSEMENT", None),
    (32, 15, 12, 7, 5, 4, 5, 20))  # None: lieu-dit without street
_COMPLEMENTS = ("APPT {n}", "BAT {b}", "BAT {b} APPT {n}", "RESIDENCE LES PINS", "RES LE PARC",
                "ESC {n}", "ETAGE {n}", "LOGEMENT {n}", "CHEZ M. {s}")
_BIG_BIRTH_CITIES = _Pick(
    ("Paris", "Paris 14e Arrondissement", "Paris 12e Arrondissement", "Lyon", "Marseille",
     "Dijon", "Clermont-Ferrand", "Saint-Étienne", "Bourges", "Orléans", "Troyes", "Nice",
     "Toulon", "Montpellier", "Lille", "Nancy", "Besançon", "Grenoble", "Créteil", "Versailles",
     "Boulogne-Billancourt", "Montreuil", "Saint-Denis", "Mâcon", "Chalon-sur-Saône"),
    (20, 4, 4, 10, 8, 6, 6, 5, 3, 3, 3, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2))
_ABROAD = _Pick(
    ("Alger (Algérie)", "Oran (Algérie)", "Constantine (Algérie)", "Casablanca (Maroc)",
     "Rabat (Maroc)", "Tunis (Tunisie)", "Porto (Portugal)", "Lisbonne (Portugal)",
     "Braga (Portugal)", "Turin (Italie)", "Gênes (Italie)", "Vintimille (Italie)",
     "Dakar (Sénégal)", "Bamako (Mali)", "Istanbul (Turquie)", "Varsovie (Pologne)",
     "Bucarest (Roumanie)", "Madrid (Espagne)", "Monaco (Monaco)"),
    (8, 3, 2, 6, 2, 4, 5, 3, 2, 3, 2, 3, 2, 2, 2, 1, 2, 2, 3))

_HOSPITALS = {
    "AUXERRE": "CENTRE HOSPITALIER D'AUXERRE", "SENS": "CENTRE HOSPITALIER DE SENS",
    "AVALLON": "CENTRE HOSPITALIER D'AVALLON", "LE-PUY": "CENTRE HOSPITALIER EMILE ROUX",
    "BRIOUDE": "CENTRE HOSPITALIER DE BRIOUDE", "YSSINGEAUX": "CENTRE HOSPITALIER D'YSSINGEAUX",
    "NEVERS": "CENTRE HOSPITALIER DE L'AGGLOMERATION DE NEVERS",
    "COSNE": "CENTRE HOSPITALIER DE COSNE-COURS-SUR-LOIRE", "CLAMECY": "CENTRE HOSPITALIER DE CLAMECY",
    "NICE": "CENTRE HOSPITALIER UNIVERSITAIRE DE NICE",
    "CANNES": "CENTRE HOSPITALIER DE CANNES SIMONE VEIL",
    "ANTIBES": "CENTRE HOSPITALIER D'ANTIBES JUAN-LES-PINS", "GRASSE": "CENTRE HOSPITALIER DE GRASSE",
    "MENTON": "CENTRE HOSPITALIER LA PALMOSA",
}
_MAIN_TOWN = {"89": "AUXERRE", "43": "LE-PUY", "58": "NEVERS", "06": "NICE"}


def _of(name: str) -> str:
    """French 'de' + commune name, with elision and contraction: D'AUXERRE, DU PUY-EN-VELAY."""
    up = _strip(name).upper()
    if up.startswith("LE "):
        return "DU " + up[3:]
    if up.startswith("LES "):
        return "DES " + up[4:]
    if up[0] in "AEIOUYH":
        return "D'" + up
    return "DE " + up


# ---------------------------------------------------------------------------------------------
# Typing noise


_PHONETIC = (("PH", "F"), ("TH", "T"), ("Y", "I"), ("EAU", "O"), ("AU", "O"), ("AI", "E"),
             ("EI", "E"), ("QU", "K"), ("SS", "S"), ("LL", "L"), ("TT", "T"), ("NN", "N"),
             ("MM", "M"), ("RR", "R"), ("S", "Z"), ("C", "K"), ("EN", "AN"), ("AN", "EN"),
             ("ER", "EZ"), ("ET", "AIT"), ("OT", "AUT"), ("IL", "ILL"))
_OCR = (("RN", "M"), ("M", "RN"), ("CL", "D"), ("I", "L"), ("L", "I"), ("U", "V"), ("V", "U"),
        ("E", "F"), ("H", "N"), ("O", "Q"), ("C", "G"), ("B", "E"), ("N", "H"))
_KEYBOARD = {"A": "ZQ", "Z": "AES", "E": "ZRD", "R": "ETF", "T": "RYG", "Y": "TUH", "U": "YIJ",
             "I": "UOK", "O": "IPL", "P": "OM", "Q": "AS", "S": "QDZ", "D": "SFE", "F": "DGR",
             "G": "FHT", "H": "GJY", "J": "HKU", "K": "JLI", "L": "KMO", "M": "LP", "W": "XQ",
             "X": "WC", "C": "XV", "V": "CB", "B": "VN", "N": "BM"}


def _typo(text: str, rnd: random.Random) -> str:
    """One realistic typing error: swap, drop, double, phonetic, keyboard or OCR confusion."""
    n = len(text)
    if n < 3:
        return text
    k = rnd.random()
    i = rnd.randrange(1, n - 1)  # the first letter is rarely wrong
    c = text[i]
    if not c.isalpha():
        return text
    if k < 0.22:
        nxt = text[i + 1]
        return text if not nxt.isalpha() or nxt == c else text[:i] + nxt + c + text[i + 2:]
    if k < 0.42:
        return text[:i] + text[i + 1:]
    if k < 0.55:
        return text[:i] + c + text[i:]
    if k < 0.75:
        subs = [(a, b) for a, b in _PHONETIC if a in text[1:]]
        if subs:
            a, b = subs[rnd.randrange(len(subs))]
            j = text.find(a, 1)
            return text[:j] + b + text[j + len(a):]
        return text
    if k < 0.88:
        near = _KEYBOARD.get(c)
        return text[:i] + near[rnd.randrange(len(near))] + text[i + 1:] if near else text
    subs = [(a, b) for a, b in _OCR if a in text[1:]]
    if subs:
        a, b = subs[rnd.randrange(len(subs))]
        j = text.find(a, 1)
        return text[:j] + b + text[j + len(a):]
    return text


def _noise(text: str, rnd: random.Random, rate: float) -> str:
    if text and rnd.random() < rate:
        text = _typo(text, rnd)
        if rnd.random() < 0.12:
            text = _typo(text, rnd)
    return text


def _hyphens(text: str, rnd: random.Random, rate: float) -> str:
    """Compound names typed with a space, glued, or a hyphen instead of a space."""
    if rnd.random() >= rate:
        return text
    if "-" in text:
        return text.replace("-", " " if rnd.random() < 0.75 else "")
    if "'" in text:
        return text.replace("'", " " if rnd.random() < 0.6 else "")
    if " " in text:
        return text.replace(" ", "" if rnd.random() < 0.5 else "-", 1)
    return text


def _noisy_date(d: date, rnd: random.Random, swap: float, digit: float) -> date:
    """Day and month swapped, or one digit of the day, month or year's last digit wrong."""
    r = rnd.random()
    if r < swap:
        if d.day <= 12 and d.day != d.month:
            return date(d.year, d.day, d.month)
        return d
    if r < swap + digit:
        for _ in range(4):
            which = rnd.randrange(3)
            try:
                if which == 0:
                    cand = d.replace(day=(d.day // 10) * 10 + rnd.randrange(10) or 1)
                elif which == 1:
                    cand = d.replace(month=(d.month % 10 + rnd.choice((-1, 1, 2))) % 12 + 1)
                else:
                    cand = d.replace(year=(d.year // 10) * 10 + rnd.randrange(10))
            except ValueError:
                continue
            if cand != d and cand.toordinal() < _TODAY - 18 * 365:
                return cand
    return d


# ---------------------------------------------------------------------------------------------
# The population


class _Addr:
    __slots__ = ("num", "ext", "vtype", "vname", "compl", "commune", "postcode")

    def __init__(self, num, ext, vtype, vname, compl, commune, postcode) -> None:
        self.num, self.ext, self.vtype, self.vname = num, ext, vtype, vname
        self.compl, self.commune, self.postcode = compl, commune, postcode


class _Person:
    __slots__ = ("pid", "sex", "birth", "birth_place", "firsts", "usual", "birth_name",
                 "usage_name", "former_usage", "widowed", "married", "addr", "old_addr", "dep")

    def __init__(self, pid, sex, birth, birth_place, firsts, birth_name, addr, old_addr, dep):
        self.pid, self.sex, self.birth, self.birth_place = pid, sex, birth, birth_place
        self.firsts, self.usual = firsts, 0
        self.birth_name, self.usage_name, self.former_usage = birth_name, None, None
        self.widowed = self.married = False
        self.addr, self.old_addr, self.dep = addr, old_addr, dep


# sources: I impôts, A amendes, S secteur local
_COMBOS = ("I", "A", "S", "IA", "IS", "AS", "IAS")
_MIX_ADULT = _Pick(_COMBOS, (22, 16, 13, 18, 13, 8, 10))
_MIX_YOUNG = _Pick(_COMBOS, (8, 35, 15, 12, 5, 17, 8))
_MIX_OLD = _Pick(_COMBOS, (30, 5, 30, 5, 22, 3, 5))
# Households, as cumulated shares: one adult, couple (the last part with adult children), one
# parent with an adult child, then adult twins living together. Twins are about 3 % of people
# and seldom share a home as adults; a son given his father's first first name is uncommon in
# France: both traps are kept, at generous but plausible rates.
_SINGLE, _COUPLE, _COUPLE_WITH_CHILDREN, _PARENT_CHILD = 0.52, 0.80, 0.10, 0.98
_JUNIOR = 0.10  # share of sons named like their father
_AGES = _Pick(((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 90)),
              (10, 22, 22, 19, 14, 8, 5))


class _Generator:
    def __init__(self, persons: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.ref = load_reference()
        self.names = _names()
        self.competence = CompetenceIndex(demo_structures())
        communes = [c for c in self.ref.by_code.values()
                    if c.departement in DEPARTEMENTS and c.type == "COM" and c.postcodes]
        communes.sort(key=lambda c: c.code_insee)
        self.communes = _Pick(communes, [max(c.population, 20) for c in communes])
        self.by_dep = {d: _Pick([c for c in communes if c.departement == d],
                                [max(c.population, 20) for c in communes if c.departement == d])
                       for d in DEPARTEMENTS}
        france = sorted((c for c in self.ref.by_code.values() if c.type == "COM"),
                        key=lambda c: c.code_insee)
        self.france = _Pick([c.nom for c in france], [math.sqrt(max(c.population, 1)) for c in france])
        self.streets = {d: _Pick(_STREET_NAMES + _REGIONAL_STREETS[d],
                                 [3] * len(_STREET_NAMES) + [2] * len(_REGIONAL_STREETS[d]))
                        for d in DEPARTEMENTS}
        self.sip_town = {}
        for s in demo_structures():
            if s.type == "sip":
                for code in s.communes:
                    self.sip_town[code] = s.code[4:]
        rnd = self.rnd
        self.nif = _Ids(4_000_000_000, rnd)
        self.amd_ids = _Ids(10_000_000_000, rnd)
        self.tiers_ids = _Ids(1_000_000_000, rnd)
        self.avis_ids = _Ids(1_000_000_000, rnd)
        self.amende_ids = _Ids(1_000_000_000_000, rnd)
        self.titre_seq = 0
        self.made = 0
        self.households = 0
        self.multi = 0
        self.namesakes: list[tuple[str, tuple[str, ...], str]] = []
        # Set only while common debtors are appended (:class:`CommonDebtors`): where they live, which
        # sources hold them, whether their local titres include a hospital one. None: the plain stream.
        self.territory: _Pick | None = None
        self.combos: _Pick | None = None
        self.hospital = False
        width = max(7, len(str(persons)))
        self.pid_fmt = "P{:0" + str(width) + "d}"

    # -- places ------------------------------------------------------------------------------
    def address(self, dep: str | None = None) -> _Addr:
        rnd = self.rnd
        commune: Commune = self.by_dep[dep](rnd) if dep else (self.territory or self.communes)(rnd)
        dep = commune.departement
        pcs = commune.postcodes
        postcode = pcs[0] if len(pcs) == 1 else pcs[rnd.randrange(len(pcs))]
        urban = commune.population >= 5000
        vtype = _URBAN_VOIES(rnd) if urban else _RURAL_VOIES(rnd)
        if vtype is None:
            vname = _LIEUX_DITS[rnd.randrange(len(_LIEUX_DITS))]
            num = None if rnd.random() < 0.7 else 1 + int(rnd.expovariate(1 / 8))
        else:
            if rnd.random() < 0.12:  # named after someone: a plain first name and a common surname
                sex = "M" if rnd.random() < 0.85 else "F"
                first = self.names.firsts[sex][0][1].items[rnd.randrange(12)]
                vname = f"{first} {_FAKER_SURNAMES[rnd.randrange(len(_FAKER_SURNAMES))]}"
            else:
                vname = self.streets[dep](rnd)
            num = 1 + int(rnd.expovariate(1 / (28 if urban else 12)))
            if vtype == "GRANDE RUE":
                vname = ""
            elif vtype == "RESIDENCE" or vtype == "LOTISSEMENT":
                vname = vname if rnd.random() < 0.5 else _LIEUX_DITS[rnd.randrange(len(_LIEUX_DITS))]
        r = rnd.random()
        ext = "BIS" if r < 0.03 else "TER" if r < 0.037 else "B" if r < 0.045 else ""
        compl = ""
        if rnd.random() < (0.18 if urban else 0.04):
            compl = _COMPLEMENTS[rnd.randrange(len(_COMPLEMENTS))].format(
                n=1 + rnd.randrange(40), b="ABCDEFG"[rnd.randrange(7)],
                s=_strip(self.names.surnames[dep](rnd)).upper())
        return _Addr(num, ext if num else "", vtype, vname, compl, commune, postcode)

    def birth_place(self, dep: str) -> str:
        r = self.rnd.random()
        if r < 0.45:
            return self.by_dep[dep](self.rnd).nom
        if r < 0.78:
            return _BIG_BIRTH_CITIES(self.rnd)
        if r < 0.92:
            return self.france(self.rnd)
        return _ABROAD(self.rnd)

    # -- people ------------------------------------------------------------------------------
    def birth_for_age(self, age: int) -> date:
        return date.fromordinal(_TODAY - int(age * 365.25) - self.rnd.randrange(365))

    def first_names(self, sex: str, year: int) -> list[str]:
        rnd = self.rnd
        r = rnd.random()
        old = year < 1960
        count = 1 if r < (0.12 if old else 0.22) else 2 if r < (0.50 if old else 0.68) else 3 if r < 0.96 else 4
        first = self.names.first(sex, year, rnd)
        names = [first]
        while len(names) < count:
            m = self.names.middle(sex, year, rnd)
            if m not in names and m not in first:
                names.append(m)
            elif rnd.random() < 0.3:
                break
        return names

    def person(self, sex: str, birth: date, birth_name: str, addr, old_addr, dep,
               firsts: list[str] | None = None) -> _Person:
        rnd = self.rnd
        pid = self.pid_fmt.format(self.made + 1)
        self.made += 1
        p = _Person(pid, sex, birth, self.birth_place(dep), firsts or self.first_names(sex, birth.year),
                    birth_name, addr, old_addr, dep)
        if len(p.firsts) > 1 and rnd.random() < 0.05:
            p.usual = 1
        return p

    def moved(self, addr: _Addr) -> _Addr | None:
        """An older address for the household: same département mostly, sometimes another."""
        rnd = self.rnd
        if rnd.random() >= 0.18:
            return None
        dep = addr.commune.departement if rnd.random() < 0.8 else DEPARTEMENTS[rnd.randrange(4)]
        return self.address(dep)

    def household(self) -> list[_Person]:
        rnd = self.rnd
        addr = self.address()
        dep = addr.commune.departement
        old = self.moved(addr)
        surname = self.names.surnames[dep]
        r = rnd.random()
        out: list[_Person] = []
        if r < _SINGLE:  # one adult
            lo, hi = _AGES(rnd)
            age = rnd.randint(lo, hi)
            sex = "M" if rnd.random() < 0.55 else "F"
            birth = self.birth_for_age(age)
            if self.namesakes and rnd.random() < 0.04:  # a namesake of someone already made
                nsex, nfirsts, nname = self.namesakes[rnd.randrange(len(self.namesakes))]
                p = self.person(nsex, birth, nname, addr, old, dep, firsts=[nfirsts[0]] + [
                    n for n in self.first_names(nsex, birth.year)[1:] if n != nfirsts[0]])
            else:
                p = self.person(sex, birth, surname(rnd), addr, old, dep)
            if p.sex == "F" and age >= 65 and rnd.random() < 0.45:  # widow
                p.usage_name, p.widowed = surname(rnd), True
            elif p.sex == "F" and 30 <= age < 65 and rnd.random() < 0.10:  # divorced
                p.former_usage = surname(rnd)
            out.append(p)
        elif r < _COUPLE:  # couple, possibly with adult children
            with_children = r >= _COUPLE - _COUPLE_WITH_CHILDREN
            age = rnd.randint(45, 66) if with_children else rnd.randint(*_AGES(rnd))
            age = max(age, 22)
            husband = self.person("M", self.birth_for_age(age), surname(rnd), addr, old, dep)
            wife_age = max(38 if with_children else 18, min(95, age - int(rnd.gauss(2, 4))))
            wife = self.person("F", self.birth_for_age(wife_age), surname(rnd), addr, old, dep)
            if rnd.random() < 0.68:  # married
                husband.married = wife.married = True
                if rnd.random() < 0.9:
                    wife.usage_name = husband.birth_name
            out += [husband, wife]
            if with_children:
                for _ in range(1 if rnd.random() < 0.65 else 2):
                    kid_age = rnd.randint(18, min(32, wife_age - 18))
                    sex = "M" if rnd.random() < 0.55 else "F"
                    birth = self.birth_for_age(kid_age)
                    name = husband.birth_name
                    if birth.year >= 2005 and rnd.random() < 0.12:
                        name = f"{husband.birth_name}-{wife.birth_name}"
                    firsts = None
                    if sex == "M" and rnd.random() < _JUNIOR:  # son named like his father
                        firsts = [husband.firsts[0]] + self.first_names("M", birth.year)[1:]
                        firsts = list(dict.fromkeys(firsts))
                    out.append(self.person(sex, birth, name, addr, old, dep, firsts=firsts))
        elif r < _PARENT_CHILD:  # one parent with an adult child
            age = rnd.randint(42, 70)
            sex = "F" if rnd.random() < 0.8 else "M"
            parent = self.person(sex, self.birth_for_age(age), surname(rnd), addr, old, dep)
            name = parent.birth_name
            if sex == "F" and rnd.random() < 0.6:
                parent.former_usage = surname(rnd)
                name = parent.former_usage
            out.append(parent)
            kid_sex = "M" if rnd.random() < 0.55 else "F"
            kid_firsts = None
            if sex == "M" and kid_sex == "M" and rnd.random() < _JUNIOR:
                kid_firsts = [parent.firsts[0]]
            kid_age = rnd.randint(18, min(30, age - 18))
            out.append(self.person(kid_sex, self.birth_for_age(kid_age), name, addr, old, dep,
                                   firsts=kid_firsts))
        else:  # adult twins, with a parent half of the time
            age = rnd.randint(18, 45)
            birth = self.birth_for_age(age)
            name = surname(rnd)
            if rnd.random() < 0.5:
                parent = self.person("F", self.birth_for_age(age + rnd.randint(20, 38)), surname(rnd),
                                     addr, old, dep)
                parent.usage_name = name
                out.append(parent)
            a = self.person("M" if rnd.random() < 0.5 else "F", birth, name, addr, old, dep)
            sex_b = a.sex if rnd.random() < 0.6 else ("F" if a.sex == "M" else "M")
            firsts_b = self.first_names(sex_b, birth.year)
            while firsts_b[0] == a.firsts[0]:
                firsts_b = self.first_names(sex_b, birth.year)
            b = self.person(sex_b, birth, name, addr, old, dep, firsts=firsts_b)
            out += [a, b]
        for p in out:
            if len(self.namesakes) < 512:
                self.namesakes.append((p.sex, tuple(p.firsts), p.birth_name))
            elif rnd.random() < 0.05:
                self.namesakes[rnd.randrange(512)] = (p.sex, tuple(p.firsts), p.birth_name)
        self.households += 1
        return out

    def sources(self, p: _Person) -> str:
        if self.combos is not None:
            return self.combos(self.rnd)
        age = (_TODAY - p.birth.toordinal()) // 365
        mix = _MIX_YOUNG if age < 26 else _MIX_OLD if age >= 70 else _MIX_ADULT
        return mix(self.rnd)


@lru_cache(maxsize=1)
def _names() -> _Names:
    return _Names()


# ---------------------------------------------------------------------------------------------
# Rendering per source


class _Style:
    """How one record is typed: accents, abbreviations, letter case."""

    __slots__ = ("accents", "abbrev", "title", "poste")

    def __init__(self, accents: bool, abbrev: int, title: bool = False, poste: bool = False):
        self.accents, self.abbrev, self.title, self.poste = accents, abbrev, title, poste


def _case(text: str, style: _Style) -> str:
    if style.title:
        return text.title() if style.accents else _strip(text).title()
    return _up(text, style.accents)


def _commune_label(c: Commune, style: _Style) -> str:
    name = _up(c.nom, style.accents)
    if style.poste:  # La Poste style: no hyphen, SAINT -> ST
        name = name.replace("-", " ").replace("'", " ")
        name = name.replace("SAINTE ", "STE ").replace("SAINT ", "ST ")
    return name


def _address_fields(a: _Addr, style: _Style, rnd: random.Random, *, keep_compl: float,
                    postcode_typo: float, insee: float, typo: float) -> dict[str, str]:
    if a.num is None:
        numero = ""
    elif a.ext:
        r = rnd.random()
        ext = a.ext
        numero = (f"{a.num} {ext}" if r < 0.55 else f"{a.num}{ext}" if r < 0.8
                  else f"{a.num} {ext[0]}" if r < 0.9 else f"{a.num}{ext[0]}")
    else:
        numero = str(a.num)
    if a.vtype is None:
        voie = _case(a.vname, style)
        if rnd.random() < 0.3:
            voie = "LIEU-DIT " + voie if not style.title else "Lieu-dit " + voie
    else:
        forms = _VOIE_FORMS[a.vtype]
        vt = forms[style.abbrev] if style.abbrev < 3 else forms[0]
        vt = _up(vt, style.accents)
        if style.title:
            vt = vt.title()
        name = _case(a.vname, style)
        if not style.accents and rnd.random() < 0.2:
            name = name.replace("'", " ")
        voie = f"{vt} {name}" if name else vt
    voie = _noise(voie, rnd, typo)
    compl = a.compl if a.compl and rnd.random() < keep_compl else ""
    postcode = a.postcode
    label = _commune_label(a.commune, style)
    if rnd.random() < postcode_typo:  # one wrong digit among the last three; label kept right
        i = rnd.randrange(2, 5)
        postcode = postcode[:i] + str((int(postcode[i]) + rnd.randrange(1, 10)) % 10) + postcode[i + 1:]
    code = a.commune.code_insee if rnd.random() < insee else ""
    if code:  # the INSEE code designates the commune: its label may be mistyped too
        label = _noise(label, rnd, typo)
    return {"numero_voie": numero, "voie": voie, "complement_adresse": compl, "code_postal": postcode,
            "commune": label, "code_insee": code}


# ---------------------------------------------------------------------------------------------
# Créances


def _pick_date(rnd: random.Random, lo: int = _FIRST_DAY, hi: int = _TODAY) -> date:
    return date.fromordinal(rnd.randint(lo, hi))


def _rar(initial: int, rnd: random.Random, paid_share: float) -> int:
    """Reste à recouvrer: whole, or partly paid (instalments, a seized sum)."""
    r = rnd.random()
    if r < 1 - paid_share:
        return initial
    rar = int(initial * rnd.uniform(0.05, 0.95))
    return max(rar, 1)


def _lognormal_cents(rnd: random.Random, median_eur: float, sigma: float, lo: float, hi: float) -> int:
    eur = min(max(rnd.lognormvariate(math.log(median_eur), sigma), lo), hi)
    return int(round(eur * 100))


_YEARS = _Pick(range(2019, 2027), (5, 6, 7, 9, 11, 14, 18, 16))
_IMPOTS = _Pick(("IR", "TF", "TH", "CAP"), (50, 26, 20, 4))
# (mise en recouvrement, exigibilité) as (month, day) per impôt
_IMPOT_DATES = {"IR": ((7, 31), (9, 15)), "TF": ((8, 31), (10, 15)), "TH": ((10, 31), (12, 15)),
                "CAP": ((10, 31), (12, 15))}
_AFM = _Pick(((33, 1), (75, 2), (180, 3), (375, 4)), (5, 17, 33, 45))
_LOCAL_OBJECTS = _Pick(
    (("eau", "eau", 180, 0.8, 15, 3000), ("assainissement", "assainissement", 120, 0.7, 15, 2000),
     ("cantine scolaire", "principal", 140, 0.7, 15, 1500),
     ("accueil périscolaire", "principal", 90, 0.7, 15, 900), ("crèche", "principal", 320, 0.7, 15, 3000),
     ("redevance ordures ménagères", "ordures ménagères", 190, 0.4, 15, 900),
     ("loyer", "principal", 450, 0.6, 15, 6000), ("fourrière", "principal", 160, 0.3, 15, 600),
     ("transport scolaire", "transports", 110, 0.4, 15, 500)),
    (26, 10, 20, 8, 8, 9, 6, 3, 4))
_HOSPITAL_OBJECTS = _Pick(("frais d'hospitalisation", "forfait journalier", "consultations externes",
                           "passage aux urgences", "ticket modérateur"), (34, 22, 20, 14, 10))


# ---------------------------------------------------------------------------------------------
# Writing


class _Buckets:
    """Records streamed into bucket files at random, each bucket shuffled when finished."""

    def __init__(self, folder: Path, name: str, count: int, rnd: random.Random) -> None:
        self.rnd = rnd
        self.paths = [folder / f"{name}.{i:03d}" for i in range(count)]
        self.files = [open(p, "w", encoding="utf-8", newline="") for p in self.paths]
        self.records = 0
        self.lines = 0

    def add(self, truth: str, lines: list[str]) -> None:
        self.records += 1
        self.lines += len(lines)
        f = self.files[self.rnd.randrange(len(self.files))] if len(self.files) > 1 else self.files[0]
        f.write(truth + "\x1f" + "\x1e".join(lines) + "\n")

    def drain(self, out, truth_out, shuffle: random.Random) -> None:
        for f in self.files:
            f.close()
        for path in self.paths:
            with open(path, encoding="utf-8", newline="") as fh:
                chunks = fh.read().split("\n")
            path.unlink()
            chunks.pop()  # after the last newline
            shuffle.shuffle(chunks)
            lines, truths = [], []
            for chunk in chunks:
                t, body = chunk.split("\x1f", 1)
                truths.append(t)
                lines.append(body.replace("\x1e", "\n"))
            if lines:
                out.write("\n".join(lines) + "\n")
                truth_out.write("\n".join(truths) + "\n")


def generate_population(persons: int = 2000, seed: int = 0, out_dir: Path | str = Path("."),
                        common: Sequence[CommonDebtors] = ()) -> DemoFiles:
    """Write impots.csv, amendes.csv, secteur_local.csv and verite.csv into ``out_dir``.

    ``common`` appends common debtors after the ``persons`` of the plain stream, from an RNG stream of
    their own: without it the files are those of the plain stream, byte for byte (matching benchmarks)."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    for group in common:
        if group.persons < 0 or not group.communes or not group.combos:
            raise ValueError("common debtors need a non-negative count, communes and source combinations")
        if any(len(c) < 2 or set(c) - set("IAS") for c in group.combos):
            raise ValueError(f"unknown source combination in {group.combos}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gen = _Generator(persons, seed)
    shuffle = random.Random(seed * 7919 + 17)
    count = max(1, persons // 20_000)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".demo-") as tmp:
        folder = Path(tmp)
        buckets = {s: _Buckets(folder, s.value, count, gen.rnd) for s in Source}
        writer = _Writer(gen, buckets)
        while gen.made < persons:
            members = gen.household()
            if gen.made > persons:  # last household trimmed to the requested size
                extra = gen.made - persons
                members = members[: len(members) - extra]
                gen.made = persons
            for p in members:
                writer.person(p)
        extra = _append_common(gen, writer, common, seed)
        paths = {
            Source.IMPOTS: out_dir / "impots.csv",
            Source.AMENDES: out_dir / "amendes.csv",
            Source.SECTEUR_LOCAL: out_dir / "secteur_local.csv",
        }
        truth_path = out_dir / "verite.csv"
        with open(truth_path, "w", encoding="utf-8", newline="") as truth_out:
            truth_out.write(",".join(TRUTH_HEADER) + "\n")
            for source, fmt in ((Source.IMPOTS, IMPOTS), (Source.AMENDES, AMENDES),
                                (Source.SECTEUR_LOCAL, SECTEUR_LOCAL)):
                with open(paths[source], "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
                    out.write(";".join(fmt.names) + "\n")
                    buckets[source].drain(out, truth_out, shuffle)
    return DemoFiles(
        impots=paths[Source.IMPOTS], amendes=paths[Source.AMENDES],
        secteur_local=paths[Source.SECTEUR_LOCAL], truth=truth_path,
        persons=gen.made, households=gen.households, multi_source_persons=gen.multi,
        records={s.value: buckets[s].records for s in Source},
        lines={s.value: buckets[s].lines for s in Source},
        common_debtors=extra,
    )


def _append_common(gen: _Generator, writer: _Writer, common: Sequence[CommonDebtors], seed: int) -> int:
    """Households of common debtors, group by group, drawn from their own stream (the plain stream's
    records are all written by now; identifiers and person numbers continue, so none collides)."""
    if not any(g.persons for g in common):
        return 0
    rnd = random.Random(seed * 104_729 + 2027)
    gen.rnd = writer.rnd = rnd
    start = gen.made
    for group in common:
        communes = sorted((gen.ref.by_code[c] for c in group.communes
                           if c in gen.ref.by_code and gen.ref.by_code[c].postcodes), key=lambda c: c.code_insee)
        if not communes:
            raise ValueError("common debtors: none of their communes is in the reference")
        gen.territory = _Pick(communes, [max(c.population, 20) for c in communes])
        gen.combos = _Pick(group.combos, [1] * len(group.combos))
        gen.hospital = group.hospital
        goal = gen.made + group.persons
        while gen.made < goal:
            members = gen.household()
            if gen.made > goal:
                members = members[: len(members) - (gen.made - goal)]
                gen.made = goal
            for p in members:
                writer.person(p)
    gen.territory = gen.combos = None
    gen.hospital = False
    return gen.made - start


_ADDRESS_COLUMNS = ("numero_voie", "voie", "complement_adresse", "code_postal", "commune", "code_insee")


class _Writer:
    """Turns a person into source records, each typed as its application would hold it."""

    def __init__(self, gen: _Generator, buckets: dict[Source, _Buckets]) -> None:
        self.gen, self.rnd, self.buckets = gen, gen.rnd, buckets
        # columns in file order; a column the generator does not know stays empty
        self.columns = {f.source: f.names for f in (IMPOTS, AMENDES, SECTEUR_LOCAL)}
        self.identity_columns = {
            Source.IMPOTS: {"numero_fiscal", "nom_naissance", "nom_usage", "prenoms", "sexe",
                            "date_naissance", "lieu_naissance", *_ADDRESS_COLUMNS},
            Source.AMENDES: {"id_debiteur", "nom", "prenom", "sexe", "date_naissance",
                             "lieu_naissance", *_ADDRESS_COLUMNS},
            Source.SECTEUR_LOCAL: {"id_tiers", "nom", "prenom", "sexe", "date_naissance",
                                   *_ADDRESS_COLUMNS},
        }
        self.creance_columns = {s: [n for n in names if n not in self.identity_columns[s]]
                                for s, names in self.columns.items()}

    def _template(self, source: Source, identity: dict[str, str]) -> str:
        """The record's line with its identity filled in and {} for each créance column."""
        ident = self.identity_columns[source]
        return ";".join(identity.get(n, "").replace("{", "{{").replace("}", "}}") if n in ident else "{}"
                        for n in self.columns[source])

    def _line(self, source: Source, template: str, creance: dict[str, str]) -> str:
        get = creance.get
        return template.format(*[get(n, "") for n in self.creance_columns[source]])

    def person(self, p: _Person) -> None:
        combo = self.gen.sources(p)
        if len(combo) > 1:
            self.gen.multi += 1
        rnd = self.rnd
        if "I" in combo:
            self.impots(p, duplicate=False)
            if rnd.random() < 0.003:
                self.impots(p, duplicate=True)
        if "A" in combo:
            self.amendes(p)
            if rnd.random() < 0.03:
                self.amendes(p)
        if "S" in combo:
            self.local(p)
            if rnd.random() < 0.08:
                self.local(p)

    # -- first names --------------------------------------------------------------------------
    def _first(self, p: _Person, style: _Style, rate: float, usual: float) -> str:
        """One first name: the first one, or the one the person goes by (``usual`` share)."""
        rnd = self.rnd
        name = p.firsts[p.usual if rnd.random() < usual else 0]
        r = rnd.random()
        if "-" in name and r < 0.25:
            parts = name.split("-")
            name = parts[0] if r < 0.06 else " ".join(parts) if r < 0.2 else "".join(parts)
        return _noise(_case(name, style), rnd, rate)

    # -- impôts --------------------------------------------------------------------------------
    def impots(self, p: _Person, duplicate: bool) -> None:
        rnd, gen = self.rnd, self.gen
        key = numero_fiscal(gen.nif.next())
        style = _Style(accents=rnd.random() < 0.3, abbrev=1 if rnd.random() < 0.7 else 0, poste=True)
        rate = 0.004 if not duplicate else 0.05
        birth_name = _noise(_up(p.birth_name, style.accents), rnd, rate)
        usage = ""
        if p.usage_name and p.usage_name != p.birth_name and rnd.random() < 0.85:
            usage = _noise(_up(p.usage_name, style.accents), rnd, rate)
        firsts = [_up(n, style.accents) for n in p.firsts]
        if duplicate and len(firsts) > 1:
            firsts = firsts[:1]
        prenoms = _noise(" ".join(firsts), rnd, rate)
        birth = _noisy_date(p.birth, rnd, 0.002, 0.003 if not duplicate else 0.05)
        lieu = _up(p.birth_place, style.accents) if rnd.random() < (0.93 if not duplicate else 0.5) else ""
        addr = p.addr
        ident = {"numero_fiscal": key, "nom_naissance": birth_name, "nom_usage": usage,
                 "prenoms": prenoms, "sexe": p.sex, "date_naissance": _fmt_date(birth),
                 "lieu_naissance": lieu,
                 **_address_fields(addr, style, rnd, keep_compl=0.9, postcode_typo=0.002, insee=1.0,
                                    typo=0.003)}
        comptable = gen.competence.competent("impots", addr.commune.code_insee).code
        template = self._template(Source.IMPOTS, ident)
        dep = addr.commune.departement
        lines = []
        seen: set[tuple[str, int]] = set()
        for _ in range(1 + min(int(rnd.expovariate(1 / 1.3)), 9)):
            impot = _IMPOTS(rnd)
            year = _YEARS(rnd)
            if impot == "TH" and year >= 2023 and rnd.random() < 0.7:
                impot = "TF"  # since 2023 the TH only remains on second homes
            if impot in ("TH", "CAP") and year >= 2026:
                year = 2025
            if impot == "CAP" and year > 2021:
                year = 2019 + rnd.randrange(3)
            if (impot, year) in seen:
                continue
            seen.add((impot, year))
            (m1, d1), (m2, d2) = _IMPOT_DATES[impot]
            mer, exig = date(year, m1, d1), date(year, m2, d2)
            if impot == "IR" and rnd.random() < 0.2:  # rôle supplémentaire, any time of year
                mer = _pick_date(rnd, date(year, 1, 31).toordinal(), min(date(year, 12, 31).toordinal(), _TODAY - 60))
                exig = date.fromordinal(mer.toordinal() + 45)
            if impot == "IR":
                initial = _lognormal_cents(rnd, 1100, 1.0, 61, 60_000)
            elif impot == "TF":
                initial = _lognormal_cents(rnd, 950, 0.6, 12, 15_000)
            elif impot == "TH":
                initial = _lognormal_cents(rnd, 700, 0.5, 12, 6_000)
            else:
                initial = {2019: 13900, 2020: 13800, 2021: 13800}[year]
            if rnd.random() < 0.6:  # majoration de 10 % for late payment
                initial = initial * 11 // 10
            rar = _rar(initial, rnd, 0.3)
            ref = f"{year % 100:02d}{dep}{gen.avis_ids.next():09d}"
            lines.append(self._line(Source.IMPOTS, template, {
                "reference_avis": ref, "impot": impot, "annee": str(year),
                "montant_initial": _eur(initial), "reste_a_recouvrer": _eur(rar),
                "date_mise_en_recouvrement": _fmt_date(mer), "date_exigibilite": _fmt_date(exig),
                "comptable": comptable}))
        self.buckets[Source.IMPOTS].add(f"impots,{key},{p.pid}", lines)

    # -- amendes -------------------------------------------------------------------------------
    def amendes(self, p: _Person) -> None:
        rnd, gen = self.rnd, self.gen
        key = f"{gen.amd_ids.next():010d}"
        style = _Style(accents=rnd.random() < 0.08, abbrev=rnd.choice((0, 1, 2)), poste=rnd.random() < 0.5)
        rate = 0.04
        name = p.birth_name
        if p.former_usage and rnd.random() < 0.5:
            name = p.former_usage
        elif p.usage_name and rnd.random() < 0.78:
            name = p.usage_name
        nom = _noise(_hyphens(_up(name, style.accents), rnd, 0.15), rnd, rate)
        prenom = self._first(p, style, rate, usual=0.15) if rnd.random() < 0.98 else ""
        sexe = p.sex if rnd.random() < 0.75 else ""
        birth = "" if rnd.random() < 0.4 else _fmt_date(_noisy_date(p.birth, rnd, 0.02, 0.02))
        lieu = _noise(_up(p.birth_place, False), rnd, rate) if birth and rnd.random() < 0.5 else ""
        addr = p.old_addr if p.old_addr is not None and rnd.random() < 0.7 else p.addr
        ident = {"id_debiteur": key, "nom": nom, "prenom": prenom, "sexe": sexe,
                 "date_naissance": birth, "lieu_naissance": lieu,
                 **_address_fields(addr, style, rnd, keep_compl=0.4, postcode_typo=0.01, insee=0.5,
                                    typo=0.03)}
        comptable = gen.competence.competent("amendes", addr.commune.code_insee).code
        template = self._template(Source.AMENDES, ident)
        lines = []
        n = 1 + min(int(rnd.expovariate(1 / 0.9)), 14)
        if rnd.random() < 0.04:  # a heavy offender
            n += rnd.randint(4, 12)
        for _ in range(n):
            r = rnd.random()
            infraction = _pick_date(rnd, _FIRST_DAY, _TODAY - 60)
            if r < 0.75:
                kind, (euros, _classe) = "AFM", _AFM(rnd)
                categorie = "contravention"
                initial = euros * 100
                titre = infraction.toordinal() + rnd.randint(46, 130)
            elif r < 0.93:
                kind = "amende pénale"
                if rnd.random() < 0.4:
                    categorie, initial = "contravention", rnd.choice((200, 300, 450, 500, 750, 1000, 1500)) * 100
                else:
                    categorie, initial = "delit", rnd.choice((300, 400, 500, 800, 1000, 1500, 2000, 3000, 5000)) * 100
                titre = infraction.toordinal() + rnd.randint(90, 720)
            else:
                kind = "condamnation pécuniaire"
                categorie = "delit" if rnd.random() < 0.8 else "contravention"
                initial = rnd.choice((12700, 12700, 25400, 52700, 100000, 150000))
                titre = infraction.toordinal() + rnd.randint(120, 900)
            titre = date.fromordinal(min(max(titre, _FIRST_DAY), _TODAY - 1))
            rar = _rar(initial, rnd, 0.25)
            ref = f"{gen.amende_ids.next():012d}"
            lines.append(self._line(Source.AMENDES, template, {
                "numero_amende": ref, "type_amende": kind, "categorie_infraction": categorie,
                "date_infraction": _fmt_date(infraction) if rnd.random() < 0.95 else "",
                "date_titre": _fmt_date(titre), "montant_initial": _eur(initial),
                "reste_a_recouvrer": _eur(rar), "comptable": comptable}))
        self.buckets[Source.AMENDES].add(f"amendes,{key},{p.pid}", lines)

    # -- secteur local -------------------------------------------------------------------------
    def local(self, p: _Person) -> None:
        rnd, gen = self.rnd, self.gen
        key = f"{gen.tiers_ids.next():09d}"
        r = rnd.random()
        style = _Style(accents=0.65 <= r < 0.92 or r >= 0.97, abbrev=rnd.choice((0, 1, 2)),
                       title=r >= 0.92, poste=rnd.random() < 0.3)
        rate = 0.06
        up = lambda t: _case(t, style)  # noqa: E731
        birth_name = _hyphens(up(p.birth_name), rnd, 0.15)
        usage = p.usage_name
        if p.former_usage and rnd.random() < 0.3:
            usage = p.former_usage
        def word(w: str) -> str:  # NEE, EPOUSE, VEUVE as the record is typed
            w = w if style.accents else _strip(w)
            return w.title() if style.title else w

        nee = word("NÉE")
        if usage and usage != p.birth_name:
            u = _hyphens(up(usage), rnd, 0.15)
            r = rnd.random()
            if p.widowed and r < 0.3:
                nom = f"{word('VEUVE') if rnd.random() < 0.6 else word('VVE')} {u}"
            elif r < 0.45:
                nom = u
            elif r < 0.62:
                nom = f"{u} {nee} {birth_name}"
            elif r < 0.74:
                nom = f"{birth_name} {word(rnd.choice(('ÉPOUSE', 'EPOUSE', 'EP', 'EP.', 'EPSE')))} {u}"
            elif r < 0.84:
                nom = birth_name
            elif r < 0.92:
                nom = f"{u} {birth_name}"
            else:
                nom = f"{u}-{birth_name}"
        else:
            nom = birth_name
        nom = _noise(nom, rnd, rate)
        prenom = self._first(p, style, rate, usual=0.8)
        r = rnd.random()
        if r < 0.03:  # first name typed in the name field
            nom, prenom = f"{nom} {prenom}", ""
        elif r < 0.05:
            prenom = ""
        elif r < 0.06:
            prenom = prenom[:1]
        elif r < 0.08 and len(p.firsts) > 1:
            prenom = up(" ".join(p.firsts[:2]))
        sexe = p.sex if rnd.random() < 0.55 else ""
        r = rnd.random()
        if r < 0.05:  # civility glued to the name
            civ = (("MME", "MME", "MADAME", "MLLE") if p.sex == "F" else ("M", "MR", "M.", "MONSIEUR"))
            nom = f"{rnd.choice(civ)} {nom}"
        elif r < 0.07 and p.married:  # the couple as one tiers
            nom = f"M ET MME {up(p.usage_name or p.birth_name)}"
        birth = ""
        r = rnd.random()
        if r >= 0.5:
            birth = _fmt_date(_noisy_date(p.birth, rnd, 0.03, 0.02))
            if rnd.random() < 0.01:
                birth = f"01/01/{p.birth.year}"
        addr = p.old_addr if p.old_addr is not None and rnd.random() < 0.15 else p.addr
        ident = {"id_tiers": key, "nom": nom, "prenom": prenom, "sexe": sexe, "date_naissance": birth,
                 **_address_fields(addr, style, rnd, keep_compl=0.7, postcode_typo=0.012, insee=0.7,
                                    typo=0.04)}
        template = self._template(Source.SECTEUR_LOCAL, ident)
        code = addr.commune.code_insee
        town = gen.sip_town[code]
        dep = addr.commune.departement
        age = (_TODAY - p.birth.toordinal()) // 365
        hospital_share = 0.3 + min(age, 90) / 150
        lines = []
        for _ in range(1 + min(int(rnd.expovariate(1 / 1.2)), 11)):
            emission = _pick_date(rnd, _FIRST_DAY, _TODAY - 20)
            year = emission.year
            # a common debtor of a hospital panel holds at least one hospital titre (the first)
            if (self.gen.hospital and not lines) or rnd.random() < hospital_share:
                hosp = town if rnd.random() < 0.75 else _MAIN_TOWN[dep]
                collectivite, code_coll = _HOSPITALS[hosp], f"CH-{hosp}"
                objet, budget = _HOSPITAL_OBJECTS(rnd), "hôpital"
                initial = _lognormal_cents(rnd, 95, 1.1, 5, 25_000)
                flag = "O"
            else:
                objet, budget, median, sigma, lo, hi = _LOCAL_OBJECTS(rnd)
                collectivite, code_coll = f"COMMUNE {_of(addr.commune.nom)}", f"COM-{code}"
                if objet == "eau" and rnd.random() < 0.3:
                    collectivite, code_coll = f"SIAEP {_of(addr.commune.nom)}", f"SIAEP-{code}"
                initial = _lognormal_cents(rnd, median, sigma, lo, hi)
                flag = "N"
            comptable = gen.competence.competent("secteur_local", code, flag == "O").code
            prise = date.fromordinal(min(emission.toordinal() + rnd.randint(1, 20), _TODAY))
            rar = _rar(initial, rnd, 0.3)
            gen.titre_seq += 1
            ref = f"{year}-{code_coll}-{gen.titre_seq:07d}"
            lines.append(self._line(Source.SECTEUR_LOCAL, template, {
                "numero_titre": ref, "collectivite": collectivite, "code_collectivite": code_coll,
                "budget": budget if rnd.random() < 0.9 else "", "hospitalier": flag, "objet": objet,
                "exercice": str(year), "montant_initial": _eur(initial), "reste_a_recouvrer": _eur(rar),
                "date_emission": _fmt_date(emission) if rnd.random() < 0.97 else "",
                "date_prise_en_charge": _fmt_date(prise), "comptable": comptable}))
        self.buckets[Source.SECTEUR_LOCAL].add(f"secteur_local,{key},{p.pid}", lines)
