"""Facets found in the text: municipalities, named housing areas and themes, plus the document type.

Rules over the extracted text, tuned for precision: a wrong facet sends a filter to the wrong
documents, a missing one only makes it narrower. The knowledge lives in the UPPER_CASE tables.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator

from vidensbank.ingest import schema

# The 98 municipalities (kommunalreformen 2007), as in "<navn> Kommune".
KOMMUNER: tuple[str, ...] = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby",
    "Brønderslev", "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe", "Fredensborg",
    "Fredericia", "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø", "Faaborg-Midtfyn",
    "Gentofte", "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Haderslev",
    "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Herning", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ikast-Brande", "Ishøj",
    "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding", "København", "Køge", "Langeland",
    "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart",
    "Morsø", "Norddjurs", "Nordfyns", "Nyborg", "Næstved", "Odder", "Odense", "Odsherred",
    "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted", "Roskilde", "Rudersdal", "Rødovre",
    "Samsø", "Silkeborg", "Skanderborg", "Skive", "Slagelse", "Solrød", "Sorø", "Stevns",
    "Struer", "Svendborg", "Syddjurs", "Sønderborg", "Thisted", "Tønder", "Tårnby",
    "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerland", "Viborg", "Vordingborg", "Ærø",
    "Aabenraa", "Aalborg", "Aarhus",
)
# Other spellings and the towns that name a merged municipality.
KOMMUNE_ALIASES: dict[str, str] = {
    "Århus": "Aarhus", "Ålborg": "Aalborg", "Åbenrå": "Aabenraa", "Høje Taastrup": "Høje-Taastrup",
    "Taastrup": "Høje-Taastrup", "Lyngby": "Lyngby-Taarbæk", "Faaborg": "Faaborg-Midtfyn",
    "Ringkøbing": "Ringkøbing-Skjern", "Ikast": "Ikast-Brande", "Nordfyn": "Nordfyns",
}
# Also ordinary words or surnames ("vejen" the road, "odder" otter, "skive" slice, "tønder"
# barrels, "greve" count and a surname): they count only beside "Kommune", after a place
# preposition ("i Vejen"), as a genitive mid-sentence, or in a list of municipalities.
AMBIGUOUS_KOMMUNER = frozenset({"Vejen", "Odder", "Skive", "Tønder", "Greve"})
PLACE_PREPOSITIONS = frozenset({"i", "fra", "til", "ved", "omkring", "nær", "mellem", "udenfor"})

# Well-known housing areas, matched as written (also in capitals and genitive).
KNOWN_BOLIGOMRAADER: tuple[str, ...] = (
    "Vollsmose", "Gellerup", "Gellerupparken", "Toveshøj", "Bispehaven", "Tingbjerg",
    "Mjølnerparken", "Aldersrogade", "Bispeparken", "Lundtoftegade", "Vejleåparken",
    "Urbanplanen", "Skovparken", "Skovgårdsparken", "Ringparken", "Schackenborgvænge",
    "Agervang", "Sundparken", "Korskærparken", "Finlandsparken", "Motalavej", "Stengårdsvej",
    "Tåstrupgård", "Gadehavegård", "Charlotteager", "Askerød", "Houlkærvænget", "Langkærparken",
    "Lerpøtparken", "Isbjerg Parken", "Rønnebærparken", "Æblehaven",
)
# Endings of housing-area names ("Lerpøtparken", "Isbjerg Parken").
AREA_SUFFIXES = ("parken", "gården", "haven", "vænget", "bakken", "højen", "toften")
# Capitalised words with those endings that are not housing areas.
NOT_BOLIGOMRAADER = frozenset({
    "børnehaven", "baghaven", "forhaven", "gårdhaven", "køkkenhaven", "kolonihaven", "nyttehaven",
    "taghaven", "skolegården", "baggården", "bondegården", "kirkegården", "fælledparken",
    "dyrehaven", "dyrehavsbakken", "byparken", "erhvervsparken", "nationalparken", "naturparken",
    "skaterparken", "forlystelsesparken", "telia parken", "fælleshaven", "beboerhaven",
    "urtehaven", "skolehaven", "ungdomsgården", "kælkebakken",
})
# A suffix name right after one of these is an institution ("børnehaven Solhaven"), not an area.
INSTITUTION_WORDS = frozenset({
    "børnehaven", "børnehave", "vuggestuen", "institutionen", "plejehjemmet", "plejecentret",
    "plejecenter", "skolen", "klubben", "fritidsklubben", "dagtilbuddet", "botilbuddet", "caféen",
})
# Words that show a passage speaks of housing areas; street pairs need them close by.
AREA_CONTEXT = ("boligområde", "boligafdeling", "afdeling", "helhedsplan", "bebyggelse", "bolig")
STREET_CONTEXT = ("boligområde", "afdeling", "helhedsplan", "bebyggelse")
CONTEXT_WINDOW = 200
STREET_SUFFIXES = ("vej", "gade", "allé", "alle", "stræde", "plads", "vænge", "toft")

# Theme -> word stems (matched at the start of a word, any case).
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "beskæftigelse": ("beskæftig", "job", "fritidsjob", "ledig", "langtidsledig",
                      "virksomhedspraktik", "virksomhedskonsulent", "arbejdsmarked",
                      "kontanthjælp", "selvforsørg", "praktikplads"),
    "uddannelse": ("uddan", "ungdomsuddan", "erhvervsuddan", "skole", "folkeskole", "lektie",
                   "gymnasi", "elever", "eleven", "skolegang"),
    "børn og unge": ("børn", "barn", "unge", "ungdom", "fritidsliv", "fritidstilbud",
                     "ungdomsklub"),
    "kriminalitetsforebyggelse": ("kriminal", "kriminel", "bande", "hærværk", "gadeplan", "ssp",
                                  "politiet", "politibetjent", "radikaliser", "ungdomskriminal"),
    "tryghed og trivsel": ("tryg", "utryg", "trivsel", "trives", "mistrivsel"),
    "sundhed": ("sundhed", "sunde", "sundere", "helbred", "psyki", "motion", "overvægt",
                "sygdom", "depression", "ptsd", "misbrug"),
    "integration": ("integration", "integrer", "danskkundskab", "danskundervisning",
                    "flygtning", "nydansk", "indvandr", "ikkevestlig", "ikke-vestlig",
                    "medborgerskab", "sprogskole"),
    "fællesskab og netværk": ("fællesskab", "netværk", "frivillig", "beboerdemokrat",
                              "naboskab", "sammenhængskraft", "beboeraktivitet", "ensomhed"),
    "forældresamarbejde": ("forældre", "forælder", "familieklass", "skole-hjem", "skolehjem"),
    "organisering og samarbejde": ("bestyrelse", "styregruppe", "samarbejdsaftale", "kernedrift",
                                   "partnerskab", "sekretariat", "følgegruppe", "organisering",
                                   "snitflade", "forankr"),
}
MIN_THEME_COUNT = 2

# Document-type cues: (pattern, weight, how far into the text it may stand; None = anywhere).
AGREEMENT_CUES: tuple[tuple[str, int, int | None], ...] = (
    (r"(?i)samarbejdsaftale", 2, 1500),
    (r"(?i)(?<!\w)parterne(?!\w)", 1, None),
    (r"(?m)^§\s*\d+", 1, None),
    (r"(?i)(?<!\w)aftalen(?!\w)", 1, None),
    (r"(?i)(?<!\w)underskrift", 1, None),
)
REPORT_CUES: tuple[tuple[str, int, int | None], ...] = (
    (r"ISBN(?:-1[03])?:?\s*[\d][\d -]{8,}", 3, None),
    (r"ISSN:?\s*\d{4}-?\d{3}[\dX]", 2, None),
    (r"(?i)indholdsfortegnelse", 1, 6000),
    (r"(?im)^\s*(?:forord|resumé|sammenfatning)\s*$", 1, 10000),
    (r"(?i)(?<!\w)rapport", 1, 1500),
    (r"(?<!\w)(?:VIVE|SBi|BUILD|CFBU)(?!\w)", 1, 3000),
)
DOC_TYPE_THRESHOLD = 3


def extract_facets(text: str, *, min_theme_count: int = MIN_THEME_COUNT) -> dict[str, list[str]]:
    """Kommuner, boligområder and themes named in `text`, keyed as in the document schema."""
    return {
        schema.KOMMUNER: find_kommuner(text),
        schema.BOLIGOMRAADER: find_boligomraader(text),
        schema.THEMES: find_themes(text, min_count=min_theme_count),
    }


def detect_doc_type(text: str, metadata: dict) -> str:
    """The document type from text cues; without clear cues the reader's value stands."""
    scores = {
        schema.SAMARBEJDSAFTALE: _cue_score(text, AGREEMENT_CUES),
        schema.RAPPORT: _cue_score(text, REPORT_CUES),
    }
    best = max(scores, key=lambda kind: scores[kind])
    tie = len(set(scores.values())) == 1
    if scores[best] >= DOC_TYPE_THRESHOLD and not tie:
        return best
    current = metadata.get(schema.DOC_TYPE)
    return current if current in schema.DOC_TYPES else schema.ANDET


def _cue_score(text: str, cues: tuple[tuple[str, int, int | None], ...]) -> int:
    return sum(weight for pattern, weight, reach in cues if re.search(pattern, text[:reach]))


# --- kommuner ---------------------------------------------------------------------------------


def _kommune_surfaces() -> dict[str, str]:
    surfaces = {name: name for name in KOMMUNER} | dict(KOMMUNE_ALIASES)
    # Capitals ("VARDE KOMMUNE") only for names that are not also ordinary words.
    upper = {s.upper(): c for s, c in surfaces.items() if c not in AMBIGUOUS_KOMMUNER}
    return surfaces | upper


KOMMUNE_SURFACES = _kommune_surfaces()
# Longest first so "Frederikshavn" wins over a shorter name; genitive "s" or "'" allowed.
KOMMUNE_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(s) for s in sorted(KOMMUNE_SURFACES, key=len, reverse=True))
    + r")(s|')?(?!\w)"
)
KOMMUNE_WORD_RE = re.compile(r"[ \t]+[Kk]ommune")
PREVIOUS_WORD_RE = re.compile(r"(\S+)[ \t]+$")
LIST_BEFORE_RE = re.compile(r"(?:,|\bog|\beller)[ \t]+$")
LIST_AFTER_RE = re.compile(r"^(?:,|[ \t]+og|[ \t]+eller)[ \t]+")


def find_kommuner(text: str) -> list[str]:
    """Canonical municipality names in order of first mention."""
    mentions = [(m.start(), m.end(), KOMMUNE_SURFACES[m.group(1)], m.group(2))
                for m in KOMMUNE_RE.finditer(text)]
    sure = [(a, b) for a, b, name, _ in mentions if name not in AMBIGUOUS_KOMMUNER]
    found: list[str] = []
    for start, end, name, genitive in mentions:
        if name in AMBIGUOUS_KOMMUNER and not _ambiguous_ok(text, start, end, genitive, sure):
            continue
        if name not in found:
            found.append(name)
    return found


def _ambiguous_ok(text: str, start: int, end: int, genitive: str | None,
                  sure: list[tuple[int, int]]) -> bool:
    """Whether a name like "Vejen" is the municipality here and not the ordinary word."""
    if KOMMUNE_WORD_RE.match(text, end):
        return True
    previous = PREVIOUS_WORD_RE.search(text[max(0, start - 40):start])
    word = previous.group(1) if previous else ""
    if word.lower() in PLACE_PREPOSITIONS:
        return True
    if genitive == "s" and word[:1].islower() and word[-1:].isalpha():
        return True  # "borgmester i ... og Vejens" mid-sentence, not "Bent Greves"
    return _in_kommune_list(text, start, end, sure)


def _in_kommune_list(text: str, start: int, end: int, sure: list[tuple[int, int]]) -> bool:
    """"Esbjerg, Billund, Vejen og Kolding": a neighbour in the list is a sure municipality."""
    before = LIST_BEFORE_RE.search(text[max(0, start - 8):start])
    after = LIST_AFTER_RE.match(text[end:end + 8])
    for a, b in sure:
        if before and b == start - len(before.group(0)):
            return True
        if after and a == end + len(after.group(0)):
            return True
    return False


# --- boligområder -----------------------------------------------------------------------------


def _known_area_re() -> tuple[re.Pattern[str], dict[str, str]]:
    surfaces = {name: name for name in KNOWN_BOLIGOMRAADER}
    surfaces |= {name.upper(): name for name in KNOWN_BOLIGOMRAADER}
    alternation = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alternation + r")s?(?!\w)"), surfaces


KNOWN_AREA_RE, KNOWN_AREA_SURFACES = _known_area_re()
_SUFFIXES = "|".join(AREA_SUFFIXES)
_CAPITALISED_SUFFIXES = "|".join(s.capitalize() for s in AREA_SUFFIXES)
SUFFIX_AREA_RE = re.compile(
    rf"(?<![\w-])([A-ZÆØÅ][a-zæøåé]{{2,}}(?:{_SUFFIXES}|[ ](?:{_CAPITALISED_SUFFIXES})))s?(?!\w)"
)
_STREET = rf"[A-ZÆØÅ][a-zæøåé]+(?:{'|'.join(STREET_SUFFIXES)})"
STREET_PAIR_RE = re.compile(rf"(?<!\w)({_STREET})[ ]?/[ ]?({_STREET})(?!\w)")
SENTENCE_END_RE = re.compile(r"(?:^|[.!?:;\"”“»«(\[•–\n])[ \t]*$")
SAME_AREA_RATIO = 0.9


def find_boligomraader(text: str) -> list[str]:
    """Named housing areas in order of first mention; spelling variants merged."""
    mentions = sorted(_area_mentions(text))
    groups: list[tuple[str, Counter[str]]] = []  # (comparison key, surface counts) per area
    for _, surface in mentions:
        key = _area_key(surface)
        for group_key, counts in groups:
            if difflib.SequenceMatcher(None, key, group_key).ratio() >= SAME_AREA_RATIO:
                counts[surface] += 1
                break
        else:
            groups.append((key, Counter({surface: 1})))
    # The most frequent spelling names the area; ties go to the first seen.
    return [counts.most_common(1)[0][0] for _, counts in groups]


def _area_mentions(text: str) -> Iterator[tuple[int, str]]:
    for m in KNOWN_AREA_RE.finditer(text):
        yield m.start(), KNOWN_AREA_SURFACES[m.group(1)]
    for m in SUFFIX_AREA_RE.finditer(text):
        if _suffix_area_ok(text, m.start(1), m.group(1)):
            yield m.start(), m.group(1)
    for m in STREET_PAIR_RE.finditer(text):
        if _near(text, m.start(), m.end(), STREET_CONTEXT):
            yield m.start(), f"{m.group(1)}/{m.group(2)}"


def _suffix_area_ok(text: str, start: int, name: str) -> bool:
    if name.lower() in NOT_BOLIGOMRAADER:
        return False
    previous = PREVIOUS_WORD_RE.search(text[max(0, start - 40):start])
    if previous and previous.group(1).lower() in INSTITUTION_WORDS:
        return False
    mid_sentence = not SENTENCE_END_RE.search(text[max(0, start - 40):start])
    return mid_sentence or _near(text, start, start + len(name), AREA_CONTEXT)


def _near(text: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    window = text[max(0, start - CONTEXT_WINDOW):end + CONTEXT_WINDOW].lower()
    return any(word in window for word in words)


def _area_key(surface: str) -> str:
    return re.sub(r"[\s-]", "", surface.lower())


# --- themes -----------------------------------------------------------------------------------

THEME_RES: dict[str, re.Pattern[str]] = {
    theme: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + ")", re.IGNORECASE)
    for theme, stems in THEME_KEYWORDS.items()
}


def find_themes(text: str, *, min_count: int = MIN_THEME_COUNT) -> list[str]:
    """Themes whose keywords occur at least `min_count` times, most frequent first."""
    counts = {theme: len(pattern.findall(text)) for theme, pattern in THEME_RES.items()}
    order = list(THEME_KEYWORDS)
    kept = [theme for theme, count in counts.items() if count >= min_count]
    return sorted(kept, key=lambda theme: (-counts[theme], order.index(theme)))
