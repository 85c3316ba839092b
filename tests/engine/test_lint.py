from dataclasses import replace

from bot.engine.lint import bank_warnings, choice_wording, twin_questions
from bot.engine.models import Bank, Mode, Question


def q(qid: str, answer: str, distractors: tuple[str, ...], **more) -> Question:
    return Question(
        id=qid, text=more.pop("text", "Where?"), answers=(answer,), distractors=distractors, **more
    )


def bank(bank_id: str, *questions: Question) -> Bank:
    return Bank(
        id=bank_id,
        title=bank_id,
        origin=f"{bank_id}.yaml",
        questions=tuple(replace(x, bank_id=bank_id) for x in questions),
    )


def test_two_facts_with_one_answer_and_most_distractors_are_twins():
    a = bank("a", q("chase", "Rome", ("Venice", "Paris", "Abu Dhabi")))
    b = bank("b", q("planned", "rome", ("Paris", "Venice", "London")))
    [warning] = twin_questions([a, b])
    assert (warning.origin, warning.question_id) == ("b.yaml", "planned")
    assert "same answer 'rome' and 2 of the same distractors as 'a/chase'" in warning.message


def test_one_fact_or_different_distractors_are_not_twins():
    shared = ("Venice", "Paris", "Abu Dhabi")
    same_fact = bank("a", q("x", "Rome", shared, fact="rome"), q("y", "Rome", shared, fact="rome"))
    apart = bank("b", q("x", "Rome", shared), q("y", "Rome", ("Milan", "Turin", "Paris")))
    tf = bank(
        "c",
        q("x", "True", ("False",)),
        q("y", "True", ("False",)),
    )
    for banks in ([same_fact], [apart], [tf]):
        assert twin_questions(banks) == []


def test_choice_wording_is_flagged_only_when_typed_play_is_open():
    worded = "Which of these actors joined the cast?"
    flagged = bank(
        "a",
        q("open", "Pegg", ("Rhames", "Kirby"), text=worded),
        q("also", "Rhames", ("Pegg",), text="Who of the following is Luther?"),
        q("closed", "Kirby", ("Pegg",), text=worded, modes=frozenset({Mode.BUTTONS})),
        q("plain", "Morales", ("Pegg",), text="Who plays Gabriel?"),
    )
    assert [p.question_id for p in choice_wording([flagged])] == ["open", "also"]
    assert len(bank_warnings([flagged])) == 2
