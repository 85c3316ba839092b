"""`trivia-bot banks draft`: an article in, a reviewable draft bank out (or one clear line)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.banks.draft.article import ArticleError, read_article
from bot.banks.draft.build import DEFAULT_MAX, draft_article
from bot.banks.draft.mentions import known_people
from bot.banks.draft.model import ModelEndpoint, refine
from bot.banks.loader import BankPathError, load_banks
from bot.settings import Settings, banks_folder


def register(sub: Any) -> None:
    p = sub.add_parser(
        "draft",
        help="draft questions with evidence from a plain-text article",
        epilog="With TRIVIA_DRAFT_MODEL_URL set (an OpenAI-compatible chat-completions base "
        "URL; TRIVIA_DRAFT_MODEL, TRIVIA_DRAFT_MODEL_KEY), a model rewords the drafts and "
        "proposes distractors, every reply checked like the drafts; unset, nothing is sent.",
    )
    p.add_argument("article", metavar="ARTICLE.txt")
    p.add_argument(
        "--out", required=True, metavar="FILE", help="where to write the draft bank (required)"
    )
    p.add_argument("--source-id", default=None, metavar="ID", help="default: the file name")
    p.add_argument("--title", default=None, metavar="T", help="default: the first line")
    p.add_argument("--outlet", default=None, metavar="O", help="the publication (default: none)")
    p.add_argument(
        "--published",
        default=None,
        metavar="YYYY-MM-DD",
        type=_day,
        help="the article's date, for 'last year' (default: a 'date' line in the text)",
    )
    p.add_argument(
        "--bank", default=None, metavar="BANK", help="bank id (default: draft-<source id>)"
    )
    p.add_argument(
        "--max",
        type=int,
        default=DEFAULT_MAX,
        metavar="N",
        dest="max_drafts",
        help=f"at most N drafts (default: {DEFAULT_MAX})",
    )
    p.add_argument("--explain", action="store_true", help="say why each sentence was used")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    pr = sub.add_parser(
        "promote",
        help="move drafts marked 'status: keep' into a bank",
        description="Move the drafts marked 'status: keep' into a bank (created if missing), "
        "all or nothing, and remove them from the draft file.",
    )
    pr.add_argument("draft", type=Path, metavar="DRAFT.yaml")
    pr.add_argument(
        "--into", required=True, type=Path, metavar="BANK.yaml", help="the bank file to fill"
    )
    pr.add_argument(
        "--articles",
        type=Path,
        default=None,
        metavar="DIR",
        help="also match each evidence word for word to DIR/<source id>.txt "
        "(default: length and answer only)",
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2024-03-01") from None


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Draft, then let the model reword the drafts if one is set; nothing is sent otherwise."""
    banks_dir = banks_folder(settings)
    out = Path(args.out)
    if out.exists() and not args.force:
        raise ArticleError(f"{out} already exists; use --force to overwrite it")
    if not out.parent.is_dir():
        raise ArticleError(f"{out.parent}: no such folder; create it first")
    article = read_article(
        args.article,
        source_id=args.source_id,
        title=args.title,
        published=args.published,
        outlet=args.outlet,
    )
    people, titles = _from_banks(banks_dir)
    result = draft_article(
        article,
        bank_id=args.bank,
        max_drafts=max(1, args.max_drafts),
        other_people=people,
        other_titles=titles,
    )
    if settings.draft_model_url:
        endpoint = ModelEndpoint(
            settings.draft_model_url, settings.draft_model, settings.draft_model_key
        )
        outcome = asyncio.run(refine(result, article, endpoint))
        print(outcome.summary(endpoint))
    if args.explain:
        for line in result.explain:
            print(line, file=sys.stderr)
    text = dump(result.bank)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    kinds: dict[str, int] = {}
    for q in result.questions:
        kinds[q["category"]] = kinds.get(q["category"], 0) + 1
    shown = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"Wrote {len(result.questions)} drafts ({shown}) to {out}; all status: draft.")
    return 0


def run_promote(args: argparse.Namespace) -> int:
    from bot.banks.draft.promote import promote

    done = promote(args.draft, args.into, articles=args.articles)
    for problem in done.warnings:
        print(f"warning {problem}")
    left = (
        f"{done.left} drafts left in {args.draft}"
        if done.left
        else f"{args.draft} held no other drafts and was removed"
    )
    checked = "" if done.verified else " (evidence not matched to the article: no --articles)"
    print(
        f"Promoted {len(done.added)} drafts into {args.into} (bank '{done.bank.id}', "
        f"{len(done.bank.questions)} questions){checked}; {left}."
    )
    return 0


def dump(bank: dict[str, Any]) -> str:
    return yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=10_000)


def _from_banks(banks_dir: Path) -> tuple[list[str], list[str]]:
    """People and titles answered in the other banks, as distractors of the same kind."""
    try:
        reports = load_banks([banks_dir])
    except BankPathError:
        return [], []
    people: list[str] = []
    titles: list[str] = []
    for report in reports:
        for q in report.bank.questions if report.bank else ():
            answer = q.answers[0]
            words = [w for w in answer.split() if len(w) > 3]
            fits = words and all(w[0].isupper() for w in words) and " and " not in answer
            if q.category == "Films" and fits:
                titles.append(answer)
            elif known_people(f"It was {answer} there.").get(answer.split()[-1]) == answer:
                people.append(answer)
    return people, titles
