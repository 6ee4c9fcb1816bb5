"""What page chrome looks like in text copied from Danish article pages.

Declarative only: the code that applies it lives in `ingest.textclean`. Line lists are compared
case-insensitively against a whole, whitespace-normalised line; patterns must match a whole line.
"""

from __future__ import annotations

import re

# Whole lines that are navigation, buttons or widget labels, never article text.
NAV_LINES = frozenset({
    "0",  # bookmark counter next to the reading-list button
    "læs nu",
    "læs senere",
    "læs senere artikler",
    "tilføjet til læse listen",
    "læseliste",
    "fik du",
    "læst disse?",
    "fik du læst disse?",
    "seneste artikel",
    "seneste artikler",
    "om skribenten",
    "relaterede artikler",
    "del",
    "del artikel",
    "del artiklen",
    "print",
    "udskriv",
    "til toppen",
    "mød nogle af artiklens stemmer og lyt til artiklen som lydkoncentrat.",
})
NAV_PATTERNS = (
    re.compile(r"se alle artikler\s*\(\s*\d+\s*\)", re.IGNORECASE),
    # Link labels: "Klik for at læse hele rapporten", "Klik her for at se filmen".
    re.compile(
        r"klik (?:her )?for at (?:læse|se|høre|lytte|downloade|hente)\b[^.]{0,80}", re.IGNORECASE
    ),
    re.compile(r"[\W_]+"),  # a lone ".", "-" or "•"
)

# Image labels: file names and CMS placeholders left where the picture was.
IMAGE_LABEL_PATTERNS = (
    re.compile(r"\S+\.(?:jpe?g|png|gif|webp|tiff?|bmp|svg|heic)", re.IGNORECASE),
    # "Billede 1", "billede", "text 1", "Billede 6 + Brødstekst 9".
    re.compile(
        r"(?:billede|foto|image|img|text|tekst|grafik|illustration)[ _-]?\d*"
        r"(?:\s*\+\s*\w+\s*\d+)?",
        re.IGNORECASE,
    ),
    # Copies of a file: "Forskellige Grafikker (5) (1)".
    re.compile(r"[^.!?:]{1,60}?(?:\s\(\d{1,2}\))+"),
)
# Only as the very first line, before the headline: an image named after a place or a shoot
# ("Varde 1", "Silkeborg0020", "film_SOME"). Elsewhere such a line could be a real heading.
LEAD_IMAGE_NAME = re.compile(r"[^\W\d_]+(?: ?\d{1,2}|\d{3,})|[\w-]*_[\w.-]*")

# Photo credits on a line of their own ("Foto Paco Ortega Og Thomas Breddam", "Foto: Lars Just").
PHOTO_CREDIT_WORDS = ("foto", "fotos", "fotograf", "billeder")
PHOTO_CREDIT_CONNECTORS = frozenset({"og", "&", "/", "-", "–"})
PHOTO_CREDIT_MAX_WORDS = 8

# Alt text: a description of the picture on the line before its caption.
ALT_TEXT_PREFIXES = ("på billedet ses", "billedet viser")
# Alt text left above a photo's caption: "Smilende kvinde. Leder af sekretariatet." A participle
# and a noun, then at most two short fragments; prose lines are longer or start otherwise.
ALT_TEXT_PHOTO = re.compile(
    r"[A-ZÆØÅ][a-zæøå]+ende(?: [a-zæøå]+){1,2}\.(?: [A-ZÆØÅ][a-zæøå]*(?: [a-zæøå]+){0,4}\.){0,2}"
)

# Slideshow counter in front of a caption: "1 / 1• ".
GALLERY_COUNTER = re.compile(r"^\d+\s*/\s*\d+\s*•\s*")

# Reading-list buttons under each teaser; a paragraph of only these follows a teaser's title.
TEASER_BUTTONS = frozenset({"læs nu", "læs senere", "tilføjet til læse listen"})

# Headings after which the rest of a page is related articles and the author box.
TAIL_MARKERS = frozenset({
    "læs senere artikler", "om skribenten", "fik du", "fik du læst disse?", "relaterede artikler",
})
# A tail marker this early is a stray widget, not the page's end: drop only that line.
TAIL_MIN_PARAGRAPH = 3

# The author box on bl.dk and alike: names follow this heading.
AUTHOR_BOX_MARKERS = frozenset({"om skribenten", "om forfatteren"})

# Stamp on each entry of a related-articles list ("Skrevet d. 8-6-2020"), followed by a date.
RELATED_STAMP = re.compile(r"skrevet (?:d\.|den)\s", re.IGNORECASE)

# Bylines: "Af: Regner Hansen, foto: Lars Just", "Tekst: Rikke Bergquist".
BYLINE = re.compile(
    r"(?:af|tekst|skrevet af)\s*:?\s+(?P<names>.+?)"
    r"(?:\s*[,;|]\s*(?:foto|fotos|fotograf|billeder|illustration|video)\b.*)?",
    re.IGNORECASE,
)
NAME_SEPARATORS = re.compile(r"\s*(?:,|&|\bog\b)\s*")
NAME_PARTICLES = frozenset({"von", "van", "de", "la", "af", "du", "el", "al", "bin"})
NAME_MAX_WORDS = 5

# Publisher cues: a copyright line names the site's owner; mapped to the name users filter on.
# The owner starts with a capital and the line has no sentence end, so prose about copyright stays.
COPYRIGHT_LINE = re.compile(
    r"(?:(?:[Cc]opyright|COPYRIGHT)\b\s*©?|©|\([Cc]\))\s*"
    r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<owner>[A-ZÆØÅ][^.!?]{1,80})"
)
PUBLISHERS = {
    "landsbyggefonden": "Landsbyggefonden",
    "danmarks almene boliger": "BL",
    "bl": "BL",
    "boligsocialnet": "Boligsocialnet",
    "vive": "VIVE",
    "center for boligsocial udvikling": "CFBU",
    "cfbu": "CFBU",
}

# How far into an article its own date and byline may appear (paragraphs, after the headline).
HEADER_PARAGRAPHS = 5
# A first line longer than this is body text, not a headline.
TITLE_MAX_CHARS = 200
