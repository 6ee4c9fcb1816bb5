"""Configuration, chunking, embedding, the Qdrant store, search and answers."""
