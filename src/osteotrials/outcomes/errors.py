"""Errors raised by the outcomes toolkit.

Every error is a :class:`ValueError` subclass that names the offending field,
so callers (and the CLI) can print a readable message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class OutcomesError(ValueError):
    """Bad input to an outcome calculation.

    Attributes:
        field: the input field (parameter, CSV column, option) that is wrong.
        message: what is wrong with it, in plain words.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownUnitError(OutcomesError):
    """A value came with a unit the calculation does not accept."""


class ReferenceDataError(OutcomesError):
    """A bundled reference-data file is missing or malformed."""


@dataclass(frozen=True)
class RowError:
    """One problem in one registry row: file, spreadsheet row (header = 1), column, message."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f", row {self.row}" if self.row else "")
        return f"{where}, column {self.column!r}: {self.message}"


class RegistryValidationError(OutcomesError):
    """A registry failed validation; nothing from it was imported.

    ``errors`` lists every problem found (not only the first), each with the
    file, the row as a spreadsheet shows it (header = row 1, first data row =
    row 2; 0 for file-level problems), the column and what is wrong.
    """

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        n = len(self.errors)
        head = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {n - 5} more)" if n > 5 else ""
        super().__init__("registry", f"{n} validation error(s): {head}{more}")
