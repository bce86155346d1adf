"""No function in the live element's JavaScript is over 60 lines (issue 12, as for workshop/ and views/).

Functions are found by brace matching on the source with its strings, template literals and
comments blanked: a `{` opens a function body when it follows `=>`, or follows `(…)` that comes
after a name other than a control keyword (`function f(…) {`, `function (…) {`, a method
`update() {`, a getter `get state() {`). A function's length is the number of lines from the one
that opens its body to the one that closes it, nested functions included.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = tuple(sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "views" / "live").glob("*.js")))
LIMIT = 60
CONTROL = {"if", "for", "while", "switch", "catch", "with", "return", "typeof", "await", "in", "of"}


def blank(text: str) -> str:
    """The source with every string, template literal and comment replaced by spaces (newlines kept)."""
    out = list(text)
    i, n = 0, len(text)

    def wipe(start: int, end: int) -> None:
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.index("*/", i) + 2
        elif c in "\"'`":
            end = i + 1
            while text[end] != c:
                end += 2 if text[end] == "\\" else 1
            end += 1
        else:
            i += 1
            continue
        wipe(i, end)
        i = end
    return "".join(out)


def matching_open(code: str, close: int) -> int:
    depth = 0
    for k in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(code[k], 0)
        if depth == 0:
            return k
    raise AssertionError("unbalanced parentheses")


def function_name(code: str, brace: int) -> str | None:
    """The function's name if the `{` at `brace` opens a function body, else None."""
    before = code[:brace].rstrip()
    if before.endswith("=>"):
        head = re.search(r"(\w+)\s*(?:=|:)\s*(?:async\s*)?(?:\([^()]*\)|\w+)\s*=>$", before)
        return head.group(1) if head else "(arrow)"
    if not before.endswith(")"):
        return None
    word = re.search(r"(\w+)\s*$", code[: matching_open(code, len(before) - 1)])
    if not word or word.group(1) in CONTROL:
        return None
    return "(anonymous)" if word.group(1) == "function" else word.group(1)


def functions(text: str) -> list[tuple[str, int, int]]:
    """(name, first line, number of lines) of every function body in one JavaScript source."""
    code = blank(text)
    found, stack = [], []
    for i, c in enumerate(code):
        if c == "{":
            stack.append((i, function_name(code, i)))
        elif c == "}":
            assert stack, "unbalanced braces"
            start, name = stack.pop()
            if name:
                first = code.count("\n", 0, start) + 1
                found.append((name, first, code.count("\n", 0, i) + 2 - first))
    assert not stack, "unbalanced braces"
    return found


def test_the_scanner_measures_declarations_methods_and_arrows() -> None:
    source = "\n".join(
        [
            "function outer(a) {",
            '  const s = "}{";',
            "  // a comment with {",
            "  const f = (x) => {",
            "    return x;",
            "  };",
            "  if (a) { f(a); }",
            "  return { update() {",
            "    f(1);",
            "  } };",
            "}",
        ]
    )
    assert sorted(functions(source)) == [("f", 4, 3), ("outer", 1, 11), ("update", 8, 3)]


@pytest.mark.parametrize("name", FILES)
def test_no_function_in_the_live_element_is_over_60_lines(name: str) -> None:
    source = (ROOT / name).read_text(encoding="utf-8")
    found = functions(source)
    declared = set(re.findall(r"^function (\w+)\(", source, re.MULTILINE))
    assert declared and declared <= {fn for fn, _, _ in found}, "the scanner finds every declared function"
    long = [f"{name}:{line}: {fn} is {length} lines" for fn, line, length in found if length > LIMIT]
    assert long == [], f"split these into functions of at most {LIMIT} lines"
