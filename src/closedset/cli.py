"""The `closedset` command.

Exit codes (docs/formats.md): 0 clear, 3 needs_discussion, 4 blocked, 2 bad input or usage
(one line on standard error), 1 unexpected failure. No traceback ever reaches the user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.exceptions import TyperException

from closedset.core.check import CheckResult, Status
from closedset.core.errors import BadInput

EXIT_CLEAR, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_DISCUSSION, EXIT_BLOCKED = 0, 1, 2, 3, 4
EXIT_FOR_STATUS = {
    Status.clear: EXIT_CLEAR,
    Status.needs_discussion: EXIT_DISCUSSION,
    Status.blocked: EXIT_BLOCKED,
}
STATUS_STYLE = {
    Status.clear: "green",
    Status.needs_discussion: "yellow",
    Status.blocked: "bold red",
}

app = typer.Typer(
    name="closedset",
    help="Intimacy coordination for film sets: boundaries, scene plans and the check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def taxonomy(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Labels and glosses in this language: en, es, cs, hu.")
    ] = "en",
) -> None:
    """List the acts (id, label, plain gloss, category, zones, directions) and body zones."""
    from closedset.core.taxonomy import load_taxonomy

    # An unknown language is a BadInput naming the ones there are (exit 2, one line).
    tax = load_taxonomy(lang)
    if as_json:
        _print_json(tax.as_json())
        return
    table = Table(title=f"{len(tax.acts)} acts", show_lines=False)
    for column in ("id", "label", "category", "directions", "zones", "gloss"):
        table.add_column(column, overflow="fold")
    for act in tax.acts.values():
        table.add_row(
            act.id,
            escape(act.label),
            escape(tax.category_label(act.category)),
            ", ".join(act.directions),
            ", ".join(act.zones) or "-",
            escape(act.gloss),
        )
    out.print(table)
    if lang == "en":
        out.print("zones: " + ", ".join(zone.id for zone in tax.zones.values()))
    else:
        # Ids for files, each with its label for the reader.
        zones = (f"{zone.id} ({zone.label})" for zone in tax.zones.values())
        out.print(escape("zones: " + ", ".join(zones)))


@app.command("check")
def check_command(
    plan: Annotated[Path, typer.Argument(help="The scene plan (YAML or JSON).")],
    profiles: Annotated[
        list[Path], typer.Argument(help="Boundary profiles: files, or folders of them.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check a plan against boundary profiles: exit 0 clear, 3 needs discussion, 4 blocked."""
    from closedset.core.check import check
    from closedset.core.files import read_plan, read_profiles

    scene = read_plan(plan)
    pool = read_profiles(profiles, skip=plan)
    try:
        result = check(scene, pool)
    except BadInput as error:
        raise error.located(str(plan)) from None
    if as_json:
        _print_json(result.to_json())
    else:
        _print_check(result)
    raise typer.Exit(EXIT_FOR_STATUS[result.status])


def _print_check(result: CheckResult) -> None:
    # Ids and names come from files: escape them so rich never reads them as markup.
    table = Table(title=escape(f"Scene {result.scene}"))
    for column in ("beat", "who", "what", "status"):
        table.add_column(column, overflow="fold")
    for f in result.findings:
        what = f.act if f.zone is None else f"{f.act} to {f.zone}"
        table.add_row(
            escape(f.beat),
            escape(f"{f.performer or '-'} ({f.role}, {f.direction})"),
            f"{what}, {f.intensity}",
            f"[{STATUS_STYLE[f.status]}]{f.status.name}[/]",
        )
    out.print(table)
    # Reasons as plain lines, so a long one is never folded into a narrow column.
    for f in result.findings:
        if f.status is not Status.clear:
            style = STATUS_STYLE[f.status]
            out.print(f"{escape(f.beat)}: [{style}]{f.status.name}[/] - {escape(f.reason)}")
    label = result.status.name.replace("_", " ")
    out.print(f"{escape(f'Scene {result.scene}')}: [{STATUS_STYLE[result.status]}]{label}[/]")


@app.command("cast")
def cast_command(
    plan: Annotated[Path, typer.Argument(help="The scene plan; null roles are filled.")],
    pool: Annotated[Path, typer.Option("--pool", help="Folder (or file) of boundary profiles.")],
    allow_discussion: Annotated[
        bool,
        typer.Option("--allow-discussion", help="Also accept castings that need discussion."),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Print at most this many assignments.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fill the plan's open roles from a pool: exit 0 clear, 3 only with discussion, 4 none."""
    from closedset.core.cast import CastIndex
    from closedset.core.files import read_plan, read_profiles

    scene = read_plan(plan)
    profiles = read_profiles([pool], skip=plan)
    try:
        index = CastIndex.build(profiles)
        result = index.search(scene, allow_discussion=allow_discussion, limit=limit)
        # Exit as the best casting would check: clear, or only with discussion, or none.
        if not result.count:
            code = EXIT_BLOCKED
        elif allow_discussion and not index.search(scene, limit=0).count:
            code = EXIT_DISCUSSION
        else:
            code = EXIT_CLEAR
    except BadInput as error:
        raise error.located(str(plan)) from None
    if as_json:
        _print_json({"count": result.count, "assignments": result.assignments})
    else:
        roles = scene.open_roles()
        if not roles:
            verdict = "acceptable" if result.count else "not acceptable"
            out.print(escape(f"Scene {scene.scene} has no open roles; as cast it is {verdict}."))
            raise typer.Exit(code)
        table = Table(title=escape(f"Scene {scene.scene}: {result.count} possible castings"))
        for role in roles:
            table.add_column(escape(role))
        for assignment in result.assignments:
            table.add_row(*(escape(assignment[role]) for role in roles))
        out.print(table)
        if result.count > len(result.assignments):
            out.print(f"showing {len(result.assignments)} of {result.count}")
    raise typer.Exit(code)


EXIT_NOT_VALID = 5


@app.command("verify")
def verify_command(
    receipt: Annotated[Path, typer.Argument(help="The consent receipt (a .json file).")],
    key: Annotated[
        str | None, typer.Option("--key", help="The log's verifier key you expect it from.")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="An older receipt from the same log (needs --log)."),
    ] = None,
    log: Annotated[
        str | None,
        typer.Option("--log", help="The log's address, e.g. https://HOST/api/v1/log/NAME."),
    ] = None,
) -> None:
    """Check a consent receipt: exit 0 valid, 5 not valid, 2 unreadable."""
    from closedset.core.record import ReceiptUnreadable, verify_receipt
    from closedset.record.offline import (
        LogUnreachable,
        check_previous,
        http_fetch,
        read_file,
    )

    if (previous is None) != (log is None):
        raise BadInput("--previous and --log go together: give both, or neither")
    try:
        data = read_file(receipt)
        if previous is not None and log is not None:
            verdict = check_previous(read_file(previous), data, http_fetch(log), key)
        else:
            verdict = verify_receipt(data, key)
    except ReceiptUnreadable as error:
        raise BadInput(str(error)) from None
    except LogUnreachable as error:
        raise BadInput(str(error)) from None
    # Plain print: the line comes partly from the file and must not be read as rich markup.
    print(verdict.message)
    raise typer.Exit(EXIT_CLEAR if verdict.valid else EXIT_NOT_VALID)


# The web application's commands (migrate, demo, serve, rotate-keys, manage); Django loads
# only when one of them runs.
from closedset.webcli import register as _register_web_commands  # noqa: E402

_register_web_commands(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: turn every failure into an exit code and one line, never a traceback."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="closedset", standalone_mode=False)
    except BadInput as error:
        print(f"closedset: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except typer.Abort:
        print("closedset: aborted", file=sys.stderr)
        return EXIT_FAILURE
    except TyperException as error:
        # Usage errors: a missing argument, an unknown command or option, a bad option value.
        if type(error).__name__ == "NoArgsIsHelpError":
            print("closedset: usage error: name a command (see closedset --help)", file=sys.stderr)
            return EXIT_BAD_INPUT
        message = " ".join(error.format_message().split())
        print(f"closedset: usage error: {message} (see closedset --help)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback
        print(f"closedset: unexpected failure: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    return code if isinstance(code, int) else EXIT_CLEAR


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
