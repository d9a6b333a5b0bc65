"""The user-facing top: the command line (and, later, the Streamlit app). Renders results;
holds no retrieval or ingest logic."""
