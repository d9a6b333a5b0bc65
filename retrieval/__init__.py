"""Karigar's core: shared types, settings, embeddings and the store.

This package imports none of `ingest`, `eval` or `ui`.
"""
