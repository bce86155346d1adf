"""Shared fixtures: a fresh database per test, a created workshop and the sample workshop.

The storage, actions, importer, live, crash and serve tests run on both engines: their `db` (and
`database`, the address of a fresh database) is parametrised over SQLite and PostgreSQL, the
latter a throwaway server the session starts itself (`tests/pgserver.py`).
"""

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

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES = {
    "test_storage",
    "test_actions",
    "test_importer",
    "test_live",
    "test_crash",
    "test_engines",
    "test_serve",
    "test_group_commit",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The modules that run on both engines get each test once per engine."""
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in BOTH_ENGINES and "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine a test runs on: SQLite unless its module runs on both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the whole session, with a migrated template database."""
    from tests.pgserver import Server

    server = Server().start()
    try:
        template = server.fresh()
        storage.connect(template).close()
        server.admin(f'ALTER DATABASE "{template.rsplit("/", 1)[1]}" IS_TEMPLATE true')
        server.template = template.rsplit("/", 1)[1]
        yield server
    finally:
        server.destroy()


@pytest.fixture
def database(engine: str, request: pytest.FixtureRequest, tmp_path: Path):
    """The address of a fresh, empty database on the test's engine: a file path or a URL. A
    PostgreSQL one is dropped after its test (each holds some 8 MB of the server's catalogs)."""
    if engine == "sqlite":
        yield str(tmp_path / "t.db")
        return
    server = request.getfixturevalue("pg_server")
    url = str(server.fresh(server.template))
    yield url
    server.drop(url)


@pytest.fixture
def db(database: str):
    connection = storage.connect(database)
    yield connection
    connection.close()


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
