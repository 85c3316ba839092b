"""Hostile input: fuzzed bank files, imports and guesses; forged buttons; click and start storms."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.banks.importers import FORMATS, BankImportError, ImportReport, import_questions
from bot.banks.loader import load_bank_file, parse_bank_text
from bot.engine.judge import judge
from bot.engine.validation import BANK_KEYS, QUESTION_KEYS, SOURCE_KEYS, BankReport
from tests.fakediscord import FakeDiscord
from tests.faults.conftest import (
    TALLY,
    add_server,
    click,
    db_rows,
    question,
    raw_click,
    right_label,
    running_bot,
    settings_for,
    start_round,
    wrong_label,
)

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ----------------------------------------------------------------------------

# Every key our format knows, then the keys of the formats we import.
_KEYS = [
    *sorted(BANK_KEYS | SOURCE_KEYS | QUESTION_KEYS),
    "type",
    "correct_answer",
    "incorrect_answers",
    "AUTHOR",
    "CONFIG",
    "DESCRIPTION",
    "response_code",
    "results",
]
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(["easy", "hard", "geo", ""])
    | st.dates(min_value=dt.date(1, 1, 1))
    | st.text(min_size=300, max_size=1200)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)
_question = st.fixed_dictionaries(
    {"question": _scalars},
    optional={k: _values for k in (*sorted(QUESTION_KEYS - {"question"}), "extra")},
)
_bank = st.fixed_dictionaries(
    {"questions": st.lists(_question | _values, max_size=5)},
    optional={"id": _scalars, "title": _scalars, "description": _values, "sources": _values},
)
_yaml_lines = st.lists(
    st.sampled_from(
        [
            "id: geo",
            "title: T",
            "questions:",
            "  - id: q",
            "    question: Q?",
            "    answers: [a, b]",
            "    distractors:",
            "      - x",
            "&a x",
            "*a",
            "!!python/object:os.system x",
            "!!binary aGk=",
            "{",
            "[",
            "'",
            '"',
            ":",
            "- ",
            "? ",
            "\t",
            "%YAML 1.1",
            "---",
            "...",
            "\ufeff",
            "\u202e",
            "~",
        ]
    ),
    max_size=15,
).map("\n".join)
_words = st.sampled_from(
    [
        "one",
        "hundred",
        "thousand",
        "million",
        "first",
        "1st",
        "8th",
        "eighth",
        "the",
        "a",
        "and",
        "&",
        "-",
        "'",
        "?",
        "||",
        "**",
        "Rome",
        "rome",
        "Roma",
        "I think",
        "maybe",
        "or",
        "not",
        "2020-01-01",
        "01/02/2025",
        "1 January 2020",
        "MMXX",
        "½",
        "Ⅻ",
        "٣",
        "١٢",
        "Ⓡome",
        "\u0301",
        "\u200b",
        "\u202e",
        "é",
        "ǅ",
        "ﬁ",
        "9" * 400,
        "1" * 1999,
        " ",
        "\n",
        "\t",
    ]
)
_guess = st.text(max_size=200) | st.lists(_words, max_size=12).map(" ".join)
_accepted = st.lists(
    (
        st.text(min_size=1, max_size=60) | st.lists(_words, min_size=1, max_size=5).map(" ".join)
    ).filter(str.strip),
    min_size=1,
    max_size=4,
)


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _dump_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _import(data: bytes | str, fmt: str, encoding: str = "auto") -> None:
    """Only a report or BankImportError, the one documented failure, may come out."""
    TALLY["hostile inputs: importers (hypothesis examples)"] += 1
    try:
        report = import_questions(data, fmt, bank_id="fuzz", filename="upload", encoding=encoding)
    except BankImportError as exc:
        assert str(exc)
        return
    assert isinstance(report, ImportReport)
    assert all(str(p) for p in report.problems)


def _loaded(report: BankReport) -> None:
    assert isinstance(report, BankReport)
    assert report.bank is not None or report.problems
    assert all(str(p) for p in report.problems)


# -- bank loader -----------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
def test_loader_survives_random_bytes(data: bytes) -> None:
    """A bank file is whatever is on disk: bytes that are not even text end in a report."""
    TALLY["hostile inputs: loader (hypothesis examples)"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.yaml"
        path.write_bytes(data)
        _loaded(load_bank_file(path))


@FUZZ
@given(_yaml_lines | st.text(max_size=400))
def test_loader_survives_yaml_ish_text(text: str) -> None:
    """Tags, aliases, BOMs and broken syntax are problems to report, never crashes."""
    TALLY["hostile inputs: loader (hypothesis examples)"] += 1
    _loaded(parse_bank_text(text, "fuzz.yaml"))


@FUZZ
@given(_bank | _values)
def test_loader_survives_random_yaml_structures(data: Any) -> None:
    """Valid YAML of the wrong shape: wrong types, huge numbers, dates, nesting, long text."""
    TALLY["hostile inputs: loader (hypothesis examples)"] += 1
    _loaded(parse_bank_text(_dump_yaml(data), "fuzz.yaml", guild_id=1))


# -- importers -------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=1500), st.sampled_from([*FORMATS, "auto"]))
def test_importers_survive_random_bytes(data: bytes, fmt: str) -> None:
    _import(data, fmt)


@FUZZ
@given(_bank | _values, st.sampled_from(["yaml", "red", "auto"]))
def test_importers_survive_random_yaml_structures(data: Any, fmt: str) -> None:
    _import(_dump_yaml(data), fmt)


@FUZZ
@given(
    st.dictionaries(st.sampled_from(_KEYS), _values, max_size=4)
    | st.fixed_dictionaries(
        {"response_code": _scalars, "results": st.lists(_question | _values, max_size=5)}
    ),
    st.sampled_from(["auto", "none", "url3986", "base64", "legacy"]),
)
def test_opentdb_importer_survives_random_json(data: Any, encoding: str) -> None:
    _import(json.dumps(data, default=str), "opentdb", encoding)


@FUZZ
@given(
    st.lists(
        st.lists(
            st.text(max_size=30)
            | st.sampled_from(
                ["question", "answer", "distractors", "a|b", "\\|", "\\\\", "easy", "", ";", "\t"]
            ),
            max_size=8,
        ),
        max_size=8,
    )
)
def test_csv_importer_survives_random_rows(rows: list[list[str]]) -> None:
    _import(_dump_csv([["question", "answer", "distractors"], *rows]), "csv")


# Pasted walls of text, invisible and bidirectional controls, and pings, in every field.
_WALL = ("@everyone <@&456> \u202eevil\u200b **x** " * 200)[:4000]


def _hostile_rows() -> list[list[str]]:
    ok = ["Which planet is red? @here \u200b", "Mars", "", "Venus|Jupiter|<@123>"]
    return [
        ok,
        [_WALL, "Mars", "", "Venus|Jupiter|Saturn"],
        ["Which is largest?", _WALL[:4000], "", "Venus|Jupiter|Saturn"],
        ["Which is smallest?", "Mercury", "", f"Venus|{_WALL}|Saturn"],
        ["Which is hottest?", "Venus", f"{_WALL}|Hot one", "Mars|Jupiter|Saturn"],
    ]


@pytest.mark.parametrize("fmt", ["csv", "yaml", "red", "opentdb"])
def test_four_thousand_character_fields_are_refused_by_name_and_the_rest_imports(fmt):
    """Each oversized field is named with its entry; the one sane question still imports."""
    rows = _hostile_rows()
    if fmt == "csv":
        text = _dump_csv([["question", "answer", "alternates", "distractors"], *rows])
    elif fmt == "yaml":
        questions = [
            {
                "id": f"q{i}",
                "question": q,
                "answers": [a, *filter(None, alt.split("|"))],
                "distractors": d.split("|"),
            }
            for i, (q, a, alt, d) in enumerate(rows)
        ]
        text = yaml.safe_dump({"id": "x", "title": "X", "questions": questions})
    elif fmt == "red":
        text = yaml.safe_dump(
            {q: [a, *filter(None, alt.split("|"))] for q, a, alt, _ in rows}, sort_keys=False
        )
    else:
        results = [
            {
                "type": "multiple",
                "difficulty": "easy",
                "category": "Space",
                "question": q,
                "correct_answer": a,
                "incorrect_answers": d.split("|"),
            }
            for q, a, _, d in rows
        ]
        text = json.dumps({"response_code": 0, "results": results})
    TALLY["hostile inputs: 4,000-character import fields"] += len(rows) - 1
    report = import_questions(text, fmt, bank_id="hostile", filename=f"upload.{fmt}")
    # Red lists have no distractors and OpenTDB no alternates: that row's wall never arrives
    unaffected = {"red": ["Which is smallest?"], "opentdb": ["Which is hottest?"]}.get(fmt, [])
    assert [q.text for q in report.questions] == ["Which planet is red? @here \u200b", *unaffected]
    messages = [str(p) for p in report.problems]
    assert len({p.entry for p in report.problems}) == len(rows) - 1 - len(unaffected), messages
    assert all("characters" in m or m.endswith("no accepted answer") for m in messages), messages
    assert all(len(m) < 400 for m in messages), "a problem must not echo the whole field"


# -- the judge -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_guess, _accepted)
def test_judge_answers_every_guess_with_a_bool(guess: str, accepted: list[str]) -> None:
    """A chat message can hold anything; the judge only ever says yes or no."""
    TALLY["hostile inputs: judge (hypothesis examples)"] += 1
    assert judge(guess, accepted) in (True, False)


# -- through the loopback Discord ------------------------------------------------------------


def _forged(game: int, other_round: int, other_server: int) -> list[str]:
    """Custom ids a tampered client could send, none of them on the message it clicks."""
    rng = random.Random(20240611)
    junk = [
        "".join(rng.choice(":0123456789a-zé\u202e") for _ in range(rng.randint(1, 99)))
        for _ in range(10)
    ]
    return [
        f"trivia:a:{other_round}:1:0",  # another round in this server
        f"trivia:a:{other_server}:1:0",  # a round in another server
        f"trivia:a:{game}:1:9",  # out-of-range choice
        f"trivia:a:{game}:2:0",  # a question not asked yet
        f"trivia:a:{game}:999:0",
        f"trivia:a:{'9' * 19}:1:0",  # the largest id the pattern allows
        f"trivia:a:{'9' * 40}:1:0",  # huge numbers
        f"trivia:a:{game}:1:{'9' * 30}",
        f"trivia:a:-{game}:1:0",
        f"trivia:a:{game}:1",  # malformed
        f"trivia:a:{game}:1:0:0",
        f"trivia:a:{game}:1:x",
        f"trivia:a:{game}:１:0",
        "trivia:a:",
        "trivia:",
        "trivia:lb:all:guild:0:",
        "x" * 100,
        *junk,
    ]


@pytest.mark.slow
async def test_forged_custom_ids_get_a_clear_reply_and_score_nothing(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Every forged click is answered in time, privately, and changes no score."""
    s = add_server(fake, players=("alice", "bob", "mallory"))
    t = add_server(fake, "two", players=("zed",))
    alice, bob, mallory = s.players
    settings_ = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings_, s.guild, t.guild) as run:
        starts = [(s.channel, alice), (s.other_channel, bob), (t.channel, t.players[0])]
        for channel, user in starts:
            assert "started a round" in await start_round(fake, channel, user, seconds=60)
        msg = await question(fake, s.channel, 1)
        games = {x.channel_id: x.game_id for x in run.bot.service.sessions()}
        forged = _forged(games[s.channel.id], games[s.other_channel.id], games[t.channel.id])
        clicks = [await raw_click(fake, msg, mallory, cid) for cid in forged]
        for ix in clicks:
            reply = await ix.response(timeout=3)
            assert reply.ephemeral and "nothing was recorded" in reply.content, reply.content
            assert ix.latency is not None and ix.latency < 3
        TALLY["hostile inputs: forged custom_ids"] += len(forged)
        assert all(not x.round.standings() for x in run.bot.service.sessions())
        # the real buttons still work for everyone else
        assert (await click(fake, msg, alice, right_label(msg))).startswith("Locked in")
        assert run.app.service.writer.backlog == 0
    assert db_rows(settings_.db_path, "SELECT player_id FROM answers") == [(alice.id,)]
    fake.assert_no_violations()


@pytest.mark.slow
async def test_fifty_clicks_by_one_player_store_one_answer(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """A click storm: every click is answered, exactly one is locked in and stored."""
    s = add_server(fake)
    alice, bob, _ = s.players
    settings_ = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings_, s.guild):
        assert "started a round" in await start_round(fake, s.channel, alice, seconds=60)
        msg = await question(fake, s.channel, 1)
        labels = [right_label(msg), wrong_label(msg)]
        clicks = await asyncio.gather(
            *(fake.click_button(msg, None, bob, label=labels[i % 2]) for i in range(50))
        )
        replies = [(await ix.response()).content for ix in clicks]
        TALLY["hostile inputs: storm clicks"] += 50
        assert sum(r.startswith("Locked in") for r in replies) == 1
        assert sum("already locked in" in r for r in replies) == 49
    assert db_rows(settings_.db_path, "SELECT COUNT(*) FROM answers") == [(1,)]
    fake.assert_no_violations()


@pytest.mark.slow
async def test_two_starts_ten_ms_apart_make_one_round(fake: FakeDiscord, tmp_path: Path) -> None:
    """Two people start a round in the same channel at once: one round, one clear refusal."""
    s = add_server(fake)
    alice, bob, _ = s.players
    settings_ = settings_for(tmp_path, fake.token)
    async with running_bot(fake, settings_, s.guild) as run:
        first = await fake.invoke_slash(s.channel, alice, "trivia start", {"bank": "geo"})
        await asyncio.sleep(0.01)
        second = await fake.invoke_slash(s.channel, bob, "trivia start", {"bank": "geo"})
        replies = [(await first.reply()).text, (await second.reply()).text]
        TALLY["hostile inputs: racing starts"] += 2
        assert sum("started a round" in r for r in replies) == 1, replies
        assert sum("already running" in r for r in replies) == 1, replies
        assert len(run.bot.service.sessions()) == 1
    assert db_rows(settings_.db_path, "SELECT COUNT(*) FROM games") == [(1,)]
    fake.assert_no_violations()
