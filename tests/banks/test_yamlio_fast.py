"""yamlio's fast parser must give exactly what the full parser gives: data, lines and errors."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.banks import yamlio
from tests.banks.helpers import FIXTURES, SHIPPED


def _canon(x: Any) -> Any:
    """Equal only if equal in type too: 1, 1.0 and True are three different answers."""
    if isinstance(x, dict):
        return ("map", tuple((_canon(k), _canon(v)) for k, v in x.items()))
    if isinstance(x, list):
        return ("seq", tuple(_canon(v) for v in x))
    if isinstance(x, float) and math.isnan(x):
        return ("nan",)
    if isinstance(x, datetime.datetime):
        return ("datetime", x.isoformat(), str(x.tzinfo))
    return (type(x).__name__, x)


def _paths(x: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield prefix
    if isinstance(x, dict):
        for k, v in x.items():
            if isinstance(k, str):
                yield from _paths(v, (*prefix, k))
        yield (*prefix, "no-such-key")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, (*prefix, i))
        yield (*prefix, len(x))
        yield (*prefix, -1)


def _outcome(text: str, repeated_keys: bool, *, full: bool) -> tuple[Any, Any]:
    try:
        if full:
            data, line_of = yamlio._parse_full(text, repeated_keys=repeated_keys)
        else:
            data, line_of = yamlio.parse(text, repeated_keys=repeated_keys)
    except yamlio.YamlProblem as exc:
        return ("problem", exc.line, str(exc)), None
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc)), None
    return ("ok", _canon(data)), (data, line_of)


def assert_same(text: str) -> None:
    for repeated_keys in (False, True):
        ours, got = _outcome(text, repeated_keys, full=False)
        full, expected = _outcome(text, repeated_keys, full=True)
        assert ours == full, text
        if got is None or expected is None:
            continue
        extra: list[tuple[str | int, ...]] = [("questions", 0), ("questions", 0, "answers", 0)]
        for path in [*_paths(got[0]), *extra]:
            assert got[1](path) == expected[1](path), (text, path)


SCALARS = [
    "yes", "No", "on", "OFF", "y", "0x1F", "0o17", "017", "0b101", "1_000", "+12", "-0", "1:30",
    "1:30.5", "190:20:30", ".inf", "-.Inf", ".nan", "1e3", "1.0e+3", "0.", "2023-01-01",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "~", "", "null", "'yes'", '"1"',
    "|\n  lit\n  eral", ">\n  fold\n  ed", "=", "<<", "!", "&", "*", "2023-02-30", "'it''s'",
    '"\\u263a"', '"\\x01"', "[a, 'b', 3]", "{a: 1, b: [2]}",
]  # fmt: skip

DOCUMENTS = [
    "", "# only a comment\n", "---\n", "--- a\n", "plain\n", "[1, 2]\n", "a: 1\n---\nb: 2\n",
    "a: 1\n...\n", "a: 1\na: 2\n", "a: 1\n'a': 2\n", "1: a\n'1': b\n", "yes: a\ntrue: b\n",
    ".nan: 1\n.nan: 2\n", "a: &x [1]\nb: *x\n", "a: &x [1]\n", "a: !!str 3\n",
    "a: !!binary aGVsbG8=\n", "a: !!set {a, b}\n", "a: !!omap [{a: 1}]\n", "a: ! 3\n",
    "a: !!python/object:os.system x\n", "? [a]\n: b\n", "<<: {a: 1}\nb: 2\n",
    "a: {<<: {x: 1}, y: 2}\n", "=: 1\n", "a: [unclosed\n", "a: \x01\n", "a: 1\n\tb: 2\n",
    "a: {b: 1, b: 2}\n", "a: " + "[" * 60 + "]" * 60 + "\n", "a: " + "[" * 40 + "]" * 40 + "\n",
    "questions: x\n", "questions: []\n", "questions:\n- a\n- [b]\n- {c: d}\n",
    "questions:\n  - id: q1\n  - id: q2\n    answers: [a]\n", "questions:\n- &q {id: a}\n",
    "x: 1\nquestions:\n- id: a\nquestions: []\n", "\ufeffa: 1\n", "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
]  # fmt: skip


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents_parse_as_the_full_parser_parses_them(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("scalar", SCALARS)
def test_scalars_resolve_as_yaml_1_1_says(scalar: str) -> None:
    assert_same(f"a: {scalar}\n")
    assert_same(f"a:\n- {scalar}\n")
    assert_same(f"{scalar}: a\n")


def test_shipped_banks_and_fixtures_take_the_fast_path_and_agree() -> None:
    shipped = sorted(SHIPPED.glob("*.yaml"))
    assert shipped
    for path in [*shipped, *sorted(FIXTURES.rglob("*.yaml"))]:
        text = path.read_text(encoding="utf-8")
        assert_same(text)
        if path in shipped:
            assert yamlio._parse_fast(text) is not None, path


def test_a_problem_line_inside_a_question_comes_from_the_full_parser() -> None:
    text = "id: b\nquestions:\n  - id: q1\n    answers:\n      - a\n      - b\n"
    _, line_of = yamlio.parse(text)
    assert yamlio._parse_fast(text) is not None
    assert line_of(("questions", 0)) == 3
    assert line_of(("questions", 0, "answers", 1)) == 6


_FRAGMENTS = st.sampled_from(
    [
        "id: geo", "title: T", "questions:", "  - id: q", "    question: Q?",
        "    answers: [a, b]", "    distractors:", "      - x", "&a x", "*a", "!!binary aGk=",
        "{", "[", "'", '"', ":", "- ", "? ", "yes", "1:30", "~", "", "  ", "a: b", "a: 1",
        "- a: b", "  - c", "questions: []", "---", "...", "b: &x 1", "c: *x", "#",
        "<<: {a: 1}", "a: {a: 1, a: 2}", "x: 2023-01-01", "a: 0x1f", "\t", "a: !!str 1",
    ]
)  # fmt: skip
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.dates()
    | st.datetimes(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_FRAGMENTS, max_size=12).map("\n".join) | st.text(max_size=200))
def test_yaml_ish_text_parses_as_the_full_parser_parses_it(text: str) -> None:
    assert_same(text)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.dictionaries(st.text(max_size=6), _VALUES, max_size=5),
    st.booleans(),
    st.sampled_from([None, True, False]),
)
def test_dumped_structures_parse_as_the_full_parser_parses_them(
    data: dict[str, Any], unicode: bool, flow: bool | None
) -> None:
    assert_same(yaml.safe_dump(data, allow_unicode=unicode, default_flow_style=flow))
