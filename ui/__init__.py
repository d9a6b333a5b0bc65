"""The user-facing top: the Streamlit web app (`ui/app.py`, its non-Streamlit helpers in
`ui/web.py`) and the `karigar` command line. They render results and hold no retrieval or
ingest logic; both open the parts through `retrieval.parts`."""
