"""Polish case forms of brand, doctor and place names, from bounded ending lists on folded words.

Polish declines proper names (Medicover → Medicoveru, Medicoverze; dr Kowalska → dr Kowalskiej),
so a name must match its case forms, but not any longer word (Salus must not match "salusowy").
Words are folded first (ą→a, ę→e, ó→o, ł→l), so the endings below are written folded too.
Italian and English do not decline names: their plain form is always among the forms.
"""
from __future__ import annotations

# Case endings of masculine nouns ending in a consonant (Medicover, Nowak, Kraków, Salus),
# singular and plural; soft stems take the i- variants (Wrocławia, Wrocławiu, Nowakiem).
CONSONANT_ENDINGS = (
    "a", "u", "owi", "em", "ie", "y", "i", "ow", "om", "ami", "ach", "owie",
    "ia", "iu", "iem",
)
# Nouns ending in -a (Warszawa, Zaręba, Medica): -y/-i gen., -e/-ie dat./loc., -ę acc., -ą instr.
A_NOUN_ENDINGS = ("a", "y", "i", "e", "ie", "o", "om", "ami", "ach", "ow")
# Adjectival surnames and place names: Kowalski/Kowalska, Bródnowski, Medyczne.
SKI_ENDINGS: tuple[str, ...] = ("i", "iego", "iemu", "im", "ich", "imi")
SKA_ENDINGS: tuple[str, ...] = ("a", "iej")
OWA_ENDINGS: tuple[str, ...] = ("a", "ej")
Y_ENDINGS = ("y", "ego", "emu", "ym", "ych", "ymi")
E_ENDINGS = ("e", "ego", "emu", "ym", "ych", "em")
I_ENDINGS = ("", "ego", "emu", "m", "ch", "mi")  # added to the whole word: Rossi → Rossiego
O_ENDINGS = ("o", "a", "u", "em", "ie")

# Dative/locative stem changes: Polska → Polsce, Instytut → Instytucie, Medicover → Medicoverze.
LOCATIVE_CHANGES = (
    ("st", "scie"), ("k", "ce"), ("g", "dze"), ("ch", "sze"), ("t", "cie"),
    ("d", "dzie"), ("r", "rze"), ("l", "le"),
)
# A fleeting e drops before endings: Wróbel → Wróbla, Kubiec → Kubca.
FLEETING_E = ("ek", "ec", "el")

# Honorifics that may precede a doctor's name; any of them stands for any other
# (dr = dr. = doktora = dott.ssa) because writers pick freely.
# Grouped by first letter: alternatives that start with a literal are skipped fast by the regex engine.
TITLE_PATTERN = (
    r"(?:d(?:oktor(?:a|owi|em|ze|zy|ow|ka|ki|ce|ke|owa|owej)?|r(?:a|owi|em|ze)?|ott(?:or|ore|oressa|ssa)?"
    r"|octor|oc)|lek(?:arz|arka)?|prof(?:esor(?:a|owi|em|ze|ka|ki)?)?|hab|m(?:gr|ed)|n|ssa)"
)
TITLE_WORDS = frozenset({
    "doktor", "doktora", "doktorka", "dr", "dra", "lek", "lekarz", "lekarka", "prof", "profesor",
    "profesorka", "hab", "mgr", "med", "n", "dott", "dottor", "dottore", "dottoressa", "dottssa", "ssa",
    "doctor", "doc",
})

VOWELS = frozenset("aeiouy")


def inflects(word: str) -> bool:
    """Only plain Latin-script words inflect; numbers, codes and other scripts keep one form."""
    return len(word) >= 2 and word.isascii() and word.isalpha()


def polish_forms(word: str) -> tuple[list[str], list[str]]:
    """The case forms of a folded word, as (endings added to the word itself, whole other forms).

    Splitting the two lets a pattern accept a hyphen before an added ending (LIM-u, NFZ-em).
    """
    if not inflects(word) or word.endswith("um"):
        return [], []  # Latin neuters (Centrum, Medicum) do not decline in the singular
    for suffix, endings in (("ski", SKI_ENDINGS), ("cki", SKI_ENDINGS), ("dzki", SKI_ENDINGS)):
        if word.endswith(suffix):
            stem = word[:-1]
            return [], [stem + e for e in endings] + [stem[:-1] + "cy"]  # Kowalscy
    for suffix, endings in (("ska", SKA_ENDINGS), ("cka", SKA_ENDINGS), ("dzka", SKA_ENDINGS),
                            ("owa", OWA_ENDINGS)):
        if word.endswith(suffix):
            return [], [word[:-1] + e for e in endings]
    last = word[-1]
    if last == "a":
        return [], _a_noun_forms(word[:-1])
    if last == "y":
        return [], [word[:-1] + e for e in Y_ENDINGS]
    if last == "e":
        return [], [word[:-1] + e for e in E_ENDINGS]
    if last == "i":
        return [e for e in I_ENDINGS if e], []
    if last == "o":
        return [], [word[:-1] + e for e in O_ENDINGS] + _locative(word[:-1])
    if last in VOWELS:
        return [], []
    return list(CONSONANT_ENDINGS), _locative(word, masculine=True) + _fleeting_e(word)


def _a_noun_forms(stem: str) -> list[str]:
    # -ia nouns end in the bare stem in the genitive: Przychodnia → (do) Przychodni.
    bare = [stem] if stem.endswith("i") else []
    return [stem + e for e in A_NOUN_ENDINGS] + _locative(stem) + bare


def _locative(stem: str, masculine: bool = False) -> list[str]:
    for ending, replacement in LOCATIVE_CHANGES:
        if stem.endswith(ending):
            if masculine and ending in ("k", "g", "ch"):
                return []  # masculine nouns take -u there: o Nowaku, w Gdańsku
            return [stem[: -len(ending)] + replacement]
    return []


def _fleeting_e(word: str) -> list[str]:
    if len(word) < 5 or not word.endswith(FLEETING_E):
        return []
    stem = word[:-2] + word[-1]
    return [stem + e for e in ("a", "u", "owi", "em", "iem", "i", "y", "ow")]
