"""Password policy after NIST SP 800-63B §5.1.1: a minimum length, and no password that is common,
repetitive or sequential, or that contains the user's login or name. No composition rules."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 256
_FRENCH_LIST = Path(__file__).resolve().parent / "data" / "mots_de_passe_fr.txt"
_KEYBOARD_ROWS = ("azertyuiopqsdfghjklmwxcvbn", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
                  "1234567890", "0987654321")
# Context-specific words (SP 800-63B: "the name of the service").
_SERVICE_WORDS = ("dgfip",)


def _fold(text: str) -> str:
    """Lower case, compatibility-normalised, without accents: « Élise » and « elise » compare equal."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most frequent leaked passwords, and a French supplement shipped as data."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = {_fold(w) for w in FREQUENCY_LISTS["passwords"]}
    for line in _FRENCH_LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(_fold(line.strip()))
    return frozenset(words)


def _is_common(folded: str) -> bool:
    common = common_passwords()
    if folded in common or folded.replace(" ", "") in common:
        return True
    # A common word padded with digits or punctuation (« azerty123456 », « !!soleil2024 »).
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    return len(core) >= 4 and core in common


def _is_repetitive(password: str) -> bool:
    if len(set(password)) <= 2:
        return True  # « aaaaaaaaaaaa », twelve spaces, « abababababab »
    for unit in range(1, 5):  # « abcabcabcabc », « 1234123412341234 »
        head = password[:unit]
        if (head * (len(password) // unit + 1))[: len(password)] == password:
            return True
    return False


def _is_sequential(folded: str) -> bool:
    compact = folded.replace(" ", "")
    steps = {ord(b) - ord(a) for a, b in zip(compact, compact[1:], strict=False)}
    if steps <= {1} or steps <= {-1}:
        return True  # « abcdefghijkl », « 987654321098 » is caught below
    if all(ch.isdigit() for ch in compact):
        digits = {(int(b) - int(a)) % 10 for a, b in zip(compact, compact[1:], strict=False)}
        if digits <= {1} or digits <= {9}:
            return True  # « 123456789012 »
    return any(compact in row * 2 for row in _KEYBOARD_ROWS) or any(
        compact in row[::-1] * 2 for row in _KEYBOARD_ROWS)


def _personal_words(login: str | None, display_name: str | None) -> list[str]:
    words = [_fold(login)] if login else []
    for part in re.split(r"[\s.\-_']+", display_name or "") + re.split(r"[.\-_]+", login or ""):
        if len(part) >= 3:
            words.append(_fold(part))
    return [w for w in words if len(w) >= 3]


def problems(password: str, login: str | None = None, display_name: str | None = None) -> list[str]:
    """Every reason to refuse ``password`` (French); empty when acceptable."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        found.append(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        found.append(f"Le mot de passe ne peut dépasser {MAX_LENGTH} caractères.")
    folded = _fold(password)
    if _is_repetitive(folded) or _is_sequential(folded):
        found.append("Le mot de passe est une suite ou une répétition de caractères (« aaaa », « 1234 », "
                     "« azerty ») : choisissez une phrase de passe.")
    elif _is_common(folded):
        found.append("Ce mot de passe figure parmi les plus courants : choisissez-en un autre, par exemple "
                     "une phrase de quelques mots.")
    compact = re.sub(r"[\s.\-_']+", "", folded)
    if any(word in folded or word.replace(".", "") in compact for word in _personal_words(login, display_name)):
        found.append("Le mot de passe ne doit contenir ni l'identifiant ni le nom de l'utilisateur.")
    elif any(word in compact for word in _SERVICE_WORDS):
        found.append("Le mot de passe ne doit pas contenir le nom du service (« DGFiP »).")
    return found
