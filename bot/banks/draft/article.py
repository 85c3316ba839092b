"""Reading an article file; bad input is refused with one line before any work is done."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.engine.errors import TriviaError

MAX_ARTICLE_BYTES = 256 * 1024
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_ISO = re.compile(r"\bdate\s+(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)


class ArticleError(TriviaError):
    """The article cannot be drafted from; the text says why."""


@dataclass(frozen=True)
class Article:
    text: str
    source_id: str
    title: str
    published: date | None
    outlet: str | None = None


def read_article(
    ref: str,
    *,
    source_id: str | None = None,
    title: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
) -> Article:
    """The article at `ref`, with title and date from the options, else from its text."""
    if _URL.match(ref):
        raise ArticleError(f"{ref}: a URL; save the article as a .txt file and pass its path")
    path = Path(ref)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"{ref}: cannot read: {exc.strerror}") from None
    return article_from_bytes(
        raw, ref, source_id=source_id, title=title, published=published, outlet=outlet
    )


def article_from_bytes(
    raw: bytes,
    name: str,
    *,
    source_id: str | None = None,
    title: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
) -> Article:
    """An article from a file's bytes (a path or an upload); `name` is what messages cite."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{name}: over {MAX_ARTICLE_BYTES:,} bytes; an article is smaller")
    if b"\0" in raw:
        raise ArticleError(f"{name}: a binary file, not a plain-text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{name}: not UTF-8 text; save the article as UTF-8") from None
    if not text.strip():
        raise ArticleError(f"{name}: the file is empty")
    if len(text.split()) == 1 and _URL.match(text.strip()):
        raise ArticleError(f"{name}: holds only a URL; save the article's text and send that")
    stem = Path(name).stem
    return Article(
        text=text,
        source_id=source_id or _slug(stem),
        title=title or _title_from(text) or stem,
        published=published or _date_from(text),
        outlet=outlet,
    )


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-")[:40] or "article"


def _title_from(text: str) -> str | None:
    """A short first line without a full stop reads as the headline."""
    first = text.strip().splitlines()[0].strip()
    if 0 < len(first) <= 100 and not first.endswith("."):
        return first
    return None


def _date_from(text: str) -> date | None:
    found = _ISO.search(text[:2000])
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None
