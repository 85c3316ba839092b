"""PNG cards for /trivia stats and /trivia leaderboard image:true, drawn with Pillow.

The fonts ship with the package (fonts/LICENSE): DejaVu Sans, since Pillow's own default
face (Aileron) has no é, ß, Cyrillic, Hebrew or Arabic, and system fonts differ per machine;
then, for what DejaVu lacks, subsets of Droid Sans Fallback (Chinese, Japanese and Korean:
the characters of GB 2312, JIS X 0208 and KS X 1001) and of Symbola (emoji and symbols, in
outline: Pillow draws no colour emoji font at these sizes). A text DejaVu draws whole is
drawn as one run (shaped: Arabic joins, Hebrew runs right to left); one that needs another
face is drawn run by run, left to right in typed order. A character no face has is left out
rather than drawn as a box; every text is cut, by its measured width, to the room it has.
Each text drawn is noted with its box, so a test can check that it fits.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from bot.discord_front.limits import clean
from bot.storage.records import BoardRow, StreakRow

WIDTH = 800
MARGIN = 32
BACKGROUND = (43, 45, 49)
PANEL = (54, 57, 63)
TEXT = (242, 243, 245)
MUTED = (181, 186, 193)
ACCENT = (88, 101, 242)
ELLIPSIS = "…"
# a code point no font has: whatever a font draws for it is its "missing glyph" box
_NOWHERE = "\U0010fffd"

# one thread draws every card: Pillow's FreeType faces (cached below) are not safe to share
# between threads drawing at once, and a burst of cards then queues instead of taking both cores
DRAWER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trivia-cards")

Weight = Literal["regular", "bold"]
FONTS = Path(__file__).with_name("fonts")  # package data: in the wheel too (pyproject.toml)
_FILES: dict[Weight, str] = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
# for what DejaVu lacks, tried in this order; one weight each (fonts/SOURCES.md: how made)
FALLBACKS = ("DroidSansFallback-subset.ttf", "Hangul-subset.ttf", "Symbola-subset.ttf")
# skin-tone modifiers: Symbola draws them as swatches beside the emoji they would tint
_SKIN_TONES = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
Box = tuple[int, int, int, int]
Face = ImageFont.FreeTypeFont | ImageFont.ImageFont
Run = tuple[int, str]  # (face: 0 is DejaVu, 1.. a fallback; the characters it draws)


@functools.lru_cache(maxsize=64)
def font(weight: Weight, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The shipped face; Pillow's default if an incomplete install lost the file."""
    try:
        return ImageFont.truetype(str(FONTS / _FILES[weight]), size)
    except OSError:
        return ImageFont.load_default(size)


@functools.lru_cache(maxsize=256)  # a fallback file is up to 1.6 MB: loaded once a size
def face(weight: Weight, size: int, which: int = 0) -> Face:
    """DejaVu of that weight (0) or a fallback (1..); DejaVu if a fallback file is lost."""
    if which == 0:
        return font(weight, size)
    try:
        return ImageFont.truetype(str(FONTS / FALLBACKS[which - 1]), size)
    except OSError:
        return font(weight, size)


@functools.lru_cache(maxsize=8192)
def _draws(weight: Weight, which: int, char: str) -> bool:
    """Whether that face draws `char` as itself, not as its missing-glyph box."""
    if char.isspace():
        return True
    shown = face(weight, 24, which)
    missing = shown.getmask(_NOWHERE)
    drawn = shown.getmask(char)
    return (drawn.size, bytes(drawn)) != (missing.size, bytes(missing))


@functools.lru_cache(maxsize=8192)
def face_for(weight: Weight, char: str) -> int | None:
    """The first face that draws `char` (0: DejaVu), or None: no face has it."""
    for which in range(len(FALLBACKS) + 1):
        if _draws(weight, which, char):
            return which
    return None


def drawable(text: str, weight: Weight, fallback: str) -> str:
    """The text without invisible tricks and characters no face has; `fallback` if
    nothing readable is left."""
    chars: list[str] = []
    base_kept = False
    for c in clean(text):
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Mc", "Me"):
            keep = base_kept and face_for(weight, c) is not None  # a mark without its letter
        else:
            keep = base_kept = c not in _SKIN_TONES and face_for(weight, c) is not None
        if keep:
            chars.append(c)
    kept = " ".join("".join(chars).split())
    return kept or fallback


def runs(text: str, weight: Weight) -> list[Run]:
    """The text cut where the face that draws it changes; spaces are DejaVu's (a fallback's
    may be a full em wide)."""
    found: list[Run] = []
    for char in text:
        which = face_for(weight, char) or 0
        if found and found[-1][0] == which:
            found[-1] = (found[-1][0], found[-1][1] + char)
        else:
            found.append((which, char))
    return found


def advances(
    draw: ImageDraw.ImageDraw, parts: Sequence[Run], weight: Weight, size: int
) -> list[float]:
    """Each run's advance, measured in its own face."""
    return [draw.textlength(part, font=face(weight, size, w)) for w, part in parts]


def width(draw: ImageDraw.ImageDraw, text: str, weight: Weight, size: int) -> float:
    """The text's advance, each run measured in its own face."""
    return sum(advances(draw, runs(text, weight), weight, size))


@dataclass
class Canvas:
    """An image and the box of every text drawn on it (for tests: does it fit?)."""

    image: Image.Image
    texts: list[tuple[str, Box, Box]] = field(default_factory=list)  # text, box, its room

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    def text(
        self,
        xy: tuple[int, int],
        text: str,
        *,
        weight: Weight = "regular",
        size: int,
        room: int,
        colour: tuple[int, int, int] = TEXT,
        anchor: str = "la",
        shrink_to: int | None = None,
    ) -> Box:
        """Draw `text` at most `room` pixels wide: a smaller size down to `shrink_to` first
        (numbers), else cut with an ellipsis at the width measured (names)."""
        draw = self.draw
        if shrink_to is not None:
            while size > shrink_to and width(draw, text, weight, size) > room:
                size -= 1
        text = fit(lambda t: width(draw, t, weight, size), text, room)
        parts = runs(text, weight)
        if len(parts) == 1:  # one face: Pillow lays the whole text out (shaping, direction)
            shown = face(weight, size, parts[0][0])
            draw.text(xy, text, font=shown, fill=colour, anchor=anchor)
            x0, y0, x1, y1 = draw.textbbox(xy, text, font=shown, anchor=anchor)
        else:
            x0, y0, x1, y1 = self._runs(xy, parts, weight, size, colour, anchor)
        box = (int(x0), int(y0), int(x1), int(y1))
        x = xy[0]
        left = x - room if anchor[0] == "r" else x - room // 2 if anchor[0] == "m" else x
        self.texts.append((text, box, (left, 0, left + room, self.image.height)))
        return box

    def _runs(
        self,
        xy: tuple[int, int],
        parts: Sequence[Run],
        weight: Weight,
        size: int,
        colour: tuple[int, int, int],
        anchor: str,
    ) -> tuple[float, float, float, float]:
        """Each run in its face, one after the other; the box around them all."""
        draw = self.draw
        each = advances(draw, parts, weight, size)
        total = sum(each)
        x = xy[0] - (total if anchor[0] == "r" else total / 2 if anchor[0] == "m" else 0)
        boxes = []
        for (which, part), advance in zip(parts, each, strict=True):
            shown = face(weight, size, which)
            at = (round(x), xy[1])
            draw.text(at, part, font=shown, fill=colour, anchor="l" + anchor[1])
            boxes.append(draw.textbbox(at, part, font=shown, anchor="l" + anchor[1]))
            x += advance
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG", optimize=False)
        return out.getvalue()


def fit(measure: Callable[[str], float], text: str, room: int) -> str:
    """The longest start of `text` that, with an ellipsis, is at most `room` pixels wide."""
    if measure(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # binary search on the number of characters kept
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS) <= room:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


@dataclass(frozen=True, slots=True)
class StatsCard:
    name: str
    scope: str  # "this server"
    rank: int
    points: int
    correct: int
    answered: int
    best_streak: int
    games: int
    weeks: Sequence[tuple[str, int]]  # (ISO week, points), oldest first
    fallback_name: str = "Player"  # shown if the font can draw nothing of the name
    daily_streak: int = 0  # the question of the day's run alive now (0 once broken)
    daily_best: int = 0


def stats_card(card: StatsCard) -> Canvas:
    """Name, rank, points, accuracy, best streak, games and a bar chart of points per week."""
    canvas = Canvas(Image.new("RGB", (WIDTH, 420), BACKGROUND))
    inner = WIDTH - 2 * MARGIN
    name = drawable(card.name, "bold", card.fallback_name)
    canvas.text((MARGIN, 26), name, weight="bold", size=38, room=inner)
    daily_room = 340
    canvas.text(
        (MARGIN, 78), f"Trivia · {card.scope}", size=18, room=inner - daily_room - 16, colour=MUTED
    )
    canvas.text(
        (WIDTH - MARGIN, 78),
        f"Daily streak {days(card.daily_streak)} · best {card.daily_best:,}",
        size=18,
        room=daily_room,
        anchor="ra",
        shrink_to=11,
    )
    accuracy = card.correct / card.answered if card.answered else 0.0
    tiles = (
        ("Rank", f"#{card.rank:,}"),
        ("Points", f"{card.points:,}"),
        ("Accuracy", f"{accuracy:.0%}"),
        ("Best streak", f"{card.best_streak:,}"),
        ("Games", f"{card.games:,}"),
    )
    gap = 12
    tile_w = (inner - gap * (len(tiles) - 1)) // len(tiles)
    draw = canvas.draw
    for i, (label, value) in enumerate(tiles):
        x = MARGIN + i * (tile_w + gap)
        draw.rounded_rectangle((x, 116, x + tile_w, 200), radius=10, fill=PANEL)
        canvas.text((x + 14, 128), label, size=15, room=tile_w - 28, colour=MUTED)
        canvas.text((x + 14, 154), value, weight="bold", size=30, room=tile_w - 28, shrink_to=11)
    canvas.text(
        (MARGIN, 222),
        f"Points per week, last {len(card.weeks)} weeks",
        size=15,
        room=inner,
        colour=MUTED,
    )
    _bars(canvas, card.weeks, top=262, bottom=372)
    return canvas


def _bars(canvas: Canvas, weeks: Sequence[tuple[str, int]], *, top: int, bottom: int) -> None:
    draw = canvas.draw
    inner = WIDTH - 2 * MARGIN
    slot = inner // max(len(weeks), 1)
    most = max((points for _, points in weeks), default=0)
    draw.line((MARGIN, bottom, WIDTH - MARGIN, bottom), fill=PANEL, width=2)
    for i, (week, points) in enumerate(weeks):
        x = MARGIN + i * slot
        height = round((bottom - top) * points / most) if most > 0 else 0
        if height:
            draw.rounded_rectangle(
                (x + 8, bottom - height, x + slot - 8, bottom), radius=4, fill=ACCENT
            )
        middle = x + slot // 2
        label = week.rsplit("-", 1)[-1]  # "W48"
        canvas.text((middle, bottom + 8), label, size=13, room=slot - 4, colour=MUTED, anchor="ma")
        if points and points == most:
            canvas.text(
                (middle, bottom - height - 6),
                f"{points:,}",
                size=13,
                room=slot - 2,
                anchor="md",
                shrink_to=9,
            )


def days(n: int) -> str:
    return f"{n:,} day" if n == 1 else f"{n:,} days"


ROW = 44


def board_card(title: str, lines: Sequence[BoardRow]) -> Canvas:
    """The top of a board: rank, name, points and right answers per row."""
    rows = [
        (line.rank, line.name, f"{line.points:,} pts", f"{line.correct:,}/{line.answered:,}")
        for line in lines
    ]
    return _board(title, rows, empty="No answers recorded yet.")


def streak_card(title: str, lines: Sequence[StreakRow]) -> Canvas:
    """The question of the day's board: rank, name, the live streak and the best one."""
    rows = [(line.rank, line.name, days(line.streak), f"best {line.best:,}") for line in lines]
    return _board(title, rows, empty="No streaks yet.")


def _board(title: str, rows: Sequence[tuple[int, str, str, str]], *, empty: str) -> Canvas:
    """Rows of (rank, name, the board's value, a muted detail)."""
    top = 92
    height = top + ROW * max(len(rows), 1) + MARGIN
    canvas = Canvas(Image.new("RGB", (WIDTH, height), BACKGROUND))
    inner = WIDTH - 2 * MARGIN
    title = drawable(title, "bold", "Leaderboard")  # a season's name may be in any script
    canvas.text((MARGIN, 26), title, weight="bold", size=30, room=inner)
    draw = canvas.draw
    if not rows:
        canvas.text((MARGIN, top + 10), empty, size=18, room=inner)
        return canvas
    for i, (rank, name, value, detail) in enumerate(rows):
        y = top + i * ROW
        if i % 2 == 0:
            draw.rounded_rectangle((MARGIN - 8, y, WIDTH - MARGIN + 8, y + ROW - 4), 8, PANEL)
        middle = y + (ROW - 4) // 2
        colour = ACCENT if rank <= 3 else MUTED
        canvas.text(
            (MARGIN + 44, middle),
            f"{rank}.",
            weight="bold",
            size=20,
            room=48,
            colour=colour,
            anchor="rm",
            shrink_to=10,
        )
        shown = drawable(name, "regular", f"Player {rank}")
        canvas.text((MARGIN + 60, middle), shown, size=20, room=430, anchor="lm")
        canvas.text(
            (MARGIN + 630, middle),
            value,
            weight="bold",
            size=20,
            room=130,
            anchor="rm",
            shrink_to=10,
        )
        canvas.text(
            (WIDTH - MARGIN, middle),
            detail,
            size=16,
            room=96,
            colour=MUTED,
            anchor="rm",
            shrink_to=9,
        )
    return canvas
