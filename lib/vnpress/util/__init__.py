"""Foundations every stage uses: atomic writes, CSV, text normalization, phrase matching, optional extras."""
