"""The live channel: the `/api/live` routes, the per-workshop hub, the payload phones and the
projector poll, fair use, and the web routes beside Streamlit's own.

It may import `workshop.actions`, `workshop.store` and `workshop.domain`; never another wing.
"""
