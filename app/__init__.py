"""User-facing entry points: the `vidensbank` CLI and the Streamlit app."""
