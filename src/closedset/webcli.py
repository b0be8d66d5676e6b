"""The web application's commands for `closedset`: Django starts only inside them, so the
core commands (check, cast, taxonomy) stay fast and never import Django.

What they print is for whoever runs the server, at a terminal or from cron: it speaks the
command's language (closedset.cli: the environment's, else English), with the counts after a
colon so no language needs a plural here; the English text is as it always was.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Annotated, Any

import typer

from closedset.core.errors import BadInput


def gettext_noop(message: str) -> str:
    """Marks a help text for the catalog; closedset.cli translates it when help is shown."""
    return message


def _(message: str) -> str:
    # closedset.cli imports this module, so its translation is looked up when a command runs.
    from closedset.cli import gettext

    return gettext(message)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise BadInput(str(error)) from None


def migrate() -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def demo() -> None:
    setup_django()
    from django.conf import settings

    from closedset.productions.demo import seed_demo

    if not settings.DEV:
        # Demo accounts with printed passwords have no place on a real server.
        raise BadInput(_("closedset demo is for development only: set CLOSEDSET_DEV=1"))

    logins = seed_demo()
    print(_("Demo logins (fresh passwords on every run):"))
    for login in logins:
        password = _("password: %(password)s") % {"password": login.password}
        line = f"  {login.role:<12} {login.email:<32} {password}"
        if login.otp_secret:
            key = _("authenticator key: %(key)s  (code now: %(code)s)") % {
                "key": login.otp_secret,
                "code": login.otp_code,
            }
            line += f"\n  {'':<12} {key}"
        print(line)
    print(
        _(
            "Staff log in with a code from an authenticator app: add the key to one, or use "
            "the code shown while it is valid (about 30 seconds; run `closedset demo` again for "
            "new ones)."
        )
    )


def serve(
    host: Annotated[str, typer.Option(help=gettext_noop("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=gettext_noop("Port to listen on."))] = 8000,
) -> None:
    setup_django()
    import uvicorn
    from django.conf import settings
    from django.core.management import call_command

    from closedset.lib.logging import uvicorn_log_config

    if not settings.DEV:
        call_command("collectstatic", interactive=False, verbosity=0)
    serving = _("closedset: serving on %(address)s") % {"address": f"http://{host}:{port}/"}
    print(serving, file=sys.stderr)
    # X-Forwarded-For is believed only from the configured proxies (the same list as
    # closedset.lib.net.client_ip), so the access log shows the real client.
    trusted = list(settings.CLOSEDSET_TRUSTED_PROXIES)
    held = _hold_sqlite_open(settings.DATABASES["default"])
    from closedset.asgi import application

    # What start-up made lives as long as the server: leave it out of the collector's full
    # passes, which otherwise walk it all and hold up every message (a PAUSE among them).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        application,
        host=host,
        port=port,
        lifespan="off",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_level="info",
        # Every access and server log line passes the path-redacting filter.
        log_config=uvicorn_log_config(),
    )
    if held is not None:
        held.close()


def _hold_sqlite_open(database: dict[str, Any]) -> Any:
    """SQLite checkpoints its write-ahead log whenever the last connection to the file closes,
    and under ASGI Django opens and closes a connection for every request and every socket
    message: each would pay for a checkpoint. One idle connection held for the server's life
    keeps the log open (SQLite still checkpoints it every 1,000 pages). It never starts a
    transaction, so it holds no snapshot and blocks no writer."""
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return None
    import sqlite3

    return sqlite3.connect(str(database["NAME"]), check_same_thread=False)


def rotate_keys() -> None:
    setup_django()
    from closedset.lib.crypto import CryptoError, rotate_keys

    try:
        count = rotate_keys()
    except CryptoError as error:
        raise BadInput(str(error)) from None
    print(_("closedset: re-wrapped %(count)d data key(s) under the current key") % {"count": count})


def manage(ctx: typer.Context) -> None:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["closedset manage", *ctx.args])


def audit_verify() -> None:
    setup_django()
    from closedset.record.services import audit

    result = audit()
    for problem in result.problems:
        print(problem)
    if result.problems:
        raise typer.Exit(5)
    counts = {"logs": result.logs, "entries": result.entries}
    print(_("ok: %(logs)d logs, %(entries)d entries") % counts)


def remind() -> None:
    setup_django()
    from closedset.compliance.services import recheck_upcoming
    from closedset.consent.services import send_reminders
    from closedset.onset.services import escalate_due

    print(_("closedset: %(count)d reminder(s) sent") % {"count": send_reminders()})
    print(
        _("closedset: %(count)d upcoming scheduled scene(s) can be shot")
        % {"count": recheck_upcoming()}
    )
    # Screens escalate as they poll; this catches a signal sent while no screen was open.
    print(
        _("closedset: %(count)d unacknowledged signal(s) escalated")
        % {"count": len(escalate_due())}
    )


HELP = {
    "migrate": gettext_noop("Create or update the database tables."),
    "demo": gettext_noop(
        "Seed a demo production with its people and print their logins (development only)."
    ),
    "serve": gettext_noop("Serve the web application (ASGI, with static files)."),
    "rotate-keys": gettext_noop(
        "Re-wrap every person's data key under the current key-encryption key."
    ),
    "remind": gettext_noop(
        "Remind performers whose consent request is due within a day, and re-check every "
        "upcoming scheduled scene's gate, since clearances run out as days pass (run it hourly)."
    ),
    "audit": gettext_noop("Check the record (the signed logs)."),
    "audit verify": gettext_noop(
        "Recompute every organisation's log and check its signed checkpoints: exit 0 or 5."
    ),
    "manage": gettext_noop(
        "Run a Django management command: closedset manage createsuperuser, ..."
    ),
}


def register(app: typer.Typer) -> None:
    app.command("migrate", help=HELP["migrate"])(migrate)
    app.command("demo", help=HELP["demo"])(demo)
    app.command("serve", help=HELP["serve"])(serve)
    app.command("rotate-keys", help=HELP["rotate-keys"])(rotate_keys)
    app.command("remind", help=HELP["remind"])(remind)
    audit = typer.Typer(help=HELP["audit"], no_args_is_help=True)
    audit.command("verify", help=HELP["audit verify"])(audit_verify)
    app.add_typer(audit, name="audit")
    app.command(
        "manage",
        help=HELP["manage"],
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(manage)
