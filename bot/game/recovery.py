"""What a shutdown could not save in time, kept in a file the next start replays first.

A player told "kept and will be saved" must find the answer saved, even when the database
was down as the bot stopped. One JSON object a line: {"answer": {...}} or {"end": {...}}.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from bot.storage.records import AnswerRow, GameEnd, GameStatus, Participant
from bot.storage.repository import Repository

log = logging.getLogger(__name__)


def save(path: Path, answers: Sequence[AnswerRow], ends: Sequence[GameEnd]) -> None:
    """Add to the file (a replay that failed left one), synced, swapped in whole, 0600."""
    if not answers and not ends:
        return
    lines = [path.read_text("utf-8")] if path.exists() else []
    lines += [json.dumps({"answer": dataclasses.asdict(a)}) + "\n" for a in answers]
    lines += [
        json.dumps(
            {
                "end": {
                    "game_id": e.game_id,
                    "status": e.status.value,
                    "ended_at": e.ended_at,
                    "participants": [dataclasses.asdict(p) for p in e.participants],
                }
            }
        )
        + "\n"
        for e in ends
    ]
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("".join(lines))
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    log.warning(
        "wrote %d unsaved answers and %d unsaved round ends to %s; the next start saves them",
        len(answers),
        len(ends),
        path,
    )


Ends = list[tuple[int, GameStatus, float, list[Participant]]]


def _read(path: Path) -> tuple[list[AnswerRow], Ends] | None:
    if not path.exists():
        return None
    answers: list[AnswerRow] = []
    ends: Ends = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if "answer" in item:
                answers.append(AnswerRow(**item["answer"]))
            else:
                end = item["end"]
                ends.append(
                    (
                        int(end["game_id"]),
                        GameStatus(end["status"]),
                        float(end["ended_at"]),
                        [Participant(**p) for p in end["participants"]],
                    )
                )
        except (ValueError, KeyError, TypeError) as exc:
            log.error("%s line %d is not an answer or a round end (%s)", path, number, exc)
    return answers, ends


async def replay(path: Path, repo: Repository) -> tuple[int, int]:
    """Save what the file holds (answers are idempotent, an end counts once), then remove it.

    Runs before start-up recovery: recovery would mark these rounds abandoned first.
    A database still down raises, and the file stays for the next start.
    """
    found = _read(path)
    if found is None:
        return 0, 0
    answers, ends = found
    await repo.record_answers(answers)
    for game_id, status, ended_at, participants in ends:
        await repo.end_game(game_id, status, ended_at, participants)
    os.unlink(path)
    log.warning(
        "saved %d answers and %d round ends kept in %s by the last shutdown",
        len(answers),
        len(ends),
        path,
    )
    return len(answers), len(ends)
