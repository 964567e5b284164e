"""The corpus: reading and cleaning article files, the manifest and its journal, outlets, importing new articles."""
