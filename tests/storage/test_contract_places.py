"""Where and by whom rounds may start: the contract, on SQLite and on PostgreSQL."""

NOW = 1_700_000_000.0
BIG = 2**62 + 11  # snowflakes need all 64 bits


async def test_round_channels_are_kept_per_server_added_removed_and_cleared(repo):
    assert await repo.round_channels(1) == frozenset()
    assert await repo.set_round_channel(1, BIG, allowed=True)
    assert not await repo.set_round_channel(1, BIG, allowed=True)  # already listed
    assert await repo.set_round_channel(1, 5, allowed=True)
    assert await repo.set_round_channel(2, 6, allowed=True)
    assert await repo.round_channels(1) == frozenset({BIG, 5})
    assert await repo.set_round_channel(1, 5, allowed=False)
    assert not await repo.set_round_channel(1, 5, allowed=False)  # not listed any more
    assert await repo.round_channels(1) == frozenset({BIG})
    assert await repo.clear_round_channels(1) == 1
    assert await repo.round_channels(1) == frozenset()
    assert await repo.round_channels(2) == frozenset({6})


async def test_the_starter_role_is_a_setting_and_a_purge_forgets_the_channels(repo):
    await repo.change_guild_settings(1, {"questions": 10, "starter_role_id": BIG}, NOW)
    assert (await repo.guild_settings(1)).starter_role_id == BIG
    await repo.change_guild_settings(1, {"starter_role_id": None}, NOW)
    assert (await repo.guild_settings(1)).starter_role_id is None
    await repo.set_round_channel(1, 5, allowed=True)
    await repo.purge_guild(1)
    assert await repo.round_channels(1) == frozenset()
