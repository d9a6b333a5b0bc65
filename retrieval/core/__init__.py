"""The shared core: types, errors, settings, filters, text, embeddings and the store. Imports
nothing else of Karigar."""
