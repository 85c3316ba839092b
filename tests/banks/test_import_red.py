"""Red-DiscordBot trivia lists become typed-only questions."""

from __future__ import annotations

import pytest

from bot.banks.importers import BankImportError, ImportReport, import_questions
from bot.engine.judge import judge
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
        ("Which gas makes bread dough rise?", ("carbon dioxide", "CO2", "yeast gas")),
        # YAML 1.1 reads `yes` as true, and Red then accepts True, Yes and On
        ("Is a tomato botanically a fruit?", ("yes", "True", "On")),
        ("How many teaspoons are in a tablespoon?", ("3", "three")),
        ("What is the melting point of butter, roughly, in Celsius?", ("32.5",)),
    ]
    assert all(q.distractors == () and q.difficulty is Difficulty.MEDIUM for q in bank.questions)
    assert bank.questions[0].id == "at-what-temperature-in-degrees-celsius"
    assert bank.questions[0].line == 8
    assert [str(p) for p in report.problems] == [
        "entry 4 (line 16): no answer",
        "entry 6 (line 20): the same question as entry 2 apart from case or spacing; "
        "its answers were added to that entry",
    ]
    assert bank.sources[0].title == "Kitchen"
    assert bank.sources[0].outlet == "Red-DiscordBot trivia list"
    assert {q.source for q in bank.questions} == {bank.sources[0].id}


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


def test_case_variants_are_one_answer_as_in_red() -> None:
    report = red(
        "Home runs record?:\n  - Barry Bonds\n  - Barry bonds\n  - barry bonds\n  - Bonds\n"
    )
    assert report.ok
    assert report.questions[0].answers == ("Barry Bonds", "Bonds")


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        ("no", ("no", "False", "Off")),
        ("Off", ("Off", "False", "No")),
        ("true", ("true", "Yes", "On")),
        ("'no'", ("no",)),  # quoted: text, as in Red
    ],
)
def test_yes_no_answers_are_accepted_as_red_accepts_them(
    written: str, accepted: tuple[str, ...]
) -> None:
    report = red(f"Is the sun a planet?:\n  - {written}\n")
    assert report.ok
    assert report.questions[0].answers == accepted
    assert judge(accepted[-1].lower(), report.questions[0].answers)


def test_numbers_keep_the_text_written_beside_reds_form() -> None:
    text = "Doom map?:\n  - Map07\n  - 07\n  - 7\nBig?:\n  - 1_000\nWhen?:\n  - 1969-07-20\n"
    report = red(text)
    assert report.ok
    assert [q.answers for q in report.questions] == [
        ("Map07", "07", "7"),
        ("1_000", "1000"),
        ("1969-07-20",),
    ]


def test_typed_only_answers_are_not_held_to_the_button_limit() -> None:
    long = "Two thousand and three, when two drafted players " + "x" * 100
    report = red(f"Draft year?:\n  - {long}\n  - 2003\n")
    assert report.ok
    assert report.questions[0].answers == (long, "2003")
    report = red(f"Long?:\n  - {'x' * 1001}\n")
    assert report.bank is None
    assert "the limit is 1000" in str(report.problems[0])


def test_reserved_keys_and_schema_are_not_questions() -> None:
    report = red("$schema: https://example.org/s.json\nAUTHOR: Me\nQ?:\n  - a\n")
    assert [q.text for q in report.questions] == ["Q?"]


@pytest.mark.parametrize(
    ("description", "title"),
    [
        ("A trivia about Anime.", "Anime"),
        ("A trivia about Clash Royale: a free-to-play game.", "Clash Royale"),
        (
            "In this trivia, identify the capital city of the country.",
            "Identify the capital city of the country",
        ),
        ("A general knowledge trivia based around the year 2015.", "The year 2015"),
        ("Can you name the song from its lyrics?", "Kitchen"),  # no topic: the id's title
    ],
)
def test_title_from_the_lists_description(description: str, title: str) -> None:
    report = red(f"DESCRIPTION: '{description}'\nQ?:\n  - a\n")
    assert report.bank is not None and report.bank.title == title


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


def test_a_name_any_question_keeps_its_long_answer_list() -> None:
    answers = "".join(f"  - Game number {i}\n" for i in range(34))
    report = red(f"Name any game that mentions another?:\n{answers}")
    assert report.ok and len(report.questions[0].answers) == 34
