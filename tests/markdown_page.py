"""A page for tests/test_text_browser.py: each case of MARKDOWN_CASES through `md_escape`."""

import json
import os

import streamlit as st

from workshop.domain.text import md_escape

for n, case in enumerate(json.loads(os.environ["MARKDOWN_CASES"])):
    with st.container(key=f"case-{n}"):
        st.markdown(md_escape(case))
