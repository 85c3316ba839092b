"""Per-shard recovery: a process abandons only its own shards' games, chosen in SQL."""

from datetime import UTC, datetime

from bot.shards import ShardRange, shard_of
from bot.storage.records import AnswerRow, GameStatus, NewGame, Period

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC).timestamp()


def guild_on(shard: int, count: int, *, base: int = 1_150_000_000_000_000_000) -> int:
    """A real-sized snowflake (near 2**60) that Discord's formula puts on the shard."""
    gid = base
    while shard_of(gid, count) != shard:
        gid += 1 << 22
    return gid


async def start(repo, guild: int, channel: int) -> int:
    game_id = await repo.create_game(NewGame(guild, channel, ("geo",), "buttons", 1, 5, 20.0, NOW))
    await repo.record_answers(
        [AnswerRow(game_id, 1, 7, "P7", guild, "geo", "q1", True, 800, 1500, NOW)]
    )
    return game_id


async def test_only_the_games_of_the_given_shards_are_abandoned(repo):
    guilds = {shard: guild_on(shard, 4) for shard in range(4)}
    games = {shard: await start(repo, gid, 100 + shard) for shard, gid in guilds.items()}

    abandoned = await repo.abandon_running_games(NOW + 60, ShardRange(4, 1, 2))

    assert sorted(g.id for g in abandoned) == [games[1], games[2]]
    for shard, game_id in games.items():
        status = (await repo.get_game(game_id)).status
        assert status is (GameStatus.ABANDONED if shard in (1, 2) else GameStatus.RUNNING)
    assert (await repo.running_game(100)).id == games[0]
    board = await repo.leaderboard(guilds[1], period=Period.ALL_TIME, now=NOW)
    assert [(r.player_id, r.points) for r in board] == [(7, 800)]  # points kept


async def test_a_single_shard_and_the_full_range(repo):
    games = {shard: await start(repo, guild_on(shard, 2), 200 + shard) for shard in range(2)}
    assert [g.id for g in await repo.abandon_running_games(NOW, ShardRange(2, 1, 1))] == [games[1]]
    # every shard of the count (one process runs them all): everything left running goes
    assert [g.id for g in await repo.abandon_running_games(NOW, ShardRange(2, 0, 1))] == [games[0]]


async def test_no_range_abandons_every_game(repo):
    games = [await start(repo, guild_on(s, 3), 300 + s) for s in range(3)]
    assert sorted(g.id for g in await repo.abandon_running_games(NOW)) == games


async def test_the_terminal_game_recovers_only_its_own_guild(repo):
    """`trivia-bot play` on a database shared with live bot processes leaves their rounds."""
    local = await start(repo, 0, 900)  # LOCAL_GUILD: the terminal's own rounds
    discord = await start(repo, guild_on(0, 2), 901)
    abandoned = await repo.abandon_running_games(NOW, guild_id=0)
    assert [g.id for g in abandoned] == [local]
    assert (await repo.get_game(discord)).status is GameStatus.RUNNING
