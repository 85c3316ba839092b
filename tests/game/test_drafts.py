"""The draft review's rules: edits proved by the evidence, saves all or none, fresh ids."""

from __future__ import annotations

import json

import pytest

from bot.banks.verify import normalise
from bot.engine.clock import SystemClock
from bot.engine.errors import TriviaError
from bot.game.catalog import Catalog
from bot.game.custom import CustomQuestions
from bot.game.drafts import DraftReview

# our own small article and two drafts in the drafter's shape
ARTICLE = "The lighthouse on Skerry Point was built in 1871 by the engineer Ada Morrow."
DRAFTS = [
    {
        "id": "d001-year-1871",
        "status": "draft",
        "question": "In which year was the Skerry Point lighthouse built?",
        "answers": ["1871"],
        "distractors": ["1869", "1875", "1880"],
        "source": "skerry",
        "evidence": "The lighthouse on Skerry Point was built in 1871",
        "fact": "skerry-built",
    },
    {
        "id": "d002-person-ada-morrow",
        "status": "draft",
        "question": "Which engineer built the Skerry Point lighthouse?",
        "answers": ["Ada Morrow"],
        "distractors": ["Tom Reed", "Ida Vance", "Carl Holm"],
        "source": "skerry",
        "evidence": "built in 1871 by the engineer Ada Morrow.",
        "explanation": "From the article.",
    },
]


def review() -> DraftReview:
    return DraftReview(DRAFTS, normalise(ARTICLE))


def test_an_edit_must_still_be_proved_and_valid():
    r = review()
    with pytest.raises(TriviaError, match="evidence contains none of the accepted answers"):
        r.edit(question="When?", answers="1900", distractors="1869", explanation="")
    with pytest.raises(TriviaError, match="distractor '1871' is also an accepted answer"):
        r.edit(question="When?", answers="1871", distractors="1871\n1869", explanation="")
    with pytest.raises(TriviaError, match="a draft needs 3 wrong choices"):
        r.edit(question="When?", answers="1871", distractors="1869\n1875", explanation="")
    with pytest.raises(TriviaError, match="no accepted answer"):
        r.edit(question="When?", answers=" \n", distractors="", explanation="")
    assert r.position == 0 and r.kept == []
    built = r.edit(
        question="  When was it built?  ",
        answers="1871\n",
        distractors="1869\n\n1875\n1880",
        explanation=" ",
    )
    assert built.text == "When was it built?" and built.distractors == ("1869", "1875", "1880")
    assert r.position == 1 and r.edited == 1 and "explanation" not in r.kept[0]
    r.skip()
    assert r.finished and r.current is None
    with pytest.raises(TriviaError, match="press Done"):
        r.edit(question="x", answers="1871", distractors="", explanation="")


async def test_save_stores_all_with_fresh_ids_and_refuses_empty(repo, fixture_banks):
    custom = CustomQuestions(repo, Catalog(fixture_banks, repo), SystemClock())
    empty = review()
    with pytest.raises(TriviaError, match="No drafts were kept"):
        await empty.save(custom, 7, 1, "lights")
    for _ in range(2):  # the same article reviewed twice into one bank: no id clash
        r = review()
        r.keep()
        r.keep()
        added = await r.save(custom, 7, 1, "lights")
        assert len(added.question_ids) == 2
    rows = await repo.custom_questions(7, "lights")
    assert sorted(row.question_id for row in rows) == [
        "d001-year-1871",
        "d001-year-1871-2",
        "d002-person-ada-morrow",
        "d002-person-ada-morrow-2",
    ]
    data = json.loads(next(r.data for r in rows if r.question_id == "d001-year-1871"))
    assert "status" not in data and data["evidence"] == DRAFTS[0]["evidence"]
    with pytest.raises(TriviaError, match="shipped bank"):
        r = review()
        r.keep()
        await r.save(custom, 7, 1, next(iter(custom.catalog.shipped)))
    assert len(await repo.custom_questions(7)) == 4
