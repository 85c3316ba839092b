"""`trivia-bot banks promote`: kept drafts go into a bank all or nothing; bad input: one line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from bot.banks.draft.article import read_article
from bot.banks.draft.build import draft_article
from bot.banks.draft.command import dump
from bot.cli import main
from tests.banks.draft.test_command import ARTICLE

BANK = """\
# hand-written: this comment and the layout survive a promote
id: small
title: Small Films
sources:
  - id: atlas
    title: A school atlas
questions:
  - id: rome
    question: "Which city is the capital of Italy?"
    answers: ["Rome"]
    distractors: ["Milan", "Naples", "Turin"]
    source: atlas
    evidence: "Rome is the capital of Italy."
"""


@pytest.fixture(scope="module")
def draft_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Drafted once per module: drafting is the slow part, and every test edits a copy."""
    article = tmp_path_factory.mktemp("article") / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return dump(draft_article(read_article(str(article))).bank)


@pytest.fixture
def drafted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, draft_text: str) -> Path:
    """A draft file of the test article, its first three drafts marked keep."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "banks").mkdir()
    (tmp_path / "articles").mkdir()
    monkeypatch.setenv("TRIVIA_BANKS", str(tmp_path / "banks"))
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(draft_text, encoding="utf-8")
    keep(tmp_path / "d.yaml", 0, 1, 2)
    return tmp_path / "d.yaml"


def keep(path: Path, *numbers: int) -> None:
    """Mark drafts keep by hand, in the text, as a reviewer would."""
    parts = path.read_text(encoding="utf-8").split("status: draft")
    text = parts[0] + "".join(
        ("status: keep" if n in numbers else "status: draft") + part
        for n, part in enumerate(parts[1:])
    )
    path.write_text(text, encoding="utf-8")


def questions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def promote(*args: str) -> int:
    return main(["banks", "promote", *args])


def test_kept_drafts_make_a_new_bank_that_checks_and_verifies(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = questions(drafted)
    kept = [q for q in before if q["status"] == "keep"]
    assert promote("d.yaml", "--into", "banks/films.yaml", "--articles", "articles") == 0
    out = capsys.readouterr().out
    assert "Promoted 3 drafts into banks/films.yaml (bank 'films', 3 questions); " in out
    assert f"{len(before) - 3} drafts left in d.yaml" in out
    bank = yaml.safe_load(Path("banks/films.yaml").read_text(encoding="utf-8"))
    assert (bank["id"], bank["title"]) == ("films", "A Small Film Story")
    assert [s["id"] for s in bank["sources"]] == ["a"]
    assert [q["question"] for q in bank["questions"]] == [q["question"] for q in kept]
    assert all("status" not in q and not re.match(r"d\d{3}-", q["id"]) for q in bank["questions"])
    assert questions(drafted) == [q for q in before if q["status"] != "keep"]
    rest = yaml.safe_load(drafted.read_text(encoding="utf-8"))
    assert rest["description"].endswith(f"; {len(before) - 3} questions.")
    capsys.readouterr()
    assert main(["banks", "check", "banks"]) == 0
    assert main(["banks", "verify", "banks", "--articles", "articles"]) == 0
    assert "0 problems" in capsys.readouterr().out


def test_an_existing_bank_keeps_its_text_and_gains_the_source(drafted: Path) -> None:
    target = Path("banks/small.yaml")
    target.write_text(BANK, encoding="utf-8")
    assert promote("d.yaml", "--into", str(target)) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith(BANK.split("questions:")[0])
    assert BANK.split("questions:")[1] in text
    bank = yaml.safe_load(text)
    assert [s["id"] for s in bank["sources"]] == ["atlas", "a"]
    assert len(bank["questions"]) == 4
    assert main(["banks", "check", "banks"]) == 0


def test_everything_kept_removes_the_draft_file(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep(drafted, *range(len(questions(drafted))))
    assert promote("d.yaml", "--into", "banks/films.yaml") == 0
    assert "d.yaml held no other drafts and was removed" in capsys.readouterr().out
    assert not drafted.exists()


def unchanged(*paths: Path) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.exists() else None for p in paths}


def test_a_fact_already_in_the_bank_refuses_the_whole_promote(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = drafted.with_name("again.yaml")
    again.write_bytes(drafted.read_bytes())
    assert promote("d.yaml", "--into", "banks/films.yaml") == 0
    capsys.readouterr()
    before = unchanged(again, Path("banks/films.yaml"))
    assert promote("again.yaml", "--into", "banks/films.yaml") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already asked by question" in err, err
    assert re.search(r"again\.yaml:\d+: draft 'd001-", err), err
    assert unchanged(again, Path("banks/films.yaml")) == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda q: q.update(answers=["Somebody Else"]), "evidence contains none of the accepted"),
        (lambda q: q.update(distractors=[q["answers"][0], "x", "y"]), "is also an accepted answer"),
        (lambda q: q.update(status="kepp"), "status 'kepp' must be draft, keep or drop"),
    ],
)
def test_a_bad_hand_edit_names_the_draft_and_its_line(
    drafted: Path, capsys: pytest.CaptureFixture[str], edit, message
) -> None:
    data = yaml.safe_load(drafted.read_text(encoding="utf-8"))
    first = data["questions"][0]
    edit(first)
    drafted.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    before = unchanged(drafted, Path("banks/films.yaml"))
    assert promote("d.yaml", "--into", "banks/films.yaml") != 0
    err = capsys.readouterr().err
    lines = drafted.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"- id: {first['id']}") + 1
    end = next(n for n in range(start, len(lines)) if lines[n].startswith("- id: ")) + 1
    found = re.search(rf"^trivia-bot: d\.yaml:(\d+): draft '{first['id']}': ", err)
    assert err.count("\n") == 1 and message in err and found, err
    assert start <= int(found.group(1)) < end, (start, err)
    assert unchanged(drafted, Path("banks/films.yaml")) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml", "--into", "banks/x.yaml"], "missing.yaml: cannot read"),
        (["d.yaml", "--into", "nowhere/x.yaml"], "nowhere: no such folder"),
        (["d.yaml", "--into", "banks/Not A Slug.yaml"], "must be a lowercase slug"),
        (["d.yaml", "--into", "d.yaml"], "the draft file itself"),
        (["d.yaml", "--into", "banks/x.yaml", "--articles", "nope"], "nope: no such folder"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    drafted: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = unchanged(drafted)
    assert promote(*args) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert unchanged(drafted) == before
    assert list(Path("banks").iterdir()) == []


def test_no_kept_draft_is_one_line(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drafted.write_text(drafted.read_text("utf-8").replace("status: keep", "status: draft"), "utf-8")
    assert promote("d.yaml", "--into", "banks/x.yaml") != 0
    assert "no drafts marked 'status: keep'" in capsys.readouterr().err
    assert list(Path("banks").iterdir()) == []


def test_articles_match_an_edited_evidence_word_for_word(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(drafted.read_text(encoding="utf-8"))
    first = data["questions"][0]
    first["evidence"] = first["evidence"].replace(" ", "  really ", 1)
    drafted.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert promote("d.yaml", "--into", "banks/films.yaml", "--articles", "articles") != 0
    assert f"draft '{first['id']}': evidence not found in article 'a'" in capsys.readouterr().err
    assert promote("d.yaml", "--into", "banks/films.yaml") == 0  # without them: not compared
    assert "evidence not matched to the article" in capsys.readouterr().out


def test_a_flow_style_bank_is_written_anew_and_still_checks(drafted: Path) -> None:
    target = Path("banks/flow.yaml")
    target.write_text(
        "id: flow\ntitle: Flow\nsources: [{id: atlas, title: An atlas}]\n"
        "questions: [{id: q, question: Why?, answers: [because]}]\n",
        encoding="utf-8",
    )
    assert promote("d.yaml", "--into", str(target)) == 0
    bank = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert [s["id"] for s in bank["sources"]] == ["atlas", "a"] and len(bank["questions"]) == 4
    assert main(["banks", "check", str(target)]) == 0


def test_a_twin_of_a_bank_question_is_refused(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = next(q for q in questions(drafted) if q["status"] == "keep")
    twin = {
        "id": "twin",
        "question": "Asked another way?",
        "answers": kept["answers"][:1],
        "distractors": kept["distractors"],
    }
    target = Path("banks/twin.yaml")
    target.write_text(yaml.safe_dump({"id": "twin", "title": "T", "questions": [twin]}), "utf-8")
    before = unchanged(target, drafted)
    assert promote("d.yaml", "--into", str(target)) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "likely the same fact" in err and f"'{kept['id']}'" in err
    assert unchanged(target, drafted) == before


TWINNED_BANK = """\
id: twinned
title: A bank with a twin warning of its own
questions:
  - id: capital
    question: "Which city is the capital of Italy?"
    answers: ["Rome"]
    distractors: ["Milan", "Naples", "Turin"]
  - id: colosseum
    question: "In which city is the Colosseum?"
    answers: ["Rome"]
    distractors: ["Milan", "Naples", "Florence"]
"""


def test_a_twin_pair_already_in_the_bank_is_not_blamed_on_the_drafts(drafted: Path) -> None:
    """The bank's own warning (review 3, M1) used to refuse every draft promoted into it."""
    target = Path("banks/twinned.yaml")
    target.write_text(TWINNED_BANK, encoding="utf-8")
    assert main(["banks", "check", str(target)]) == 0  # a warning, not an error
    assert promote("d.yaml", "--into", str(target)) == 0
    assert len(yaml.safe_load(target.read_text(encoding="utf-8"))["questions"]) == 5


def test_two_kept_drafts_that_are_twins_of_each_other_are_refused(
    drafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(drafted.read_text(encoding="utf-8"))
    first, second = [q for q in data["questions"] if q["status"] == "keep"][:2]
    for key in ("answers", "distractors"):
        second[key] = list(first[key])
    second.update(evidence=first["evidence"], fact="another")
    drafted.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = unchanged(drafted)
    assert promote("d.yaml", "--into", "banks/films.yaml") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the same fact" in err, err
    assert f"draft '{second['id']}'" in err and f"'{first['id']}'" in err, err
    assert unchanged(drafted) == before and not Path("banks/films.yaml").exists()


def test_a_drafts_folder_that_refuses_changes_leaves_the_bank_alone(
    drafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every draft kept: the draft file goes, and if it cannot, the bank must not change."""
    keep(drafted, *range(len(questions(drafted))))
    folder = drafted.parent.resolve()
    real_replace, real_unlink = os.replace, Path.unlink

    def refused(*paths: object) -> bool:
        return any(Path(str(p)).resolve().parent == folder for p in paths)

    def replace(src: object, dst: object) -> None:
        if refused(src, dst):
            raise PermissionError(13, "Permission denied", str(src))
        real_replace(src, dst)  # type: ignore[arg-type]

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if refused(self) and self.exists():
            raise PermissionError(13, "Permission denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", replace)  # root ignores file modes: refuse by hand
    monkeypatch.setattr(Path, "unlink", unlink)
    before = unchanged(drafted, Path("banks/films.yaml"))
    assert promote("d.yaml", "--into", "banks/films.yaml") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write: Permission denied" in err, err
    assert unchanged(drafted, Path("banks/films.yaml")) == before
    assert sorted(p.name for p in Path("banks").iterdir()) == []


def test_a_draft_file_that_cannot_be_rewritten_last_says_what_was_done(
    drafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bank took the drafts; the one line says so and where the drafts are, no traceback."""
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(src)).name == ".d.yaml.tmp":  # the last step: the remaining drafts
            raise OSError(28, "No space left on device", str(src))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    assert promote("d.yaml", "--into", "banks/films.yaml") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "took the kept drafts" in err and ".d.yaml.promoted" in err
    assert Path("banks/films.yaml").exists() and Path(".d.yaml.promoted").exists()
