"""Command-line surface: a thin layer over the library API.

Sub-commands live in their own modules and are imported only when used
(``LAZY_COMMANDS``), so ``osteotrials --help`` stays fast and a heavy
dependency (matplotlib, weasyprint) is loaded only by the command needing it.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

# name -> "module:attribute". One line per command; each module owns its command.
LAZY_COMMANDS: dict[str, str] = {
    "criteria": "osteotrials.cli.criteria:criteria",
    "criteria-coverage": "osteotrials.cli.criteria:criteria_coverage",
    "ask": "osteotrials.cli.match:ask",
    "data": "osteotrials.cli.corpus:data",
    "import-aact": "osteotrials.cli.sync:import_aact",
    "import-bulk": "osteotrials.cli.sync:import_bulk",
    "ingest": "osteotrials.cli.corpus:ingest",
    "match": "osteotrials.cli.match:match",
    "outcomes": "osteotrials.cli.outcomes:outcomes",
    "patient": "osteotrials.cli.patient:patient",
    "patient-schema": "osteotrials.cli.patient:patient_schema",
    "questions": "osteotrials.cli.match:questions",
    "search": "osteotrials.cli.corpus:search",
    "serve": "osteotrials.cli.serve:serve",
    "show": "osteotrials.cli.corpus:show",
    "sync": "osteotrials.cli.sync:sync",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"{LAZY_COMMANDS[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    envvar="OSTEOTRIALS_DB",
    metavar="FILE|URL",
    help=(
        "Trial database: a SQLite file or a postgresql:// URL. Defaults to "
        "$OSTEOTRIALS_DB, else your own database in the user-data directory once "
        "you have ingested or synced, else the bundled read-only snapshot."
    ),
)
@click.version_option(package_name="osteotrials")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """osteotrials: clinical trials for metastatic breast cancer in bone.

    \b
    Examples:
      osteotrials search "bone metastases zoledronic acid"
      osteotrials show NCT00869206
      osteotrials data info --json
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


def main() -> None:
    """Console-script entry point."""
    # Rich would otherwise guess a terminal width of 80 in pipes and CI logs.
    os.environ.setdefault("COLUMNS", "120") if not sys.stdout.isatty() else None
    cli(prog_name="osteotrials")
