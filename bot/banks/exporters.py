"""Banks back out as our YAML or as CSV, in shapes the importers read back unchanged."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.banks.importers.csvfile import COLUMNS, join_items
from bot.banks.yamlio import dump
from bot.engine.models import Bank, Source
from bot.engine.validation import question_data


def export_yaml(bank: Bank) -> str:
    """Everything a bank file holds, so a shipped bank survives export -> import intact."""
    data: dict[str, Any] = {"id": bank.id, "title": bank.title}
    if bank.description:
        data["description"] = bank.description
    if bank.sources:
        data["sources"] = [_source(s) for s in bank.sources]
    data["questions"] = [question_data(q) for q in bank.questions]
    return dump(data)


def _source(s: Source) -> dict[str, Any]:
    """A citation with only the fields it has, as a bank file writes it."""
    fields = {"id": s.id, "title": s.title, "outlet": s.outlet, "published": s.published}
    return {k: v for k, v in fields.items() if v is not None}


def export_csv(bank: Bank) -> str:
    """For spreadsheets: the columns the CSV importer reads; ids, sources, hints, facts and modes
    are dropped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for q in bank.questions:
        writer.writerow(
            [
                q.text,
                q.answers[0],
                join_items(q.answers[1:]),
                join_items(q.distractors),
                q.difficulty.value,
                q.category or "",
                q.explanation or "",
            ]
        )
    return out.getvalue()
