"""Plain-text rendering of questions, reveals and standings for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.models import Bank
from bot.engine.round import AskedQuestion, CloseReason, QuestionResult, Standing
from bot.storage.records import BoardRow


def question_text(asked: AskedQuestion, bank_title: str) -> str:
    lines = [
        "",
        f"Question {asked.number}/{asked.total} · {bank_title} · {asked.question.difficulty.value}",
        asked.question.text,
    ]
    lines += [f"  {i}) {label}" for i, label in enumerate(asked.choices, start=1)]
    return "\n".join(lines)


def reveal_text(result: QuestionResult, player_id: int | None, bank: Bank | None) -> str:
    q = result.asked.question
    mine = next((a for a in result.answers if a.player.id == player_id), None)
    if result.skip is not None:
        verdict = "Skipped: nobody scores on it."
    elif mine is None:
        verdict = "Round stopped." if result.reason is CloseReason.STOPPED else "Time's up."
    elif mine.correct:
        # only buttons pay a streak bonus, so only they show the streak
        streak = f" (streak {mine.streak})" if mine.streak > 1 and result.asked.choices else ""
        verdict = f"Right! +{mine.points} points{streak}."
    else:
        verdict = "Not this time."
    lines = [verdict, f"Answer: {q.answers[0]}"]
    others = [a for a in result.correct if a.player.id != player_id]
    if others:
        lines.append("Also right: " + ", ".join(f"{a.player.name} (+{a.points})" for a in others))
    if q.explanation:
        lines.append(q.explanation)
    cite = bank.citation(q.source) if bank else None
    if cite:
        lines.append(cite)
    return "\n".join(lines)


def standings_text(standings: Sequence[Standing]) -> str:
    if not standings:
        return "Nobody scored this round."
    lines = ["", "Final standings:"]
    for i, s in enumerate(standings, start=1):
        lines.append(
            f"{i:>3}. {s.player.name:<20} {s.points:>6} pts  "
            f"{s.correct}/{s.answered} right  best streak {s.best_streak}"
        )
    return "\n".join(lines)


def board_text(rows: Sequence[BoardRow], title: str) -> str:
    if not rows:
        return f"{title}: no answers recorded yet. Play a round with `trivia-bot play`."
    lines = [title]
    for r in rows:
        accuracy = f"{100 * r.correct / r.answered:.0f}%" if r.answered else "-"
        lines.append(
            f"{r.rank:>3}. {r.name:<20} {r.points:>7} pts  {r.correct}/{r.answered} "
            f"right ({accuracy})"
        )
    return "\n".join(lines)
