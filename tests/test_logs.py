"""The one logging set-up: records go to stderr as it is now, voice warnings are dropped."""

import io
import logging
import sys

import pytest

from bot.logs import configure_logging


def test_records_follow_stderr_even_after_the_stream_it_started_with_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, later = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("WARNING")
    logging.getLogger("trivia.test").warning("to the first stream")
    first.close()  # as pytest closes a test's captured stderr
    monkeypatch.setattr(sys, "stderr", later)
    logging.getLogger("trivia.test").warning("to the later stream")
    logging.getLogger("discord.client").warning(
        "PyNaCl is not installed, voice will NOT be supported"
    )
    assert later.getvalue().count("\n") == 1 and "to the later stream" in later.getvalue()
