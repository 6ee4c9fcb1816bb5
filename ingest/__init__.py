"""Readers that turn files into llama-index Documents with fixed, flat metadata."""
