"""Quality evaluations of answers (extractive and generated)."""
