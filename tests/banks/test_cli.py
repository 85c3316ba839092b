"""`trivia-bot banks verify|import|export`, run in-process through `bot.cli.main`."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.banks.loader import MAX_FILE_BYTES, load_bank_file
from bot.cli import main
from tests.banks.helpers import ARTICLES, FIXTURES, IMPORTS, load

GEO = Path(__file__).resolve().parents[1] / "fixtures" / "banks" / "geo.yaml"


@pytest.fixture
def banks_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private banks folder, and a working directory with no stray .env."""
    folder = tmp_path / "banks"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRIVIA_BANKS", str(folder))
    return folder


# verify


def test_verify_passes(banks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["banks", "verify", str(FIXTURES / "verify-good.yaml"), "--articles", str(ARTICLES)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out == "1 file, 5 questions, 0 failed: all evidence verified.\n"


def test_verify_defaults_to_the_banks_dir(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "verify-good.yaml", banks_dir)
    assert main(["banks", "verify", "--articles", str(ARTICLES)]) == 0
    assert "all evidence verified" in capsys.readouterr().out


def test_verify_prints_each_failure_and_fails(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = FIXTURES / "verify-bad.yaml"
    code = main(["banks", "verify", str(bad), "--articles", str(ARTICLES)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0] == (
        f"{bad}:9: question 'not-in-article': evidence not found in article "
        "'harbour-light': 'The lamp was converted to electric power in 1936'"
    )
    assert [line.split(": ")[0] for line in lines[:6]] == [
        f"{bad}:{n}" for n in (9, 15, 21, 27, 32, 37)
    ]
    assert lines[-1] == "1 file, 6 questions, 6 failed: 6 failures."


def test_verify_counts_load_problems(banks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = banks_dir / "broken.yaml"
    broken.write_text("id: b\ntitle: B\nquestions:\n  - id: q\n    question: No answers?\n")
    assert main(["banks", "verify", str(broken), "--articles", str(ARTICLES)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:4: question 'q': no accepted answer ('answers' is missing)" in out


def test_verify_needs_an_articles_folder(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["banks", "verify", str(GEO), "--articles", str(banks_dir / "nope")])
    assert code == 2
    assert "no such folder of articles" in capsys.readouterr().err


# import


@pytest.mark.parametrize(
    ("name", "fmt", "count", "entries"),
    [
        ("red-list.yaml", "red", 5, 7),
        ("opentdb.json", "opentdb", 4, 6),
        ("questions.csv", "csv", 4, 8),
        ("bank.yaml", "yaml", 2, 4),
    ],
)
def test_import_each_format(
    banks_dir: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    fmt: str,
    count: int,
    entries: int,
) -> None:
    out = banks_dir / "new-bank.yaml"
    code = main(
        [
            "banks",
            "import",
            str(IMPORTS / name),
            "--format",
            fmt,
            "--id",
            "new-bank",
            "--title",
            "New bank",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert printed[-1] == (
        f"Imported {count} of {entries} entries ({fmt}) into bank 'new-bank' "
        f"at {out}; {entries - count} skipped."
    )
    assert all(line.startswith(f"{IMPORTS / name}: ") for line in printed[:-1])
    bank = load(out)
    assert (bank.id, bank.title, len(bank.questions)) == ("new-bank", "New bank", count)
    assert main(["banks", "check", str(out)]) == 0


def test_import_detects_format_and_defaults_out(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["banks", "import", str(IMPORTS / "opentdb.json"), "--id", "space"]) == 0
    assert "(opentdb)" in capsys.readouterr().out
    assert load(banks_dir / "space.yaml").id == "space"


def test_import_says_when_the_title_was_made_from_the_id(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["banks", "import", str(IMPORTS / "opentdb.json"), "--id", "uscapitals"]) == 0
    assert "called 'Uscapitals'; import again with --title" in capsys.readouterr().out
    assert main(["banks", "import", str(IMPORTS / "bank.yaml"), "--id", "sky", "--out", "-"]) == 0
    assert "--title" not in capsys.readouterr().err  # the file had its own title


def test_import_to_stdout(banks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["banks", "import", str(IMPORTS / "bank.yaml"), "--id", "sky", "--out", "-"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("id: sky\ntitle: Night Sky\n")
    assert "Imported 2 of 4 entries" in captured.err
    assert "entry 3 (line 24): no accepted answer" in captured.err


def test_import_refuses_to_overwrite_without_force(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = banks_dir / "kitchen.yaml"
    out.write_text("keep me\n")
    args = ["banks", "import", str(IMPORTS / "red-list.yaml"), "--id", "kitchen", "--out", str(out)]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"trivia-bot: {out} already exists; use --force to overwrite it\n"
    )
    assert out.read_text() == "keep me\n"
    assert main([*args, "--force"]) == 0
    assert load(out).id == "kitchen"
    assert not list(banks_dir.glob(".*.tmp"))


def test_import_with_nothing_valid_writes_nothing(
    banks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("question,answer\nWhat?,\n")
    out = banks_dir / "empty.yaml"
    assert main(["banks", "import", str(source), "--id", "empty", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"{source}: entry 1 (line 2): no answer (the 'answer' cell is empty)" in printed
    assert "no valid questions (1 entries read); nothing written." in printed
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b"question,alternates\nq,a\n", "csv", "the header row has no 'answer' column"),
        (b"question,answer\nCaf\xe9?,a\n", "csv", "line 2: not UTF-8 text"),
        (b"{oops", "opentdb", "line 1: not valid JSON"),
        (b"Q?: &a [x]\nR?: *a\n", "red", "anchors and aliases"),
        (b"Q?: !!python/name:os.system [x]\n", "red", "line 1: not valid YAML"),
    ],
)
def test_import_broken_input(
    banks_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    fmt: str,
    message: str,
) -> None:
    source = tmp_path / "broken"
    source.write_bytes(content)
    out = banks_dir / "broken.yaml"
    code = main(
        ["banks", "import", str(source), "--format", fmt, "--id", "broken", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("trivia-bot: ") and message in err
    assert not out.exists()


def test_import_refuses_huge_files(
    banks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "huge.csv"
    with source.open("wb") as f:
        f.write(b"question,answer\n")
        f.truncate(10 * 1024 * 1024)
    assert main(["banks", "import", str(source), "--id", "huge"]) == 2
    assert f"imports may be at most {MAX_FILE_BYTES:,} bytes" in capsys.readouterr().err


def test_import_missing_file_and_bad_id(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["banks", "import", "nope.csv", "--id", "x"]) == 2
    assert "nope.csv: cannot read" in capsys.readouterr().err
    assert main(["banks", "import", str(IMPORTS / "questions.csv"), "--id", "Bad Id"]) == 2
    assert "must be a lowercase slug" in capsys.readouterr().err


# export


def test_export_by_id_to_stdout(banks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(GEO, banks_dir)
    assert main(["banks", "export", "geo"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("id: geo\ntitle: Capitals and Rivers\n")
    assert captured.err == "Exported 6 questions of bank 'geo' as yaml to stdout.\n"


def test_export_file_to_csv_and_back(
    banks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "geo.csv"
    assert main(["banks", "export", str(GEO), "--out", str(out)]) == 0
    assert out.read_text().startswith("question,answer,alternates,distractors,")
    assert main(["banks", "export", str(GEO), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["banks", "import", str(out), "--id", "geo-copy"]) == 0
    original = load(GEO)
    copy = load(banks_dir / "geo-copy.yaml")
    assert [(q.text, q.answers, q.distractors) for q in copy.questions] == [
        (q.text, q.answers, q.distractors) for q in original.questions
    ]


def test_export_yaml_file_reimports_identically(banks_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "exported.yaml"
    assert (
        main(
            [
                "banks",
                "export",
                str(FIXTURES / "verify-good.yaml"),
                "--format",
                "yaml",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    again = banks_dir / "kestrel.yaml"
    assert main(["banks", "import", str(out), "--id", "kestrel", "--out", str(again)]) == 0
    assert [replace(q, line=0) for q in load(again).questions] == [
        replace(q, line=0) for q in load(FIXTURES / "verify-good.yaml").questions
    ]


def test_export_unknown_bank(banks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["banks", "export", "no-such-bank"]) == 2
    assert "'no-such-bank' is neither a bank file nor a bank id" in capsys.readouterr().err


def test_export_warns_about_invalid_questions(
    banks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "id: p\ntitle: P\nquestions:\n  - id: ok\n    question: Fine?\n"
        "    answers: [yes]\n  - id: bad\n    question: Broken?\n"
    )
    assert main(["banks", "export", str(partial), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 2
    assert "only valid questions are exported" in captured.err
    assert load_bank_file(partial).problems


# check


def test_check_warns_about_twins_and_choice_wording_without_failing(
    banks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (banks_dir / "w.yaml").write_text(
        """id: w
title: W
questions:
  - id: one
    question: Which of these cities hosted the chase?
    answers: [Rome]
    distractors: [Venice, Paris, London]
  - id: two
    question: Where was the run first planned?
    answers: [Rome]
    distractors: [Venice, Paris, Abu Dhabi]
""",
        encoding="utf-8",
    )
    assert main(["banks", "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "1 file, 0 problems, 2 warnings."
    assert any(line.startswith("warning ") and "'w/one'" in line for line in lines)
    assert any("'Which of these' needs the choices on screen" in line for line in lines)
