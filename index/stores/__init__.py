"""Where chunks and documents live: a base interface and one module per Qdrant backend."""
