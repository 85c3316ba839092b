"""Question kinds: what a sentence's mentions can be turned into, each with its evidence."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from bot.banks.draft.attribution import attributed
from bot.banks.draft.mentions import Mention, quotes

MAX_WORDS = 20
_TOKEN = re.compile(r"\S+")
_LEADS = {
    "person": "Who",
    "title": "Which title",
    "place": "Which place",
    "year": "Which year",
    "date": "Which date",
    "relative": "Which month and year",
    "amount": "What number",
    "ordinal": "Which word",
    "thing": "Which model",
}
CATEGORIES = {
    "person": "People",
    "title": "Films",
    "place": "Places",
    "year": "Dates",
    "date": "Dates",
    "relative": "Dates",
    "amount": "Numbers",
    "ordinal": "Numbers",
    "thing": "Things",
    "who-plays": "People",
    "plays-whom": "People",
    "directed": "People",
    "who-said": "Quotes",
    "true-false": "True or false",
}


@dataclass
class Draft:
    kind: str
    question: str
    answers: tuple[str, ...]
    evidence: str
    mention: Mention
    fact_key: str
    note: str = ""
    distractors: list[str] = field(default_factory=list)


def span(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """The shortest readable run of at most 20 words around [start, end): clause, then window."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    inside = [i for i, (s, e) in enumerate(tokens) if e > start and s < end]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    if last - first + 1 > MAX_WORDS:
        return None
    left, right = first, last
    while right - left + 1 < MAX_WORDS and (left > 0 or right < len(tokens) - 1):
        if right < len(tokens) - 1 and not _ends_clause(sentence, tokens[right]):
            right += 1
        elif left > 0 and not _ends_clause(sentence, tokens[left - 1]):
            left -= 1
        elif right < len(tokens) - 1 and right - left + 1 < 8:
            right += 1
        elif left > 0 and right - left + 1 < 8:
            left -= 1
        else:
            break
    while right > last and sentence[tokens[right][0] : tokens[right][1]].lower() in _DANGLING:
        right -= 1
    s, e = tokens[left][0], tokens[right][1]
    while e > end and sentence[e - 1] in ",;:—–-":
        e -= 1
    return s, e


_DANGLING = frozenset("the a an of to in on and or with for by as at from that".split())


def _ends_clause(sentence: str, token: tuple[int, int]) -> bool:
    """A comma, semicolon or dash ends a clause; a colon only before a lowercase word."""
    last = sentence[token[1] - 1]
    if last == ":":
        return not sentence[token[1] : token[1] + 2].strip()[:1].isupper()
    return last in ",;—–" or sentence[token[0] : token[1]] in ("—", "–")


def cloze(sentence: str, mention: Mention, index: int) -> Draft | None:
    """'Who fills the blank in ...': the article's own clause with the answer taken out."""
    where = span(sentence, mention.start, mention.end)
    if where is None:
        return None
    s, e = where
    evidence = sentence[s:e]
    blanked = sentence[s : mention.start] + "___" + sentence[mention.end : e]
    lead = _LEADS[mention.kind]
    question = f"{lead} fills the blank in the article's line “{blanked.strip()}”?"
    return Draft(
        mention.kind, question, mention.answers, evidence, mention, f"{index}-{mention.answers[0]}"
    )


def templated(sentence: str, mentions: list[Mention], index: int) -> list[Draft]:
    """Patterns that read as real questions: who plays whom, who directed, who said."""
    out: list[Draft] = []
    people = [m for m in mentions if m.kind == "person"]
    for a, b in itertools.pairwise(people):
        between = sentence[a.end : b.start]
        if between == " as ":
            actor, role = a, b
        elif between == " (" and sentence[b.end : b.end + 1] == ")":
            actor, role = b, a
        else:
            continue
        where = span(sentence, min(a.start, b.start), max(a.end, b.end) + 1)
        if where is None:
            continue
        evidence = sentence[where[0] : where[1]]
        fact = f"{index}-plays-{role.answers[0]}"
        out.append(
            Draft(
                "who-plays",
                attributed(sentence, f"who plays {role.answers[0]}?"),
                actor.answers,
                evidence,
                actor,
                fact,
            )
        )
        out.append(
            Draft(
                "plays-whom",
                attributed(sentence, f"which character does {actor.answers[0]} play?"),
                (role.answers[0],),
                evidence,
                role,
                fact,
            )
        )
    for m in people:
        before = sentence[max(0, m.start - 12) : m.start]
        title = next((t for t in mentions if t.kind == "title" and t.end < m.start), None)
        if before.endswith("directed by ") and title is not None:
            where = span(sentence, title.start, m.end)
            if where is not None:
                out.append(
                    Draft(
                        "directed",
                        attributed(sentence, f"who directed {title.text}?"),
                        m.answers,
                        sentence[where[0] : where[1]],
                        m,
                        f"{index}-directed-{m.answers[0]}",
                    )
                )
    for text, qs, qe in quotes(sentence):
        speaker = next((m for m in people if m.start >= qe and m.start - qe < 8), None)
        if speaker is None:
            continue
        words = text.split()
        keep = max(0, MAX_WORDS - len(sentence[qe : speaker.end].split()))
        if keep < 5:
            continue
        tail = " ".join(words[-keep:])
        start = sentence.index(tail, qs)
        evidence = sentence[start : speaker.end]
        shown = tail.rstrip(",.;: ’'")
        out.append(
            Draft(
                "who-said",
                f"According to the article, who said “{'… ' if keep < len(words) else ''}{shown}”?",
                speaker.answers,
                evidence,
                speaker,
                f"{index}-said-{speaker.answers[0]}",
            )
        )
    return out


def true_false(draft: Draft, wrong: str | None, index: int) -> Draft | None:
    """A cloze turned into a statement: the right name, or one swapped for another."""
    if draft.kind in ("relative", "date") or not draft.question.startswith(tuple(_LEADS.values())):
        return None
    line = draft.question.split("line “", 1)[1].rsplit("”?", 1)[0]
    named = wrong or draft.answers[0]
    question = f"True or false: the blank in the article's line “{line}” is {named}."
    answers = ("False",) if wrong else ("True",)
    tf = Draft("true-false", question, answers, draft.evidence, draft.mention, draft.fact_key)
    tf.distractors = ["True"] if wrong else ["False"]
    return tf
