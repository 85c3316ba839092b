"""Small question fixtures built in code, for tests that need no files."""

from __future__ import annotations

from bot.engine.models import Bank, Difficulty, Player, Question


def make_question(n: int, *, bank: str = "t", tf: bool = False) -> Question:
    if tf:
        return Question(
            id=f"q{n}",
            text=f"Statement {n} is true.",
            answers=("True",),
            distractors=("False",),
            bank_id=bank,
        )
    return Question(
        id=f"q{n}",
        text=f"Question number {n}?",
        answers=(f"answer {n}",),
        distractors=(f"wrong {n}a", f"wrong {n}b", f"wrong {n}c", f"wrong {n}d"),
        difficulty=Difficulty.EASY,
        bank_id=bank,
    )


def make_bank(count: int, bank_id: str = "t") -> Bank:
    return Bank(
        id=bank_id,
        title=bank_id.upper(),
        questions=tuple(make_question(i, bank=bank_id) for i in range(count)),
    )


ALICE = Player(1, "Alice")
BOB = Player(2, "Bob")
CAROL = Player(3, "Carol")
ROBOT = Player(9, "Robot", is_bot=True)
