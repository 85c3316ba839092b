"""Which questions a member may review: their latest misses here that can still be played."""

from __future__ import annotations

from bot.engine.models import Question
from bot.game.catalog import Catalog
from bot.storage.repository import Repository

REVIEW_SIZE = 10
# misses read to find REVIEW_SIZE that still exist: removed, disabled or changed banks drop some
MISSES_READ = 100


async def missed_questions(
    repo: Repository, catalog: Catalog, guild_id: int, player_id: int, limit: int = REVIEW_SIZE
) -> list[Question]:
    """Distinct questions the member got wrong in this server, the latest miss first; a
    question since removed, disabled by the server's admins or turned into a draft is left
    out."""
    misses = await repo.recent_misses(guild_id, player_id, MISSES_READ)
    banks = await catalog.without_disabled(guild_id, await catalog.available(guild_id))
    known = {q.key: q for b in banks for q in b.questions if q.playable}
    found = [known[key] for key in (f"{m.bank_id}/{m.question_id}" for m in misses) if key in known]
    return found[:limit]
