import pytest

from bot.banks.loader import parse_bank_text
from bot.banks.yamlio import YamlProblem, parse


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: a\nid: b\n", 2, "the key 'id' appears twice"),
        ("answers: !!binary aGVsbG8=\n", 1, "not allowed"),
        ("answers: !!set {a, b}\n", 1, "not allowed"),
        ("a: &x [1]\nb: *x\n", 1, "anchors and aliases"),
        ("a: [unclosed\n", 2, ""),
        ("id: x\nsources:\n  - published: 2023-02-30\n", 3, "'2023-02-30' cannot be read"),
        ("when: 2023-13-01 10:00:00\n", 1, "cannot be read"),
    ],
)
def test_surprising_yaml_is_refused_with_its_line(text, line, message):
    with pytest.raises(YamlProblem) as info:
        parse(text)
    assert info.value.line == line and message in str(info.value)


def test_repeated_keys_can_be_allowed_for_formats_that_report_them():
    assert parse("a: 1\na: 2\n", repeated_keys=True)[0] == {"a": 2}


def test_line_numbers_follow_the_path():
    _, line_of = parse("id: x\nquestions:\n  - id: q1\n  - id: q2\n    answers: [a]\n")
    assert line_of(("questions", 1)) == 4
    assert line_of(("questions", 1, "answers")) == 5


def test_a_bank_with_a_repeated_key_names_file_and_line():
    report = parse_bank_text("id: x\ntitle: X\ntitle: Y\nquestions: []\n", "b.yaml")
    assert report.bank is None
    assert str(report.problems[0]).startswith("b.yaml:3:")
