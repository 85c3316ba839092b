"""Red-DiscordBot trivia lists become typed-only questions."""

from __future__ import annotations

import pytest

from bot.banks.importers import BankImportError, ImportReport, import_questions
from bot.engine.models import Difficulty
from tests.banks.helpers import IMPORTS


def red(text: str, title: str | None = None) -> ImportReport:
    return import_questions(text.encode(), "red", bank_id="kitchen", title=title)


def test_fixture_list() -> None:
    report = import_questions(
        (IMPORTS / "red-list.yaml").read_bytes(), "red", bank_id="kitchen", filename="red-list.yaml"
    )
    assert report.format == "red"
    assert report.entries == 7
    bank = report.bank
    assert bank is not None
    assert bank.id == "kitchen"
    assert bank.title == "Kitchen"
    assert bank.description == "Kitchen science, written for the trivia-bot tests. By Tess Fixture."
    assert [(q.text, q.answers) for q in bank.questions] == [
        (
            "At what temperature in degrees Celsius does water boil at sea level?",
            ("100", "one hundred"),
        ),
        ("Which gas makes bread dough rise?", ("carbon dioxide", "CO2")),
        (
            "Is a tomato botanically a fruit?",
            ("True",),
        ),  # YAML 1.1 reads `yes` as true, as Red does
        ("How many teaspoons are in a tablespoon?", ("3", "three")),
        ("What is the melting point of butter, roughly, in Celsius?", ("32.5",)),
    ]
    assert all(q.distractors == () and q.difficulty is Difficulty.MEDIUM for q in bank.questions)
    assert bank.questions[0].id == "at-what-temperature-in-degrees-celsius"
    assert bank.questions[0].line == 8
    assert [str(p) for p in report.problems] == [
        "entry 4 (line 16): no answer",
        "entry 6 (line 20): duplicate of entry 2",
    ]


def test_title_option_wins() -> None:
    report = red("Why?:\n  - because\n", title="Big questions")
    assert report.bank is not None and report.bank.title == "Big questions"


def test_single_answer_without_a_list() -> None:
    report = red("Capital of Peru?: Lima\n")
    assert report.questions[0].answers == ("Lima",)


def test_repeated_key_is_reported_not_silently_dropped() -> None:
    report = red("Best colour?:\n  - blue\nBest colour?:\n  - red\n")
    assert [str(p) for p in report.problems] == [
        "line 3: question 'Best colour?' is repeated (first on line 1); only the last copy's "
        "answers are kept"
    ]
    assert report.questions[0].answers == ("red",)


def test_bad_answers_are_reported_per_entry() -> None:
    text = "First?:\n  - ok\nSecond?:\n  nested: map\nThird?:\n  - [a, b]\n"
    report = red(text)
    assert [str(p) for p in report.problems] == [
        "entry 2 (line 3): 'answers' must be a list of texts",
        "entry 2 (line 3): no accepted answer",
        "entry 3 (line 6): answers[0] must be text",
        "entry 3 (line 5): no accepted answer",
    ]
    assert [q.text for q in report.questions] == ["First?"]


def test_over_long_answer_is_reported() -> None:
    report = red(f"Long?:\n  - {'x' * 81}\n")
    assert report.bank is None
    assert "a button label holds 80" in str(report.problems[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "a Red trivia list must be a mapping"),
        ("id: x\ntitle: X\nquestions: []\n", "looks like a trivia-bot bank"),
        ("a: [unclosed\n", "not valid YAML"),
    ],
)
def test_unusable_files(text: str, message: str) -> None:
    with pytest.raises(BankImportError, match=message):
        red(text)


@pytest.mark.parametrize(
    "text",
    [
        "Q?: &a [x]\nR?: *a\n",
        "Q?: !!binary aGVsbG8=\n",
        "Q?: !!set {a}\n",
        "Q?: !custom x\n",
        "Q?: !!python/object/apply:os.system ['true']\n",
        "Q?:\n  - !!str 5\n",
    ],
)
def test_anchors_aliases_and_tags_are_refused(text: str) -> None:
    with pytest.raises(BankImportError, match=r"line \d+: .*(anchors|tag)"):
        red(text)
