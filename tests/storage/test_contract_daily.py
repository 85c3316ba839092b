"""The question of the day's storage: the contract, on SQLite and on PostgreSQL."""

import asyncio

from bot.storage.records import DailyAnswer, DailySchedule, NewDaily

T0 = 1_800_000_000.0


def new_day(day: str, *, guild=10, channel=100, at=T0, fact="f1", question="q1"):
    return NewDaily(
        guild, channel, day, "geo", 0, question, fact, ("A", "B", "C"), 1, at, at + 3600
    )


def answer(daily_id, player, choice, *, guild=10, at=T0 + 5):
    return DailyAnswer(daily_id, player, guild, f"P{player}", choice, choice == 1, at)


async def test_a_schedule_is_saved_replaced_and_dropped(repo):
    assert await repo.daily_schedule(10) is None
    await repo.save_daily_schedule(DailySchedule(10, 100, 540, "Europe/Paris", 12.0, 7), T0)
    await repo.save_daily_schedule(DailySchedule(10, 101, 600, "UTC", 6.0, 8), T0 + 1)
    assert await repo.daily_schedules() == [DailySchedule(10, 101, 600, "UTC", 6.0, 8)]
    assert await repo.drop_daily_schedule(10) and not await repo.drop_daily_schedule(10)
    assert await repo.daily_schedule(10) is None


async def test_a_day_is_claimed_once_even_by_two_racing_claims(repo, backend):
    other = await backend.open()
    try:
        won = await asyncio.gather(
            repo.claim_daily(new_day("2027-01-15")), other.claim_daily(new_day("2027-01-15"))
        )
    finally:
        await other.close()
    claimed = [row for row in won if row is not None]
    assert len(claimed) == 1 and claimed[0].choices == ("A", "B", "C")
    assert await repo.claim_daily(new_day("2027-01-15", question="q2")) is None
    assert await repo.claim_daily(new_day("2027-01-15", guild=11)) is not None  # another server
    row = claimed[0]
    await repo.set_daily_message(row.id, 2**62 + 1)
    assert (await repo.daily_on(10, "2027-01-15")).message_id == 2**62 + 1
    assert [d.guild_id for d in await repo.unrevealed_dailies()] == [10, 11]
    # a round in that channel now avoids the day's fact
    assert "f1" in await repo.recent_facts(100)


async def test_one_answer_each_none_after_the_reveal_and_streaks_counted_once(repo):
    days = ["2027-01-15", "2027-01-16", "2027-01-17"]
    ids = []
    for i, day in enumerate(days):
        row = await repo.claim_daily(new_day(day, at=T0 + i * 86400))
        ids.append(row.id)
        # player 1 right every day; player 2 right, wrong, right; player 3 only on day 3
        assert await repo.record_daily_answer(answer(row.id, 1, 1))
        assert not await repo.record_daily_answer(answer(row.id, 1, 0))  # one answer each
        assert await repo.record_daily_answer(answer(row.id, 2, 1 if i != 1 else 2))
        if i == 2:
            assert await repo.record_daily_answer(answer(row.id, 3, 1))
        assert await repo.reveal_daily(row.id, T0 + i * 86400 + 3600)
        assert not await repo.reveal_daily(row.id, T0 + i * 86400 + 3601)  # counted once
        assert not await repo.record_daily_answer(answer(row.id, 4, 1))  # closed
    assert [a.player_id for a in await repo.daily_answers(ids[2])] == [1, 2, 3]
    assert await repo.daily_streak(10, 1) == (3, 3)
    assert await repo.daily_streak(10, 2) == (1, 1)
    assert await repo.daily_streak(10, 4) == (0, 0)
    rows, size, me, page = await repo.streak_board(10, viewer_id=2)
    assert [(r.rank, r.player_id, r.streak, r.best) for r in rows] == [
        (1, 1, 3, 3),
        (2, 2, 1, 1),
        (3, 3, 1, 1),
    ]
    assert (size, page, me.rank, me.streak) == (3, 0, 2, 1)
    tied = (await repo.streak_board(10, viewer_id=3))[2]
    assert (tied.rank, tied.streak) == (2, 1)  # as on the points boards: ties share a rank
    # a day nobody of them gets right breaks every streak; the best stays
    row = await repo.claim_daily(new_day("2027-01-18", at=T0 + 3 * 86400))
    await repo.record_daily_answer(answer(row.id, 1, 0))
    await repo.reveal_daily(row.id, T0 + 3 * 86400 + 3600)
    assert await repo.daily_streak(10, 1) == (0, 3)
    assert (await repo.streak_board(10, viewer_id=1))[:3] == ([], 0, None)
    assert await repo.unrevealed_dailies() == []


async def test_forget_reset_and_purge_cover_the_daily_tables(repo):
    row = await repo.claim_daily(new_day("2027-01-15"))
    await repo.record_daily_answer(answer(row.id, 1, 1))
    await repo.record_daily_answer(answer(row.id, 2, 1))
    await repo.reveal_daily(row.id, T0 + 3600)
    assert 10 in await repo.member_guilds(1)
    await repo.forget_member(10, 1)
    assert [a.player_id for a in await repo.daily_answers(row.id)] == [2]
    assert await repo.daily_streak(10, 1) == (0, 0)
    await repo.reset_leaderboard(10)
    assert await repo.daily_streak(10, 2) == (0, 0)
    await repo.save_daily_schedule(DailySchedule(10, 100, 540, "UTC", 12.0, 7), T0)
    await repo.purge_guild(10)
    assert await repo.daily_schedule(10) is None and await repo.daily_on(10, "2027-01-15") is None


async def test_only_a_stored_answer_renames_the_member(repo):
    row = await repo.claim_daily(new_day("2027-01-15"))
    assert await repo.record_daily_answer(answer(row.id, 1, 1))  # stored as P1
    again = DailyAnswer(row.id, 1, 10, "Renamed", 1, True, T0 + 6)
    assert not await repo.record_daily_answer(again)  # a second click: refused
    await repo.reveal_daily(row.id, T0 + 3600)
    late = DailyAnswer(row.id, 1, 10, "Late", 1, True, T0 + 3700)
    assert not await repo.record_daily_answer(late)  # after the reveal: refused
    rows = (await repo.streak_board(10, viewer_id=None))[0]
    assert [(r.player_id, r.name) for r in rows] == [(1, "P1")]
