"""From an article to checked drafts; every draft that fails a rule is left out and said why."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.banks.draft.article import Article, ArticleError
from bot.banks.draft.distractors import WANTED, Pool, distractors
from bot.banks.draft.kinds import CATEGORIES, Draft, cloze, templated, true_false
from bot.banks.draft.mentions import find_mentions, is_heading, known_people, roles, sentences
from bot.banks.verify import normalise, verify_question
from bot.engine.validation import SLUG, build_question

DEFAULT_MAX = 40
MIN_DRAFTS = 15
_TRIVIAL = frozenset({"Tom Cruise", "Cruise"})  # every article is about him
_UNKNOWN = re.compile(
    r"\b(?:remains? (?:a mystery|unknown|to be seen|unclear)|(?:is|are) (?:currently |still )?"
    r"(?:unknown|unclear|not (?:yet )?known))\b",
    re.I,
)
_EASY = frozenset({"person", "title", "who-plays", "plays-whom", "true-false"})


@dataclass
class Result:
    bank: dict[str, Any]
    explain: list[str] = field(default_factory=list)

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.bank["questions"])


def slug(text: str, limit: int = 40) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].strip("-") or "x"


def draft_article(
    article: Article,
    *,
    bank_id: str | None = None,
    max_drafts: int = DEFAULT_MAX,
    other_people: Iterable[str] = (),
    other_titles: Iterable[str] = (),
) -> Result:
    """Drafts for one article; raises ArticleError when no sentence is worth asking."""
    people = known_people(article.text)
    pool = Pool(list(people.values()) + list(other_people), other_titles)
    pool.add_characters(roles(article.text, people))
    source = article.source_id
    folded_article = normalise(article.text)
    explain: list[str] = []
    kept: list[dict[str, Any]] = []
    facts: dict[str, str] = {}
    tf_turn = 0
    shown_with: dict[str, set[str]] = {}  # answer -> distractors its drafts show
    extras: list[dict[str, Any]] = []
    seconds: list[dict[str, Any]] = []
    for sentence in sentences(article.text):
        head = f"[{sentence.index}] {sentence.text[:60]}{'…' if len(sentence.text) > 60 else ''}"
        if is_heading(sentence.text):
            explain.append(f"skip {head}: a heading or fragment, not a statement")
            continue
        if len(sentence.text.split()) < 6:
            explain.append(f"skip {head}: too short to carry a fact")
            continue
        if _UNKNOWN.search(sentence.text):
            explain.append(f"skip {head}: says what is not known, no fact to ask")
            continue
        mentions = find_mentions(sentence.text, people, article.published)
        askable = [m for m in mentions if m.kind != "outlet"]
        if not askable:
            explain.append(f"skip {head}: names no person, title, place, date or amount")
            continue
        candidates = templated(sentence.text, mentions, sentence.index)
        # a blank on a name a templated draft asks about tests that draft's fact
        asked = {d.mention: d.fact_key for d in candidates}
        askable = [m for m in askable if m.answers[0] not in _TRIVIAL]
        for m in askable:
            if (d := cloze(sentence.text, m, sentence.index)) is not None:
                d.fact_key = asked.get(m, d.fact_key)
                candidates.append(d)
        used: list[str] = []
        for draft in candidates:
            if not draft.distractors:
                draft.distractors = distractors(
                    draft.mention,
                    pool,
                    draft.answers,
                    seed=draft.fact_key,
                    shown=sentence.text + draft.question,
                    used=shown_with.get(draft.answers[0], ()),
                )
            reason = _problem(draft, source, folded_article)
            if reason is None:
                shown_with.setdefault(draft.answers[0], set()).update(draft.distractors)
                tf_turn += 1
                wrong = draft.distractors[0]
                pair = (wrong, None) if tf_turn % 2 else (None, wrong)
                for n, swap in enumerate(pair):
                    extra = true_false(draft, swap, sentence.index)
                    if extra is None or _problem(extra, source, folded_article) is not None:
                        continue
                    (extras if n == 0 else seconds).append(_entry(extra, source, article, facts))
                    if n == 0:
                        used.append(extra.kind)
            if reason is not None:
                explain.append(
                    f"      {head}: {draft.kind} '{draft.answers[0]}' left out: {reason}"
                )
                continue
            kept.append(_entry(draft, source, article, facts))
            used.append(draft.kind)
        if used:
            explain.append(f"use  {head}: {', '.join(used)}")
        else:
            explain.append(f"skip {head}: no draft met the rules")
    if not kept:
        raise ArticleError(f"{article.source_id}: no sentence worth asking about")
    # true/false twins fill a thin article; in a rich one they stay a minority
    extras += seconds
    kept += extras[: max(MIN_DRAFTS - len(kept), len(kept) // 3)]
    kept = _spread(kept, max_drafts)
    for n, entry in enumerate(kept, 1):
        entry["id"] = f"d{n:03d}-{entry['id']}"[:40].strip("-")
    bid = bank_id or slug(f"draft-{source}")
    bank = {
        "id": bid,
        "title": f"Draft: {article.title}"[:100],
        "description": f"Drafts from one article, for review; {len(kept)} questions.",
        "sources": [_source(article)],
        "questions": kept,
    }
    return Result(bank, explain)


def _spread(entries: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Over the limit, keep every kind represented: take round-robin by kind."""
    if len(entries) <= limit:
        return entries
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_kind.setdefault(e["category"], []).append(e)
    out: list[dict[str, Any]] = []
    while len(out) < limit:
        for group in by_kind.values():
            if group and len(out) < limit:
                out.append(group.pop(0))
    order = {id(e): i for i, e in enumerate(entries)}
    return sorted(out, key=lambda e: order[id(e)])


def _source(article: Article) -> dict[str, Any]:
    out: dict[str, Any] = {"id": article.source_id, "title": article.title[:100]}
    if article.outlet:
        out["outlet"] = article.outlet
    if article.published:
        out["published"] = article.published.isoformat()
    return out


def _problem(draft: Draft, source: str, folded_article: str) -> str | None:
    """The same rules `banks check` and `banks verify` apply, run on the draft itself."""
    if len(draft.distractors) < (1 if draft.kind == "true-false" else WANTED):
        return f"only {len(draft.distractors)} distractors of the same kind"
    return entry_problem(_data(draft, source), source, folded_article)


def entry_problem(data: dict[str, Any], source: str, folded_article: str) -> str | None:
    """What `banks check` or `banks verify` would say first about one draft entry, if anything."""
    question, problems = build_question(data, bank_id="draft", source_ids=frozenset({source}))
    if question is None:
        return problems[0].message if problems else "not a valid question"
    failed = verify_question(question, lambda _sid: folded_article)
    return failed[0] if failed else None


def _data(draft: Draft, source: str) -> dict[str, Any]:
    return {
        "id": slug(f"{draft.kind}-{draft.answers[0]}", 32),
        "status": "draft",
        "question": " ".join(draft.question.split()),
        "answers": list(draft.answers),
        "distractors": list(draft.distractors),
        "difficulty": "easy" if draft.kind in _EASY else "medium",
        "category": CATEGORIES[draft.kind],
        "source": source,
        "evidence": " ".join(draft.evidence.split()),  # verify compares spaces folded
    }


def _entry(draft: Draft, source: str, article: Article, facts: dict[str, str]) -> dict[str, Any]:
    data = _data(draft, source)
    note = draft.mention.note
    data["explanation"] = (
        f"{note} " if note else ""
    ) + f"From “{article.title[:80]}”{f' ({article.outlet})' if article.outlet else ''}."
    fact = facts.setdefault(draft.fact_key, slug(f"{source[:3]}-{draft.fact_key}"))
    data["fact"] = fact if SLUG.match(fact) else slug(fact)
    return data
