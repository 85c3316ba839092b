"""Embeds for questions, reveals, standings and boards, always within Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from bot.discord_front import limits
from bot.discord_front.limits import cut, safe
from bot.engine.models import Bank, Player
from bot.engine.round import AskedQuestion, QuestionResult, SkipTally, Standing
from bot.engine.teams import Teams, TeamStanding
from bot.storage.records import BoardRow, PlayerStats

BLURPLE = discord.Colour.blurple()
GREEN = discord.Colour.green()
GREY = discord.Colour.light_grey()
MAX_NAMES = 15
TEAM_EMOJI = {"Red": "\N{LARGE RED SQUARE}", "Blue": "\N{LARGE BLUE SQUARE}",
              "Green": "\N{LARGE GREEN SQUARE}", "Yellow": "\N{LARGE YELLOW SQUARE}"}  # fmt: skip


def _members(players: Sequence[Player]) -> str:
    shown = [safe(p.name, 64) for p in players[:MAX_NAMES]]
    more = len(players) - MAX_NAMES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def teams_embed(
    teams: Teams, starter: str, closes_at: float | None, *, stopped: bool = False
) -> discord.Embed:
    """The join message: each team's members; `closes_at` (wall clock) None once set."""
    if stopped:
        title, text = "Round stopped", "The round was stopped before its first question."
    elif closes_at is None:
        title, text = "Teams are set", "Anyone who answers without a team joins the smallest."
    else:
        at = discord.utils.format_dt(datetime.fromtimestamp(closes_at, UTC), "R")
        title = "Team round: pick a team"
        text = (
            f"The first question comes {at}; {safe(starter, 64)} can begin sooner with Start "
            "now. Shuffle me puts you on the smallest team; anyone who answers without a team "
            "joins the smallest. A team scores the sum of its members' points."
        )
    embed = discord.Embed(title=title, description=text, colour=BLURPLE)
    for i, name in enumerate(teams.names):
        members = teams.members(i)
        embed.add_field(
            name=f"{TEAM_EMOJI.get(name, '')} {name} ({len(members)})",
            value=cut(_members(members), limits.EMBED_FIELD_VALUE) or "nobody yet",
            inline=True,
        )
    return limits.fit_embed(embed)


def team_lines(teams: Sequence[TeamStanding]) -> list[str]:
    return [
        f"**{i}.** {TEAM_EMOJI.get(t.name, '')} {t.name} · {t.points} pts · "
        f"{_members(t.members) or 'nobody'}"
        for i, t in enumerate(teams, 1)
    ]


def question_embed(
    asked: AskedQuestion, bank: Bank | None, hint: str | None = None
) -> discord.Embed:
    q = asked.question
    closes = discord.utils.format_dt(datetime.fromtimestamp(asked.closes_at, UTC), "R")
    title = bank.title if bank else q.bank_id
    embed = discord.Embed(
        title=cut(
            f"Question {asked.number}/{asked.total} · {safe(title, 100)}", limits.EMBED_TITLE
        ),
        description=safe(q.text, 1000),
        colour=BLURPLE,
    )
    if asked.choices:
        embed.add_field(
            name="Choices",
            value=cut(
                "\n".join(
                    f"**{i}.** {safe(c, limits.BUTTON_LABEL)}"
                    for i, c in enumerate(asked.choices, 1)
                ),
                limits.EMBED_FIELD_VALUE,
            ),
            inline=False,
        )
    else:
        embed.add_field(
            name="How to answer", value="Type your answer in this channel.", inline=False
        )
    if hint:
        # a backtick in the answer (or the bank's hint) would end the code span early
        shown = limits.clean(hint).replace("`", "\u02cb")
        embed.add_field(
            name="Hint", value=cut(f"`{shown}`", limits.EMBED_FIELD_VALUE), inline=False
        )
    embed.add_field(name="Closes", value=closes, inline=True)
    embed.set_footer(text=f"{q.difficulty.value} · {q.category or 'general'}")
    return limits.fit_embed(embed)


def _names(answers: Sequence[tuple[str, int]]) -> str:
    shown = [f"{safe(name, 64)} (+{points})" for name, points in answers[:MAX_NAMES]]
    more = len(answers) - MAX_NAMES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def skip_text(skip: SkipTally) -> str:
    if skip.by is not None:
        return f"Skipped by {safe(skip.by.name, 64)}; nobody scores on it."
    voters = "1 player" if skip.votes == 1 else f"{skip.votes} players"
    return f"{voters} voted to skip; nobody scores on it."


def reveal_embed(
    result: QuestionResult, bank: Bank | None, teams: Sequence[TeamStanding] = ()
) -> discord.Embed:
    asked = result.asked
    q = asked.question
    right = [(a.player.name, a.points) for a in result.correct]
    embed = discord.Embed(
        title=cut(
            f"Question {asked.number}/{asked.total} · {'skipped' if result.skip else 'answer'}",
            limits.EMBED_TITLE,
        ),
        description=safe(q.text, 1000),
        colour=GREEN if right else GREY,
    )
    # validation lets through text made only of invisible characters, which safe() removes;
    # Discord refuses empty field values, and the reveal would fail
    embed.add_field(
        name="Answer", value=safe(q.answers[0], limits.EMBED_FIELD_VALUE) or "(blank)", inline=False
    )
    wrong = len(result.answers) - len(right)
    if result.skip is not None:
        embed.add_field(name="Skipped", value=skip_text(result.skip), inline=False)
    else:
        embed.add_field(
            name="Right" if right else "Nobody got it",
            value=cut(_names(right), limits.EMBED_FIELD_VALUE)
            if right
            else (f"{wrong} answered, none right." if wrong else "No answers."),
            inline=False,
        )
    if teams:
        embed.add_field(
            name="Teams",
            value=cut(" · ".join(f"{t.name} {t.points}" for t in teams), limits.EMBED_FIELD_VALUE),
            inline=False,
        )
    why = safe(q.explanation, limits.EMBED_FIELD_VALUE) if q.explanation else ""
    if why:
        embed.add_field(name="Why", value=why, inline=False)
    cite = bank.citation(q.source) if bank else None
    if cite:
        embed.set_footer(text=cut(cite, limits.EMBED_FOOTER))
    return limits.fit_embed(embed)


def standings_embed(
    standings: Sequence[Standing], stop_reason: str | None, teams: Sequence[TeamStanding] = ()
) -> discord.Embed:
    """Players best first; in a team round, the teams first."""
    title = "Final standings"
    if stop_reason == "idle":
        title += " (stopped: two questions in a row went unanswered)"
    elif stop_reason:
        title += f" ({safe(stop_reason, 80)})"  # "stopped by <display name>"
    lines = [
        f"**{i}.** {safe(s.player.name, 64)} · {s.points} pts · {s.correct}/{s.answered} right"
        for i, s in enumerate(standings[:20], 1)
    ]
    if teams:
        lines = ["__Teams__", *team_lines(teams), "", "__Players__", *lines]
    embed = discord.Embed(
        title=cut(title, limits.EMBED_TITLE),
        description=cut("\n".join(lines) or "Nobody scored.", limits.EMBED_DESCRIPTION),
        colour=BLURPLE,
    )
    return limits.fit_embed(embed)


def board_embed(
    rows: Sequence[BoardRow], *, title: str, page: int, pages: int, you: str | None
) -> discord.Embed:
    """`you`: the rank of whoever asked for the board, kept as it is on every page."""
    lines = [
        f"**{r.rank}.** {safe(r.name, 64)} · {r.points} pts · {r.correct}/{r.answered} right"
        for r in rows
    ]
    embed = discord.Embed(
        title=cut(title, limits.EMBED_TITLE),
        description="\n".join(lines) or "No answers recorded yet.",
        colour=BLURPLE,
    )
    if you is not None:
        embed.add_field(name="You", value=you, inline=False)
    embed.set_footer(text=f"Page {page + 1}/{max(pages, 1)}")
    return limits.fit_embed(embed)


def stats_embed(stats: PlayerStats, scope: str) -> discord.Embed:
    embed = discord.Embed(
        title=cut(f"{safe(stats.name, 64)} · {scope}", limits.EMBED_TITLE), colour=BLURPLE
    )
    for name, value in (
        ("Points", f"{stats.points}"),
        ("Rank", f"#{stats.rank}"),
        ("Accuracy", f"{stats.accuracy:.0%} ({stats.correct}/{stats.answered})"),
        ("Games", f"{stats.games}"),
        ("Wins", f"{stats.wins}"),
        ("Best streak", f"{stats.best_streak}"),
    ):
        embed.add_field(name=name, value=value, inline=True)
    return embed
