"""Storage failures a front-end can explain to a person."""


class StorageError(Exception):
    """The database could not do what was asked; the text says why and what to do."""


class DatabaseUnavailable(StorageError):
    pass


class DuplicateCustomQuestion(StorageError):
    """A custom question with this id is already in the bank; nothing of the batch was added."""


class DuplicateRunningGame(StorageError):
    """Another round is already running in this channel."""


class DuplicateSeason(StorageError):
    """This server already has (or had) a season of that name; nothing changed."""
