"""Search: BM25, hybrid search with fusion and re-scoring, the multilingual (e5) index, the
Hindi glossary, and `ranking`. Imports only `retrieval.core`."""
