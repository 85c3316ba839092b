"""The PNG cards: drawn for sample data, every text inside the canvas and inside its room."""

from __future__ import annotations

import io
import itertools
import time

import pytest
from PIL import Image

from bot.discord_front import cards
from bot.storage.records import BoardRow, StreakRow
from tests.discord_front.conftest import add_server, call, running_bot, seed_game, settings_for

ODD_NAMES = [
    "alice",
    "Zoë Ångström-Łukasiewicz 🎉",
    "محمد عبد الرحمن الهاشمي القرشي",  # right to left, joined letters
    "שרה כהן-לוי",
    "W" * 32,  # the widest Latin letter, at Discord's 32-character limit
    "😀😀😀",
    "王小明",  # not in DejaVu: drawn in the CJK fallback
    "a\u202eevil\u200b",  # direction override and zero-width space: dropped
    "Ñandú Pérez Ørsted",
    "\U0002a6a5\ue000",  # in no face shipped (CJK extension B, private use): `Player N`
]


def check_fits(canvas: cards.Canvas, size: tuple[int, int]) -> None:
    png = Image.open(io.BytesIO(canvas.png()))
    assert png.format == "PNG" and png.size == size
    width, height = size
    for text, (x0, y0, x1, y1), (r0, _, r1, _) in canvas.texts:
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, text
        # a glyph's ink may overhang its advance by a pixel or two (side bearings)
        assert r0 - 2 <= x0 and x1 <= r1 + 2, f"{text!r} spills out of its room {r0}..{r1}"
    for (a, box_a, _), (b, box_b, _) in itertools.combinations(canvas.texts, 2):
        apart = (
            box_a[2] <= box_b[0]
            or box_b[2] <= box_a[0]
            or box_a[3] <= box_b[1]
            or box_b[3] <= box_a[1]
        )
        assert apart, f"{a!r} overlaps {b!r}"


def test_the_board_card_fits_ten_odd_names():
    lines = [
        BoardRow(i + 1, i, name, 2_000_000_000 // (i + 1), 90 - i, 100_000)
        for i, name in enumerate(ODD_NAMES)
    ]
    canvas = cards.board_card("Top 10 · This week · all servers · a-very-long-bank-id-" * 2, lines)
    check_fits(canvas, (cards.WIDTH, 92 + 10 * cards.ROW + cards.MARGIN))
    drawn = [t for t, _, _ in canvas.texts]
    assert drawn[0].endswith(cards.ELLIPSIS)  # the title was cut to its room
    assert "Zoë Ångström-Łukasiewicz 🎉" in drawn and "😀😀😀" in drawn
    assert "王小明" in drawn and "Player 10" in drawn
    assert "aevil" in drawn
    assert any(t.startswith("WWWW") and t.endswith(cards.ELLIPSIS) for t in drawn)


def test_an_empty_board_says_so():
    canvas = cards.board_card("Top 10 · All-time · this server", [])
    check_fits(canvas, (cards.WIDTH, 92 + cards.ROW + cards.MARGIN))
    assert "No answers recorded yet." in [t for t, _, _ in canvas.texts]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_the_stats_card_fits_any_name_and_huge_numbers(name):
    weeks = [
        (f"2026-W{w:02d}", p) for w, p in zip(range(38, 50), [0, 5, 0, 10**9] * 3, strict=True)
    ]
    card = cards.StatsCard(name, "this server", 123_456, 9_876_543_210, 7, 9, 4321, 99_999, weeks)
    canvas = cards.stats_card(card)
    check_fits(canvas, (cards.WIDTH, 420))
    drawn = [t for t, _, _ in canvas.texts]
    assert "9,876,543,210" in drawn and "78%" in drawn and "#123,456" in drawn
    assert [t for t in drawn if t.startswith("W") and len(t) == 3] == [
        f"W{w}" for w in range(38, 50)
    ]
    if name.startswith("\U0002a6a5"):
        assert drawn[0] == "Player"
    else:
        assert drawn[0] != "Player"


def test_the_streak_card_fits_ten_odd_names():
    lines = [
        StreakRow(i + 1, i, name, 10_000 // (i + 1), 99_999) for i, name in enumerate(ODD_NAMES)
    ]
    canvas = cards.streak_card("Top 10 · Question of the day · streaks · this server", lines)
    check_fits(canvas, (cards.WIDTH, 92 + 10 * cards.ROW + cards.MARGIN))
    drawn = [t for t, _, _ in canvas.texts]
    assert "10,000 days" in drawn and "best 99,999" in drawn and "alice" in drawn
    one = cards.streak_card("Streaks", [StreakRow(1, 1, "bob", 1, 1)])
    assert "1 day" in [t for t, _, _ in one.texts]
    empty = cards.streak_card("Streaks", [])
    assert "No streaks yet." in [t for t, _, _ in empty.texts]


def test_the_stats_card_shows_the_daily_streak_now_and_best():
    weeks = [(f"2026-W{w:02d}", 0) for w in range(38, 50)]
    card = cards.StatsCard(
        "W" * 32, "this server", 1, 2, 1, 2, 3, 4, weeks, daily_streak=123_456, daily_best=999_999
    )
    canvas = cards.stats_card(card)
    check_fits(canvas, (cards.WIDTH, 420))
    drawn = [t for t, _, _ in canvas.texts]
    assert "Daily streak 123,456 days · best 999,999" in drawn


def test_a_missing_glyph_is_left_out_not_drawn_as_a_box():
    assert cards.face_for("regular", "é") == 0 and cards.face_for("bold", "ש") == 0
    assert cards.face_for("regular", "\U0002a6a5") is None and cards.face_for("bold", "अ") is None
    assert cards.drawable("Zoë 王 \U0002a6a5 🎉 👍🏽", "regular", "?") == "Zoë 王 🎉 👍"
    assert cards.drawable("\U0002a6a5\ue000", "regular", "fallback") == "fallback"
    # a mark goes with its letter: Devanagari's vowel signs are not left dangling
    assert cards.drawable("Season दिवाली", "bold", "?") == "Season"
    assert cards.drawable("Zoe\u0308", "regular", "?") == "Zoe\u0308"  # e + combining diaeresis


def test_a_board_title_in_a_script_no_face_has_is_left_out_too():
    """A season's name is any letters (review 3, L4): none of it may come out as boxes."""
    canvas = cards.board_card("Top 10 · Season दिवाली · this server", [])
    assert canvas.texts[0][0] == "Top 10 · Season · this server"


def test_what_dejavu_lacks_is_drawn_in_a_shipped_fallback():
    """CJK, Hangul and emoji: each in its face, spaces in DejaVu's, and really inked."""
    assert cards.runs("Li 王小明 김민준 🎉", "regular") == [
        (0, "Li "),
        (1, "王小明"),
        (0, " "),
        (2, "김민준"),
        (0, " "),
        (3, "🎉"),
    ]
    for name in ("王小明", "김민준", "田中 さくら", "🎉🏆"):
        canvas = cards.board_card("Top", [BoardRow(1, 1, name, 1, 1, 1)])
        check_fits(canvas, (cards.WIDTH, 92 + cards.ROW + cards.MARGIN))
        text, (x0, y0, x1, y1), _ = canvas.texts[2]
        assert text == name and x1 - x0 > 20 * len(name.replace(" ", "")) * 0.7
        ink = canvas.image.crop((x0, y0, x1, y1)).convert("L").getextrema()
        assert ink[1] > 200, f"{name!r} left no ink"


# -- through the loopback Discord, with the real client ------------------------------------


async def test_stats_attach_a_card_with_points_per_week(fake, tmp_path):
    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    now = time.time()
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 900), (bob, False, 0)], at=now)
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 400)], at=now - 3 * 7 * 86400)
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        mine = await call(fake, s.channel, alice, "trivia stats")
        assert mine.ephemeral
        embed = mine.embeds[0]
        assert embed["image"]["url"] == "attachment://stats.png"
        assert {f["name"]: f["value"] for f in embed["fields"]}["Points"] == "1300"
        card = Image.open(io.BytesIO(mine.message.file("stats.png"))).convert("RGB")
        assert card.size == (cards.WIDTH, 420)
        slot = (cards.WIDTH - 2 * cards.MARGIN) // 12

        def bar(weeks_ago: int) -> tuple[int, int, int]:
            return card.getpixel((cards.MARGIN + (11 - weeks_ago) * slot + slot // 2, 368))

        assert bar(0) == cards.ACCENT and bar(3) == cards.ACCENT
        assert bar(1) == bar(2) == bar(11) == cards.BACKGROUND
        stranger = await call(fake, s.channel, alice, "trivia stats", {"member": s.admin})
        assert stranger.ephemeral and "has not played here yet" in stranger.content
        assert stranger.message.attachments == []
    fake.assert_no_violations()


async def test_the_leaderboard_attaches_its_top_10_as_a_picture_when_asked(fake, tmp_path):
    s = add_server(fake, "one", tuple(f"p{i:02d}" for i in range(12)))
    await seed_game(
        tmp_path, s.guild, s.channel, [(p, True, 900 - i) for i, p in enumerate(s.players)]
    )
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        plain = await call(fake, s.channel, s.players[0], "trivia leaderboard")
        assert plain.message.attachments == []
        board = await call(fake, s.channel, s.players[0], "trivia leaderboard", {"image": True})
        assert not board.ephemeral and board.message.embeds
        picture = Image.open(io.BytesIO(board.message.file("leaderboard.png")))
        assert picture.format == "PNG"
        assert picture.size == (cards.WIDTH, 92 + 10 * cards.ROW + cards.MARGIN)
    fake.assert_no_violations()


async def test_a_card_pillow_cannot_draw_leaves_the_stats_embed_alone(
    fake, tmp_path, monkeypatch, caplog
):
    def broken(_card):
        raise OSError("cannot open resource")

    monkeypatch.setattr(cards, "stats_card", broken)
    s = add_server(fake, "one", ("alice",))
    await seed_game(tmp_path, s.guild, s.channel, [(s.players[0], True, 900)])
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        mine = await call(fake, s.channel, s.players[0], "trivia stats")
        assert mine.ephemeral and mine.embeds[0]["title"] == "alice · this server"
        assert "image" not in mine.embeds[0] and mine.message.attachments == []
    assert "could not draw stats.png" in caplog.text
    fake.assert_no_violations()


async def test_the_daily_streak_board_attaches_a_picture_and_stats_show_the_streak(
    fake, tmp_path, monkeypatch
):
    from bot.storage.records import DailyAnswer, NewDaily
    from bot.storage.sqlite import SQLiteRepository

    drawn: list[cards.StatsCard] = []
    real = cards.stats_card

    def noting(card: cards.StatsCard) -> cards.Canvas:
        drawn.append(card)
        return real(card)

    monkeypatch.setattr(cards, "stats_card", noting)

    s = add_server(fake, "one", ("alice", "bob"))
    alice, bob = s.players
    now = time.time()
    await seed_game(tmp_path, s.guild, s.channel, [(alice, True, 900)], at=now)
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        for back, day in ((2, "2026-01-01"), (1, "2026-01-02")):
            at = now - back * 86400
            row = await repo.claim_daily(
                NewDaily(s.guild.id, s.channel.id, day, "geo", 0, "q", None, ("A", "B"), 0, at, at)
            )
            for user in (alice, bob) if back == 2 else (alice,):
                await repo.record_daily_answer(
                    DailyAnswer(row.id, user.id, s.guild.id, user.username, 0, True, at)
                )
            await repo.reveal_daily(row.id, at + 1)
    finally:
        await repo.close()
    async with running_bot(fake, settings_for(tmp_path, fake.token), s.guild):
        board = await call(
            fake, s.channel, bob, "trivia leaderboard", {"period": "daily-streak", "image": True}
        )
        assert not board.ephemeral and board.message.embeds
        picture = Image.open(io.BytesIO(board.message.file("streaks.png")))
        assert picture.format == "PNG"
        assert picture.size == (cards.WIDTH, 92 + 1 * cards.ROW + cards.MARGIN)  # alice's alive
        plain = await call(fake, s.channel, bob, "trivia leaderboard", {"period": "daily-streak"})
        assert plain.message.attachments == []
        mine = await call(fake, s.channel, alice, "trivia stats")
        fields = {f["name"]: f["value"] for f in mine.embeds[0]["fields"]}
        assert fields["Daily streak"] == "2 days (best 2)"
        assert mine.message.file("stats.png")
        assert [(c.daily_streak, c.daily_best) for c in drawn] == [(2, 2)]
    fake.assert_no_violations()
