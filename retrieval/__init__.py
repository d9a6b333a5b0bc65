"""Karigar's core library, in three layers and one wiring module:

* `retrieval.core`: the shared core: types, errors, settings, filters, text (sentence spans,
  a passage's composed text), embeddings and the store (with its `chroma` helper, the only
  code that knows Chroma);
* `retrieval.search`: BM25, the hybrid search, the multilingual index, the Hindi glossary
  and `ranking` (every formula and weight of ranking, with where each was measured);
* `retrieval.answer`: the chain, the generators and their quotable units, the local LLM,
  citations and the support check, follow-ups;
* `retrieval.parts`: the one place that opens these from `Settings`.

Each layer imports only those before it; this package imports none of `ingest`, `eval` or
`ui`. `tests/test_layers.py` checks both.
"""
