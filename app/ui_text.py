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
LABEL_FILE = "Fil"
LABEL_FILES = "Filer med samme indhold"
LABEL_OCR = "Tekstgenkendt (OCR)"
OCR_NOTE = "PDF-side {pages}, læst med {engine}; teksten kan have fejl"

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
ASK_REFUSED = "Vidensbanken har ikke noget svar på det spørgsmål."
COMPARE_TOGGLE = "Sammenlign steder"
COMPARE_HELP = ("Svaret pr. kommune eller boligområde: én række for hvert sted, kilderne siger "
                "noget om, med ordrette citater.")
COMPARE_HEADER = "Sammenlign steder"
COMPARE_SPINNER = "Sammenligner steder …"
COMPARE_EXPORT = "Hent sammenligningen som CSV"
COMPARE_COLUMNS = {"place": "Sted", "kommune": "Kommune", "boligomraade": "Boligområde",
                   "title": "Dokument", "quotes": "Hvad de gør (citater)", "sources": "Kilde"}
# Spørg with a language model (VIDENSBANK_LLM_URL).
ASK_LLM_CAPTION = ("Svaret er skrevet af sprogmodellen på {url}; hver sætning er kontrolleret mod "
                   "de kilder, den henviser til.")
ASK_LLM_SPINNER = "Sprogmodellen skriver et svar …"
ASK_LLM_ERROR = "Sprogmodellen kunne ikke bruges ({error}); her er svaret uden den."
ASK_LLM_TEXT = "Sprogmodellens tekst (ikke underbygget af kilderne)"
ASK_LLM_UNSUPPORTED = "⚠ {sentence} (ikke understøttet: {problems})"
ASK_LLM_QUOTE = "[{n}] «{quote}»"
ASK_LLM_REPLACED = ("Ordret citat fra kilde [{n}] i stedet for sprogmodellens egen sætning, som "
                    "kilden ikke underbyggede: {sentence}")
ASK_LLM_SUMMARY = "{ok} af {total} sætninger er understøttet af de citerede kilder."

# Søg.
SEARCH_HEADER = "Søg i materialet"
SEARCH_INPUT = "Søgetekst"
SEARCH_PLACEHOLDER = "Fx: beskæftigelse og jobcenter"
SEARCH_BUTTON = "Søg"
SEARCH_FILTERS = "Filtre"
SEARCH_TOP_K = "Antal passager"
SEARCH_MODE = "Søgemåde"
SEARCH_MODE_LABELS = {"hybrid": "Kombineret (anbefalet)", "dense": "Semantisk",
                "bm25": "Ordsøgning (BM25)"}
FACET_LABELS = {"doc_type": "Dokumenttype", "kommuner": "Kommune",
                "boligomraader": "Boligområde", "themes": "Tema", "year": "År"}
SEARCH_EMPTY = "Skriv en søgetekst for at se resultater."
SEARCH_NONE = "Ingen passager matcher søgningen og filtrene."
SEARCH_SUMMARY = "{hits} fra {docs}"  # counts with their nouns (labels.count)
DOCUMENTS = ("dokument", "dokumenter")
PASSAGES = ("passage", "passager")
SEARCH_PASSAGE = "Passage {rank}"
SEARCH_MORE = "Flere passager fra dokumentet ({n})"
FACET_PLACEHOLDER = "Alle"
SEARCH_EXPORT_CSV = "Hent resultater som CSV"
SEARCH_EXPORT_JSON = "Hent resultater som JSON"
EXPORT_STEM = "vidensbank-soegning"

# Kilder.
SOURCES_HEADER = "Kilder i vidensbanken"
SOURCES_COUNT = "{n} i indekset"  # "1 dokument", "2 dokumenter"
SOURCES_EMPTY = "Der er endnu ingen dokumenter i vidensbanken."
SOURCES_PICK = "Vis dokument"
SOURCES_CITED = "Citeret sted"
SOURCES_FULL_TEXT = "Hele teksten"
SOURCES_JUMP = "Gå til citatet i teksten"
SOURCES_UNKNOWN = "Dokumentet '{doc_id}' findes ikke i vidensbanken."
SOURCES_BAD_SPAN = "Den angivne placering ligger uden for dokumentets tekst."
SOURCES_METADATA = "Metadata"
SOURCES_CHARS = "tegn {start}–{end}"
# An index built with an older ingest recipe: usable, but `reindex` would bring it up to date.
RECIPE_NOTICE = ("Bemærk: indekset er bygget med en ældre opskrift ({changes}). Kør "
                 "`vidensbank reindex` for at bygge det om med den nuværende.")
RECIPE_LABEL = "Opskrift"
RERANKER_LABEL = "Læser"
RERANKER_NONE = "ingen (rækkefølgen fra søgningen)"
RECIPE_CHANGED = "Ændret"
RECIPE_NONE = "ikke registreret"

# Tilføj dokumenter.
UPLOAD_HEADER = "Tilføj dokumenter"
UPLOAD_INTRO = ("Læg PDF-, Word- (DOCX), HTML- eller tekstfiler ind. De gemmes i indeksmappen og "
                "kan søges, så snart de er indlæst.")
UPLOAD_FILES = "Vælg filer"
UPLOAD_HELP = "Filtyper og største filstørrelse: {limits}."
UPLOAD_DOC_TYPE = "Dokumenttype"
UPLOAD_DOC_TYPE_AUTO = "Find selv ud af det"
UPLOAD_BUTTON = "Indlæs"
UPLOAD_TOO_LARGE = "filen er for stor ({mb:.1f} MB; højst {limit} MB) og er ikke indlæst"
UPLOAD_BAD_TYPE = "filtypen '{suffix}' understøttes ikke (tilladt: {allowed})"
UPLOAD_BAD_NAME = "ugyldigt filnavn"
UPLOAD_PROGRESS = "Indlæser {name} ({done}/{total})"
UPLOAD_DONE = "Indlæsningen er slut."
UPLOAD_NOTHING = "Vælg mindst én fil eller angiv en adresse."
UPLOAD_URL = "… eller indsæt en webadresse"
UPLOAD_URL_PLACEHOLDER = "https://"
UPLOAD_URL_UNAVAILABLE = "Indlæsning fra en webadresse er ikke tilgængelig i denne installation."
UPLOAD_URL_INVALID = "Adressen skal begynde med http:// eller https://"
UPLOAD_READ_ONLY = ("Vidensbanken er skrivebeskyttet her: appen kan nås fra andre maskiner "
                    "({address}), og der er ikke sat en uploadadgangskode. Spørg den, der driver "
                    "appen; de kan tillade upload med VIDENSBANK_UPLOAD_PASSWORD.")
UPLOAD_LOCKED = ("Appen kan nås fra andre maskiner ({address}), så upload kræver "
                 "adgangskoden. Søgning og svar virker uden.")
UPLOAD_PASSWORD = "Adgangskode til upload"
UPLOAD_UNLOCK = "Lås op"
UPLOAD_WRONG_PASSWORD = "Forkert adgangskode."
REPORT_INGESTED = "Indlæst"
REPORT_SKIPPED = "Uændret"
REPORT_FAILED = "Fejlet"
REPORT_CHUNKS = "Nye tekstbidder"
REPORT_FILE = "Fil"
REPORT_REASON = "Årsag"
REPORT_NONE_IN = "Intet blev indlæst. Det gik galt med:"
REPORT_SOME_FAILED = "{n} kunne ikke indlæses:"
REPORT_ADDED = "{n} er nu i vidensbanken og kan søges i. Åbn et her:"
FILES = ("fil", "filer")
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
EVAL_ANSWERS = "Svarkvalitet"
EVAL_ANSWER_LABELS = {"answer_recall": "Svar-recall", "fragment_rate": "Brudstykker",
                      "citations_per_answer": "Citater pr. svar",
                      "documents_per_answer": "Kilder pr. svar"}
EVAL_ANSWERS_HELP = ("Svar-recall: andelen af spørgsmål, hvor et citat i svaret rummer det kendte "
                     "svar. Brudstykker: andelen af citater, der ikke er hele sætninger.")
EVAL_REFUSAL = "Afviste spørgsmål"
EVAL_REFUSAL_OFFTOPIC = "Uden for emnet, afvist"
EVAL_REFUSAL_ANSWERABLE = "Besvarlige, fejlagtigt afvist"
EVAL_REFUSAL_VALUE = "{refused} af {total}"
EVAL_COMPARE = "Sammenligning af steder"
EVAL_COMPARE_HELP = ("Spørgsmål om, hvordan flere steder gør noget "
                     "(evals/compare_questions.jsonl), med de artikler, der svarer, og deres "
                     "svarsætninger. En række er rigtig, når et af dens citater rummer en af sin "
                     "artikels svarsætninger.")
EVAL_COMPARE_FOUND = "Steder fundet"
EVAL_COMPARE_RIGHT = "Rigtige rækker"
EVAL_COMPARE_TWO = "Spørgsmål med 2+ rigtige steder"
EVAL_COMPARE_VALUE = "{n} af {total}"
EVAL_AUDIT = "Citatrevision"
EVAL_AUDIT_EXPORT = "Hent citatrevisionen som CSV"
AUDIT_COLUMNS = {"question": "Spørgsmål", "n": "Nr.", "quote": "Påstand (citat)",
                 "source": "Kilde", "page": "Side", "exact": "Ordret"}
YES = "ja"
NO = "nej"

# Streamlit's file uploader has no Danish: its English button text and "200MB per file" line are
# hidden and a Danish label shown instead (the page states the limits in its own caption).
WIDGET_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button > * { display: none; }
[data-testid="stFileUploaderDropzone"] button::after { content: "Vælg filer"; }
</style>"""
