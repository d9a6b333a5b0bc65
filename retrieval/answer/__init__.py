"""Answering: the chain (`Query` in, `Answer` out), the generators and the units they quote,
the local LLM, citations and the support check, follow-up rewriting. Imports
`retrieval.core` and `retrieval.search`."""
