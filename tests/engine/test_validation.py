from bot.engine.models import ALL_MODES, Mode
from bot.engine.validation import build_bank, build_question, question_data


def bank(**questions_and_more):
    data = {"id": "b", "title": "B", "sources": [{"id": "s", "title": "S"}]}
    data.update(questions_and_more)
    return data


def good(**over):
    q = {
        "id": "q1",
        "question": "Capital of Italy?",
        "answers": ["Rome"],
        "distractors": ["Milan", "Naples", "Turin"],
        "source": "s",
    }
    q.update(over)
    return q


def messages(data):
    return [p.message for p in build_bank(data, origin="x.yaml").problems]


def test_a_good_bank_has_no_problems():
    report = build_bank(bank(questions=[good()]), origin="x.yaml")
    assert report.ok and report.bank.questions[0].key == "b/q1"


def test_each_rule_is_reported():
    cases = {
        "no accepted answer": good(answers=[]),
        "answers[1] is empty": good(answers=["Rome", " "]),
        "listed twice": good(answers=["Rome", "rome"]),
        "is also an accepted answer": good(distractors=["Rome", "Milan", "Turin"]),
        "would be judged correct": good(distractors=["Rome!", "Milan", "Turin"]),
        "unknown key 'colour'": good(colour="red"),
        "is not listed in the bank's sources": good(source="elsewhere"),
        "the limit is 1000": good(question="x" * 1001),
        "a button label holds 80": good(distractors=["y" * 81, "Milan", "Turin"]),
        "answers[0] is 81 characters; a button label": good(answers=["y" * 81]),
        "answers[1] is 1001 characters; the limit is 1000": good(answers=["Rome", "y" * 1001]),
        "must be easy, medium or hard": good(difficulty="brutal"),
        "must be a lowercase slug": good(id="Bad Id"),
        "fact 'Rome!' must be a lowercase slug": good(fact="Rome!"),
        "mode 'voice' must be buttons or typed": good(modes=["voice"]),
        "'modes' must be a list": good(modes=[]),
        "hint gives the answer away: it contains 'Rome'": good(hint="Rome, of course"),
        "a true/false question cannot be typed": good(
            answers=["True"], distractors=["False"], modes=["typed"]
        ),
    }
    for expected, question in cases.items():
        found = messages(bank(questions=[question]))
        assert any(expected in m for m in found), (expected, found)


def test_duplicate_ids_are_reported_and_the_first_kept():
    report = build_bank(bank(questions=[good(), good(question="Again?")]), origin="x.yaml")
    assert [q.text for q in report.bank.questions] == ["Capital of Italy?"]
    assert any("duplicate id" in p.message for p in report.problems)


def test_bad_questions_are_skipped_but_good_ones_load():
    report = build_bank(bank(questions=[good(answers=[]), good(id="q2")]), origin="x.yaml")
    assert [q.id for q in report.bank.questions] == ["q2"]
    assert not report.ok


def test_a_bank_that_is_not_a_mapping():
    report = build_bank(["just", "a", "list"], origin="x.yaml")
    assert report.bank is None and "mapping" in report.problems[0].message


def test_yaml_scalars_become_text():
    q, problems = build_question(
        {"id": "n", "question": "Sides of a hexagon?", "answers": [6], "distractors": [5, 7, 8]},
        bank_id="b",
        source_ids=frozenset(),
    )
    assert problems == [] and q.answers == ("6",) and q.distractors == ("5", "7", "8")


def test_problem_text_names_file_line_and_question():
    report = build_bank(bank(questions=[good(answers=[])]), origin="x.yaml", line_of=lambda path: 7)
    assert str(report.problems[0]) == "x.yaml:7: question 'q1': no accepted answer"


def test_control_characters_are_refused():
    found = messages(bank(questions=[good(question="Capital\x01 of Italy?")]))
    assert any("control characters" in m for m in found)
    assert messages(bank(questions=[good(question="Two\nlines?")])) == []


def test_only_texts_that_can_be_buttons_are_held_to_a_label():
    alternates = good(answers=["Rome", "Roma, " + "capital of the Italian Republic " * 3])
    typed_only = good(answers=["A long typed answer " * 10], distractors=[])
    for question in (alternates, typed_only):
        assert messages(bank(questions=[question])) == []


def test_facts_and_modes_are_read_and_written_back():
    report = build_bank(
        bank(
            questions=[
                good(fact="capital-of-italy", modes=["buttons"]),
                good(id="q2", modes="typed"),
                good(id="q3", answers=["True"], distractors=["False"]),
                good(id="q4"),
            ]
        ),
        origin="x.yaml",
    )
    assert report.ok, report.problems
    q1, q2, q3, q4 = report.bank.questions
    assert (q1.fact, q1.modes) == ("capital-of-italy", frozenset({Mode.BUTTONS}))
    assert q2.modes == frozenset({Mode.TYPED})
    assert q3.modes == frozenset({Mode.BUTTONS})  # true/false: buttons only by default
    assert (q4.fact, q4.modes, q4.fact_key) == (None, ALL_MODES, "b/q4")
    assert question_data(q1)["modes"] == ["buttons"] and question_data(q1)["fact"] == q1.fact
    assert "modes" not in question_data(q3) and "modes" not in question_data(q4)


def test_typed_only_questions_may_list_more_answers():
    many = [f"Game {i}" for i in range(34)]
    assert messages(bank(questions=[good(answers=many, distractors=[])])) == []
    refused = messages(bank(questions=[good(answers=many)]))
    assert any("lists 34; a question may have at most 20" in m for m in refused)
    too_many = messages(
        bank(questions=[good(answers=[f"G{i}" for i in range(51)], distractors=[])])
    )
    assert any("lists 51; a question may have at most 50" in m for m in too_many)
