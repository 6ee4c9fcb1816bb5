"""The app's pages, one module each; paths are relative to app/streamlit_app.py."""

ASK = "app_pages/ask.py"
SEARCH = "app_pages/search.py"
SOURCES = "app_pages/sources.py"
UPLOAD = "app_pages/upload.py"
EVALUATION = "app_pages/evaluation.py"
