"""`python -m workshop demo|list|export|import` as a person runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import as_restored
from workshop.actions import portfolio
from workshop.backup import export
from workshop.domain.errors import NotAllowed
from workshop.reports import calendar

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WORKSHOP_DB"}
    return subprocess.run(
        [sys.executable, "-m", "workshop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A database holding the demo workshop, created through the command line."""
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "source.db"
    result = run("--db", str(db), "demo")
    assert result.returncode == 0, result.stderr
    code = re.search(r"join code:\s+([A-Z0-9]{6})", result.stdout).group(1)
    key = re.search(r"facilitator key:\s+(\S+)", result.stdout).group(1)
    return {"folder": folder, "db": db, "code": code, "key": key, "stdout": result.stdout}


def test_demo_prints_code_key_and_link(sample):
    assert "Sample workshop created." in sample["stdout"]
    assert f"?join={sample['code']}" in sample["stdout"]
    assert len(sample["key"]) >= 20


def test_list_shows_the_workshop(sample):
    result = run("--db", str(sample["db"]), "list")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(sample["code"] + "  ")
    assert "ended" in lines[0] and "6 people" in lines[0]
    assert "Northwind Analytics — Scaling the delivery engine" in lines[0]


def test_db_option_after_the_command(sample):
    result = run("list", "--db", str(sample["db"]))
    assert result.returncode == 0 and sample["code"] in result.stdout


def test_list_of_an_empty_database(tmp_path):
    result = run("--db", str(tmp_path / "empty.db"), "list")
    assert (result.returncode, result.stdout.strip()) == (0, "No workshops yet.")


def test_export_markdown_to_a_file(sample):
    out = sample["folder"] / "summary.md"
    result = run("--db", str(sample["db"]), "export", sample["code"].lower(), "--format", "md", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"Wrote {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Ship It — Scaling the delivery engine")
    assert f"**Workshop code:** {sample['code']}" in text
    assert text.count("- [x] ") == 5


def test_export_markdown_to_stdout(sample):
    result = run("--db", str(sample["db"]), "export", sample["code"])
    assert result.returncode == 0
    assert result.stdout.startswith("# Ship It — ") and "## Time per step" in result.stdout


def test_export_the_audit_trail_as_csv(sample):
    result = run("--db", str(sample["db"]), "export", sample["code"], "--format", "audit")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "When,Role,Device or link,Action,Step,Subject,Before,After"
    assert any(",facilitator,facilitator key,create the workshop,bottlenecks," in line for line in lines)
    assert any("end the workshop" in line for line in lines) and any("(count)" in line for line in lines)
    assert sample["key"] not in result.stdout


def test_export_json_then_import_into_another_database(sample):
    exported = sample["folder"] / "backup.json"
    result = run("--db", str(sample["db"]), "export", sample["code"], "--format", "json", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == export.FORMAT == "scaling-workshop/6"
    assert document["workshop"]["code"] == sample["code"]
    assert sample["key"] not in exported.read_text(encoding="utf-8")

    other = sample["folder"] / "restored.db"
    result = run("--db", str(other), "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert f"Imported workshop {sample['code']}." in result.stdout
    new_key = re.search(r"new facilitator key:\s+(\S+)", result.stdout).group(1)
    assert new_key != sample["key"]

    listed = run("--db", str(other), "list")
    assert listed.returncode == 0 and listed.stdout.startswith(sample["code"])

    again = run("--db", str(other), "export", sample["code"], "--format", "json")
    assert again.returncode == 0
    assert as_restored(again.stdout) == as_restored(document)

    twice = run("--db", str(other), "import", str(exported))
    assert twice.returncode == 2
    assert twice.stderr.startswith("error:") and "already exists" in twice.stderr


@pytest.mark.parametrize(
    "content",
    ["this is not json", '{"format": "something-else/9"}', "[]", '{"format": "scaling-workshop/1", "workshop": {}}'],
)
def test_importing_a_bad_file_exits_2(tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    target = tmp_path / "target.db"
    result = run("--db", str(target), "import", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert run("--db", str(target), "list").stdout.strip() == "No workshops yet."


def test_importing_an_incomplete_export_exits_2(sample, tmp_path):
    exported = run("--db", str(sample["db"]), "export", sample["code"], "--format", "json")
    document = json.loads(exported.stdout)
    del document["workshop"]["created_at"]
    bad = tmp_path / "incomplete.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    result = run("--db", str(tmp_path / "target.db"), "import", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_importing_a_missing_file_exits_2(tmp_path):
    result = run("--db", str(tmp_path / "t.db"), "import", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: Cannot read")


def test_exporting_an_unknown_code_exits_2(sample):
    result = run("--db", str(sample["db"]), "export", "ZZZZZZ")
    assert result.returncode == 2
    assert result.stderr.startswith("error: No workshop has the code")


def test_usage_errors(sample):
    assert run("--db", str(sample["db"])).returncode == 2
    bad_format = run("--db", str(sample["db"]), "export", sample["code"], "--format", "docx")
    assert bad_format.returncode == 2 and "invalid choice" in bad_format.stderr


def test_portfolio_key_is_issued_once_and_replaces_the_last(tmp_path, monkeypatch):
    from workshop import store as storage

    monkeypatch.delenv(portfolio.PORTFOLIO_KEY_ENV, raising=False)
    path = tmp_path / "keys.db"
    first, second = (run("portfolio-key", "--db", str(path)) for _ in range(2))
    assert first.returncode == second.returncode == 0
    keys = [out.stdout.strip().splitlines()[-1] for out in (first, second)]
    assert keys[0] != keys[1]
    db = storage.connect(path)
    with pytest.raises(NotAllowed):
        portfolio.read_portfolio(db, keys[0])
    assert portfolio.read_portfolio(db, keys[1]) == ([], [])
    db.close()
    monkeypatch.setenv(portfolio.PORTFOLIO_KEY_ENV, "configured")
    refused = run("portfolio-key", "--db", str(path))
    assert refused.returncode == 2 and "WORKSHOP_PORTFOLIO_KEY is set" in refused.stderr


# --- the check-in calendar (ics) -------------------------------------------------------------


def run_ics(*args: str, url_env: str | None = None) -> subprocess.CompletedProcess:
    """Like `run`, but bytes out (the file's CRLF line ends intact) and $WORKSHOP_URL under control."""
    env = {k: v for k, v in os.environ.items() if k not in ("WORKSHOP_DB", "WORKSHOP_URL")}
    if url_env is not None:
        env["WORKSHOP_URL"] = url_env
    return subprocess.run([sys.executable, "-m", "workshop", *args], cwd=ROOT, env=env, capture_output=True, timeout=60)


def ics_events(raw: bytes) -> list:
    import icalendar

    return list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))


def test_export_ics_to_a_file(sample):
    out = sample["folder"] / "checkins.ics"
    result = run_ics("--db", str(sample["db"]), "export", sample["code"], "--format", "ics", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"" and f"Wrote {out}".encode() in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    events = ics_events(raw)
    assert len(events) == 4  # the sample's four owners, each with a first check-in planned
    assert len({str(e["UID"]) for e in events}) == 4
    for event in events:  # no owner's token in the file, so no owner page to link: it says how to get one
        assert "URL" not in event
        assert calendar.NO_LINK in str(event["DESCRIPTION"]) and "/owner?ws=" not in str(event["DESCRIPTION"])
    assert b"&o=" not in raw and sample["key"].encode() not in raw


def test_export_ics_to_stdout_is_the_same_file_every_time(sample):
    first = run_ics("--db", str(sample["db"]), "export", sample["code"], "--format", "ics")
    second = run_ics("--db", str(sample["db"]), "export", sample["code"].lower(), "--format", "ics")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith(b"BEGIN:VCALENDAR\r\n") and len(ics_events(first.stdout)) == 4


def descriptions(raw: bytes) -> list[str]:
    """Each event's description, unfolded and unescaped."""
    return [str(e["DESCRIPTION"]) for e in ics_events(raw)]


def test_export_ics_url_makes_absolute_links(sample):
    """The summary where the facilitator issues owner links, at the server's public address."""
    out = sample["folder"] / "linked.ics"
    args = ("--db", str(sample["db"]), "export", sample["code"], "--format", "ics", "-o", str(out))
    result = run_ics(*args, "--url", "https://workshop.example.org/", url_env="https://ignored.example.org")
    assert result.returncode == 0, result.stderr
    link = f"https://workshop.example.org/ship-it?ws={sample['code']}"
    assert all(text.endswith(f"Owner links: {link}.") for text in descriptions(out.read_bytes()))
    assert b"ignored.example.org" not in out.read_bytes()


def test_export_ics_url_defaults_to_the_environment(sample):
    result = run_ics(
        "--db", str(sample["db"]), "export", sample["code"], "--format", "ics", url_env="https://env.example.org"
    )
    assert result.returncode == 0, result.stderr
    link = f"https://env.example.org/ship-it?ws={sample['code']}"
    assert all(text.endswith(f"Owner links: {link}.") for text in descriptions(result.stdout))


def test_exporting_an_unknown_code_as_ics_exits_2(sample):
    result = run_ics("--db", str(sample["db"]), "export", "ZZZZZZ", "--format", "ics")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: No workshop has the code")
    assert len(result.stderr.decode().strip().splitlines()) == 1
    assert result.stdout == b""


@pytest.mark.parametrize(
    ("args", "url_env", "message"),
    [
        (("--format", "md", "--url", "https://x.example.org"), None, "error: --url only goes with --format ics."),
        (("--format", "ics", "--url", "workshop.example.org"), None, "error: --url must start with http"),
        (("--format", "ics"), "ftp://example.org", "error: WORKSHOP_URL must start with http"),
    ],
)
def test_export_ics_refuses_a_url_it_cannot_link_to(sample, args, url_env, message):
    result = run_ics("--db", str(sample["db"]), "export", sample["code"], *args, url_env=url_env)
    assert result.returncode == 2
    assert result.stderr.decode().startswith(message) and b"Traceback" not in result.stderr
    assert result.stdout == b""


def test_the_md_export_ignores_workshop_url(sample):
    result = run_ics("--db", str(sample["db"]), "export", sample["code"], url_env="not a url")
    assert result.returncode == 0 and result.stdout.startswith(b"# Ship It")


def test_retention_numbers_the_names_of_ended_workshops(tmp_path, monkeypatch):
    db = tmp_path / "retention.db"
    made = run("--db", str(db), "demo")
    code = re.search(r"join code:\s+([A-Z0-9]{6})", made.stdout).group(1)
    monkeypatch.delenv("WORKSHOP_RETAIN_NAMES_DAYS", raising=False)
    monkeypatch.delenv("WORKSHOP_DELETE_AFTER_DAYS", raising=False)
    assert run("--db", str(db), "retention").stdout.splitlines() == [
        "WORKSHOP_RETAIN_NAMES_DAYS is not set: names are kept.",
        "WORKSHOP_DELETE_AFTER_DAYS is not set: workshops are kept.",
    ]
    monkeypatch.setenv("WORKSHOP_RETAIN_NAMES_DAYS", "0")
    result = run("--db", str(db), "retention")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["Names numbered in 1 workshop that ended 0 or more days ago.", code]
    exported = json.loads(run("--db", str(db), "export", code, "--format", "json").stdout)
    assert {p["name"] for p in exported["participants"] if not p["is_facilitator"]} == {
        f"Participant {n}" for n in range(1, 7)
    }
    monkeypatch.setenv("WORKSHOP_RETAIN_NAMES_DAYS", "soon")
    refused = run("--db", str(db), "retention")
    assert refused.returncode == 2 and "WORKSHOP_RETAIN_NAMES_DAYS must be a whole number" in refused.stderr


def test_retention_deletes_workshops_that_ended_long_enough_ago_and_records_them(tmp_path, monkeypatch):
    db = tmp_path / "deletion.db"
    code = re.search(r"join code:\s+([A-Z0-9]{6})", run("--db", str(db), "demo").stdout).group(1)
    assert run("--db", str(db), "deletions").stdout.strip() == "No workshop has been deleted."
    monkeypatch.setenv("WORKSHOP_RETAIN_NAMES_DAYS", "30")
    monkeypatch.setenv("WORKSHOP_DELETE_AFTER_DAYS", "7")
    refused = run("--db", str(db), "retention")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "WORKSHOP_DELETE_AFTER_DAYS (7) must be at least WORKSHOP_RETAIN_NAMES_DAYS (30)" in refused.stderr
    assert code in run("--db", str(db), "list").stdout  # a bad pair changes nothing
    monkeypatch.setenv("WORKSHOP_RETAIN_NAMES_DAYS", "0")
    monkeypatch.setenv("WORKSHOP_DELETE_AFTER_DAYS", "0")
    result = run("--db", str(db), "retention")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["Deleted 1 workshop that ended 0 or more days ago.", code]
    assert run("--db", str(db), "list").stdout.strip() == "No workshops yet."
    [line] = run("--db", str(db), "deletions").stdout.splitlines()
    assert line.startswith(code) and "retention period ended (retention policy)" in line
