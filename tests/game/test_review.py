"""The questions a member may review: latest misses first, only those that still play."""

from bot.game.catalog import Catalog
from bot.game.review import missed_questions
from bot.storage.records import AnswerRow, NewGame

GUILD, ALICE = 10, 1


async def test_misses_latest_first_without_removed_disabled_or_right_ones(repo, fixture_banks):
    game = await repo.create_game(NewGame(GUILD, 5, ("geo",), "buttons", ALICE, 6, 20.0, 100.0))

    def answer(number, question, *, correct=False, at, player=ALICE, bank="geo"):
        return AnswerRow(game, number, player, "Alice", GUILD, bank, question, correct, 0, 900, at)

    await repo.record_answers(
        [
            answer(1, "capital-italy", at=100),
            answer(2, "gone-question", at=200),  # its bank no longer has it
            answer(3, "longest-river", at=300),
            answer(4, "capital-france", correct=True, at=400),
            answer(5, "sahara-true", at=500),  # disabled by the server's admins below
            answer(6, "typed-only", at=600),
            answer(1, "atlas", at=700, player=2),  # someone else's miss
        ]
    )
    await repo.set_question_disabled(
        GUILD, "geo", "sahara-true", disabled=True, actor_id=9, at=800.0
    )
    catalog = Catalog(fixture_banks, repo)
    found = await missed_questions(repo, catalog, GUILD, ALICE)
    assert [q.id for q in found] == ["typed-only", "longest-river", "capital-italy"]
    assert [q.id for q in await missed_questions(repo, catalog, GUILD, ALICE, limit=1)] == [
        "typed-only"
    ]
    assert await missed_questions(repo, catalog, GUILD + 1, ALICE) == []
