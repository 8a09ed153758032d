"""Errors raised while reading trial records."""

from __future__ import annotations


class RecordError(ValueError):
    """A record that cannot be read, with where it came from and what is wrong.

    ``location`` names the file (and the zip member or line number) and
    ``record`` the NCT id or record index, so a user can find the bad input.
    """

    def __init__(self, message: str, *, location: str | None = None, record: str | None = None):
        self.message = message
        self.location = location
        self.record = record
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ", ".join(
            p for p in (self.location, f"record {self.record}" if self.record else None) if p
        )
        return f"{where}: {self.message}" if where else self.message

    def at(self, *, location: str | None = None, record: str | None = None) -> RecordError:
        """The same error with location/record filled in where still unknown."""
        return RecordError(
            self.message, location=self.location or location, record=self.record or record
        )
