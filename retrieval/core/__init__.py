"""The shared core: types, errors, settings, filters, text, embeddings and the store (with its
Chroma helper, `chroma`). Imports nothing else of Karigar."""
