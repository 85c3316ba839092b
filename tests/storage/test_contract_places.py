"""Where and by whom rounds may start: the contract, on SQLite and on PostgreSQL."""

from bot.storage.records import ServerChange, ServerChanged

NOW = 1_700_000_000.0
BIG = 2**62 + 11  # snowflakes need all 64 bits


async def channels(repo, guild_id, **change):
    """One change to a server's channels or settings, unaudited: what it found."""
    return await repo.change_server(ServerChange(guild_id, NOW, **change), lambda _: [])


async def test_round_channels_are_kept_per_server_added_removed_and_cleared(repo):
    assert await repo.round_channels(1) == frozenset()
    assert await channels(repo, 1, add_channel=BIG) == ServerChanged(added=True)
    assert await channels(repo, 1, add_channel=BIG) == ServerChanged()  # already listed
    assert (await channels(repo, 1, add_channel=5)).added
    assert (await channels(repo, 2, add_channel=6)).added
    assert await repo.round_channels(1) == frozenset({BIG, 5})
    assert await channels(repo, 1, remove_channel=5) == ServerChanged(removed=True)
    assert await channels(repo, 1, remove_channel=5) == ServerChanged()  # not listed any more
    assert await repo.round_channels(1) == frozenset({BIG})
    assert await channels(repo, 1, clear_channels=True) == ServerChanged(cleared=1)
    assert await repo.round_channels(1) == frozenset()
    assert await repo.round_channels(2) == frozenset({6})


async def test_the_starter_role_is_a_setting_and_a_purge_forgets_the_channels(repo):
    await channels(repo, 1, settings={"questions": 10, "starter_role_id": BIG})
    assert (await repo.guild_settings(1)).starter_role_id == BIG
    await channels(repo, 1, settings={"starter_role_id": None})
    assert (await repo.guild_settings(1)).starter_role_id is None
    await channels(repo, 1, add_channel=5)
    await repo.purge_guild(1)
    assert await repo.round_channels(1) == frozenset()
