"""`trivia-bot play` end to end: a real subprocess, stdin from a pipe, a real database."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "banks"
GEO_ANSWERS = ["Rome", "Paris", "Nile", "Westminster Bridge", "True", "6"]


def env_for(tmp_path: Path, banks: Path = FIXTURES) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
    env.update(TRIVIA_DB=str(tmp_path / "trivia.db"), TRIVIA_BANKS=str(banks))
    return env


def trivia(
    tmp_path: Path, *args: str, stdin: str = "", banks: Path = FIXTURES, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env_for(tmp_path, banks),
        cwd=tmp_path,
        timeout=timeout,
    )


def query(tmp_path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(tmp_path / "trivia.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_piped_buttons_round_is_played_and_recorded(tmp_path):
    done = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "3", "--player", "Ann", stdin="1\n2\n1\n"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Question 1/3" in out and "Question 3/3" in out
    assert out.count("Locked in:") == 3
    assert "Answer:" in out and "Final standings" in out and "Ann" in out
    assert "Source: A school atlas (Test Press, 2020-01-01)" in out
    assert query(tmp_path, "SELECT status FROM games") == [("finished",)]
    assert query(tmp_path, "SELECT COUNT(*) FROM answers") == [(3,)]
    points = query(tmp_path, "SELECT SUM(points) FROM answers")[0][0]
    assert query(tmp_path, "SELECT points, answered, games FROM player_totals") == [(points, 3, 1)]

    board = trivia(tmp_path, "leaderboard")
    assert board.returncode == 0 and "Ann" in board.stdout and f"{points} pts" in board.stdout
    month = trivia(tmp_path, "leaderboard", "--month")
    assert month.returncode == 0 and "This month's leaderboard" in month.stdout
    assert f"{points} pts" in month.stdout


def test_piped_typed_round_takes_the_first_right_answer(tmp_path):
    guesses = "\n".join(["wrong"] + GEO_ANSWERS * 2) + "\n"
    done = trivia(
        tmp_path,
        "play",
        "--bank",
        "geo",
        "--questions",
        "2",
        "--mode",
        "typed",
        "--guesses",
        "10",
        "--difficulty",
        "easy",  # easy questions score x1: 1000 for an answer before the first hint
        "--player",
        "Ann",
        stdin=guesses,
    )
    assert done.returncode == 0, done.stderr
    assert "Not quite; try again." in done.stdout
    assert done.stdout.count("Right! +1000 points") == 2
    assert query(tmp_path, "SELECT correct, points FROM answers ORDER BY number") == [
        (1, 1000),
        (1, 1000),
    ]


def test_difficulty_and_category_filter_the_round_and_weight_its_points(tmp_path):
    medium = "Nile\nWestminster Bridge\n" * 2
    done = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "2", "--mode", "typed",
        "--guesses", "10", "--difficulty", "medium", stdin=medium,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Trivia: 2 medium questions" in done.stdout and done.stdout.count("· medium") == 2
    assert done.stdout.count("Right! +1250 points") == 2  # 1000 x1.25
    assert query(tmp_path, "SELECT correct, points FROM answers") == [(1, 1250), (1, 1250)]
    one = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "1", "--category", "CAPITALS",
        stdin="1\n",
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    assert "Which city is the capital of Italy?" in one.stdout


def test_a_filter_leaving_too_few_questions_is_one_line(tmp_path):
    done = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "3", "--difficulty", "hard",
        "--category", "capitals",
    )  # fmt: skip
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "trivia-bot: Only 0 hard 'capitals' questions can be played in buttons mode, and the "
        "round needs 3: widen the filter. Available in buttons mode: easy 3, medium 2, hard 0; "
        "categories: Capitals 1."
    ]


def test_typed_guesses_run_out(tmp_path):
    guesses = "\n".join(["wrong", *GEO_ANSWERS]) + "\n"
    done = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "1", "--mode", "typed", "--guesses", "1",
        stdin=guesses,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "You have had your 1 guess at this question." in done.stdout
    assert "Right!" not in done.stdout
    assert query(tmp_path, "SELECT correct, points FROM answers") == [(0, 0)]


def test_end_of_input_stops_the_round_and_keeps_points(tmp_path):
    done = trivia(tmp_path, "play", "--bank", "geo", "--questions", "3", stdin="1\n")
    assert done.returncode == 0, done.stderr
    assert "Round stopped (end of input)" in done.stdout
    assert query(tmp_path, "SELECT status FROM games") == [("stopped",)]
    assert query(tmp_path, "SELECT COUNT(*) FROM answers") == [(1,)]


@pytest.mark.slow
def test_ctrl_c_saves_the_round_as_stopped(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "play", "--bank", "geo", "--questions", "3"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(tmp_path),
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "Question 1/3" in line:
            break
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Round stopped (interrupted)" in out
    assert query(tmp_path, "SELECT status FROM games") == [("stopped",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["play", "--bank", "nope"], "Unknown bank 'nope'"),
        (["play", "--questions", "-3"], "--questions: must be from 1 to 50, not -3"),
        (["play", "--seconds", "1"], "--seconds: must be from 5 to 120, not 1"),
    ],
)
def test_user_mistakes_get_one_clear_line(tmp_path, args, message):
    done = trivia(tmp_path, *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_corrupt_database_is_explained(tmp_path):
    (tmp_path / "trivia.db").write_bytes(b"garbage" * 1000)
    done = trivia(tmp_path, "play", "--bank", "geo")
    assert done.returncode == 2
    assert "trivia.db" in done.stderr and "Traceback" not in done.stderr


def test_missing_bank_folder_is_explained(tmp_path):
    done = trivia(tmp_path, "play", banks=tmp_path / "nowhere")
    assert done.returncode == 2
    assert "nowhere" in done.stderr and "Traceback" not in done.stderr


def test_banks_check_reports_file_line_and_question(tmp_path):
    bad = tmp_path / "banks"
    bad.mkdir()
    (bad / "bad.yaml").write_text(
        "id: bad\ntitle: Bad\nquestions:\n  - id: q1\n    question: Where?\n"
        "    answers: []\n  - id: q1\n    question: Again?\n    answers: [x]\n"
        "    colour: red\n",
        "utf-8",
    )
    (bad / "good.yaml").write_text(
        "id: good\ntitle: Good\nquestions:\n  - id: q1\n    question: Why?\n"
        "    answers: [because]\n",
        "utf-8",
    )
    done = trivia(tmp_path, "banks", "check", str(bad))
    assert done.returncode == 1
    assert f"{bad / 'bad.yaml'}:6: question 'q1': no accepted answer" in done.stdout
    assert "unknown key 'colour'" in done.stdout
    assert f"ok    {bad / 'good.yaml'}" in done.stdout


def test_play_leaves_a_discord_round_running_beside_it(tmp_path):
    """The database may be shared with live bot processes: play recovers only its own."""
    assert (
        trivia(tmp_path, "play", "--bank", "geo", "--questions", "1", stdin="1\n").returncode == 0
    )
    con = sqlite3.connect(tmp_path / "trivia.db")
    with con:
        for guild, channel in ((0, 0), (1_150_000_000_000_000_000, 42)):  # terminal, Discord
            con.execute(
                "INSERT INTO games (guild_id, channel_id, banks, mode, starter_id, "
                "question_count, seconds, started_at) VALUES (?, ?, 'geo', 'buttons', 1, 3, 20, 1)",
                (guild, channel),
            )
    con.close()
    done = trivia(tmp_path, "play", "--bank", "geo", "--questions", "1", stdin="1\n")
    assert done.returncode == 0, done.stderr
    assert query(tmp_path, "SELECT guild_id, status FROM games WHERE started_at = 1") == [
        (0, "abandoned"),
        (1_150_000_000_000_000_000, "running"),
    ]


DRAFTED = """\
id: drafted
title: Drafted
questions:
  - {id: final, question: Which colour is the sky?, answers: [Blue], distractors: [Red, Lime, Pink]}
  - id: kept
    status: keep
    question: Which colour is grass?
    answers: [Green]
    distractors: [Red, Blue, Pink]
  - {id: final-two, question: Which colour is snow?, answers: [White], distractors: [Red, Tan, Ink]}
  - {id: unread, status: draft, question: DRAFT one?, answers: [Red], distractors: [Tan, Ink, Sky]}
  - {id: dropped, status: drop, question: DRAFT two?, answers: [Red], distractors: [Tan, Ink, Sky]}
"""
ONLY_DRAFTS = """\
id: only-drafts
title: Only drafts
questions:
  - {id: a, status: draft, question: DRAFT three?, answers: [Red], distractors: [Blue, Lime, Pink]}
"""


def test_drafts_under_review_are_never_asked(tmp_path):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "drafted.yaml").write_text(DRAFTED, "utf-8")
    (banks / "only-drafts.yaml").write_text(ONLY_DRAFTS, "utf-8")
    done = trivia(tmp_path, "play", "--questions", "3", stdin="1\n1\n1\n", banks=banks)
    assert done.returncode == 0, done.stderr
    asked = {"the sky", "grass", "snow"}
    assert {w for w in asked if f"colour is {w}?" in done.stdout} == asked
    assert "DRAFT" not in done.stdout
    # asking for more than the three playable ones still asks no draft
    more = trivia(tmp_path, "play", "--questions", "4", stdin="1\n" * 4, banks=banks)
    assert "DRAFT" not in more.stdout
    alone = trivia(tmp_path, "play", "--bank", "only-drafts", banks=banks)
    assert alone.returncode != 0 and "only-drafts" in alone.stderr


def test_a_skip_line_skips_the_question_and_scores_nothing(tmp_path):
    done = trivia(
        tmp_path, "play", "--bank", "geo", "--questions", "3", "--player", "Ann",
        stdin="/skip\n1\n/SKIP\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Skipped: nobody scores on it.") == 2
    assert "/skip skips a question" in done.stdout  # said once, at the start
    assert done.stdout.count("Locked in:") == 1 and "Question 3/3" in done.stdout
    assert query(tmp_path, "SELECT status FROM games") == [("finished",)]
    assert query(tmp_path, "SELECT number FROM answers") == [(2,)]
