"""`trivia-bot banks draft`: bad input gets one line and writes nothing; dates and claims."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main

ARTICLE = """\
A Small Film Story
date 2024-03-01
Released in July last year, The Mummy was filmed partly in London with Annabelle Wallis.
The crew reportedly included Simon Pegg as Benji Dunn during the night shoots in Rome.
Annabelle Wallis said the run took three days to film on the streets of Prague.
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "banks").mkdir()
    monkeypatch.setenv("TRIVIA_BANKS", str(tmp_path / "banks"))
    return tmp_path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "a binary file"),
        (b"x" * (256 * 1024 + 1), "over 262,144 bytes"),
        (b"Hello there, this is nothing at all to ask about.\n", "no sentence worth asking"),
        (b"\xff\xfe not utf8", "not UTF-8"),
    ],
)
def test_bad_input_one_line_nothing_written(
    here: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    (here / "a.txt").write_bytes(content)
    code = main(["banks", "draft", "a.txt", "--out", "d.yaml"])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err and err.count("\n") == 1, err
    assert not (here / "d.yaml").exists()


def test_a_url_is_refused(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["banks", "draft", "https://example.com/a", "--out", "d.yaml"]) != 0
    assert "a URL" in capsys.readouterr().err
    assert not (here / "d.yaml").exists()


def test_draft_resolves_dates_and_attributes_claims(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["banks", "draft", "a.txt", "--out", "d.yaml", "--explain"]) == 0
    captured = capsys.readouterr()
    assert "Wrote" in captured.out and "use  [" in captured.err
    bank = yaml.safe_load((here / "d.yaml").read_text(encoding="utf-8"))
    assert bank["sources"] == [
        {"id": "a", "title": "A Small Film Story", "published": "2024-03-01"}
    ]
    by_kind = {q["id"].split("-", 1)[1]: q for q in bank["questions"]}
    when = next(q for q in bank["questions"] if q["answers"][0] == "July 2023")
    assert "July last year" in when["answers"] and "2024-03-01" in when["explanation"]
    plays = next(q for q in bank["questions"] if q["question"].endswith("Benji Dunn?"))
    assert plays["question"].startswith("According to the article, who is reportedly")
    assert by_kind and main(["banks", "check", "d.yaml"]) == 0
    n = len(bank["questions"])
    assert f"{n} questions ({n} drafts under review, never played)" in capsys.readouterr().out
