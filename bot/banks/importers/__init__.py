"""Importers for other trivia formats; `import_questions` is the one entry point."""

from bot.banks.importers.base import BankImportError, ImportError_, ImportProblem
from bot.banks.importers.core import (
    FORMATS,
    ImportReport,
    UniqueIds,
    decode_input,
    detect_format,
    import_questions,
    slugify,
)
from bot.banks.importers.opentdb import ENCODINGS

__all__ = [
    "ENCODINGS",
    "FORMATS",
    "BankImportError",
    "ImportError_",
    "ImportProblem",
    "ImportReport",
    "UniqueIds",
    "decode_input",
    "detect_format",
    "import_questions",
    "slugify",
]
