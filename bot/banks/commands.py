"""`trivia-bot banks ...`: check, verify, import, export, draft and promote bank files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.banks.exporters import export_csv, export_yaml
from bot.banks.importers import ENCODINGS, FORMATS, import_questions
from bot.banks.importers.core import title_from_id
from bot.banks.loader import MAX_FILE_BYTES, BankPathError, load_bank_file, load_banks
from bot.banks.verify import article_dir, verify_banks
from bot.engine.errors import TriviaError
from bot.engine.lint import bank_warnings
from bot.engine.models import Bank
from bot.engine.validation import BankReport
from bot.settings import Settings, banks_folder

STDOUT = "-"


class BankCommandError(TriviaError):
    """A bank command cannot go ahead; the text says what to change."""


IMPORT_NOTES = """\
formats:
  red      Red-DiscordBot trivia list (YAML: question -> answers); imported typed-only
  opentdb  Open Trivia Database JSON, HTML-entity, base64 or URL encoded
  csv      header row with question, answer (required) and alternates, distractors,
           difficulty, category, explanation; separate alternates and distractors with |
           (write \\| for a literal bar, \\\\ for a backslash)
  yaml     a trivia-bot bank; question ids, sources and evidence are kept
Skipped entries are listed; the bank is written if at least one question is valid.
"""


def register(sub: Any) -> None:
    """Add check, verify, import and export under `trivia-bot banks`."""
    check = sub.add_parser("check", help="validate bank files and print every problem")
    _add_paths(check)
    verify = sub.add_parser("verify", help="check every evidence span against its article")
    _add_paths(verify)
    verify.add_argument(
        "--articles",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder of source articles, one <source id>.txt each",
    )
    _add_import(sub)
    _add_export(sub)
    from bot.banks.draft import command as draft_command

    draft_command.register(sub)


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the shipped banks)",
    )


def _add_import(sub: Any) -> None:
    imp = sub.add_parser(
        "import",
        help="convert a Red list, OpenTDB JSON, CSV or bank YAML",
        epilog=IMPORT_NOTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="the file to import")
    imp.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="input format (default: from the file name and contents)",
    )
    needed = imp.add_argument_group("required")
    needed.add_argument("--id", required=True, metavar="NEW_ID", help="id of the new bank")
    imp.add_argument(
        "--title",
        default=None,
        metavar="T",
        help="title of the new bank (default: the file's own title, else made from NEW_ID)",
    )
    imp.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="where to write the bank (default: <banks dir>/NEW_ID.yaml; - = stdout)",
    )
    imp.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="auto",
        help="OpenTDB `encode` used for the file (default: recognised)",
    )
    imp.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _add_export(sub: Any) -> None:
    exp = sub.add_parser("export", help="write a bank as YAML or CSV")
    exp.add_argument("bank", metavar="BANK_ID_OR_FILE")
    exp.add_argument(
        "--format",
        choices=("yaml", "csv"),
        default=None,
        help="output format (default: from --out's extension, else yaml)",
    )
    exp.add_argument(
        "--out", default=STDOUT, metavar="FILE", help="output file, - for stdout (default: -)"
    )
    exp.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch one banks action; the exit code is the command's verdict."""
    if args.banks_command == "check":
        return check(args.paths or [banks_folder(settings)])
    if args.banks_command == "verify":
        return verify(args.paths or [banks_folder(settings)], args.articles)
    if args.banks_command == "import":
        out = args.out or str(settings.banks_dir / f"{args.id}.yaml")
        return import_file(
            args.file,
            out,
            fmt=args.format,
            bank_id=args.id,
            title=args.title,
            encoding=args.encoding,
            force=args.force,
        )
    if args.banks_command == "export":
        return export_bank(
            args.bank, args.out, fmt=args.format, force=args.force, banks_dir=settings.banks_dir
        )
    if args.banks_command == "draft":
        from bot.banks.draft import command as draft_command

        return draft_command.run(args, settings)
    if args.banks_command == "promote":
        from bot.banks.draft import command as draft_command

        return draft_command.run_promote(args)
    raise AssertionError(args.banks_command)


def check(paths: list[Path]) -> int:
    """Errors fail the check; warnings (twin facts, choice wording) are printed for a human."""
    reports = load_banks(paths)
    errors = 0
    for report in reports:
        if report.bank is not None and not report.problems:
            drafts = sum(1 for q in report.bank.questions if not q.playable)
            print(
                f"ok    {report.origin}: bank '{report.bank.id}', "
                f"{len(report.bank.questions)} questions"
                + (f" ({drafts} drafts under review, never played)" if drafts else "")
            )
            continue
        for problem in report.problems:
            print(f"error {problem}")
            errors += 1
    warnings = bank_warnings([r.bank for r in reports if r.bank is not None])
    for problem in warnings:
        print(f"warning {problem}")
    print(
        f"{_count(len(reports), 'file')}, {_count(errors, 'problem')}, "
        f"{_count(len(warnings), 'warning')}."
    )
    return 1 if errors else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def verify(paths: list[Path], articles: Path) -> int:
    """Load problems count as failures too: a question that does not load is not verified."""
    if not articles.is_dir():
        raise BankPathError(f"{articles}: no such folder of articles")
    reports = load_banks(paths)
    failures = [p for r in reports for p in r.problems]
    banks = [r.bank for r in reports if r.bank is not None]
    failures += verify_banks(banks, article_dir(articles))
    for problem in failures:
        print(problem)
    questions = sum(len(b.questions) for b in banks)
    failed = len({(p.origin, p.question_id) for p in failures if p.question_id})
    verdict = "all evidence verified" if not failures else _count(len(failures), "failure")
    print(
        f"{_count(len(reports), 'file')}, {_count(questions, 'question')}, "
        f"{failed} failed: {verdict}."
    )
    return 1 if failures else 0


def import_file(
    path: Path, out: str, *, fmt: str, bank_id: str, title: str | None, encoding: str, force: bool
) -> int:
    """Writes only a bank with at least one valid question; skipped entries are listed."""
    _check_writable(out, force)
    report = import_questions(
        _read_input(path), fmt, bank_id=bank_id, title=title, filename=str(path), encoding=encoding
    )
    log = _log_stream(out)
    for problem in report.problems:
        print(f"{path}: {problem}", file=log)
    if report.bank is None:
        print(
            f"{path}: no valid questions ({report.entries} entries read); nothing written.",
            file=log,
        )
        return 1
    _write(out, export_yaml(report.bank))
    skipped = report.entries - len(report.questions)
    print(
        f"Imported {len(report.questions)} of {report.entries} entries ({report.format}) into "
        f"bank '{bank_id}' at {out}; {skipped} skipped.",
        file=log,
    )
    if title is None and report.bank.title == title_from_id(bank_id):
        print(
            f"The file has no title, so the bank is called '{report.bank.title}'; "
            "import again with --title to name it.",
            file=log,
        )
    return 0


def export_bank(bank_ref: str, out: str, *, fmt: str | None, force: bool, banks_dir: Path) -> int:
    _check_writable(out, force)
    bank = _find_bank(bank_ref, banks_dir)
    chosen = fmt or ("csv" if out.lower().endswith(".csv") else "yaml")
    text = export_csv(bank) if chosen == "csv" else export_yaml(bank)
    _write(out, text)
    print(
        f"Exported {len(bank.questions)} questions of bank '{bank.id}' as {chosen} to "
        f"{'stdout' if out == STDOUT else out}.",
        file=_log_stream(out),
    )
    return 0


def _find_bank(ref: str, banks_dir: Path) -> Bank:
    """A path to a bank file, or the id of one of the banks in the banks folder."""
    path = Path(ref)
    reports = [load_bank_file(path)] if path.is_file() else _banks_with_id(ref, banks_dir)
    if not reports:
        raise BankCommandError(f"'{ref}' is neither a bank file nor a bank id in {banks_dir}")
    report = reports[0]
    for problem in report.problems:
        print(f"warning {problem}", file=sys.stderr)
    if report.bank is None or not report.bank.questions:
        raise BankCommandError(f"{report.origin}: no valid questions to export")
    if report.problems:
        print(
            f"warning: {len(report.problems)} problems; only valid questions are exported",
            file=sys.stderr,
        )
    return report.bank


def _banks_with_id(bank_id: str, banks_dir: Path) -> list[BankReport]:
    """An empty or missing banks folder just means no such bank."""
    try:
        reports = load_banks([banks_dir])
    except BankPathError:
        return []
    return [r for r in reports if r.bank is not None and r.bank.id == bank_id]


def _read_input(path: Path) -> bytes:
    """Read at most one byte past the limit, so a huge file is refused without loading it."""
    try:
        with path.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankCommandError(f"{path}: cannot read: {exc.strerror}") from None


def _check_writable(out: str, force: bool) -> None:
    """Refuse before any work is done, so a mistake costs nothing."""
    if out == STDOUT:
        return
    if Path(out).exists() and not force:
        raise BankCommandError(f"{out} already exists; use --force to overwrite it")
    if not Path(out).parent.is_dir():  # a typo in a folder name makes no new folders
        raise BankCommandError(f"{Path(out).parent}: no such folder; create it first")


def _log_stream(out: str) -> TextIO:
    """With `--out -` stdout carries the data, so messages go to stderr."""
    return sys.stderr if out == STDOUT else sys.stdout


def _write(out: str, text: str) -> None:
    """Write via a temporary file, so a crash never leaves half a bank behind."""
    if out == STDOUT:
        sys.stdout.write(text)
        return
    target = Path(out)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BankCommandError(f"{out}: cannot write: {exc.strerror or exc}") from None
