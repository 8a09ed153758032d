"""``osteotrials serve``: the web app and REST API on this machine (uvicorn)."""

from __future__ import annotations

import ipaddress

import click

from osteotrials.cli._common import db_option, err_console

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Run the patient web pages and the REST API on this machine.

    Listens on 127.0.0.1 (this computer only) unless --host says otherwise.
    Patient answers stay in memory; nothing is logged about them (the access
    log is off). The REST API is described at /openapi.json and /api/docs.

    \b
    Examples:
      osteotrials serve
      osteotrials --db my.sqlite serve --port 8080
    """
    import uvicorn

    from osteotrials.api.app import create_app
    from osteotrials.api.security import LOCAL_HOSTS
    from osteotrials.store import StoreError

    local = is_loopback(host)
    if not local:
        err_console.print(
            f"[bold yellow]Warning:[/] listening on {host}, so other computers on the "
            "network can reach this server. osteotrials has no login: anyone who can reach "
            "it can use it. Use --host 127.0.0.1 unless you know you need this."
        )
    try:
        # on loopback, answer only to local host names (no DNS-rebinding access)
        app = create_app(db_option(ctx), allowed_hosts=LOCAL_HOSTS if local else ["*"], warm=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"osteotrials: serving on http://{shown}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,  # request lines could reveal what a person looked at
        log_level="warning",
        server_header=False,
        proxy_headers=False,
    )
