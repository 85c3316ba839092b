"""The question of the day's scheduler on a real SQLite file: who posts, once, and when."""

import asyncio
import random
from datetime import UTC, datetime

from bot.engine.clock import FakeClock
from bot.game.catalog import Catalog
from bot.game.daily import DailyQuestions, PostFailed
from bot.storage.records import DailySchedule, NewDaily
from bot.storage.sqlite import SQLiteRepository

NINE = datetime(2027, 1, 15, 9, 0, 30, tzinfo=UTC).timestamp()


class Poster:
    """Records what a front-end would have shown; `failures` posts fail for now first."""

    def __init__(self, failures: int = 0, shown: dict[int, int] | None = None) -> None:
        self.posted: list[tuple[int, str]] = []
        self.revealed: list[tuple[int, int]] = []
        self.failures = failures
        self.shown = shown or {}  # daily id -> a message already up in the channel

    async def post(self, row, question, bank):
        if self.failures:
            self.failures -= 1
            raise PostFailed("503 Service Unavailable")
        self.posted.append((row.guild_id, row.day))
        self.shown[row.id] = 1000 + row.id
        return 1000 + row.id

    async def find(self, row):
        return self.shown.get(row.id)

    async def reveal(self, row, question, bank, answers):
        assert question is not None and question.id == row.question_id
        self.revealed.append((row.guild_id, len(answers)))


def scheduler(repo, banks, clock, owns=lambda guild_id: True):
    return DailyQuestions(repo, Catalog(banks, repo), clock, owns, random.Random(7))


async def test_two_processes_post_a_day_once_and_reveal_it_once(tmp_path, fixture_banks):
    clock = FakeClock(NINE)
    first = await SQLiteRepository.open(tmp_path / "trivia.db")
    second = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        a, b = scheduler(first, fixture_banks, clock), scheduler(second, fixture_banks, clock)
        await a.set_schedule(DailySchedule(10, 100, 9 * 60, "UTC", 12.0, 1))
        await b.load()
        poster = Poster()
        await asyncio.gather(a.tick(poster), b.tick(poster))
        await asyncio.gather(a.tick(poster), b.tick(poster))
        assert poster.posted == [(10, "2027-01-15")]
        row = await first.daily_on(10, "2027-01-15")
        assert row.message_id == 1000 + row.id
        await b.load()  # b now holds the open question too, as after a restart
        clock.advance(12 * 3600)
        await asyncio.gather(a.tick(poster), b.tick(poster))
        assert poster.revealed == [(10, 0)]
    finally:
        await first.close()
        await second.close()


async def test_only_the_owner_posts_and_a_window_missed_entirely_is_not_made_up(
    repo, fixture_banks
):
    clock = FakeClock(NINE - 3600)  # 08:00:30
    poster = Poster()
    elsewhere = scheduler(repo, fixture_banks, clock, owns=lambda guild_id: False)
    await elsewhere.set_schedule(DailySchedule(10, 100, 9 * 60, "UTC", 2.0, 1))
    await elsewhere.tick(poster)
    clock.advance(3600)
    await elsewhere.tick(poster)
    assert poster.posted == [] and await repo.daily_on(10, "2027-01-15") is None
    clock.advance(2 * 3600)  # 11:00:30: the two-hour window has closed
    owner = scheduler(repo, fixture_banks, clock)
    await owner.load()
    await owner.tick(poster)
    assert poster.posted == []
    clock.advance(22 * 3600)  # the next day, 09:00:30
    await owner.tick(poster)
    assert poster.posted == [(10, "2027-01-16")]


async def test_days_in_one_channel_ask_facts_not_asked_there_recently(repo, fixture_banks):
    clock = FakeClock(NINE)
    poster = Poster()
    daily = scheduler(repo, fixture_banks, clock)
    await daily.set_schedule(DailySchedule(10, 100, 9 * 60, "UTC", 1.0, 1))
    facts = []
    for _ in range(5):
        await daily.tick(poster)  # today's posted, yesterday's revealed
        (row,) = await repo.unrevealed_dailies()
        facts.append(row.fact or f"{row.bank_id}/{row.question_id}")
        clock.advance(24 * 3600)
    assert len(poster.posted) == len(poster.revealed) + 1 == 5 and len(set(facts)) == 5


async def test_a_post_that_failed_for_now_is_made_at_the_next_tick_once(repo, fixture_banks):
    clock = FakeClock(NINE)
    poster = Poster(failures=1)
    daily = scheduler(repo, fixture_banks, clock)
    await daily.set_schedule(DailySchedule(10, 100, 9 * 60, "UTC", 12.0, 1))
    await daily.tick(poster)
    assert poster.posted == [] and (await repo.daily_on(10, "2027-01-15")).message_id is None
    await daily.tick(poster)
    await daily.tick(poster)
    row = await repo.daily_on(10, "2027-01-15")
    assert poster.posted == [(10, "2027-01-15")] and row.message_id == 1000 + row.id


async def test_a_claim_a_restart_interrupted_is_found_or_posted_once(tmp_path, fixture_banks):
    clock = FakeClock(NINE)
    repo = await SQLiteRepository.open(tmp_path / "trivia.db")
    try:
        await repo.save_daily_schedule(DailySchedule(10, 100, 9 * 60, "UTC", 12.0, 1), NINE)
        await repo.save_daily_schedule(DailySchedule(11, 101, 9 * 60, "UTC", 12.0, 1), NINE)
        question = fixture_banks[0].questions[0]
        claimed = {}
        for guild in (10, 11):  # claimed, then the process died before saving a message id
            claimed[guild] = await repo.claim_daily(
                NewDaily(
                    guild,
                    guild * 10,
                    "2027-01-15",
                    question.bank_id,
                    0,
                    question.id,
                    None,
                    ("a", "b"),
                    0,
                    NINE,
                    NINE + 12 * 3600,
                )
            )
        # guild 10's message did go out before the crash; guild 11's did not
        poster = Poster(shown={claimed[10].id: 777})
        daily = scheduler(repo, fixture_banks, clock)
        await daily.load()
        await daily.tick(poster)
        await daily.tick(poster)
        assert poster.posted == [(11, "2027-01-15")]
        assert (await repo.daily(claimed[10].id)).message_id == 777
        assert (await repo.daily(claimed[11].id)).message_id == 1000 + claimed[11].id
    finally:
        await repo.close()


async def test_setting_and_turning_off_the_schedule_is_audited_here(repo, fixture_banks):
    """The service writes the audit log, so every front-end's changes read the same."""
    clock = FakeClock(NINE)
    daily = scheduler(repo, fixture_banks, clock)
    await daily.set_schedule(DailySchedule(10, 100, 9 * 60 + 5, "Europe/Paris", 6.5, 42))
    assert not await daily.turn_off(11, 42)  # was not on there: nothing to audit
    assert await daily.turn_off(10, 43)
    assert not await daily.turn_off(10, 43)
    assert [(e.guild_id, e.actor_id, e.action, e.detail) for e in await repo.audit_log(10)] == [
        (10, 43, "daily-off", ""),
        (10, 42, "daily-set", "channel 100 at 09:05 Europe/Paris, open 6.5 h"),
    ]
    assert await repo.audit_log(11) == []
