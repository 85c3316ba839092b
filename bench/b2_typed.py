"""B2: typed-answer throughput of many open rounds, against a bot whose on_message does nothing.

Both bots run in this process, one after the other, each against a fresh FakeDiscord of the
same configuration and world, so the fake's own cost per message is on the same event loop
in both runs and the ratio of the two rates is fair. A message counts as processed when the
bot's on_message has returned: ours (TriviaBot.on_message, which hands typed answers to the
Rounds cog) is wrapped in a function that awaits it and then counts; the floor's no-op
handler counts itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import discord

from bench import corpus
from bench.b3_judge import clear_judge_caches
from bench.common import Outcome, Row, median
from tests.discord_front.conftest import running_bot, settings_for
from tests.fakediscord import FakeChannel, FakeDiscord, FakeUser, run_bot

TARGET = 0.7
SECONDS = 120  # no hint or deadline falls inside the measured window
WINDOW = 200  # messages sent but not yet processed, at most: a steady load, not a flood
MIX = (("wrong", 0.45), ("near-miss", 0.30), ("chatter", 0.25))


@dataclass(frozen=True, slots=True)
class Size:
    guilds: int
    channels_per_guild: int
    players_per_guild: int
    messages: int
    bank_questions: int
    repeats: int

    @property
    def rounds(self) -> int:
        return self.guilds * self.channels_per_guild


QUICK = Size(
    guilds=2,
    channels_per_guild=5,
    players_per_guild=20,
    messages=10_000,
    bank_questions=400,
    repeats=1,
)
FULL = Size(
    guilds=10,
    channels_per_guild=10,
    players_per_guild=40,
    messages=20_000,
    bank_questions=2_000,
    repeats=3,
)


@dataclass(slots=True)
class World:
    channels: list[FakeChannel]
    players: dict[int, list[FakeUser]]  # guild id -> members who type
    starter: dict[int, FakeUser]  # guild id -> who starts the rounds


def build_world(fake: FakeDiscord, size: Size) -> World:
    """Guilds with round channels and players, before the bot connects."""
    channels: list[FakeChannel] = []
    players: dict[int, list[FakeUser]] = {}
    starter: dict[int, FakeUser] = {}
    for g in range(size.guilds):
        owner = fake.add_user(f"owner{g}")
        guild = fake.add_guild(f"guild{g}", owner=owner)
        starter[guild.id] = owner
        players[guild.id] = []
        for p in range(size.players_per_guild):
            user = fake.add_user(f"g{g}p{p}")
            fake.add_member(guild, user)
            players[guild.id].append(user)
        channels += [fake.add_channel(guild, f"trivia-{c}") for c in range(size.channels_per_guild)]
    return World(channels, players, starter)


# -- the traffic ---------------------------------------------------------------------------


def guesses(
    item: corpus.Item, pool: Sequence[corpus.Item], rng: random.Random, count: int
) -> list[tuple[str, str]]:
    """A realistic spread of guesses that do not win: wrong answers, near misses, chatter.

    A guess the judge would accept is replaced by chatter, so every round stays on its
    first question and no reaction, reveal or save happens inside the measured window.
    """
    from bot.engine.judge import judge

    kinds, weights = zip(*MIX, strict=True)
    out: list[tuple[str, str]] = []
    for kind in rng.choices(kinds, weights, k=count):
        if kind == "wrong":
            text = corpus.wrong_guess(item, pool, rng)
        elif kind == "near-miss":
            text = corpus.near_miss(item, rng)
        else:
            text = corpus.chatter(rng)
        if kind != "chatter" and judge(text, item.answers):
            kind, text = "chatter", corpus.chatter(rng)
        out.append((kind, text))
    return out


@dataclass(slots=True)
class Plan:
    """Every message to send, in order: (channel, author, text)."""

    messages: list[tuple[FakeChannel, FakeUser, str]]
    kinds: dict[str, int]


def plan(
    world: World,
    items_by_channel: dict[int, corpus.Item],
    pool: Sequence[corpus.Item],
    size: Size,
    seed: int,
) -> Plan:
    """Messages spread at random over the channels, each by a random member of its guild."""
    rng = random.Random(seed)
    order = [rng.choice(world.channels) for _ in range(size.messages)]
    counts: dict[int, int] = {}
    for ch in order:
        counts[ch.id] = counts.get(ch.id, 0) + 1
    per_channel = {
        ch.id: guesses(items_by_channel[ch.id], pool, rng, counts.get(ch.id, 0))
        for ch in world.channels
    }
    messages: list[tuple[FakeChannel, FakeUser, str]] = []
    kinds: dict[str, int] = {}
    for ch in order:
        kind, text = per_channel[ch.id].pop()
        kinds[kind] = kinds.get(kind, 0) + 1
        messages.append((ch, rng.choice(world.players[ch.guild_id or 0]), text))
    return Plan(messages, kinds)


class Counter:
    """Counts processed messages and bounds how many are in flight."""

    def __init__(self, window: int) -> None:
        self.done = 0
        self.slots = asyncio.Semaphore(window)
        self.last_at = 0.0

    def processed(self) -> None:
        self.done += 1
        self.last_at = time.perf_counter()
        self.slots.release()


@dataclass(slots=True)
class Run:
    """One bot's pass over the traffic."""

    wall_s: float
    cpu_s: float
    messages: int

    @property
    def rate(self) -> float:
        return self.messages / self.wall_s

    @property
    def cpu_rate(self) -> float:
        return self.messages / self.cpu_s


async def send_all(fake: FakeDiscord, work: Plan, counter: Counter) -> Run:
    """Send every message, WINDOW at most in flight, until the bot has processed the last.

    The collector's permanent generation takes everything made before the first message
    (the fake's world, the plan, the banks), in both runs, so full collections scan what
    the traffic makes, not the harness; the bot's own per-message garbage is still counted.
    """
    gc.collect()
    gc.freeze()
    try:
        cpu0, start = time.process_time(), time.perf_counter()
        for channel, user, text in work.messages:
            await counter.slots.acquire()
            await fake.send_user_message(channel, user, text)
        total = len(work.messages)
        await fake.wait_for(lambda: counter.done >= total, timeout=300, what="every message")
        return Run(counter.last_at - start, time.process_time() - cpu0, total)
    finally:
        gc.unfreeze()


def counted(
    handler: Callable[[discord.Message], Awaitable[None]], counter: Counter
) -> Callable[[discord.Message], Awaitable[None]]:
    async def on_message(message: discord.Message) -> None:
        try:
            await handler(message)
        finally:
            if not message.author.bot:
                counter.processed()

    return on_message


# -- the floor -----------------------------------------------------------------------------


class IdleBot(discord.AutoShardedClient):
    """The floor: the same intents as our typed bot, and an on_message that does nothing."""

    def __init__(self, counter: Counter) -> None:
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = intents.message_content = True
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.counter = counter

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.counter.processed()


async def floor_run(size: Size, plan_for: Callable[[World], Plan]) -> Run:
    """The bare bot against the same world and the same kind of traffic."""
    counter = Counter(WINDOW)
    async with FakeDiscord(channel_rate_limit=None, global_rate_limit=None) as fake:
        world = build_world(fake, size)
        async with run_bot(fake, IdleBot(counter)):
            work = plan_for(world)
            return await send_all(fake, work, counter)


# -- our bot -------------------------------------------------------------------------------

PlanFor = Callable[[World, dict[int, corpus.Item]], Plan]


async def our_run(
    size: Size, banks: Path, items: dict[str, corpus.Item], plan_for: PlanFor, tmp: Path
) -> tuple[Run, Plan, str]:
    """The real bot, typed answers on, with every round open on its first question."""
    counter = Counter(WINDOW)
    async with FakeDiscord(channel_rate_limit=None, global_rate_limit=None) as fake:
        world = build_world(fake, size)
        settings = dataclasses.replace(
            settings_for(tmp, fake.token, typed=True), banks_dir=banks, log_level="WARNING"
        )
        guilds = [fake.guilds[gid] for gid in world.players]
        async with running_bot(fake, settings, *guilds) as live:
            by_channel = await start_rounds(fake, world, items)
            # discord.py looks the handler up on the instance for every event
            live.bot.on_message = counted(live.bot.on_message, counter)  # type: ignore[method-assign]
            work = plan_for(world, by_channel)
            clear_judge_caches()  # planning judged every guess in this process
            result = await send_all(fake, work, counter)
            sessions = live.app.service.sessions()
            still_open = sum(1 for s in sessions if s.round.asked_count == 1 and s.round.current)
            guessers = sum(len(s.round.participants()) for s in sessions)
    check = (
        f"afterwards {still_open}/{size.rounds} rounds open on question 1, with "
        f"{guessers:,} players counted in them from their wrong guesses"
    )
    return result, work, check


async def start_rounds(
    fake: FakeDiscord, world: World, items: dict[str, corpus.Item]
) -> dict[int, corpus.Item]:
    """/trivia start (typed) in every channel; returns the item each first question asks."""
    for ch in world.channels:
        ix = await fake.invoke_slash(
            ch,
            world.starter[ch.guild_id or 0],
            "trivia start",
            {"questions": 5, "mode": "typed", "seconds": SECONDS},
        )
        text = (await ix.reply()).text
        if "started a round" not in text:
            raise RuntimeError(f"could not start a typed round: {text}")
    by_channel: dict[int, corpus.Item] = {}
    for ch in world.channels:
        msg = await fake.wait_for_message(
            ch,
            lambda m: bool(m.embeds) and m.embeds[0].get("title", "").startswith("Question 1/"),
            timeout=10,
        )
        by_channel[ch.id] = items[msg.embeds[0]["description"]]
    return by_channel


# -- the row -------------------------------------------------------------------------------


def run(quick: bool) -> Outcome:
    """Floor and ours in turn, `repeats` times, each with the same number and mix of messages."""
    size = QUICK if quick else FULL
    out = Outcome()
    with tempfile.TemporaryDirectory(prefix="bench-b2-") as tmp:
        banks = Path(tmp) / "banks"
        items = corpus.write_banks(banks, size.bank_questions, files=max(1, size.rounds // 20))
        pool = list(items.values())

        def plan_for(world: World, by_channel: dict[int, corpus.Item]) -> Plan:
            return plan(world, by_channel, pool, size, seed=5)

        def floor_plan(world: World) -> Plan:
            rng = random.Random(9)  # the floor asks nothing: any items, the same mix
            return plan_for(world, {ch.id: rng.choice(pool) for ch in world.channels})

        async def passes() -> tuple[list[Run], list[Run], Plan, str]:
            floors: list[Run] = []
            ours: list[Run] = []
            work, check = Plan([], {}), ""
            for n in range(size.repeats):
                floors.append(await floor_run(size, floor_plan))
                folder = Path(tmp) / f"ours-{n}"
                folder.mkdir()
                result, work, check = await our_run(size, banks, items, plan_for, folder)
                ours.append(result)
            return ours, floors, work, check

        ours, floors, work, check = asyncio.run(passes())
    rate, floor = median(r.rate for r in ours), median(r.rate for r in floors)
    cpu_ratio = median(r.cpu_rate for r in ours) / median(r.cpu_rate for r in floors)
    each = ", ".join(f"{o.rate:,.0f}/{f.rate:,.0f}" for o, f in zip(ours, floors, strict=True))
    mix = ", ".join(f"{k} {v:,}" for k, v in sorted(work.kinds.items()))
    out.add(
        Row(
            "B2",
            f"{size.rounds} typed rounds, {size.messages:,} messages",
            "msg/s",
            rate,
            floor,
            rate / floor,
            f"ratio >= {TARGET}",
            rate / floor >= TARGET,
            note=(f"median of {size.repeats} passes each; " if size.repeats > 1 else "")
            + f"msg/s ours/floor per pass: {each}; from the first message sent to the last "
            f"processed, {WINDOW} in flight at most; per CPU-second of this process the "
            f"ratio is {cpu_ratio:.2f}; {size.guilds} guilds x {size.channels_per_guild} "
            f"channels, {size.players_per_guild} players per guild, {len(pool):,} generated "
            f"questions; guesses {mix}; {check}; fake and bot share one event loop in both",
        )
    )
    return out
