"""Fixtures for the fake Discord's own tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `tests.fakediscord` must import however pytest is run
    sys.path.insert(0, str(REPO_ROOT))

from tests.fakediscord import FakeDiscord, World  # noqa: E402


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake with default rules; closed after the test."""
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    """One guild with a #trivia channel and users alice and bob."""
    return fake.setup_basic()
