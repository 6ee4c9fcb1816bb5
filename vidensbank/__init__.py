"""Vidensbank: semantic search and cited answers over Danish boligsocial material.

The code is laid out as the data flows: `vidensbank.ingest` (files to documents) ->
`vidensbank.index` (chunks, vectors, search, answers; `vidensbank.index.api` is its one door) ->
`vidensbank.app` (the command line and the Streamlit app).
"""
