"""`trivia-bot play` on a terminal: a real pseudo-terminal (pexpect), a real database.

The terminal here answers prompt_toolkit's cursor-position requests as a real one does;
without an answer prompt_toolkit draws no bottom toolbar.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
WORDS = {"lighthouse": "Type the word lighthouse.", "harbour": "Type the word harbour."}
CPR_REQUEST = re.escape("\x1b[6n")


def write_bank(folder: Path) -> Path:
    folder.mkdir()
    lines = ["id: words", "title: Words", "questions:"]
    for word, question in WORDS.items():
        lines += [f"  - id: {word}", f"    question: {question}", f"    answers: [{word}]"]
        lines += ["    distractors: [anchor, beacon, jetty]"]
    (folder / "words.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


class Terminal:
    """A child on a pseudo-terminal that answers cursor-position requests."""

    def __init__(self, command: str, args: list[str], tmp_path: Path, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIVIA_", "DISCORD_"))}
        env.update(
            TRIVIA_DB=str(tmp_path / "trivia.db"),
            TRIVIA_BANKS=str(write_bank(tmp_path / "banks")),
            TERM="xterm",
        )
        self.child = pexpect.spawn(
            command, args, env=env, cwd=str(cwd), encoding="utf-8", timeout=30, dimensions=(24, 100)
        )
        self.seen: list[str] = []

    def expect(self, pattern: str) -> re.Match[str]:
        while True:
            index = self.child.expect([CPR_REQUEST, pattern])
            self.seen.append(self.child.before + str(self.child.after))
            if index == 0:
                self.child.send("\x1b[5;1R")  # the cursor is on row 5: room below for the toolbar
                continue
            assert isinstance(self.child.match, re.Match)
            return self.child.match

    def seconds_left(self) -> int:
        return int(self.expect(r"(\d+) s left · question")[1])

    def question_word(self) -> str:
        text = self.expect(r"Type the word (\w+)\.")
        return text[1]

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def test_the_countdown_ticks_while_a_guess_is_half_typed_and_the_guess_survives(tmp_path):
    term = Terminal(
        sys.executable,
        ["-m", "bot", "play", "--mode", "typed", "--questions", "2", "--seconds", "8"],
        tmp_path,
        tmp_path,
    )
    term.expect("Question 1/2")
    word = term.question_word()
    first = term.seconds_left()
    term.child.send(word[:4])  # half a guess, no Enter
    later = term.seconds_left()
    while later == first:
        later = term.seconds_left()
    assert later < first  # the toolbar ticked with the half guess on the line
    term.child.send(word[4:] + "\r")
    term.expect(r"Right! \+\d+ points")

    term.child.send("zzz")  # typed between questions: not meant for the next one
    term.expect("Question 2/2")
    word = term.question_word()
    term.seconds_left()
    term.child.send(word + "\r")
    term.expect(r"Right! \+\d+ points\.\r?\n")  # typed mode shows no streak
    term.expect("Final standings")
    assert term.finish() == 0
    transcript = "".join(term.seen)
    assert "Not quite" not in transcript and "streak 2" not in transcript.split("Final")[0]

    con = sqlite3.connect(tmp_path / "trivia.db")
    try:
        assert con.execute("SELECT COUNT(*), SUM(correct) FROM answers").fetchone() == (2, 2)
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_ctrl_c_after_a_saved_answer_exits_0_through_make_play(tmp_path):
    """Ctrl-C reaches the round as a key, not as a SIGINT that would kill make too."""
    bin_dir = Path(sys.executable).parent
    make_args = ["-s", "-o", f"{bin_dir}/trivia-bot", f"BIN={bin_dir}", "play"]
    term = Terminal("make", make_args, tmp_path, ROOT)
    term.expect("Question 1/")
    term.seconds_left()
    term.child.send("1\r")
    term.expect("Locked in")
    term.child.sendcontrol("c")
    term.expect(r"Round stopped \(interrupted\); points so far are saved")
    assert term.finish() == 0
    con = sqlite3.connect(tmp_path / "trivia.db")
    try:
        assert con.execute("SELECT status FROM games").fetchall() == [("stopped",)]
        assert con.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
    finally:
        con.close()
