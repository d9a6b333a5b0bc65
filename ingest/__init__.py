"""Ingestion: load documents of every format, clean them, chunk them by structure, embed and
store them. Imports `retrieval` (its core, and `retrieval.parts` to open the store); never
`eval` or `ui` (`tests/test_layers.py` checks)."""
