"""Small argparse helpers shared by every subcommand: typed values with ranges, usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_in(low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number in [low, high]; the error names the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {span}, not {value}")
        return value

    return parse


def number_in(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:g} to {high:g}, not {value:g}")
        return value

    return parse


def snowflake(text: str) -> int:
    """A Discord id: digits only."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a Discord id (digits)")
    return int(text)


def mark_parsers(parser: argparse.ArgumentParser) -> None:
    """Remember on every parser's results which parser made them, for usage errors later."""
    parser.set_defaults(_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                mark_parsers(child)
