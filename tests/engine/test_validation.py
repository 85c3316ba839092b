from bot.engine.validation import build_bank, build_question


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
