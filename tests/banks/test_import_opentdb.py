"""Open Trivia Database JSON, in each of its encodings."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from bot.banks.importers import BankImportError, ImportReport, import_questions
from bot.banks.importers.opentdb import detect_encoding
from bot.engine.models import Difficulty
from tests.banks.helpers import IMPORTS

FIXTURE = IMPORTS / "opentdb.json"
PLAIN = [
    {
        "type": "multiple",
        "difficulty": "easy",
        "category": "Science & Nature",
        "question": 'Which planet is nicknamed the "Red Planet"? (100% sure)',
        "correct_answer": "Mars",
        "incorrect_answers": ["Venus", "Jupiter", "Mercury"],
    },
    {
        "type": "boolean",
        "difficulty": "hard",
        "category": "Entertainment: Café & Culture",
        "question": "The café's owner is called Zoë.",
        "correct_answer": "True",
        "incorrect_answers": ["False"],
    },
]


def encode(results: list[dict[str, Any]], how: Any) -> bytes:
    def enc(value: Any) -> Any:
        return [how(v) for v in value] if isinstance(value, list) else how(value)

    encoded = [{k: enc(v) for k, v in r.items()} for r in results]
    return json.dumps({"response_code": 0, "results": encoded}).encode()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def url3986(text: str) -> str:
    return quote(text, safe="-_.~")


def urllegacy(text: str) -> str:
    return quote_plus(text, safe="-_.")


def opentdb(data: bytes, encoding: str = "auto") -> ImportReport:
    return import_questions(data, "opentdb", bank_id="space", encoding=encoding)


def test_fixture_html_entities() -> None:
    report = opentdb(FIXTURE.read_bytes())
    assert report.entries == 6
    assert [
        (q.text, q.answers, q.distractors, q.difficulty, q.category) for q in report.questions
    ] == [
        (
            'Which planet is nicknamed the "Red Planet"?',
            ("Mars",),
            ("Venus", "Jupiter", "Mercury"),
            Difficulty.EASY,
            "Science & Nature",
        ),
        (
            "The Moon has its own light.",
            ("False",),
            ("True",),
            Difficulty.MEDIUM,
            "Science & Nature",
        ),
        (
            "Which river flows through Café Town's valley in the story?",
            ("The Willow",),
            ("The Alder", "The Birch"),
            Difficulty.HARD,
            "Geography",
        ),
        (
            "How many minutes are in an hour?",
            ("60",),
            ("100", "30", "90"),
            Difficulty.MEDIUM,
            "General Knowledge",
        ),
    ]
    assert report.questions[1].is_true_false
    assert [str(p) for p in report.problems] == [
        "entry 3: wrong option 'Willow' is left out: it would be judged right "
        "(too close to 'The Willow')",
        "entry 4: duplicate of entry 1",
        "entry 5: no answer ('correct_answer' is missing or empty)",
    ]


def test_every_question_cites_the_database() -> None:
    bank = opentdb(FIXTURE.read_bytes()).bank
    assert bank is not None
    assert bank.sources[0].title == "Open Trivia Database"
    assert bank.sources[0].outlet == "opentdb.com, CC BY-SA 4.0"
    assert {q.source for q in bank.questions} == {bank.sources[0].id}


def test_one_category_names_the_bank() -> None:
    report = opentdb(encode([*PLAIN[:1], {**PLAIN[0], "question": "Second?"}], str))
    assert report.bank is not None and report.bank.title == "Science & Nature"
    assert opentdb(encode(PLAIN, str)).bank.title == "Space"  # type: ignore[union-attr]


def test_a_close_option_goes_alone_even_when_it_is_the_last() -> None:
    item = {**PLAIN[0], "correct_answer": "Rufus", "incorrect_answers": ["Rutus"]}
    report = opentdb(encode([item], str))
    assert [(q.answers, q.distractors) for q in report.questions] == [(("Rufus",), ())]
    assert "'Rutus' is left out" in str(report.problems[0])


@pytest.mark.parametrize(
    ("how", "name"), [(b64, "base64"), (url3986, "url3986"), (urllegacy, "urllegacy")]
)
def test_encoded_variants_are_recognised(how: Any, name: str) -> None:
    data = encode(PLAIN, how)
    assert detect_encoding(json.loads(data)["results"]) == name
    report = opentdb(data)
    assert report.ok
    assert [(q.text, q.answers, q.category) for q in report.questions] == [
        (r["question"], (r["correct_answer"],), r["category"]) for r in PLAIN
    ]


@pytest.mark.parametrize(("how", "name"), [(b64, "base64"), (url3986, "url3986")])
def test_encoding_can_be_given(how: Any, name: str) -> None:
    report = opentdb(encode(PLAIN, how), encoding=name)
    assert [q.text for q in report.questions] == [r["question"] for r in PLAIN]


def test_wrong_encoding_given_is_reported_per_entry() -> None:
    report = opentdb(encode(PLAIN, lambda s: s), encoding="base64")
    assert report.bank is None
    assert [str(p) for p in report.problems] == [
        "entry 1: a field is not valid base64 text",
        "entry 2: a field is not valid base64 text",
    ]


def test_html_is_not_unescaped_in_encoded_files() -> None:
    results = [dict(PLAIN[0], question="What does &amp; stand for in HTML?")]
    report = opentdb(encode(results, b64))
    assert report.questions[0].text == "What does &amp; stand for in HTML?"


def test_boolean_gets_exactly_one_opposite_distractor() -> None:
    results = [dict(PLAIN[1], correct_answer="false", incorrect_answers=[])]
    (question,) = opentdb(encode(results, lambda s: s)).questions
    assert (question.answers, question.distractors) == (("False",), ("True",))


def test_boolean_with_other_answer_is_refused() -> None:
    results = [dict(PLAIN[1], correct_answer="Maybe")]
    report = opentdb(encode(results, lambda s: s))
    assert str(report.problems[0]) == (
        "entry 1: a boolean question's answer must be True or False, not 'Maybe'"
    )


def test_unknown_type_and_non_object_results() -> None:
    data = json.dumps({"response_code": 0, "results": [dict(PLAIN[0], type="essay"), 5]})
    report = opentdb(data.encode())
    assert [str(p) for p in report.problems] == [
        "entry 1: type 'essay' is not 'multiple' or 'boolean'",
        "entry 2: each result must be a JSON object",
    ]


def test_bare_results_list_is_accepted() -> None:
    report = opentdb(json.dumps(PLAIN).encode())
    assert len(report.questions) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"response_code": 0, "results": [', r"line 1: not valid JSON"),
        (b"not json at all", "not valid JSON"),
        (b'{"response_code": 1, "results": []}', r"response_code is 1 \(no results\)"),
        (b'{"response_code": 0}', "must have a 'results' list"),
        (b'"just a string"', "must be an object"),
        (b"[" * 100_000, "not valid JSON"),
        (b"1" * 5000, "not valid JSON"),
    ],
)
def test_malformed_json(data: bytes, message: str) -> None:
    with pytest.raises(BankImportError, match=message):
        opentdb(data)


def test_unknown_encoding_name() -> None:
    with pytest.raises(BankImportError, match="unknown OpenTDB encoding"):
        opentdb(FIXTURE.read_bytes(), encoding="rot13")
