"""Question reports and disabled questions: the contract, on SQLite and on PostgreSQL."""

import sqlite3

import asyncpg
import pytest

from bot.storage.records import CustomQuestionRow, ReportRow


def report(reporter: int, at: float, *, guild: int = 1, question: str = "q1", reason="typo"):
    return ReportRow(guild, "geo", question, reporter, reason, f"note {reporter}", "Text?", at)


async def test_one_report_per_player_per_question_per_server(repo):
    assert await repo.add_report(report(7, 10.0))
    assert not await repo.add_report(report(7, 11.0, reason="other"))
    assert await repo.add_report(report(7, 12.0, guild=2))  # another server is another report
    assert await repo.add_report(report(7, 13.0, question="q2"))
    assert await repo.has_reported(1, "geo", "q1", 7)
    assert not await repo.has_reported(1, "geo", "q1", 8)
    assert [r.reason for r in await repo.question_reports(1, "geo", "q1")] == ["typo"]


async def test_a_reason_outside_the_list_is_refused_by_the_schema(repo):
    with pytest.raises((sqlite3.IntegrityError, asyncpg.CheckViolationError)):
        await repo.add_report(report(7, 10.0, reason="meh"))
    assert not await repo.has_reported(1, "geo", "q1", 7)


async def test_reported_questions_newest_first_with_counts_and_state(repo):
    for reporter, at, question in [(1, 10.0, "q1"), (2, 30.0, "q1"), (3, 20.0, "q2")]:
        await repo.add_report(report(reporter, at, question=question))
    await repo.add_report(report(4, 99.0, guild=2, question="q3"))
    await repo.set_question_disabled(1, "geo", "q2", disabled=True, actor_id=9, at=40.0)
    listed = await repo.reported_questions(1)
    assert [(q.question_id, q.reports, q.last_at, q.disabled) for q in listed] == [
        ("q1", 2, 30.0, False),
        ("q2", 1, 20.0, True),
    ]
    assert [r.reporter_id for r in await repo.question_reports(1, "geo", "q1")] == [2, 1]
    everywhere = await repo.question_reports(None, "geo", "q3")
    assert [r.guild_id for r in everywhere] == [2]


async def test_disable_is_idempotent_and_per_server(repo):
    assert await repo.set_question_disabled(1, "geo", "q1", disabled=True, actor_id=9, at=1.0)
    assert not await repo.set_question_disabled(1, "geo", "q1", disabled=True, actor_id=9, at=2.0)
    assert await repo.disabled_questions(1) == frozenset({"geo/q1"})
    assert await repo.disabled_questions(2) == frozenset()
    assert await repo.set_question_disabled(1, "geo", "q1", disabled=False, actor_id=9, at=3.0)
    assert not await repo.set_question_disabled(1, "geo", "q1", disabled=False, actor_id=9, at=4.0)
    assert await repo.disabled_questions(1) == frozenset()


async def test_reports_on_banks_spans_servers_and_only_those_banks(repo):
    await repo.add_report(report(1, 1.0))
    await repo.add_report(report(2, 2.0, guild=2))
    await repo.add_report(
        ReportRow(1, "custom", "mine", 3, "other", "", "Ours?", 3.0)  # a server's own bank
    )
    rows = await repo.reports_on_banks(["geo", "space"])
    assert [(r.guild_id, r.bank_id) for r in rows] == [(1, "geo"), (2, "geo")]
    assert await repo.reports_on_banks([]) == []


async def test_forget_member_removes_their_reports_in_that_server_only(repo):
    await repo.add_report(report(7, 1.0))
    await repo.add_report(report(7, 2.0, guild=2))
    await repo.add_report(report(8, 3.0))
    assert await repo.member_guilds(7) == [1, 2]  # reports alone put a server in scope
    await repo.forget_member(1, 7)
    left = [(r.guild_id, r.reporter_id) for r in await repo.reports_on_banks(["geo"])]
    assert sorted(left) == [(1, 8), (2, 7)]


async def test_replace_custom_question_changes_only_that_row(repo):
    row = CustomQuestionRow(1, "custom", "q", '{"a": 1}', 5, 1.0)
    await repo.add_custom_questions([row, CustomQuestionRow(2, "custom", "q", "{}", 5, 1.0)])
    assert await repo.replace_custom_question(
        CustomQuestionRow(1, "custom", "q", '{"a": 2}', 5, 1.0)
    )
    assert not await repo.replace_custom_question(CustomQuestionRow(1, "custom", "x", "{}", 5, 1.0))
    data = {(r.guild_id, r.data) for g in (1, 2) for r in await repo.custom_questions(g)}
    assert data == {(1, '{"a": 2}'), (2, "{}")}


async def test_a_departed_servers_reports_and_disables_are_purged(repo):
    await repo.add_report(report(7, 1.0))
    await repo.add_report(report(7, 1.0, guild=2))
    await repo.set_question_disabled(1, "geo", "q1", disabled=True, actor_id=9, at=1.0)
    await repo.mark_guild_departed(1, 5.0)
    assert await repo.departed_guilds(10.0) == [1]
    await repo.purge_guild(1)
    assert await repo.reported_questions(1) == []
    assert await repo.disabled_questions(1) == frozenset()
    assert [r.guild_id for r in await repo.reports_on_banks(["geo"])] == [2]
