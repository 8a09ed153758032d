"""Helpers shared by the CLI commands: the store option, JSON output, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console

from osteotrials.store import StoreError, TrialStore, open_store

console = Console()
err_console = Console(stderr=True)


def db_option(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj or {}
    value = obj.get("db")
    return str(value) if value else None


@contextmanager
def store_from(ctx: click.Context, *, write: bool = False) -> Iterator[TrialStore]:
    """Open the store named by ``--db`` / ``$OSTEOTRIALS_DB`` (clear error if it cannot be)."""
    try:
        store = open_store(db_option(ctx), write=write)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def print_json(value: Any) -> None:
    """Stable JSON on stdout (sorted keys, UTF-8, trailing newline)."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
