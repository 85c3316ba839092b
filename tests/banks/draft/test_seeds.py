"""The drafting rules, pinned on the five seed articles: what `banks check`/`verify` demand."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bot.banks.draft.article import read_article
from bot.banks.draft.build import Result, draft_article
from bot.banks.draft.command import dump
from bot.banks.draft.vocabulary import film_of
from bot.banks.loader import parse_bank_text
from bot.banks.verify import (
    MAX_EVIDENCE_WORDS,
    article_dir,
    normalise,
    verify_banks,
    word_count,
)
from bot.engine.judge import judge
from tests.banks.helpers import REPO

_PLACES = (REPO.parent / "shared" / "seeds", REPO.parents[1] / "shared" / "seeds")
SEEDS = next((p for p in _PLACES if p.is_dir()), None)
ARTICLES = sorted(SEEDS.glob("*.txt")) if SEEDS else []

pytestmark = pytest.mark.skipif(SEEDS is None, reason="../shared/seeds is not beside the repo")


@cache
def drafted(path: Path) -> Result:
    return draft_article(read_article(str(path)))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem[:3])
def test_every_draft_passes_check_and_verify(path: Path) -> None:
    result = drafted(path)
    report = parse_bank_text(dump(result.bank), str(path))
    assert report.bank is not None
    assert [str(p) for p in report.problems] == []
    assert len(report.bank.questions) >= 15
    assert verify_banks([report.bank], article_dir(path.parent)) == []


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem[:3])
def test_drafts_follow_the_rules(path: Path) -> None:
    facts: dict[str, set[str]] = {}
    for q in drafted(path).questions:
        assert q["status"] == "draft"
        assert word_count(q["evidence"]) <= MAX_EVIDENCE_WORDS
        assert len(q["distractors"]) == (1 if q["category"] == "True or false" else 3)
        for d in q["distractors"]:
            assert not judge(d, q["answers"]), (q["id"], d)
            if q["category"] != "True or false":
                assert d not in q["question"], (q["id"], d)
        if (film := film_of(q["answers"][0])) is not None:  # not another name of the same film
            assert all(film_of(d) != film for d in q["distractors"]), (q["id"], q["distractors"])
        facts.setdefault(q["fact"], set()).add(q["evidence"])
    # drafts that share a fact ask about the same words: their spans overlap in the article
    text = normalise(path.read_text(encoding="utf-8"))
    for spans in facts.values():
        where = [(at := text.index(normalise(e)), at + len(normalise(e))) for e in spans]
        assert max(s for s, _ in where) < min(e for _, e in where), spans


def test_a_blank_on_a_templated_answer_shares_its_fact() -> None:
    questions = drafted(next(p for p in ARTICLES if p.stem.startswith("004"))).questions
    plays = next(q for q in questions if q["question"].endswith("who plays Ilsa Faust?"))
    blanks = [
        q
        for q in questions
        if "fills the blank" in q["question"] and q["answers"][0] == "Rebecca Ferguson"
    ]
    assert blanks and all(q["fact"] == plays["fact"] for q in blanks)


def test_true_false_twins_share_the_fact_of_their_question() -> None:
    questions = drafted(ARTICLES[2]).questions
    tf = [q for q in questions if q["category"] == "True or false"]
    others = {q["fact"] for q in questions if q["category"] != "True or false"}
    assert tf and all(q["fact"] in others for q in tf)


def test_a_line_that_says_what_is_not_known_is_not_asked() -> None:
    result = drafted(next(p for p in ARTICLES if p.stem.startswith("003")))
    assert not any("currently unknown" in q["evidence"] for q in result.questions)
    assert not any("remains a mystery" in q["evidence"] for q in result.questions)
    assert any("says what is not known" in line for line in result.explain)
