"""An optional language model rewords drafts and proposes distractors; it is never trusted.

Where an admin runs an OpenAI-compatible chat-completions server (llama.cpp, Ollama, vLLM or
a hosted one), each draft is sent with its evidence and the model's reply goes through the
rules a rule-based draft meets, and some of its own: what fails is dropped and said why, and
the draft stays as the rules wrote it. An endpoint that is down, slow or answers garbage
ends the asking; drafting goes on without it and says so in one line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.banks.draft.article import Article
from bot.banks.draft.build import Result, entry_problem
from bot.banks.draft.distractors import SERIES, WANTED
from bot.banks.draft.vocabulary import RENAMED, film_of
from bot.banks.verify import normalise
from bot.engine.judge import judge
from bot.engine.normalize import forms
from bot.engine.validation import MAX_CHOICE

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds for one reply
BUDGET = 180.0  # seconds for all of them
MAX_REPHRASE = 300
CONCURRENCY = 2  # a local server often has one or two slots
_GARBAGE_IN_A_ROW = 3
_WORD = re.compile(r"[\w'’-]+")
_CLAIMED = re.compile(r"\b(according to|reportedly)\b", re.I)
_ATTRIBUTION = re.compile(r"\b(according to|reportedly|said|says|told|claims?|the article)\b", re.I)
_STOP = frozenset(
    """about after again also been before being between both could does doing down during
    each from further have having here into itself just more most other over same should
    some such than that their them then there these they this those through under until
    very what when where which while whom will with would your""".split()
)
SYSTEM = (
    "You help write trivia questions from a news article. "
    "Reply with one JSON object and nothing else."
)
ASK = (
    "Reword the draft below as one natural, self-contained trivia question in your own "
    "words. It must have exactly the same answer, be answerable from the evidence alone, "
    "keep any 'according to' attribution, and not contain the answer. Then propose three "
    "wrong answers of the same kind and form as the answer that the evidence shows are "
    'wrong. Reply as {"question": "...", "distractors": ["...", "...", "..."]}.\n'
)


@dataclass(frozen=True)
class ModelEndpoint:
    """Where to ask; the key is sent as a bearer token and never shown."""

    url: str  # base URL, such as http://127.0.0.1:8080/v1
    model: str | None = None
    key: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT
    budget: float = BUDGET

    @property
    def shown(self) -> str:
        """The URL without any user:password@ in it."""
        return re.sub(r"^(\w+://)[^/@]*@", r"\1", self.url)

    @property
    def completions(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


class _Stop(Exception):
    """The endpoint is not worth asking again this run; the text says why."""


@dataclass
class Outcome:
    """What the model changed, for the one-line summary and --explain."""

    asked: int = 0
    reworded: int = 0
    distractors: int = 0
    dropped: int = 0
    stopped: str | None = None
    explain: list[str] = field(default_factory=list)

    def summary(self, endpoint: ModelEndpoint) -> str:
        where = endpoint.shown
        if self.stopped and not self.reworded and not self.distractors:
            return f"model at {where}: {self.stopped}; drafted rule-based."
        text = (
            f"model at {where}: {self.reworded} of the {self.asked} drafts asked about reworded, "
            f"{self.distractors} of its distractors used, {self.dropped} of its proposals "
            "dropped by the checks (--explain says why)"
        )
        return text + (f"; then {self.stopped}, the rest rule-based." if self.stopped else ".")


async def refine(result: Result, article: Article, endpoint: ModelEndpoint) -> Outcome:
    """Ask the model about every draft but true/false ones; `result` is changed in place."""
    import aiohttp

    outcome = Outcome()
    entries = [q for q in result.bank["questions"] if q.get("category") != "True or false"]
    folded = normalise(article.text)
    deadline = time.monotonic() + endpoint.budget
    gate = asyncio.Semaphore(CONCURRENCY)
    garbage = 0
    session = aiohttp.ClientSession()

    async def one(entry: dict[str, Any]) -> None:
        nonlocal garbage
        async with gate:
            if outcome.stopped:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                outcome.stopped = f"its {endpoint.budget:g} s budget was spent"
                return
            outcome.asked += 1
            try:
                reply = await _ask(session, endpoint, entry, article, min(endpoint.timeout, left))
            except _Stop as exc:
                late = left < endpoint.timeout and str(exc).startswith("no reply")
                spent = f"its {endpoint.budget:g} s budget was spent"
                outcome.stopped = outcome.stopped or (spent if late else str(exc))
                return
            except ValueError as exc:
                garbage += 1
                outcome.dropped += 1
                outcome.explain.append(f"model {entry['id']}: reply dropped: {exc}")
                if garbage >= _GARBAGE_IN_A_ROW:
                    outcome.stopped = outcome.stopped or f"{garbage} garbage replies in a row"
                return
            garbage = 0
            _apply(entry, reply, article.source_id, folded, outcome)

    try:
        await asyncio.gather(*(one(e) for e in entries))
    finally:
        await session.close()
    for line in outcome.explain:
        log.info("%s", line)
    if outcome.stopped:
        log.info("draft model at %s: %s", endpoint.shown, outcome.stopped)
    result.explain.extend(outcome.explain)
    return outcome


async def _ask(
    session: Any, endpoint: ModelEndpoint, entry: dict[str, Any], article: Article, seconds: float
) -> dict[str, Any]:
    """One chat completion; _Stop for an endpoint fault, ValueError for a useless reply."""
    import aiohttp

    draft = {
        "article": article.title,
        "evidence": entry["evidence"],
        "draft": entry["question"],
        "answer": entry["answers"][0],
        "also_accepted": entry["answers"][1:],
        "current_wrong_answers": entry.get("distractors", []),
    }
    body: dict[str, Any] = {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": ASK + json.dumps(draft, ensure_ascii=False)},
        ],
        "temperature": 0.2,
    }
    if endpoint.model:
        body["model"] = endpoint.model
    headers = {"Authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
    try:
        async with session.post(
            endpoint.completions,
            json=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=seconds),
        ) as response:
            if response.status != 200:
                text = " ".join((await response.text())[:120].split())
                raise _Stop(f"HTTP {response.status}{f' ({text})' if text else ''}")
            raw = await response.text()
    except TimeoutError:
        raise _Stop(f"no reply within {seconds:g} s") from None
    except aiohttp.ClientError as exc:
        raise _Stop(
            f"unreachable ({' '.join(str(exc).split())[:120] or type(exc).__name__})"
        ) from None
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ValueError("not a chat-completions reply") from None
    return _object(content)


def _object(content: Any) -> dict[str, Any]:
    """The JSON object in a reply, fenced or with words around it."""
    if not isinstance(content, str):
        raise ValueError("the reply has no text")
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the reply")
    try:
        data = json.loads(content[start : end + 1])
    except ValueError:
        raise ValueError("the reply's JSON does not parse") from None
    if not isinstance(data, dict):
        raise ValueError("the reply's JSON is not an object")
    return data


def _apply(
    entry: dict[str, Any], reply: dict[str, Any], source: str, folded: str, outcome: Outcome
) -> None:
    """Take what passes; the whole entry is checked again before it replaces the old one."""
    qid = entry["id"]
    answers = list(entry["answers"])
    new = dict(entry)
    reworded = False
    question = reply.get("question")
    if question is not None:
        reason = rephrase_problem(question, entry)
        if reason:
            outcome.dropped += 1
            outcome.explain.append(f"model {qid}: rewording dropped: {reason}")
        else:
            new["question"] = " ".join(question.split())
            reworded = True
    shown = f"{entry['question']} {new['question']} {entry['evidence']}"
    taken: list[str] = []
    raw = reply.get("distractors")
    for d in raw if isinstance(raw, list) else []:
        reason = distractor_problem(d, answers, shown, taken)
        if reason:
            outcome.explain.append(f"model {qid}: distractor {str(d)[:40]!r} dropped: {reason}")
            continue
        taken.append(d.strip())
    ours = [d for d in entry.get("distractors", []) if d.casefold() not in _folds(taken)]
    new["distractors"] = (taken + ours)[:WANTED]
    fresh = [d for d in taken[:WANTED] if d.casefold() not in _folds(entry.get("distractors", []))]
    problem = entry_problem(new, source, folded)
    if problem is not None:
        outcome.dropped += 1
        outcome.explain.append(f"model {qid}: reply dropped: {problem}")
        return
    entry.update(new)
    outcome.reworded += reworded
    outcome.distractors += len(fresh)
    if reworded or fresh:
        outcome.explain.append(
            f"model {qid}: {'reworded' if reworded else 'wording kept'}, "
            f"{len(fresh)} new distractors used"
        )


def _folds(items: Sequence[str]) -> set[str]:
    return {i.casefold() for i in items}


def rephrase_problem(question: Any, entry: dict[str, Any]) -> str | None:
    """Why a reworded question may not replace the draft's: it must ask the same thing."""
    if not isinstance(question, str) or not question.strip():
        return "not a text"
    text = " ".join(question.split())
    if len(text) > MAX_REPHRASE:
        return f"{len(text)} characters; a reworded question has at most {MAX_REPHRASE}"
    if not text.endswith("?"):
        return "not a question (no question mark)"
    if _names(text, entry["answers"]):
        return "it contains the answer"
    if _CLAIMED.search(entry["question"]) and not _ATTRIBUTION.search(text):
        return "it drops the attribution of a claim the article reports"
    evidence = entry["evidence"]
    answer_words = {_stem(w) for a in entry["answers"] for w in _WORD.findall(a)}
    words = {_stem(w) for w in _WORD.findall(text)}
    tokens = _WORD.findall(evidence)
    anchors = {
        _stem(w)
        for w in tokens[1:]
        if (w[:1].isupper() or w[:1].isdigit()) and _stem(w) not in answer_words
    }
    missing = sorted(a for a in anchors if a not in words)
    if missing:
        return f"it no longer names {', '.join(missing[:3])} from the evidence"
    content = {
        _stem(w)
        for w in tokens
        if len(w) > 3 and w.lower() not in _STOP and _stem(w) not in answer_words
    }
    if not anchors and content and not content & words:
        return "it shares no words with the evidence: it may ask something else"
    return None


def distractor_problem(
    d: Any, answers: Sequence[str], shown: str, taken: Sequence[str]
) -> str | None:
    """Why a proposed wrong answer may not be shown beside the right one."""
    if not isinstance(d, str) or not d.strip():
        return "not a text"
    d = d.strip()
    answer = answers[0]
    if len(d) > MAX_CHOICE:
        return f"{len(d)} characters; a button holds {MAX_CHOICE}"
    if d.casefold() in _folds(taken) or d.casefold() in _folds(answers):
        return "listed already"
    if judge(d, answers) or _names(d, answers):
        return "the judge would accept it"
    if normalise(d).casefold() in normalise(shown).casefold():
        return "named in the question or its evidence"
    if answer.startswith(SERIES) and d.startswith(SERIES):
        own, other = film_of(answer), film_of(d)
        if other is None or other == own or (own is None and other in RENAMED):
            return "may name the same film"
        return None
    if any(c.isdigit() for c in answer) != any(c.isdigit() for c in d):
        return "not the same kind as the answer (a number and a name)"
    if answer[:1].isupper() and not d[:1].isupper():
        return "not the same kind as the answer (a name and a word)"
    if abs(len(d.split()) - len(answer.split())) > 3:
        return "not the same shape as the answer"
    return None


def _names(text: str, answers: Sequence[str]) -> bool:
    """Any accepted answer spelled out, word for word, inside `text`."""
    words = f" {' '.join(w for form in forms(text) for w in form)} "
    return any(
        form and f" {' '.join(form)} " in words for answer in answers for form in forms(answer)
    )


def _stem(word: str) -> str:
    return word.lower().strip("'’-")[:6]
