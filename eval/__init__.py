"""Evaluation: question sets, metrics and reports. Imports `retrieval` and `ingest`, never
`ui` (`tests/test_layers.py` checks)."""
