"""Unit tests of the Discord limits FakeDiscord enforces."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakediscord import validation as v


def button(i: int, **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"id{i}", **extra}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "t", "style": 1, "label": "Answer", **extra}


OK_MESSAGE = {"content": "hi", "embeds": [{"title": "t"}], "components": [row(button(1))]}


def test_valid_message_has_no_problems() -> None:
    assert v.message_problems(OK_MESSAGE, creating=True) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "x" * 2001}, "content: 2001 characters"),
        ({"content": ""}, "empty message"),
        ({"embeds": [{"title": "x" * 257}]}, "title: 257"),
        ({"embeds": [{"description": "x" * 4097}]}, "description: 4097"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "26 fields"),
        ({"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]}, "name: 257"),
        ({"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]}, "value: 1025"),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, "footer.text: 2049"),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, "author.name: 257"),
        ({"embeds": [{"title": "t"}] * 11}, "11 embeds"),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, "6001"),
        ({"components": [row(button(i)) for i in range(6)]}, "6 action rows"),
        ({"components": [row(*(button(i) for i in range(6)))]}, "6 components in a row"),
        ({"components": [row(button(1, label="x" * 81))]}, "label: 81"),
        ({"components": [row(button(1, custom_id="x" * 101))]}, "custom_id: 101"),
        ({"components": [row(button(1), button(2, custom_id="id1"))]}, "duplicate custom_id"),
        ({"components": [button(1)]}, "must be action rows"),
        (
            {
                "components": [
                    row(
                        {
                            "type": 3,
                            "custom_id": "s",
                            "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                        }
                    )
                ]
            },
            "26 options",
        ),
    ],
)
def test_message_limits(body: dict[str, Any], expected: str) -> None:
    problems = v.message_problems({"content": "c", **body}, creating=True)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("modal", "expected"),
    [
        ({"title": "x" * 46}, "modal.title: 46"),
        ({"components": [row(text_input(label="x" * 46))]}, "label: 46"),
        ({"components": []}, "0 components"),
        ({"components": [{"type": 18, "label": "L", "component": text_input()}]}, "not allowed"),
        ({"custom_id": "x" * 101}, "custom_id: 101"),
    ],
)
def test_modal_limits(modal: dict[str, Any], expected: str) -> None:
    base = {"title": "Quiz", "custom_id": "m", "components": [row(text_input())]}
    assert v.modal_problems(base) == []
    problems = v.modal_problems({**base, **modal})
    assert any(expected in p for p in problems), problems


def test_label_wrapped_input_is_valid() -> None:
    inner = {"type": 4, "custom_id": "t", "style": 2}
    modal = {
        "title": "T",
        "custom_id": "m",
        "components": [{"type": 18, "label": "L", "component": inner}],
    }
    assert v.modal_problems(modal) == []


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ({"allowed_mentions": {"parse": []}}, True),
        ({"allowed_mentions": {"parse": [], "replied_user": False}}, True),
        ({}, False),
        ({"allowed_mentions": {"parse": ["users"]}}, False),
        ({"allowed_mentions": {"parse": [], "users": ["1"]}}, False),
        ({"allowed_mentions": {}}, False),
        ({"allowed_mentions": {"parse": [], "replied_user": True}, "message_reference": {}}, False),
    ],
)
def test_mentions(body: dict[str, Any], ok: bool) -> None:
    assert (v.mention_problems(body) == []) is ok


def test_choices_and_commands() -> None:
    many = {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}
    assert any("26 choices" in p for p in v.choices_problems(many))
    assert v.command_problems([{"name": "ping", "description": "d", "type": 1}]) == []
    bad = [{"name": "Ping", "description": "", "type": 1}]
    assert len(v.command_problems(bad)) == 2
