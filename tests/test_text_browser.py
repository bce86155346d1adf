"""Participant text is shown exactly as typed by Streamlit's Markdown, extensions included.

Only a browser shows what Streamlit makes of Markdown: its `:color[…]`, `:material/…:` and
emoji directives, maths, autolinks and typographic replacements run in the front end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port
from workshop.domain.text import WORD_JOINER

CASES = [
    # Streamlit's own extensions
    ":red[red]",
    ":blue-background[x]",
    ":violet-badge[hi]",
    ":small[tiny]",
    ":rainbow[ok]",
    "text:red[x]",
    ":material/home:",
    ":smile:",
    ":+1:",
    ":100:",
    "ü :tada:",
    "\\:red[x]",
    "$x^2$",
    "$$a$$",
    # Markdown and GitHub Markdown
    "<b>b</b>",
    "<script>alert(1)</script>",
    "**bold** _it_",
    "[link](http://x)",
    "![img](http://x/i.png)",
    "# head",
    "- item",
    "1. one",
    "`code`",
    "~~s~~",
    "|a|b|",
    "> quote",
    "&amp;",
    "&#58;",
    "a\\\\b",
    "*",
    "_",
    # autolinks and typography
    "www.x.com)",
    "WWW.X.COM",
    "see http://x.org/a_(b) now",
    "a@b.com",
    "->",
    "<-",
    "<->",
    "<=",
    "--",
    "x -> y",
    "--> done",
    "...",
    "(c)",
    # plain text stays plain
    "a:b:c",
    "Note: it works.",
    "3.14",
    "12. Dec",
    "H~2~O",
    "==mark==",
]


@pytest.fixture(scope="module")
def page_url():
    port = free_port()
    env = {**os.environ, "MARKDOWN_CASES": json.dumps(CASES), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "tests" / "markdown_page.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_case_is_shown_as_typed(page_url):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(page_url)
            page.locator(f".st-key-case-{len(CASES) - 1}").wait_for(timeout=30_000)
            page.wait_for_timeout(500)
            shown = [
                page.locator(f".st-key-case-{n}").inner_text().strip().replace(WORD_JOINER, "")
                for n in range(len(CASES))
            ]
        finally:
            browser.close()
    wrong = [(case, seen) for case, seen in zip(CASES, shown) if seen != case]
    assert not wrong, wrong
