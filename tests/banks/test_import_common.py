"""What every format shares: limits, decoding, format detection and generated ids."""

from __future__ import annotations

import pytest

from bot.banks.importers import (
    BankImportError,
    ImportError_,
    ImportProblem,
    detect_format,
    import_questions,
    slugify,
)
from bot.banks.loader import MAX_FILE_BYTES
from bot.engine.errors import TriviaError
from bot.engine.validation import SLUG
from tests.banks.helpers import IMPORTS

FORMATS = ["red", "opentdb", "csv", "yaml"]


def test_error_type_is_a_trivia_error_with_the_cog_alias() -> None:
    assert ImportError_ is BankImportError
    assert issubclass(BankImportError, TriviaError)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", [MAX_FILE_BYTES + 1, 10 * 1024 * 1024])
def test_files_over_5_mb_are_refused_before_parsing(fmt: str, size: int) -> None:
    data = b"question,answer\n" + b"x" * (size - 16)
    assert len(data) == size
    with pytest.raises(
        BankImportError,
        match=f"the file is {size:,} bytes; imports may be at most {MAX_FILE_BYTES:,} bytes",
    ):
        import_questions(data, fmt, bank_id="big")


def test_text_input_is_measured_in_utf8_bytes() -> None:
    text = "é" * (MAX_FILE_BYTES // 2 + 1)
    with pytest.raises(BankImportError, match="imports may be at most"):
        import_questions(text, "csv", bank_id="big")


def test_a_file_just_under_the_limit_is_read() -> None:
    row = b"Is this row number filler?,yes\n"
    data = b"question,answer\n" + row
    data += b"\n" * (MAX_FILE_BYTES - len(data))
    report = import_questions(data, "csv", bank_id="big")
    assert len(report.questions) == 1


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Excel/ODS workbook"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "a PNG image"),
        (b"\x00\x01\x02\xff\xfe" * 20, "binary data"),
    ],
)
def test_a_binary_file_is_named_and_not_called_a_text_encoding(data: bytes, kind: str) -> None:
    with pytest.raises(BankImportError) as caught:
        import_questions(data, None, bank_id="bin", filename="/tmp/uploads/scores.xlsx")
    assert str(caught.value).startswith("scores.xlsx: not a text file: ")
    assert kind in str(caught.value) and "not UTF-8 text" not in str(caught.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_utf8_is_refused_with_its_line(fmt: str) -> None:
    data = b"first line\nsecond \xff line\n"
    with pytest.raises(BankImportError, match="line 2: not UTF-8 text"):
        import_questions(data, fmt, bank_id="enc")


@pytest.mark.parametrize("bank_id", ["Has Spaces", "UPPER", "-dash", "x" * 41, ""])
def test_bank_id_must_be_a_slug(bank_id: str) -> None:
    with pytest.raises(BankImportError, match="must be a lowercase slug"):
        import_questions(b"Q?: [a]\n", "red", bank_id=bank_id)


def test_title_limits() -> None:
    with pytest.raises(BankImportError, match="the title must be 1 to 100 characters"):
        import_questions(b"Q?: [a]\n", "red", bank_id="t", title="x" * 101)


def test_unknown_format() -> None:
    with pytest.raises(BankImportError, match="unknown format 'xml'"):
        import_questions(b"<q/>", "xml", bank_id="t")


@pytest.mark.parametrize(
    ("filename", "data", "fmt"),
    [
        ("trivia.json", b"{}", "opentdb"),
        ("sheet.CSV", b"", "csv"),
        ("list.yaml", b"Q?: [a]\n", "red"),
        ("bank.yml", b"id: x\nquestions:\n  - {}\n", "yaml"),
        ("upload", b'  {"results": []}', "opentdb"),
        ("upload", b"Question;Answer\nq;a\n", "csv"),
        ("upload", b"\xef\xbb\xbfquestion,answer\n", "csv"),
        ("upload", b"id: x\ntitle: y\nquestions: []\n", "yaml"),
        ("upload.txt", b"What?:\n  - that\n", "red"),
    ],
)
def test_detect_format(filename: str, data: bytes, fmt: str) -> None:
    assert detect_format(filename, data) == fmt
    assert detect_format(filename, data.decode("utf-8")) == fmt


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("red-list.yaml", "red"),
        ("opentdb.json", "opentdb"),
        ("questions.csv", "csv"),
        ("bank.yaml", "yaml"),
    ],
)
def test_format_none_detects_each_fixture(name: str, fmt: str) -> None:
    report = import_questions((IMPORTS / name).read_bytes(), None, bank_id="auto", filename=name)
    assert report.format == fmt
    assert report.questions


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("What is 2 + 2?", "what-is-2-2"),
        ("Qu'est-ce que «Zoë» fait?", "qu-est-ce-que-zoe-fait"),
        ("東京はどこ？", "question"),
        (
            "Supercalifragilisticexpialidocious-and-then-some-more",
            "supercalifragilisticexpialidocious-and",
        ),
        ("a" * 60, "a" * 40),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert SLUG.match(slugify(text))


def test_generated_ids_are_unique_slugs_up_to_40_characters() -> None:
    lines = [f"{'Which of these long questions is number':s} {n}?: [yes]" for n in range(12)]
    lines += ["東京?: [a]", "大阪?: [b]", "???: [c]"]
    report = import_questions("\n".join(lines).encode(), "red", bank_id="ids")
    ids = [q.id for q in report.questions]
    assert len(ids) == len(set(ids)) == 15
    assert all(SLUG.match(i) and len(i) <= 40 for i in ids)
    assert ids[:3] == [
        "which-of-these-long-questions-is-number",
        "which-of-these-long-questions-is-2",
        "which-of-these-long-questions-is-3",
    ]
    assert ids[-3:] == ["question", "question-2", "question-3"]


def test_nothing_valid_gives_no_bank() -> None:
    report = import_questions(b"question,answer\nq,\n", "csv", bank_id="none")
    assert report.bank is None
    assert report.questions == ()
    assert not report.ok
    assert report.entries == 1


def test_problem_text() -> None:
    assert str(ImportProblem(7, 23, "no answer")) == "entry 7 (line 23): no answer"
    assert str(ImportProblem(9, 0, "x")) == "entry 9: x"
    assert str(ImportProblem(None, 4, "y")) == "line 4: y"
    assert str(ImportProblem(None, 0, "z")) == "z"


def test_description_is_clipped_to_the_bank_limit() -> None:
    text = f"DESCRIPTION: {'word ' * 100}\nQ?: [a]\n"
    bank = import_questions(text.encode(), "red", bank_id="long").bank
    assert bank is not None
    assert len(bank.description) == 300
    assert bank.description.endswith("…")
