"""Our own bank YAML: validated like a bank file and given the new bank id."""

from __future__ import annotations

import pytest

from bot.banks.importers import BankImportError, ImportReport, import_questions
from bot.engine.models import Source
from tests.banks.helpers import IMPORTS


def ours(text: str | bytes, filename: str = "<upload>") -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return import_questions(data, "yaml", bank_id="sky", filename=filename)


def test_fixture_is_validated_and_re_ided() -> None:
    report = ours((IMPORTS / "bank.yaml").read_bytes(), filename="bank.yaml")
    bank = report.bank
    assert bank is not None
    assert (bank.id, bank.title, bank.description) == (
        "sky",
        "Night Sky",
        "Stars and planets, for the import tests.",
    )
    assert bank.origin == "bank.yaml"
    assert bank.sources == (
        Source("almanac", "A home astronomy almanac", "Fixture Press", "2021-03-04"),
    )
    polaris, rings = bank.questions
    assert polaris.id == "polaris"
    assert polaris.bank_id == "sky"
    assert polaris.hint == 'Its name comes from "pole".'
    assert polaris.evidence == "Polaris, the North Star, sits almost exactly above the pole."
    assert polaris.line == 10
    assert rings.id == "which-planet-has-the-most-famous-rings"
    assert [str(p) for p in report.problems] == [
        "entry 3 (line 24): no accepted answer ('answers' is missing)",
        "entry 4 (line 27): id 'polaris' is already used by entry 1",
    ]


def test_generated_ids_avoid_ids_given_later() -> None:
    text = """
id: x
title: X
questions:
  - question: Polar bear colour?
    answers: [white]
  - id: polar-bear-colour
    question: Polar bear skin colour?
    answers: [black]
"""
    report = ours(text)
    assert [q.id for q in report.questions] == ["polar-bear-colour-2", "polar-bear-colour"]


def test_unknown_keys_and_bad_sources_are_reported() -> None:
    text = """
id: x
title: X
author: me
sources:
  - id: s1
questions:
  - question: Cited?
    answers: [yes]
    source: s1
  - question: Uncited?
    answers: ["no"]
    colour: red
"""
    report = ours(text)
    assert [str(p) for p in report.problems] == [
        "line 4: unknown key 'author' was ignored",
        "entry 2 (line 13): unknown key 'colour' (allowed: answers, category, difficulty, "
        "distractors, evidence, explanation, fact, hint, id, modes, question, source, status)",
        "line 6: 'title' is missing",
        "entry 1 (line 10): source 's1' is not listed in the bank's sources",
    ]
    assert report.bank is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "not a trivia-bot bank"),
        ("id: x\nquestions: {a: 1}\n", r"line 2: 'questions' must be a list"),
        ("id: x\nquestions:\n  - &q {question: a, answers: [b]}\n  - *q\n", "anchors and aliases"),
        ("id: x\nquestions:\n  - !!map {question: a, answers: [b]}\n", "YAML tags"),
        ("id: x\nquestions: [\n", "not valid YAML"),
    ],
)
def test_unusable_yaml(text: str, message: str) -> None:
    with pytest.raises(BankImportError, match=message):
        ours(text)


def test_drafts_under_review_are_skipped_and_kept_ones_imported_as_final() -> None:
    report = ours(
        "id: d\ntitle: Drafts\nquestions:\n"
        "  - {id: a, status: draft, question: One?, answers: [x]}\n"
        "  - {id: b, status: keep, question: Two?, answers: [y]}\n"
        "  - {id: c, status: drop, question: Three?, answers: [z]}\n"
    )
    assert report.bank is not None
    assert [(q.id, q.status, q.playable) for q in report.bank.questions] == [("b", None, True)]
    assert [str(p) for p in report.problems] == [
        f"entry {n} (line {n + 3}): a draft still under review (status: draft or drop); "
        "mark it 'status: keep' to import it"
        for n in (1, 3)
    ]
