"""Scaling Workshop — entry point and router.

`streamlit run app.py` serves this file twice over: imported as a module it is the ASGI
app (`st.App`) that adds the live channel's routes beside Streamlit's own; run as the
Streamlit script (`__main__`) it is the router that lays out the pages.
"""

import streamlit as st

if __name__ == "__main__":
    from views.kit.ui import browser_language, pages
    from workshop.domain import language

    language.activate(browser_language())  # until the page knows better (a workshop's own language)
    st.set_page_config(page_title="Scaling Workshop", page_icon=":material/explore:", layout="wide")
    page = st.navigation(pages(), position="hidden")
    page.run()
else:
    import gc
    import sys

    from starlette.middleware import Middleware

    from workshop import store
    from workshop.actions import portfolio, retention
    from workshop.live import web
    from workshop.live.routes import ROUTES

    # The portfolio lists every workshop, so it always needs a key: without a configured one,
    # the first start issues one and prints it here, once (`python -m workshop portfolio-key`
    # issues a new one).
    issued = portfolio.ensure_portfolio_key(store.connect())
    if issued:
        print(f"Portfolio key, shown once (open /portfolio with it): {issued}", flush=True)

    # Participants' names are numbered once a workshop ended WORKSHOP_RETAIN_NAMES_DAYS ago, and
    # whole workshops deleted once they ended WORKSHOP_DELETE_AFTER_DAYS ago: checked now and
    # every hour while the server runs.
    retention.keep_sweeping(store.connect)

    # A busy room makes many short-lived objects; with the default thresholds full collections
    # froze the server for 150-280 ms about once a second. What is loaded by now stays for good.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    # A write waits for the GIL after each of its SQL statements (some twenty per write and its
    # answer). With the default 5 ms switch interval, a burst's writes queued behind the threads
    # answering polls; at 1 ms, 1,000 phones' scores still waited 1.5 s (p50); at 0.1 ms, 0.4 s
    # (see docs/benchmarks.md).
    sys.setswitchinterval(0.0001)
    # Outermost first: every response (Streamlit's too) gets the protective headers, the live
    # channel's requests go straight to its routes, and a link carrying a credential is redirected
    # without it before Streamlit serves the page.
    app = st.App(
        "app.py",
        routes=[*ROUTES, *web.ROUTES],
        middleware=[Middleware(web.ProtectiveHeaders), Middleware(web.LiveDirect), Middleware(web.LinkSecrets)],
    )
