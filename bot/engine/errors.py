"""Domain errors: each front-end turns these into a message for the user."""


class TriviaError(Exception):
    """Base of every error a user can cause; its text is safe to show them."""


class AlreadyAnswered(TriviaError):
    def __init__(self) -> None:
        super().__init__("You already locked in an answer for this question.")


class QuestionClosed(TriviaError):
    def __init__(self) -> None:
        super().__init__("Too late: this question has closed.")


class QuestionSkipped(QuestionClosed):
    def __init__(self) -> None:
        TriviaError.__init__(self, "Too late: this question was skipped.")


class NoQuestionYet(QuestionClosed):
    """Before the round's first question (a team round's join window): none to skip yet."""

    def __init__(self) -> None:
        TriviaError.__init__(self, "The first question isn't up yet: there is nothing to skip.")


class TooLateToSkip(TriviaError):
    def __init__(self) -> None:
        super().__init__(
            "Someone has already answered this question, so it can't be skipped now: "
            "an answer locked in keeps its points."
        )


class NotInRound(TriviaError):
    def __init__(self) -> None:
        super().__init__(
            "Only players in this round can vote to skip: answer a question (or join a team) "
            "first. The starter or an admin can skip at once."
        )


class RoundOver(TriviaError):
    def __init__(self) -> None:
        super().__init__("This round has ended.")


class OutOfGuesses(TriviaError):
    def __init__(self, allowed: int) -> None:
        word = "guess" if allowed == 1 else "guesses"
        super().__init__(f"You have had your {allowed} {word} at this question.")


class ForgottenInRound(TriviaError):
    """An admin deleted this member's data here while the round ran: nothing more is kept."""

    def __init__(self) -> None:
        super().__init__(
            "Your trivia data on this server was deleted during this round, so nothing more "
            "of it is kept; you can play again from the next round."
        )


class RoundAlreadyRunning(TriviaError):
    def __init__(self) -> None:
        super().__init__("A round is already running in this channel; wait for it to end.")


class TooManyRounds(TriviaError):
    """The server's cap on rounds at once is reached: a game rule, not a front-end's."""

    def __init__(self, cap: int) -> None:
        rounds = "round" if cap == 1 else "rounds"
        super().__init__(
            f"This server already has {cap} {rounds} running, its limit; wait for one to end."
        )


class NoRoundRunning(TriviaError):
    def __init__(self) -> None:
        super().__init__("No round is running in this channel.")


MAX_LISTED = 10  # a server with dozens of banks gets a line, not a wall


class UnknownBank(TriviaError):
    def __init__(self, bank_id: str, known: list[str]) -> None:
        shown = ", ".join(known[:MAX_LISTED]) or "none"
        more = f" and {len(known) - MAX_LISTED} more" if len(known) > MAX_LISTED else ""
        super().__init__(f"Unknown bank '{bank_id}'. Available banks: {shown}{more}.")


class NotEnoughQuestions(TriviaError):
    pass


class InvalidSetting(TriviaError):
    pass


class NotAllowed(TriviaError):
    pass
