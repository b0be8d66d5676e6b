"""The `closedset` command.

Exit codes (docs/formats.md): 0 clear, 3 needs_discussion, 4 blocked, 2 bad input or usage
(one line on standard error), 1 unexpected failure. No traceback ever reaches the user.

Its own words (messages, table headings, help) are in the reader's language: `--lang` where a
command has it, else the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads
them), else English (docs/translation.md, "The command's language"). JSON, ids and exit codes
never change with the language. The texts are in the site-wide catalog (closedset/locale),
read with the standard library: the pure commands never start Django.
"""

from __future__ import annotations

import gettext as _gettext
import io
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.exceptions import TyperException

from closedset.core.check import CheckResult, Finding, Status
from closedset.core.errors import BadInput

if TYPE_CHECKING:
    from closedset.core.flags import Flag
    from closedset.core.script import Scene

# ---------------------------------------------------------------- the reader's language

SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The command's words are the site-wide catalog's; the script reader's refusals and the check's
# findings are said from the same tables as on the pages, in their apps' catalogs.
CATALOG_DIRS = (
    LOCALE_DIR,
    Path(__file__).resolve().parent / "breakdown" / "locale",
    # The check's findings in words (closedset.plans.finding_words), as the plan pages say them.
    Path(__file__).resolve().parent / "plans" / "locale",
)
DOMAIN = "django"
# Where gettext looks for the language, first set one wins; LANGUAGE may list several (cs:en).
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_language = SOURCE_LANGUAGE


def gettext_noop(message: str) -> str:
    """Marks a text for the catalog where it is written; it is translated where it is shown."""
    return message


@cache
def offered_languages() -> tuple[str, ...]:
    """English (the source) and every language the site-wide catalog has."""
    found = LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    return (SOURCE_LANGUAGE, *sorted(po.parents[1].name for po in found))


def language_code(value: str) -> str:
    """'cs_CZ.UTF-8' and 'cs-CZ' and 'cs@euro' are all 'cs'."""
    return value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides, as for gettext;
    the first language in it we offer, English for C/POSIX, and English when none is offered."""
    environ = os.environ if environ is None else environ
    value = next((environ[name] for name in LANGUAGE_VARIABLES if environ.get(name)), "")
    for entry in value.split(":"):
        code = language_code(entry)
        if code in ("c", "posix"):
            break
        if code in offered_languages():
            return code
    return SOURCE_LANGUAGE


@cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    first: _gettext.NullTranslations | None = None
    for folder in CATALOG_DIRS:
        found = _one_catalog(folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
        if first is None:
            first = found
        else:
            first.add_fallback(found)
    return first or _gettext.NullTranslations()


def _one_catalog(po: Path) -> _gettext.NullTranslations:
    mo = po.with_suffix(".mo")
    try:
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            with mo.open("rb") as compiled:
                return _gettext.GNUTranslations(compiled)
        # A checkout not yet installed (no .mo, or a stale one): read the source.
        from closedset.core.catalogs import mo_bytes, read_po

        return _gettext.GNUTranslations(io.BytesIO(mo_bytes(read_po(po))))
    except (OSError, BadInput):
        return _gettext.NullTranslations()


def use_language(lang: str) -> None:
    """From now on the command speaks `lang` (English when it is not one we offer)."""
    global _language
    _language = lang if lang in offered_languages() else SOURCE_LANGUAGE


def current_language() -> str:
    return _language


def gettext(message: str) -> str:
    return _catalog(_language).gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _catalog(_language).ngettext(singular, plural, number)


def pgettext(context: str, message: str) -> str:
    return _catalog(_language).pgettext(context, message)


_ = gettext


def _language_asked(args: Sequence[str]) -> str | None:
    """A --lang on the command line, read before the command runs so that --help and a usage
    error speak it too; the command itself checks it (an unknown one is an error there)."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        return value if value in offered_languages() else None
    return None


def _chosen(lang: str | None) -> str:
    """The command's --lang (an unknown one is a one-line error naming those there are), else
    the language main() took from the environment."""
    if lang is None:
        return _language
    from closedset.core.catalogs import check_language

    use_language(check_language(lang))
    return lang


def _translate_help(command: click.Command) -> None:
    """Typer and click take help texts as plain strings when the app is built, so they are
    translated here, on the command tree main() builds for each run."""
    if command.help:
        command.help = gettext(command.help)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = gettext(text)  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)


LANG_HELP = gettext_noop("Messages in this language: en, es, cs, hu (default: from LANG).")

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
    help=gettext_noop(
        "Intimacy coordination for film sets: boundaries, scene plans and the check."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


JSON_HELP = gettext_noop("Print JSON.")


@app.command(
    help=gettext_noop(
        "List the acts (id, label, plain gloss, category, zones, directions) and body zones."
    )
)
def taxonomy(
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=gettext_noop(
                "Labels and glosses in this language: en, es, cs, hu (default: from LANG)."
            ),
        ),
    ] = None,
) -> None:
    from closedset.core.taxonomy import load_taxonomy

    if as_json:
        # JSON is for programs: its labels are English unless --lang asks for others, whatever
        # the environment says. An unknown language is a BadInput naming the ones there are.
        _print_json(load_taxonomy(_chosen(lang) if lang else SOURCE_LANGUAGE).as_json())
        return
    lang = _chosen(lang)
    tax = load_taxonomy(lang)
    count = len(tax.acts)
    title = ngettext("%(count)d act", "%(count)d acts", count) % {"count": count}
    table = Table(title=escape(title), show_lines=False)
    headings = (
        "id",
        pgettext("taxonomy column", "label"),
        pgettext("taxonomy column", "category"),
        pgettext("taxonomy column", "directions"),
        pgettext("taxonomy column", "zones"),
        pgettext("taxonomy column", "gloss"),
    )
    for column in headings:
        table.add_column(escape(column), overflow="fold")
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
    if lang == SOURCE_LANGUAGE:
        zones = ", ".join(zone.id for zone in tax.zones.values())
    else:
        # Ids for files, each with its label for the reader.
        zones = ", ".join(f"{zone.id} ({zone.label})" for zone in tax.zones.values())
    out.print(escape(_("zones: %(zones)s") % {"zones": zones}))


def _status_label(status: Status) -> str:
    labels = {
        Status.clear: pgettext("check status", "clear"),
        Status.needs_discussion: pgettext("check status", "needs discussion"),
        Status.blocked: pgettext("check status", "blocked"),
    }
    return labels[status]


@app.command(
    "check",
    help=gettext_noop(
        "Check a plan against boundary profiles: exit 0 clear, 3 needs discussion, 4 blocked."
    ),
)
def check_command(
    plan: Annotated[Path, typer.Argument(help=gettext_noop("The scene plan (YAML or JSON)."))],
    profiles: Annotated[
        list[Path],
        typer.Argument(help=gettext_noop("Boundary profiles: files, or folders of them.")),
    ],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    from closedset.core.check import check
    from closedset.core.files import read_plan, read_profiles

    _chosen(lang)
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
    # Ids and names come from files: escape them so rich never reads them as markup. The
    # statuses read in English as their ids (clear, needs_discussion, blocked), as before.
    english = _language == SOURCE_LANGUAGE
    table = Table(title=escape(_("Scene %(scene)s") % {"scene": result.scene}))
    headings = (
        pgettext("check column", "beat"),
        pgettext("check column", "who"),
        pgettext("check column", "what"),
        pgettext("check column", "status"),
    )
    for column in headings:
        table.add_column(escape(column), overflow="fold")
    for f in result.findings:
        if f.zone is None:
            what = f.act
        else:
            what = _("%(act)s to %(zone)s") % {"act": f.act, "zone": f.zone}
        status = f.status.name if english else _status_label(f.status)
        table.add_row(
            escape(f.beat),
            escape(f"{f.performer or '-'} ({f.role}, {f.direction})"),
            escape(f"{what}, {f.intensity}"),
            f"[{STATUS_STYLE[f.status]}]{escape(status)}[/]",
        )
    out.print(table)
    said = _reason_words(_language)
    # Reasons as plain lines, so a long one is never folded into a narrow column.
    for f in result.findings:
        if f.status is not Status.clear:
            style = STATUS_STYLE[f.status]
            status = f.status.name if english else _status_label(f.status)
            out.print(f"{escape(f.beat)}: [{style}]{escape(status)}[/] - {escape(said(f))}")
    style = STATUS_STYLE[result.status]
    label = f"[{style}]{escape(_status_label(result.status))}[/]"
    out.print(_("Scene %(scene)s: %(status)s") % {"scene": escape(result.scene), "status": label})


def _reason_words(lang: str) -> Callable[[Finding], str]:
    """A finding's reason in `lang` (the check writes it in English; the plan pages and the
    command say it from plans.finding_words), else the check's own words."""
    if lang == SOURCE_LANGUAGE:
        return lambda finding: finding.reason
    from closedset.core.taxonomy import load_taxonomy
    from closedset.plans.finding_words import finding_words

    taxonomy = load_taxonomy(lang=lang)

    def said(finding: Finding) -> str:
        if finding.act not in taxonomy.acts:
            return finding.reason
        return finding_words(finding, {}, taxonomy, gettext) or finding.reason

    return said


@app.command(
    "cast",
    help=gettext_noop(
        "Fill the plan's open roles from a pool: exit 0 clear, 3 only with discussion, 4 none."
    ),
)
def cast_command(
    plan: Annotated[
        Path, typer.Argument(help=gettext_noop("The scene plan; null roles are filled."))
    ],
    pool: Annotated[
        Path,
        typer.Option("--pool", help=gettext_noop("Folder (or file) of boundary profiles.")),
    ],
    allow_discussion: Annotated[
        bool,
        typer.Option(
            "--allow-discussion",
            help=gettext_noop("Also accept castings that need discussion."),
        ),
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, help=gettext_noop("Print at most this many assignments.")),
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    from closedset.core.cast import CastIndex
    from closedset.core.files import read_plan, read_profiles

    _chosen(lang)
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
            if result.count:
                line = _("Scene %(scene)s has no open roles; as cast it is acceptable.")
            else:
                line = _("Scene %(scene)s has no open roles; as cast it is not acceptable.")
            out.print(escape(line % {"scene": scene.scene}))
            raise typer.Exit(code)
        title = ngettext(
            "Scene %(scene)s: %(count)d possible casting",
            "Scene %(scene)s: %(count)d possible castings",
            result.count,
        ) % {"scene": scene.scene, "count": result.count}
        table = Table(title=escape(title))
        for role in roles:
            table.add_column(escape(role))
        for assignment in result.assignments:
            table.add_row(*(escape(assignment[role]) for role in roles))
        out.print(table)
        if result.count > len(result.assignments):
            shown = {"shown": len(result.assignments), "count": result.count}
            out.print(escape(_("showing %(shown)d of %(count)d") % shown))
    raise typer.Exit(code)


EXIT_NOT_VALID = 5


@app.command(
    "verify",
    help=gettext_noop("Check a consent receipt: exit 0 valid, 5 not valid, 2 unreadable."),
)
def verify_command(
    receipt: Annotated[
        Path, typer.Argument(help=gettext_noop("The consent receipt (a .json file)."))
    ],
    key: Annotated[
        str | None,
        typer.Option("--key", help=gettext_noop("The log's verifier key you expect it from.")),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous", help=gettext_noop("An older receipt from the same log (needs --log).")
        ),
    ] = None,
    log: Annotated[
        str | None,
        typer.Option(
            "--log", help=gettext_noop("The log's address, e.g. https://HOST/api/v1/log/NAME.")
        ),
    ] = None,
) -> None:
    from closedset.core.record import ReceiptUnreadable, verify_receipt
    from closedset.record.offline import (
        LogUnreachable,
        check_previous,
        http_fetch,
        read_file,
    )

    if (previous is None) != (log is None):
        raise BadInput(_("--previous and --log go together: give both, or neither"))
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


ADULT_HELP = gettext_noop(
    "An adult production: suggest real sex acts. Without it (the default, as for a mainstream "
    "production) their simulated counterparts are suggested."
)


@app.command(
    "breakdown",
    help=gettext_noop(
        "List a screenplay's scenes (Fountain or Final Draft) and flag those that need an "
        "intimacy coordinator, with the lines that led there: exit 0, 2 unreadable."
    ),
)
def breakdown_command(
    script: Annotated[
        Path,
        typer.Argument(
            help=gettext_noop(
                "The screenplay: .fountain or .fdx (read by its content when it has no extension)."
            )
        ),
    ],
    adult: Annotated[bool, typer.Option("--adult", help=ADULT_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    from closedset.core.flags import flag_scene
    from closedset.core.script import ScriptError, parse
    from closedset.core.taxonomy import load_taxonomy

    lang = _chosen(lang)
    data = _read_script(script)
    try:
        parsed = parse(data, script.name)
    except ScriptError as error:
        from closedset.breakdown.refusals import refusal_words

        error.message = refusal_words(error, gettext)
        raise error.located(str(script)) from None
    taxonomy = load_taxonomy()
    scenes = [(scene, flag_scene(scene, taxonomy, adult=adult)) for scene in parsed.scenes]
    if as_json:
        _print_utf8_json(_breakdown_json(parsed.title, scenes))
    else:
        _print_breakdown(parsed.title or script.name, scenes, lang)
    raise typer.Exit(EXIT_CLEAR)


def _read_script(path: Path) -> bytes:
    """The file's bytes, never more than a script may hold (a huge file or a device is refused
    before it is read whole). Every failure is one line naming the file."""
    from closedset.core.script import MAX_BYTES

    where = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(_("no such file"), source=where) from None
    except IsADirectoryError:
        raise BadInput(_("is a folder, expected a file"), source=where) from None
    except OSError as error:
        message = _("cannot be read: %(reason)s") % {"reason": error.strerror or error}
        raise BadInput(message, source=where) from None
    if len(data) > MAX_BYTES:
        limit = {"limit": MAX_BYTES // 1_000_000}
        message = _("too large to be a screenplay (the limit is %(limit)d MB)") % limit
        raise BadInput(message, source=where)
    return data


def _breakdown_json(title: str, scenes: Sequence[tuple[Scene, Flag]]) -> dict[str, object]:
    """The contract's JSON (docs/formats.md "Script breakdown"), keys in its order."""
    return {
        "title": title,
        "scenes": [
            {
                "index": scene.index,
                "number": scene.number,
                "heading": scene.heading,
                "line": scene.line,
                "characters": list(scene.characters),
                "intimate": flag.intimate,
                "acts": list(flag.acts),
                "evidence": [
                    {"line": item.line, "text": item.text, "acts": list(item.acts)}
                    for item in flag.evidence
                ],
            }
            for scene, flag in scenes
        ],
    }


def _print_utf8_json(data: object) -> None:
    """JSON as UTF-8 bytes, whatever encoding the terminal's locale gives standard output."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _print_breakdown(title: str, scenes: Sequence[tuple[Scene, Flag]], lang: str) -> None:
    # Headings, names and lines come from the file: escaped, so rich never reads them as markup.
    from closedset.core.taxonomy import load_taxonomy

    english = lang == SOURCE_LANGUAGE
    labels = {} if english else {act.id: act.label for act in load_taxonomy(lang).acts.values()}

    def acts_text(acts: Sequence[str], separator: str = ", ") -> str:
        # Ids for files; in another language each with its label for the reader.
        shown = (act if english else f"{act} ({labels.get(act, act)})" for act in acts)
        return separator.join(shown)

    table = Table(title=escape(title))
    headings = (
        "#",
        pgettext("breakdown column", "number"),
        pgettext("breakdown column", "heading"),
        pgettext("breakdown column", "characters"),
        pgettext("breakdown column", "intimate"),
        pgettext("breakdown column", "acts"),
    )
    for column in headings:
        table.add_column(escape(column), overflow="fold")
    yes, no = pgettext("breakdown intimate", "yes"), pgettext("breakdown intimate", "no")
    for scene, flag in scenes:
        table.add_row(
            str(scene.index),
            escape(scene.number),
            escape(scene.heading),
            escape(", ".join(scene.characters)) or "-",
            f"[bold yellow]{escape(yes)}[/]" if flag.intimate else escape(no),
            escape(acts_text(flag.acts, "\n")) or "-",
        )
    out.print(table)
    # The evidence as plain lines, so a long line of the script is never folded into a column.
    for scene, flag in scenes:
        if not flag.evidence:
            continue
        where = _("Scene %(scene)s: %(heading)s") % {
            "scene": scene.number,
            "heading": scene.heading,
        }
        out.print(f"[bold]{escape(where)}[/]")
        for item in flag.evidence:
            found = {"line": item.line, "text": item.text, "acts": acts_text(item.acts)}
            out.print("  " + escape(_("line %(line)d: %(text)s [%(acts)s]") % found))
    intimate = sum(1 for _scene, flag in scenes if flag.intimate)
    counts = {"count": len(scenes), "intimate": intimate}
    out.print(escape(_("scenes: %(count)d, flagged intimate: %(intimate)d") % counts))


# The web application's commands (migrate, demo, serve, rotate-keys, manage); Django loads
# only when one of them runs.
from closedset.webcli import register as _register_web_commands  # noqa: E402

_register_web_commands(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: turn every failure into an exit code and one line, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    use_language(_language_asked(args) or language_from_environment())
    try:
        return _main(args)
    finally:
        # One run's language never carries over to the next (tests run many in one process).
        use_language(SOURCE_LANGUAGE)


def _main(args: list[str]) -> int:
    command = typer.main.get_command(app)
    if _language != SOURCE_LANGUAGE:
        _translate_help(command)
    try:
        code = command.main(args=args, prog_name="closedset", standalone_mode=False)
    except BadInput as error:
        print(_("closedset: error: %(message)s") % {"message": error}, file=sys.stderr)
        return EXIT_BAD_INPUT
    except typer.Abort:
        print(_("closedset: aborted"), file=sys.stderr)
        return EXIT_FAILURE
    except TyperException as error:
        # Usage errors: a missing argument, an unknown command or option, a bad option value.
        # Click writes their text, in English.
        if type(error).__name__ == "NoArgsIsHelpError":
            message = _("closedset: usage error: name a command (see closedset --help)")
            print(message, file=sys.stderr)
            return EXIT_BAD_INPUT
        message = " ".join(error.format_message().split())
        line = _("closedset: usage error: %(message)s (see closedset --help)")
        print(line % {"message": message}, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback
        line = _("closedset: unexpected failure: %(error)s")
        print(line % {"error": f"{type(error).__name__}: {error}"}, file=sys.stderr)
        return EXIT_FAILURE
    return code if isinstance(code, int) else EXIT_CLEAR


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
