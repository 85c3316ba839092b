"""Storage failures a front-end can explain to a person."""


class StorageError(Exception):
    """The database could not do what was asked; the text says why and what to do."""


class DatabaseUnavailable(StorageError):
    pass


class DuplicateRunningGame(StorageError):
    """Another round is already running in this channel."""
