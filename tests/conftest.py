"""Shared fixtures: a fresh database per test, a created workshop and the sample workshop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers import NOW  # noqa: E402
from workshop import actions  # noqa: E402
from workshop import store as storage  # noqa: E402
from workshop.demo import create_demo  # noqa: E402


@pytest.fixture
def db(tmp_path):
    database = storage.connect(tmp_path / "t.db")
    yield database
    database.close()


@pytest.fixture
def workshop(db) -> actions.Created:
    return actions.create_workshop(db, "Scaling plan 2025", "Acme Ltd", "scaleup", now=NOW)


@pytest.fixture
def demo(db) -> actions.Created:
    return create_demo(db, now=NOW)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A browser test without Chromium fails with one clear line; it never skips silently."""
    from tests.appserver import CHROMIUM

    module = getattr(item, "module", None)
    if module is not None and "playwright" in vars(module) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium (scripts/test does)", pytrace=False)
