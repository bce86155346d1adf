"""Generated requests against every live route: no input gives a 5xx, every refusal is a
one-line JSON 4xx that leaves the database byte-identical, and a stored write moves the
version of exactly the workshop it names.

The requests go through Starlette's test client to `live.ROUTES`, with a fresh database, hub
and fair-use limiter, two workshops (A and B) and their real tokens and ids, so a share of
the generated requests are valid writes and the rest are near misses or plain garbage.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.test_live import Room, live_channel
from workshop.domain.vocabulary import normalise_code
from workshop.live import routes as live
from workshop.live.fairuse import FairUse

FUZZ_POSTS = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FUZZ_NEAR = settings(FUZZ_POSTS, max_examples=300)  # per route
FUZZ_READS = settings(FUZZ_POSTS, max_examples=1000)
FULL_DUMP_EVERY = 10  # refused requests between two full dumps (the data_version check runs on every one)


# --- the two rooms ---------------------------------------------------------------------------


class Fuzz:
    """The app under test, its database and the bookkeeping of one property test."""

    def __init__(self, client: TestClient, db, a: Room, b: Room) -> None:
        self.client, self.db, self.a, self.b = client, db, a, b
        self.dump_cache = ("", -1)
        self.refusals = 0
        self.seen: dict[int, int] = {}

    def dump(self) -> str:
        return "\n".join(self.db.conn.iterdump())

    def data_version(self) -> int:
        """Moves whenever another connection (the app's) commits anything to the file."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def versions(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.db.execute("SELECT code, version FROM workshops").fetchall()}

    def snapshot(self) -> tuple[int, str]:
        """(data_version, dump) of the database now; the dump is only redone after a commit."""
        mark = self.data_version()
        if self.dump_cache[1] != mark:
            self.dump_cache = (self.dump(), mark)
        return mark, self.dump_cache[0]


@pytest.fixture
def fz(tmp_path, monkeypatch):
    with live_channel(tmp_path / "fuzz.db", monkeypatch) as parts:
        yield Fuzz(*parts)


# --- strategies --------------------------------------------------------------------------------

SCORES = {"value": 8, "effort": 3, "urgency": 7, "confidence": 70}
# A valid body per write; "@name" is a real token or id of workshop A or B, drawn per example.
TEMPLATES: dict[str, dict[str, Any]] = {
    "bottlenecks": {"token": "@token", "dimension": "product", "text": "Deploys take a day", "client_id": "@cid"},
    "votes": {"token": "@token", "bottleneck_id": "@bottleneck"},
    "impacts": {
        "token": "@token",
        "bottleneck_id": "@bottleneck",
        "outcome": "revenue",
        "direction": "worse",
        "magnitude": 3,
        "because": "Deals wait on SSO",
        "money": 5000,
        "client_id": "@cid",
    },
    "impacts/edit": {
        "token": "@token",
        "impact_id": "@impact",
        "bottleneck_id": "@bottleneck",
        "outcome": "churn",
        "direction": "better",
        "magnitude": 5,
        "because": "Outages at renewal",
    },
    "impacts/withdraw": {"token": "@token", "impact_id": "@impact"},
    "initiatives": {
        "token": "@token",
        "title": "Error budgets",
        "bottleneck_ids": ["@bottleneck"],
        "description": "Pause features when the budget is spent",
        "client_id": "@cid",
    },
    "scores": {"token": "@token", "initiative_id": "@initiative", "scores": SCORES},
    "picks": {"token": "@token", "initiative_id": "@initiative", "choice": "buy", "reason": "Commodity"},
    "volunteers": {"token": "@token", "initiative_id": "@initiative", "on": True},
    "readiness": {"token": "@token", "answers": [{"key": "demand", "rating": 2, "number": 5}]},
    "me": {"token": "@token"},
}
NO_SUCH_PATHS = [
    "merge",
    "next",
    "lock",
    "timer",
    "votes/budget",
    "bottlenecks/hide",
    "ME",
    "Votes",
    "me/",
    "bottlenecks/../votes",
    "%2e%2e/votes",
]
POST_PATHS = [*live.WRITES, "me"]
FIELDS = sorted(
    {name for body in TEMPLATES.values() for name in body}
    | {"remove", "key", "scores", "pad", "", "__proto__", "token "}
)

# Every character, lone surrogates included (json.dumps sends those as raw \ud800 escapes).
any_char = (
    st.characters(codec=None, categories=None)
    | st.characters(categories=["Cs"])
    | st.sampled_from('\x00\n\r\t\u2028\u202e\ufeff\ufffd:[]{}"\\/%&?#ß')
)
long_texts = st.builds(
    lambda unit, n, tail: unit * n + tail,
    st.sampled_from(["x", "é", "🙂", " ", "\ud800", "ab\n"]),
    st.sampled_from([40, 140, 279, 280, 281, 500, 1000]) | st.integers(0, 1200),
    st.text(max_size=3),
)
texts = st.one_of(
    st.text(any_char, max_size=40),
    st.text(max_size=300),
    long_texts,
    st.sampled_from(["", " ", "x" * 281, "\ud800", "a\udfffb", "NaN", "null", "1e999", "product", "buy", "worse"]),
)
huge_ints = (
    st.integers()
    | st.integers(min_value=2**62 - 2, max_value=2**64 + 2)
    | st.sampled_from([0, -1, 1, 2**31, -(2**63), 2**63, 10**30, -(10**30), 10**400])
)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.5, 1e308, -0.0, 5e-324])
scalars = st.none() | st.booleans() | huge_ints | floats | texts
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | texts, inner, max_size=4),
    max_leaves=12,
)


def deep(depth: int, kind: str) -> str:
    """JSON text nested `depth` levels deep (beyond Python's recursion limit for large depths)."""
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "dict":
        return '{"a":' * depth + "1" + "}" * depth
    return "[" * depth  # unterminated


def draw_ref(draw, name: str, home: str, fz: Fuzz) -> Any:
    """A real token or id for "@name", mostly of the `home` workshop ("a" or "b"), sometimes of the
    other one (so some requests cross workshops). Drawn only when a template uses it."""
    if name == "cid":
        return draw(st.sampled_from(["c-1", "c-2", "c-3"]) | st.text(max_size=50))
    room = fz.a if draw(st.sampled_from([home] * 4 + ["b" if home == "a" else "a"])) == "a" else fz.b
    choices = {"token": ["ann", "bo", "ann", "bo", "key"], "bottleneck": ["b1", "b2"]}.get(name, [name])
    return getattr(room, draw(st.sampled_from(choices)))


def resolve(draw, template: Any, home: str, fz: Fuzz) -> Any:
    if isinstance(template, dict):
        return {k: resolve(draw, v, home, fz) for k, v in template.items()}
    if isinstance(template, list):
        return [resolve(draw, v, home, fz) for v in template]
    if isinstance(template, str) and template.startswith("@"):
        return draw_ref(draw, template[1:], home, fz)
    return template


def real_value(fz: Fuzz) -> st.SearchStrategy[Any]:
    """A real token or id of A or B, in the place of some other field."""
    return st.sampled_from(
        [
            fz.a.ann,
            fz.a.bo,
            fz.b.ann,
            fz.a.key,
            fz.a.b1,
            fz.a.b2,
            fz.b.b1,
            fz.a.impact,
            fz.b.impact,
            fz.a.initiative,
            fz.b.initiative,
            [fz.a.b1, fz.b.b2],
            True,
            None,
        ]
    )


@st.composite
def bodies(draw, path: str, fz: Fuzz, home: str = "a") -> bytes:
    """A POST body: garbage, arbitrary JSON, or a valid-looking body with one field replaced."""
    kind = draw(st.sampled_from(["near", "near", "valid", "json", "json", "bytes", "deep", "numbers"]))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "bytes":
        return draw(
            st.binary(max_size=200)
            | st.sampled_from(
                [b"", b"\xff\xfe", b'{"token":"\xed\xa0\x80"}', b'{"token": "\xc3"}', b"\x00" * 10, b"{" * 10]
            )
        )
    if kind == "deep":
        depth = draw(st.sampled_from([50, 999, 1001, 3000, 5000]) | st.integers(1, 8000))
        text = deep(depth, draw(st.sampled_from(["list", "dict", "open"])))
        if draw(st.booleans()):
            text = '{"token": ' + text + "}"
        return text.encode()
    return draw(mutated_bodies(path, fz, home, kind))


RAW_NUMBERS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "9" * 4400,
    "1" + "0" * 30,
    "-0",
    "1.5e-400",
    "0x10",
    "01",
    "1_000",
    "+1",
    ".5",
    "1.",
    "true",
    "nul",
]


@st.composite
def mutated_bodies(draw, path: str, fz: Fuzz, home: str = "a", kind: str | None = None) -> bytes:
    """A valid body of `path` with real tokens and ids, as is or with a field replaced, added or
    dropped: a generated value, a real token or id of either workshop, or a number JSON lacks."""
    kind = kind or draw(st.sampled_from(["valid", "near", "near", "near", "near", "numbers", "drop"]))
    body = resolve(draw, TEMPLATES.get(path, TEMPLATES["me"]), home, fz)
    own = sorted(body)
    if kind == "numbers":  # JSON's missing numbers (NaN, Infinity) and oversized ones, as raw text
        name = draw(st.sampled_from(own))
        raw = draw(st.sampled_from(RAW_NUMBERS))
        marker = "\u0000MARK\u0000"
        return json.dumps({**body, name: marker}).replace(json.dumps(marker), raw).encode()
    if kind in ("near", "drop"):
        for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
            name = draw(st.one_of(*[st.sampled_from(own)] * 4, st.sampled_from(FIELDS)))
            if kind == "drop":
                body.pop(name, None)
            else:
                body[name] = draw(
                    st.one_of(
                        texts, long_texts, huge_ints, floats, st.none() | st.booleans(), json_values, real_value(fz)
                    )
                )
    if draw(st.integers(0, 19)) == 0:
        body["pad"] = "x" * draw(st.integers(7_900, 9_000))  # around the 8 KB limit
    return json.dumps(body).encode()


@st.composite
def codes(draw, fz: Fuzz, home: str = "a") -> str:
    """The path's code: the real one (odd case, dashes, spaces), unknown ones, anything at all."""
    real = (fz.a if home == "a" else fz.b).code
    variants = st.sampled_from(
        [
            real,
            real.lower(),
            real[:3] + "-" + real[3:],
            " ".join(real),
            real.lower()[:2] + "--" + real[2:],
            "-" + real + "-",
        ]
    )
    odd = st.sampled_from(
        [
            real + "X",
            real[:-1],
            "NOPE00",
            "A" * 17,
            "-" * 16,
            real + "-" * 11,
            "ＡＢＣＤＥＦ",
            "ß" * 3,
            "%00",
            "\u0000",
            "..",
            ".",
            "%2F",
            "/",
            "x" * 5000,
            "\ud800" * 3,
        ]
    )
    return draw(
        st.one_of(
            variants,
            variants,
            variants,
            odd,
            st.text(any_char, min_size=1, max_size=30),
            st.text(min_size=1, max_size=2000),
        )
    )


def quoted(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin-1",
    "*/*",
]


@st.composite
def headers_for(draw, body: bytes) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    content_type = draw(
        st.sampled_from(CONTENT_TYPES)
        | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
        | st.none()
    )
    if content_type is not None:
        headers["content-type"] = content_type
    lie = draw(
        st.none()
        | st.none()
        | st.sampled_from(
            [
                "0",
                "1",
                str(len(body) + 1),
                str(max(0, len(body) - 1)),
                "8193",
                "99999999999999999999999",
                "-1",
                "abc",
                "1e3",
                " 12",
                "+5",
                "0x10",
            ]
        )
        | st.integers(0, 20_000).map(str)
    )
    if lie is not None:
        headers["content-length"] = lie
    if draw(st.integers(0, 9)) == 0:
        headers["accept-encoding"] = "gzip"
    return headers


# --- checks ------------------------------------------------------------------------------------

ROUTE = re.compile(r"^/api/live/([^/]+)(?:/(me|meta|presence|" + "|".join(map(re.escape, live.WRITES)) + r"))?$")


def routed(response) -> re.Match[str] | None:
    """The live route the request reached, as Starlette's router sees its (decoded) path."""
    return ROUTE.match(unquote(response.request.url.path, errors="replace"))


def target_of(fz: Fuzz, match: re.Match[str]) -> str | None:
    raw = match.group(1)
    return normalise_code(raw) if len(raw) <= live.CODE_SENT_MAX else None


def check_answer(response) -> None:
    """Never a 5xx; a 4xx from a live route says why in one line of JSON."""
    status = response.status_code
    assert status < 500, (status, response.text[:500])
    if status < 400:
        return
    if routed(response) is None or status == 405:
        assert status in (404, 405), (status, response.text[:300])  # Starlette's router: may be plain text
        return
    assert response.headers["content-type"].startswith("application/json"), response.headers
    answer = response.json()
    assert isinstance(answer, dict) and set(answer) == {"error"}, answer
    error = answer["error"]
    assert isinstance(error, str) and error.strip() and "\n" not in error and "\r" not in error, answer
    assert len(error) < 300, answer
    if status == 429:
        assert int(response.headers["retry-after"]) >= 1


def check_database(fz: Fuzz, response, before: tuple[int, str], versions: dict[str, int]) -> None:
    """A refusal wrote nothing at all; a stored write moved exactly its own workshop's version."""
    status = response.status_code
    match = routed(response)
    if status >= 400:
        fz.refusals += 1
        moved = fz.data_version() != before[0]
        if moved or fz.refusals % FULL_DUMP_EVERY == 0:
            assert fz.dump() == before[1], f"a {status} changed the database: {response.text[:300]}"
        assert fz.versions() == versions
        return
    after = fz.versions()
    if match is not None and match.group(2) in live.WRITES and response.request.method == "POST":
        target = target_of(fz, match)
        assert target in (fz.a.code, fz.b.code), match.group(1)
        answer = response.json()
        assert answer["ok"] is True and isinstance(answer["me"], dict)
        assert after[target] > versions[target], f"a stored write did not move {target}'s version"
        assert {c: v for c, v in after.items() if c != target} == {c: v for c, v in versions.items() if c != target}, (
            "a write moved another workshop's version"
        )
    else:  # a read or `me`: nothing written
        assert after == versions
        assert fz.data_version() == before[0] or fz.dump() == before[1]


def check_hub(fz: Fuzz) -> None:
    """The hub never keeps an entry for a code that names no workshop."""
    assert set(live.HUB.entries) <= {fz.a.code, fz.b.code}, sorted(live.HUB.entries)[:5]


# --- the properties ----------------------------------------------------------------------------


def send_and_check(fz: Fuzz, url: str, body: bytes, headers: dict[str, Any]):
    """POST it with a fresh limiter, then check the answer, the database and the hub."""
    live.FAIR = FairUse()  # a 429 is still checked when it comes, but bursts do not drown the rest
    versions = fz.versions()
    before = fz.snapshot()
    response = fz.client.post(url, content=body, headers=headers)
    check_answer(response)
    check_database(fz, response, before, versions)
    check_hub(fz)
    return response


@st.composite
def near_requests(draw, fz: Fuzz, path: str) -> tuple[str, bytes, dict[str, Any]]:
    home = draw(st.sampled_from(["a", "a", "b"]))
    real = (fz.a if home == "a" else fz.b).code
    code = draw(st.sampled_from([real, real, real.lower(), real[:3] + "-" + real[3:]]) | codes(fz, home))
    body = draw(mutated_bodies(path, fz, home))
    headers = {"content-type": "application/json"} if draw(st.integers(0, 4)) else draw(headers_for(body))
    return f"/api/live/{quoted(code)}/{path}", body, headers


@pytest.mark.parametrize("path", POST_PATHS)
def test_near_valid_posts_never_fail_and_refusals_write_nothing(fz, path):
    """Per route: real tokens and ids, one or two fields replaced, dropped or added."""
    stats = {"2xx": 0, "4xx": 0}

    @FUZZ_NEAR
    @given(request=near_requests(fz, path))
    def run(request: tuple[str, bytes, dict[str, Any]]) -> None:
        response = send_and_check(fz, *request)
        stats["2xx" if response.status_code < 400 else "4xx"] += 1

    run()
    assert stats["2xx"] >= 1 and stats["4xx"] >= 20, stats  # the generator reaches both sides


@st.composite
def post_requests(draw, fz: Fuzz) -> tuple[str, bytes, dict[str, Any]]:
    path = draw(st.sampled_from(POST_PATHS * 4 + NO_SUCH_PATHS))
    home = draw(st.sampled_from(["a", "a", "b"]))
    code = draw(codes(fz, home))
    body = draw(bodies(path, fz, home))
    headers = draw(headers_for(body))
    return f"/api/live/{quoted(code)}/{path}", body, headers


def test_any_post_never_fails_and_refusals_write_nothing(fz):
    """Any route, path code, headers and body: raw bytes, any JSON, deep nesting, near misses."""
    stats = {"2xx": 0, "4xx": 0}

    @FUZZ_POSTS
    @given(request=post_requests(fz))
    def run(request: tuple[str, bytes, dict[str, Any]]) -> None:
        response = send_and_check(fz, *request)
        stats["2xx" if response.status_code < 400 else "4xx"] += 1

    run()
    assert stats["4xx"] >= 100, stats


SINCE = st.integers(-5, 50).map(str) | huge_ints.map(str) | texts | st.sampled_from(["", "nan", "-1", "1e3", "0x1"])


def waits_at_once(value: str) -> bool:
    """True when the route would not wait (more than 50 ms) for this `wait` value."""
    decoded = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        wait = float(decoded[:20])
    except ValueError:
        return True
    return not wait > 0.05


WAIT = (
    st.floats(-1e6, 0.05).map(repr) | st.sampled_from(["", "nan", "-inf", "abc", "0", "0.0", "1e-9", "-0"]) | texts
).filter(waits_at_once)
CLIENT = st.text(any_char, max_size=60) | st.sampled_from(["phone-1", "phone-2", "p" * 100, ""])


@st.composite
def get_requests(draw, fz: Fuzz) -> tuple[str, dict[str, Any]]:
    suffix = draw(st.sampled_from(["", "/meta", "/presence"] * 3 + ["/me", "/votes", "/nope", "/"]))
    params: list[tuple[str, str]] = []
    for name, values in (("since", SINCE), ("wait", WAIT), ("client", CLIENT)):
        if draw(st.integers(0, 4)):
            params.append((name, draw(values)))
    if draw(st.integers(0, 9)) == 0 and params:
        params.append(draw(st.sampled_from(params)))  # a repeated parameter
    query = "&".join(f"{quoted(k)}={quoted(v)}" for k, v in params)
    headers = {"accept-encoding": draw(st.sampled_from(["gzip", "identity", "br", "gzip;q=0"]))}
    code = draw(codes(fz, draw(st.sampled_from(["a", "b"]))))
    url = f"/api/live/{quoted(code)}{suffix}" + (f"?{query}" if query else "")
    return url, headers


def test_reads_never_fail_never_block_and_write_nothing(fz):
    import time

    stats = {"200": 0}

    @FUZZ_READS
    @given(request=get_requests(fz))
    def run(request: tuple[str, dict[str, Any]]) -> None:
        url, headers = request
        live.FAIR = FairUse()
        versions = fz.versions()
        before = fz.snapshot()
        started = time.monotonic()
        response = fz.client.get(url, headers=headers)
        assert time.monotonic() - started < 5, url
        check_answer(response)
        check_database(fz, response, before, versions)
        check_hub(fz)
        if response.status_code == 200:
            stats["200"] += 1
            answer = response.json()
            assert isinstance(answer, dict) and answer
        assert set(live.FAIR.by_client.open) == set() and set(live.FAIR.by_address.open) == set()

    run()
    assert stats["200"] >= 20, stats


# --- what the test client cannot send ----------------------------------------------------------


async def _asgi_post(path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, bytes]:
    """One POST straight into the routes' ASGI app, with header bytes exactly as given."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    try:
        await Starlette(routes=live.ROUTES)(scope, receive, send)
    except Exception:  # what a server turns into a 500
        return 500, b""
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


# str.isdigit() is True for '²' (latin-1 0xB2): the body check must not turn it into a 500. uvicorn's h11
# refuses such a header before the app, so only other ASGI servers would reach it.
@pytest.mark.parametrize("declared", [b"\xb2", b"\xb3", b"\xb9", b"1\xb2"])
def test_a_content_length_of_non_ascii_digits_is_refused(fz, declared):
    import anyio

    body = json.dumps({"token": fz.a.ann}).encode()
    before = fz.dump()
    status, answer = anyio.run(
        _asgi_post,
        f"/api/live/{fz.a.code}/me",
        [(b"content-length", declared), (b"content-type", b"application/json")],
        body,
    )
    assert status == 400 and "error" in json.loads(answer)
    assert fz.dump() == before


@pytest.mark.parametrize("declared", [b"12", b"-1", b"abc", b"\xff", b"99999999999999999999999"])
def test_a_lying_content_length_is_not_a_5xx(fz, declared):
    import anyio

    body = json.dumps({"token": fz.a.ann}).encode()
    status, _ = anyio.run(
        _asgi_post,
        f"/api/live/{fz.a.code}/me",
        [(b"content-length", declared), (b"content-type", b"application/json")],
        body,
    )
    assert status < 500


# An integer too large for a float (money: 10**309) is refused as not a finite number, not a 500.
@pytest.mark.parametrize("path", ["impacts", "impacts/edit"])
def test_money_beyond_the_float_range_is_refused(fz, path):
    body = {
        "token": fz.a.ann,
        "bottleneck_id": fz.a.b1,
        "outcome": "revenue",
        "direction": "worse",
        "magnitude": 3,
        "because": "Deals wait on SSO",
        "money": 10**309,
        "client_id": "overflow",
    }
    if path == "impacts/edit":
        body = {**body, "impact_id": fz.a.impact}
    before = fz.dump()
    response = fz.client.post(
        f"/api/live/{fz.a.code}/{path}", content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and "money" in response.json()["error"].lower()
    assert fz.dump() == before
