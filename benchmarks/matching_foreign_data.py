"""A FEBRL-style benchmark of records the French reference does not know, generated here (seeded).

Two CSV files in English (``originals.csv``, ``duplicates.csv``): persons living abroad with
four-digit postcodes and free-typed towns, one duplicate per original carrying one to five
modifications (at most two per field), as the FEBRL generator makes them: typing errors in names
(insertion, deletion, substitution, transposition, OCR and phonetic confusions), in dates (one
digit, two neighbouring digits swapped, day and month swapped), in postcodes and towns, street
abbreviations, missing values. ``truth.csv`` gives each record's person.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

GIVEN = (
    "james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony "
    "mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan "
    "jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander "
    "patrick frank raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret "
    "sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca "
    "sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha "
    "katherine christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce "
    "virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline "
    "martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise "
    "amber doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte marie kayla "
    "alexis lori chloe liam noah oliver lucas mason logan ethan harper ella zoe riley lily ava mia jade"
).split()
SURNAMES = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez "
    "wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark "
    "ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams "
    "nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker "
    "cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper "
    "peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james "
    "bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez "
    "powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez "
    "simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole "
    "hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens "
    "harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker "
    "guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz "
    "hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice "
    "schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley "
    "spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham "
    "duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston "
    "matthews pena richards willis carpenter lawrence sandoval guerrero george chapman rios estrada ortega "
    "watkins greene nunez wheeler valdez harper burke larson santiago maldonado morrison franklin carlson "
    "austin dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery oliver jensen harvey "
    "williamson gilbert dean sims espinoza howell li wong reid hanson le mccoy garrett burton fuller wang "
    "weber welch rojas lucas marquez fields park yang little banks padilla day walsh bowman schultz luna "
    "fowler mejia davidson acosta brewer may holland juarez newman pearson curtis cortez douglas schneider "
    "joseph barrett navarro figueroa keller avila wade molina stanley hopkins campos barnett bates chambers "
    "caldwell beck lambert miranda byrd craig ayala lowe frazier powers neal leonard gregory carrillo sutton "
    "fleming rhodes shelton schwartz norris jennings watts duran walters cohen mcdaniel moran parks steele "
    "vaughn becker holt deleon barker terry hale leon hail benson haynes horton miles lyons pham graves bush "
    "thornton wolfe warner cabrera mckinney mann zimmerman dawson lara fletcher page mccarthy love robles "
    "cervantes solis erickson reeves chang klein salinas fuentes baldwin daniel simon velasquez hardy higgins "
    "aguirre lin cummings chandler sharp barber bowen ochoa dennis robbins liu ramsey francis griffith paul "
    "blair oconnor cardenas pacheco cross calderon quinn moss swanson chan rivas khan rodgers serrano "
    "fitzgerald rosales stevenson christensen manning gill curry mclaughlin harmon mcgee gross doyle garner "
    "newton burgess reese walton blake trujillo adkins brady goodman roman webster goodwin fischer huang "
    "potter delacruz montoya todd wu hines mullins castaneda malone cannon tate mack sherman hubbard hodges "
    "zhang guerra wolf valencia saunders franco rowe gallagher farmer hammond hampton townsend ingram wise"
).split()
STREET_WORDS = (
    "oak pine maple cedar elm willow birch ash cherry spruce hill lake river park church mill station "
    "king queen victoria albert george high bridge market north south east west green forest meadow "
    "spring valley sunset ocean harbour beach garden orchard chapel abbey castle manor grove heath"
).split()
STREET_TYPES = (("street", "st"), ("road", "rd"), ("avenue", "ave"), ("drive", "dr"), ("lane", "ln"),
                ("place", "pl"), ("crescent", "cres"), ("court", "ct"), ("close", "cl"), ("terrace", "tce"))
TOWNS = (
    "canberra kingston belconnen tuggeranong woden queanbeyan goulburn wollongong newcastle gosford penrith "
    "parramatta liverpool campbelltown blacktown bankstown hornsby manly bondi randwick maroubra cronulla "
    "bathurst orange dubbo tamworth armidale lismore ballina grafton coffs harbour port macquarie taree "
    "wagga albury griffith broken hill geelong ballarat bendigo shepparton mildura warrnambool traralgon "
    "hobart launceston devonport burnie adelaide glenelg elizabeth gawler darwin palmerston alice springs "
    "brisbane ipswich logan toowoomba cairns townsville mackay rockhampton bundaberg gladstone perth "
    "fremantle mandurah bunbury geraldton kalgoorlie albany broome"
).split(" ")
STATES = ("nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt")
ADDRESS_2 = ("", "", "", "", "", "unit {n}", "flat {n}", "apartment {n}", "rosedale", "the willows", "kingsford")

_KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb",
    "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol",
    "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc",
    "y": "tghu", "z": "asx",
}
_OCR = (("m", "rn"), ("rn", "m"), ("w", "vv"), ("cl", "d"), ("d", "cl"), ("l", "1"), ("o", "0"), ("s", "5"),
        ("i", "l"), ("b", "h"))
_PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ie", "y"), ("y", "ie"),
             ("ou", "ow"), ("ee", "ea"), ("ei", "ie"), ("ll", "l"), ("tt", "t"), ("son", "sen"), ("th", "t"))


def _typo(rnd: random.Random, word: str) -> str:
    """One typing error: insertion, deletion, substitution (a neighbouring key), transposition."""
    if len(word) < 2:
        return word + rnd.choice("aeiou")
    i = rnd.randrange(len(word))
    kind = rnd.random()
    near = _KEYBOARD.get(word[i], "aeiou")
    if kind < 0.3:
        return word[:i] + rnd.choice(near) + word[i + 1:]
    if kind < 0.55:
        return word[:i] + rnd.choice(near) + word[i:]
    if kind < 0.8:
        return word[:i] + word[i + 1:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _name_error(rnd: random.Random, word: str) -> str:
    r = rnd.random()
    if r < 0.7:
        return _typo(rnd, word)
    table = _OCR if r < 0.8 else _PHONETIC
    hits = [(a, b) for a, b in table if a in word]
    if not hits:
        return _typo(rnd, word)
    a, b = rnd.choice(hits)
    return word.replace(a, b, 1)


def _date_error(rnd: random.Random, d: str) -> str:
    """``d`` is YYYYMMDD: one digit changed, two neighbours swapped, or day and month swapped."""
    r = rnd.random()
    if r < 0.45:
        i = rnd.randrange(8)
        return d[:i] + str((int(d[i]) + rnd.randrange(1, 10)) % 10) + d[i + 1:]
    if r < 0.8:
        i = rnd.randrange(7)
        if d[i] != d[i + 1]:
            return d[:i] + d[i + 1] + d[i] + d[i + 2:]
        return d[:i] + str((int(d[i]) + 1) % 10) + d[i + 1:]
    if int(d[6:]) <= 12 and d[6:] != d[4:6]:
        return d[:4] + d[6:] + d[4:6]
    return d[:6] + d[7] + d[6]


def _digit_error(rnd: random.Random, code: str) -> str:
    i = rnd.randrange(len(code))
    if rnd.random() < 0.5 and i < len(code) - 1:
        return code[:i] + code[i + 1] + code[i] + code[i + 2:]
    return code[:i] + str((int(code[i]) + rnd.randrange(1, 10)) % 10) + code[i + 1:]


FIELDS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
          "date_of_birth")


def _original(rnd: random.Random, k: int) -> dict[str, str]:
    born = date.fromordinal(date(1930, 1, 1).toordinal() + rnd.randrange(75 * 365))
    word, (typ_long, typ_short) = rnd.choice(STREET_WORDS), rnd.choice(STREET_TYPES)
    return {
        "rec_id": f"rec-{k}-org",
        "given_name": rnd.choice(GIVEN) if rnd.random() > 0.02 else "",
        "surname": rnd.choice(SURNAMES) if rnd.random() > 0.01 else "",
        "street_number": str(rnd.randint(1, 400)) if rnd.random() > 0.05 else "",
        "address_1": f"{word} {typ_long if rnd.random() < 0.7 else typ_short}",
        "address_2": rnd.choice(ADDRESS_2).format(n=rnd.randint(1, 40)),
        "suburb": rnd.choice(TOWNS),
        "postcode": str(rnd.randint(800, 7999)).zfill(4),
        "state": rnd.choice(STATES),
        "date_of_birth": born.strftime("%Y%m%d") if rnd.random() > 0.03 else "",
    }


def _duplicate(rnd: random.Random, org: dict[str, str], k: int) -> dict[str, str]:
    dup = dict(org, rec_id=f"rec-{k}-dup-0")
    budget = rnd.randint(1, 5)
    per_field: dict[str, int] = {}
    while budget:
        f = rnd.choice(FIELDS)
        if per_field.get(f, 0) >= 2:
            continue
        per_field[f] = per_field.get(f, 0) + 1
        budget -= 1
        value = dup[f]
        if not value or rnd.random() < 0.08:  # a value lost (or one given where the original had none)
            dup[f] = "" if value else org[f]
            continue
        if f in ("given_name", "surname", "suburb", "address_2"):
            dup[f] = _name_error(rnd, value)
        elif f == "address_1":
            word, _, typ = value.rpartition(" ")
            short = dict(STREET_TYPES).get(typ)
            long = {s: t for t, s in STREET_TYPES}.get(typ)
            dup[f] = f"{word} {short or long}" if rnd.random() < 0.5 and (short or long) else _name_error(rnd, value)
        elif f == "date_of_birth":
            dup[f] = _date_error(rnd, value)
        elif f in ("postcode", "street_number"):
            dup[f] = _digit_error(rnd, value)
        else:  # state
            dup[f] = rnd.choice(STATES)
    return dup


def generate(folder: Path, persons: int = 5000, seed: int = 1) -> Path:
    """Write originals.csv, duplicates.csv and truth.csv (``persons`` of each) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "truth.csv").exists():
        return folder
    rnd = random.Random(seed)
    originals = [_original(rnd, k) for k in range(persons)]
    duplicates = [_duplicate(rnd, o, k) for k, o in enumerate(originals)]
    rnd.shuffle(duplicates)
    for name, rows in (("originals.csv", originals), ("duplicates.csv", duplicates)):
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["rec_id", *FIELDS])
            w.writeheader()
            w.writerows(rows)
    with (folder / "truth.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "rec_id", "person"])
        for k in range(persons):
            w.writerow(["originals.csv", f"rec-{k}-org", k])
            w.writerow(["duplicates.csv", f"rec-{k}-dup-0", k])
    return folder
