"""The game itself: banks, judging, rounds and scoring. No Discord, no SQL, no I/O."""

from bot.engine.judge import judge

__all__ = ["judge"]
