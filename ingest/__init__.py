"""Ingestion: load documents of every format, clean them, chunk them by structure, embed and
store them. Imports `retrieval` (types, settings, store); never the UI."""
