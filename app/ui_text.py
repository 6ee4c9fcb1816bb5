"""Every string the Streamlit app shows, in Danish, in one place."""

from __future__ import annotations

APP_TITLE = "Vidensbank"
APP_ICON = ":material/library_books:"
# Material icons ship with Streamlit; emoji would need a font the server's browser may lack.
ICON_ASK = ":material/forum:"
ICON_SEARCH = ":material/search:"
ICON_SOURCES = ":material/description:"
ICON_UPLOAD = ":material/upload_file:"
ICON_EVAL = ":material/analytics:"
ICON_OPEN = ":material/open_in_new:"
ICON_DOWNLOAD = ":material/download:"

# Page titles as they appear in the navigation.
PAGE_ASK = "Spørg"
PAGE_SEARCH = "Søg"
PAGE_SOURCES = "Kilder"
PAGE_UPLOAD = "Tilføj dokumenter"
PAGE_EVAL = "Evaluering"

# Loading and errors.
LOADING_INDEX = "Åbner vidensbanken og indlæser sprogmodellen …"
INDEX_ERROR = "Vidensbanken kan ikke åbnes: {error}"
INDEX_ERROR_HINT = ("Byg indekset med `vidensbank ingest corpus/`, eller start appen med "
                    "`vidensbank app --index MAPPE`.")

# Document metadata labels.
DOC_TYPE_LABELS = {"artikel": "Artikel", "rapport": "Rapport",
                   "samarbejdsaftale": "Samarbejdsaftale", "andet": "Andet"}
LABEL_TYPE = "Type"
LABEL_SOURCE = "Udgiver"
LABEL_DATE = "Dato"
LABEL_PAGE = "s. {page}"
LABEL_SECTION = "afsnit {section}"
LABEL_KOMMUNER = "Kommuner"
LABEL_BOLIGOMRAADER = "Boligområder"
LABEL_THEMES = "Temaer"
LABEL_URL = "Adresse"
LABEL_AUTHORS = "Forfattere"
LABEL_CHUNKS = "Tekstbidder"
LABEL_TITLE = "Titel"
LABEL_DOC_ID = "Dokument-id"

# Spørg.
ASK_HEADER = "Spørg vidensbanken"
ASK_INTRO = ("Stil et spørgsmål. Svaret består af ordrette citater fra kilderne, hver med en "
             "henvisning [n], så du kan efterprøve det.")
ASK_INPUT = "Dit spørgsmål"
ASK_PLACEHOLDER = "Fx: Hvordan kobler andre til kernedriften?"
ASK_BUTTON = "Spørg"
ASK_EXAMPLES = "Eksempler på spørgsmål"
EXAMPLE_QUESTIONS = (
    "Hvordan kobler andre til kernedriften?",
    "Hvordan kan en boligsocial indsats samarbejde med jobcentret?",
    "Hvad gør de i Varde for at koordinere indsatsen?",
    "Hvordan arbejder boligsociale bestyrelser med beboerne?",
)
ASK_ANSWER = "Svar"
ASK_CITED = "Citerede passager"
ASK_OPEN_SOURCE = "Åbn kilden ved [{n}]"
SEARCH_OPEN_SOURCE = "Åbn kilden her"
ASK_NO_CITATIONS = "Ingen passager at vise."
ASK_SPINNER = "Søger efter svar …"

# Søg.
SEARCH_HEADER = "Søg i materialet"
SEARCH_INPUT = "Søgetekst"
SEARCH_PLACEHOLDER = "Fx: beskæftigelse og jobcenter"
SEARCH_BUTTON = "Søg"
SEARCH_FILTERS = "Filtre"
SEARCH_TOP_K = "Antal passager"
SEARCH_MODE = "Søgemåde"
SEARCH_MODES = {"hybrid": "Kombineret (anbefalet)", "dense": "Semantisk",
                "bm25": "Ordsøgning (BM25)"}
FACET_LABELS = {"doc_type": "Dokumenttype", "kommuner": "Kommune",
                "boligomraader": "Boligområde", "themes": "Tema", "year": "År"}
SEARCH_EMPTY = "Skriv en søgetekst for at se resultater."
SEARCH_NONE = "Ingen passager matcher søgningen og filtrene."
SEARCH_SUMMARY = "{hits} passager fra {docs} dokumenter"
SEARCH_PASSAGE = "Passage {rank}"
SEARCH_MORE = "Flere passager fra dokumentet ({n})"
FACET_PLACEHOLDER = "Alle"
SEARCH_EXPORT_CSV = "Hent resultater som CSV"
SEARCH_EXPORT_JSON = "Hent resultater som JSON"
EXPORT_STEM = "vidensbank-soegning"

# Kilder.
SOURCES_HEADER = "Kilder i vidensbanken"
SOURCES_COUNT = "{n} dokumenter i indekset"
SOURCES_EMPTY = "Der er endnu ingen dokumenter i vidensbanken."
SOURCES_PICK = "Vis dokument"
SOURCES_CITED = "Citeret sted"
SOURCES_FULL_TEXT = "Hele teksten"
SOURCES_JUMP = "Gå til citatet i teksten"
SOURCES_UNKNOWN = "Dokumentet '{doc_id}' findes ikke i vidensbanken."
SOURCES_BAD_SPAN = "Den angivne placering ligger uden for dokumentets tekst."
SOURCES_METADATA = "Metadata"
SOURCES_CHARS = "tegn {start}–{end}"

# Tilføj dokumenter.
UPLOAD_HEADER = "Tilføj dokumenter"
UPLOAD_INTRO = ("Læg PDF-, Word- (DOCX), HTML- eller tekstfiler ind. De gemmes i indeksmappen og "
                "kan søges, så snart de er indlæst.")
UPLOAD_FILES = "Vælg filer"
UPLOAD_HELP = "Højst {mb} MB pr. fil. Filtyper: {types}."
UPLOAD_DOC_TYPE = "Dokumenttype"
UPLOAD_DOC_TYPE_AUTO = "Find selv ud af det"
UPLOAD_BUTTON = "Indlæs"
UPLOAD_TOO_LARGE = "filen er for stor ({mb:.1f} MB; højst {limit} MB) og er ikke indlæst"
UPLOAD_BAD_TYPE = "filtypen '{suffix}' understøttes ikke (tilladt: {allowed})"
UPLOAD_BAD_NAME = "ugyldigt filnavn"
UPLOAD_PROGRESS = "Indlæser {name} ({done}/{total})"
UPLOAD_DONE = "Færdig."
UPLOAD_NOTHING = "Vælg mindst én fil eller angiv en adresse."
UPLOAD_URL = "… eller indsæt en webadresse"
UPLOAD_URL_PLACEHOLDER = "https://"
UPLOAD_URL_UNAVAILABLE = "Indlæsning fra en webadresse er ikke tilgængelig i denne installation."
UPLOAD_URL_INVALID = "Adressen skal begynde med http:// eller https://"
REPORT_INGESTED = "Indlæst"
REPORT_SKIPPED = "Uændret"
REPORT_FAILED = "Fejlet"
REPORT_CHUNKS = "Nye tekstbidder"
REPORT_FILE = "Fil"
REPORT_REASON = "Årsag"
REPORT_SKIPPED_NOTE = "Uændrede filer er allerede i vidensbanken og er sprunget over."

# Evaluering.
EVAL_HEADER = "Evaluering"
EVAL_INTRO = ("Måler søgningen på evalueringssættet ({n} spørgsmål med kendte svar): Recall@5 "
              "er andelen af spørgsmål, hvor svaret er blandt de fem første passager; MRR@10 "
              "belønner, at det står højt. Citatrevisionen tjekker, at hvert citat står ordret i "
              "kilden.")
EVAL_BUTTON = "Kør evaluering"
EVAL_PROGRESS = "Spørgsmål {done} af {total}"
EVAL_METRICS = "Søgekvalitet pr. søgemåde"
EVAL_MODE = "Søgemåde"
EVAL_MODE_LABELS = {"dense": "Semantisk", "bm25": "Ordsøgning", "hybrid": "Kombineret"}
EVAL_EXACT_VALUE = "{exact} af {total}"
EVAL_EXACT = "Ordrette citater"
EVAL_QUESTIONS = "Spørgsmål evalueret"
EVAL_MISSING = "Guldsvar ikke fundet i indekset for: {ids}"
EVAL_AUDIT = "Citatrevision"
EVAL_AUDIT_EXPORT = "Hent citatrevisionen som CSV"
AUDIT_COLUMNS = {"question": "Spørgsmål", "n": "Nr.", "quote": "Påstand (citat)",
                 "source": "Kilde", "page": "Side", "exact": "Ordret"}
YES = "ja"
NO = "nej"
