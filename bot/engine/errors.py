"""Domain errors: each front-end turns these into a message for the user."""


class TriviaError(Exception):
    """Base of every error a user can cause; its text is safe to show them."""


class AlreadyAnswered(TriviaError):
    def __init__(self) -> None:
        super().__init__("You already locked in an answer for this question.")


class QuestionClosed(TriviaError):
    def __init__(self) -> None:
        super().__init__("Too late: this question has closed.")


class RoundOver(TriviaError):
    def __init__(self) -> None:
        super().__init__("This round has ended.")


class RoundAlreadyRunning(TriviaError):
    def __init__(self) -> None:
        super().__init__("A round is already running in this channel; wait for it to end.")


class NoRoundRunning(TriviaError):
    def __init__(self) -> None:
        super().__init__("No round is running in this channel.")


class UnknownBank(TriviaError):
    def __init__(self, bank_id: str, known: list[str]) -> None:
        names = ", ".join(known) or "none"
        super().__init__(f"Unknown bank '{bank_id}'. Available banks: {names}.")


class NotEnoughQuestions(TriviaError):
    pass


class InvalidSetting(TriviaError):
    pass


class NotAllowed(TriviaError):
    pass
