"""An export cut to Discord's attachment limit: big banks in parts, parts in messages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.banks.exporters import export_yaml
from bot.engine.models import Bank

FILES_PER_MESSAGE = 10  # Discord's limit


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes
    bank_id: str
    questions: int


def export_files(banks: Sequence[Bank], limit: int) -> list[ExportFile]:
    """One YAML file per bank, or numbered parts of it when the file would exceed `limit`.

    Each part is a whole bank file (same id, title and sources), so importing every part
    into the bank rebuilds it.
    """
    out: list[ExportFile] = []
    for bank in banks:
        data = export_yaml(bank).encode()
        if len(data) <= limit:
            out.append(ExportFile(f"{bank.id}.yaml", data, bank.id, len(bank.questions)))
            continue
        parts = math.ceil(len(data) / limit)
        while True:
            size = math.ceil(len(bank.questions) / parts)
            chunks = [bank.questions[i : i + size] for i in range(0, len(bank.questions), size)]
            files = [export_yaml(replace(bank, questions=c)).encode() for c in chunks]
            if all(len(f) <= limit for f in files) or size == 1:
                break
            parts += 1
        out += [
            ExportFile(f"{bank.id}-part{i}-of-{len(files)}.yaml", f, bank.id, len(c))
            for i, (f, c) in enumerate(zip(files, chunks, strict=True), 1)
        ]
    return out


def messages(files: Sequence[ExportFile], limit: int) -> list[list[ExportFile]]:
    """Files grouped so that no message holds more than ten or more than `limit` bytes."""
    groups: list[list[ExportFile]] = []
    size = 0
    for f in files:
        if not groups or len(groups[-1]) >= FILES_PER_MESSAGE or size + len(f.data) > limit:
            groups.append([])
            size = 0
        groups[-1].append(f)
        size += len(f.data)
    return groups
