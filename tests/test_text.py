"""Cleaning of names, notes and numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.domain.errors import InvalidInput
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.vocabulary import NOTE_MAX


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  hello  ", "hello"),
        ("a \t b\r\nc", "a b c"),
        ("Ünïcødé — ok", "Ünïcødé — ok"),
        ("x" * NOTE_MAX, "x" * NOTE_MAX),
    ],
)
def test_clean_text_trims_and_collapses(raw, expected):
    assert clean_text(raw, "Note") == expected


def test_multiline_keeps_newlines_and_tabs():
    assert clean_text(" line 1\r\n\tline 2 ", "Note", multiline=True) == "line 1\n\tline 2"


@pytest.mark.parametrize("raw", ["", "   ", None, "\n\t"])
def test_required_text_refuses_blank(raw):
    with pytest.raises(InvalidInput, match="Note cannot be empty"):
        clean_text(raw, "Note")


def test_optional_text_accepts_blank():
    assert clean_text(None, "Note", required=False) == ""
    assert clean_text("  ", "Note", required=False) == ""


@pytest.mark.parametrize("raw", ["\x00", "a\x00b", "\x1b[31mred", "\u202eevil", "a\u2066b", "\x7f", "\ue000"])
@pytest.mark.parametrize("multiline", [False, True])
def test_control_and_bidi_characters_refused(raw, multiline):
    with pytest.raises(InvalidInput, match="control character"):
        clean_text(raw, "Note", multiline=multiline)


def test_too_long_is_refused_with_the_limit():
    with pytest.raises(InvalidInput, match="10000 characters long; the limit is 280"):
        clean_text("x" * 10_000, "Note")


@pytest.mark.parametrize("raw", [5, 1.5, b"bytes", ["list"]])
def test_non_text_refused(raw):
    with pytest.raises(InvalidInput, match="must be text"):
        clean_text(raw, "Note")


@pytest.mark.parametrize("raw, expected", [(1, 1), (10, 10), (5.0, 5), ("7", 7), (" 3 ", 3)])
def test_clean_int_accepts(raw, expected):
    value = clean_int(raw, "Score", low=1, high=10)
    assert value == expected and type(value) is int


@pytest.mark.parametrize("raw", [0, 11, -1, True, False, None, 5.5, "abc", "5.0", "", float("nan"), float("inf"), [5]])
def test_clean_int_refuses(raw):
    with pytest.raises(InvalidInput, match="Score must be a whole number from 1 to 10"):
        clean_int(raw, "Score", low=1, high=10)


@pytest.mark.parametrize("raw, expected", [(3, 3.0), (2.5, 2.5), ("1,250", 1250.0), (" 7.5 ", 7.5), (0, 0.0)])
def test_clean_number_accepts(raw, expected):
    assert clean_number(raw, "Money") == expected


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", "-inf", float("nan"), float("inf"), True, [1]])
def test_clean_number_refuses(raw):
    with pytest.raises(InvalidInput, match="Money must be"):
        clean_number(raw, "Money")


def test_clean_number_bounds_and_blank():
    with pytest.raises(InvalidInput, match="between"):
        clean_number(-1, "Money", low=0, high=10)
    with pytest.raises(InvalidInput, match="required"):
        clean_number("  ", "Money")
    assert clean_number(None, "Money", required=False) is None
    assert math.isfinite(clean_number("1e6", "Money"))


# Every character str.splitlines() breaks a line at (CRLF aside).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.mark.parametrize("char", LINE_BREAKS)
def test_every_line_break_is_a_separator(char):
    assert clean_text(f" a{char}{char}b ", "Note") == "a b"
    assert clean_text(f" a{char}b ", "Note", multiline=True) == "a\nb"


# What a person may type into any field (control and bidi-override characters are refused)
# interleaved with separators, Unicode's line and paragraph separators among them. (A list
# joined, since `st.text` merges its alphabet into code point ranges and then rarely picks one.)
typed = st.lists(
    st.one_of(
        st.sampled_from(" \t\n\r\u2028\u2029\u0085"),
        st.characters(
            exclude_categories=("Cc", "Cs", "Co"),
            exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        ),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300)
@given(typed)
def test_one_line_fields_stay_on_one_line(raw):
    """Whatever is typed, a one-line field is one line for any reader, however it splits lines."""
    out = clean_text(raw, "Note", required=False)
    assert len(out.splitlines()) <= 1
    assert out == out.strip()


@settings(max_examples=300)
@given(typed)
def test_multi_line_fields_break_lines_only_at_newlines(raw):
    out = clean_text(raw, "Note", required=False, multiline=True)
    assert out.splitlines() == (out.split("\n") if out else [])
