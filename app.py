"""Scaling Workshop — entry point and router.

`streamlit run app.py` serves this file twice over: imported as a module it is the ASGI
app (`st.App`) that adds the live channel's routes beside Streamlit's own; run as the
Streamlit script (`__main__`) it is the router that lays out the pages.
"""

import streamlit as st

if __name__ == "__main__":
    from views.ui import pages

    st.set_page_config(page_title="Scaling Workshop", page_icon=":material/explore:", layout="wide")
    page = st.navigation(pages(), position="sidebar")
    page.run()
else:
    from workshop.live import ROUTES

    app = st.App("app.py", routes=ROUTES)
