"""Reading bank files; one bad file is reported and the rest still load."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.banks.cache import BankCache
from bot.banks.yamlio import YamlProblem, parse
from bot.engine.validation import BankReport, Problem, build_bank, check_unique_banks

MAX_FILE_BYTES = 5 * 1024 * 1024
BANK_SUFFIXES = (".yaml", ".yml")


class BankPathError(ValueError):
    """A path given for banks does not exist or holds none."""


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their bank files, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES)
            if not found:
                raise BankPathError(f"{path}: no bank files (*.yaml) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise BankPathError(f"{path}: no such file or folder")
    return files


def parse_bank_text(text: str, origin: str, *, guild_id: int | None = None) -> BankReport:
    """Validate bank YAML that did not necessarily come from a file (imports, uploads)."""
    try:
        data, line_of = parse(text)
    except YamlProblem as exc:
        problem = Problem(origin, exc.line, None, f"not valid YAML: {exc}")
        return BankReport(origin, None, (problem,))
    return build_bank(data, origin=origin, line_of=line_of, guild_id=guild_id)


def load_bank_file(path: Path, cache: BankCache | None = None) -> BankReport:
    """One file's report: from `cache` when the same bytes were read by the same code."""
    origin = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return BankReport(origin, None, (Problem(origin, 0, None, f"cannot read: {exc.strerror}"),))
    if cache is None:
        return _report(raw, origin)
    key = cache.key(origin, raw)
    report = cache.get(key)
    if report is None:
        report = _report(raw, origin)
        cache.put(key, report)
    cache.used.append(key)
    return report


def _report(raw: bytes, origin: str) -> BankReport:
    if len(raw) > MAX_FILE_BYTES:
        return BankReport(
            origin,
            None,
            (
                Problem(
                    origin,
                    0,
                    None,
                    f"file is {len(raw):,} bytes; bank files may be at most {MAX_FILE_BYTES:,}",
                ),
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return BankReport(
            origin,
            None,
            (
                Problem(
                    origin,
                    raw.count(b"\n", 0, exc.start) + 1,
                    None,
                    "not UTF-8 text; save the file as UTF-8",
                ),
            ),
        )
    return parse_bank_text(text, origin)


def load_banks(paths: Sequence[Path], cache: BankCache | None = None) -> list[BankReport]:
    """Load every bank under `paths`; duplicate bank ids are reported on the later file.

    With a `cache`, unchanged files are read back from it and its unused entries removed.
    """
    reports = [load_bank_file(p, cache) for p in bank_files(paths)]
    if cache is not None:
        cache.prune(cache.used)
    clashes = {p.origin: p for p in check_unique_banks(reports)}
    out: list[BankReport] = []
    for r in reports:
        clash = clashes.get(r.origin)
        out.append(BankReport(r.origin, None, (*r.problems, clash)) if clash else r)
    return out
