"""Evaluation: question sets, metrics and reports. Imports `retrieval` and `ingest`."""
