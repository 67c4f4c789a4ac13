"""``inspector notice|record|bulletin`` and ``inspector profile show|set``.

The document services import python-docx inside their functions, so registering these commands
costs the other commands nothing.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.cli.common import emit_json, open_store, say, say_error
from inspector.core.errors import DomainError
from inspector.i18n import t

if TYPE_CHECKING:
    from inspector.core.profile import BureauProfile
    from inspector.services.documents import WrittenDocument


def register(subparsers: argparse._SubParsersAction) -> None:
    for name, handler in (("notice", run_notice), ("record", run_record)):
        command = subparsers.add_parser(name, help=t(f"cli.{name}.help"), description=t(f"cli.{name}.help"))
        if name == "notice":
            command.add_argument("visit", metavar="VISIT", nargs="?", help=t("cli.opt.visit"))
            command.add_argument("--all-unissued", action="store_true", help=t("cli.notice.all_unissued"))
        else:
            command.add_argument("visit", metavar="VISIT", help=t("cli.opt.visit"))
        command.add_argument("-o", "--output", metavar="FILE", type=Path, help=t("cli.document.output"))
        command.add_argument("--pdf", action="store_true", help=t("cli.document.pdf"))
        if name == "notice":
            _fallback_option(command)
        command.set_defaults(handler=handler)

    bulletin = subparsers.add_parser("bulletin", help=t("cli.bulletin.help"), description=t("cli.bulletin.help"))
    bulletin.add_argument(
        "--from", dest="start", metavar="DATE", type=_date, required=True, help=t("cli.bulletin.from")
    )
    bulletin.add_argument("--to", dest="end", metavar="DATE", type=_date, required=True, help=t("cli.bulletin.to"))
    bulletin.add_argument("--visits", nargs="+", metavar="VISIT", default=[], help=t("cli.bulletin.visits"))
    bulletin.add_argument("--date", dest="issued", metavar="DATE", type=_date, help=t("cli.bulletin.date"))
    bulletin.add_argument("-o", "--output", metavar="FILE", type=Path, help=t("cli.document.output"))
    bulletin.add_argument("--pdf", action="store_true", help=t("cli.document.pdf"))
    _fallback_option(bulletin)
    bulletin.set_defaults(handler=run_bulletin)

    profile = subparsers.add_parser("profile", help=t("cli.profile.help"))
    commands = profile.add_subparsers(dest="profile_command", required=True, metavar=t("cli.command"))
    show = commands.add_parser("show", help=t("cli.profile.show.help"))
    show.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    show.set_defaults(handler=run_profile_show)
    change = commands.add_parser("set", help=t("cli.profile.set.help"))
    change.add_argument("key", metavar="KEY", help=t("cli.profile.key"))
    change.add_argument("value", metavar="VALUE", help=t("cli.profile.value"))
    change.set_defaults(handler=run_profile_set)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", value=text)) from None


def _fallback_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--fallback-number", action="store_true", help=t("cli.document.fallback_number"))


def _report(written: WrittenDocument) -> None:
    path, number = written.path, written.number
    say(t("cli.document.numbered", path=path, number=number) if number else t("cli.document.written", path=path))
    if written.replaces:
        say(t("cli.document.replaces", number=written.replaces))
    if written.pdf:
        say(t("cli.document.pdf_written", path=written.pdf))
    if written.fallback:
        say_error(t("document.number_fallback", number=written.number))
    elif written.numbers_low:
        say_error(t("document.numbers_low", left=written.numbers_left))


def run_notice(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from inspector.services.documents import issue_notice, unissued_notices

    if args.all_unissued == bool(args.visit):
        raise DomainError("cli.notice.visit_or_all")
    with open_store(args) as store:
        if args.visit:
            _report(issue_notice(store, args.visit, args.output, pdf=args.pdf, fallback_number=args.fallback_number))
            return 0
        waiting = unissued_notices(store)
        if not waiting:
            say(t("cli.notice.none_unissued"))
            return 0
        if args.output is not None and not args.output.is_dir():
            raise DomainError("document.no_folder", path=str(args.output))
        # numbered in order of sign-off, one after another; the bar goes to stderr, the report to stdout
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(t("cli.notice.issuing"), total=len(waiting))
            for uuid in waiting:
                _report(issue_notice(store, uuid, args.output, pdf=args.pdf, fallback_number=args.fallback_number))
                progress.advance(task)
    return 0


def run_record(args: argparse.Namespace) -> int:
    from inspector.services.documents import write_record

    with open_store(args) as store:
        _report(write_record(store, args.visit, args.output, pdf=args.pdf))
    return 0


def run_bulletin(args: argparse.Namespace) -> int:
    from inspector.services.documents import issue_bulletin

    with open_store(args) as store:
        written = issue_bulletin(
            store,
            start=args.start,
            end=args.end,
            visit_refs=args.visits,
            issued=args.issued,
            output=args.output,
            pdf=args.pdf,
            fallback_number=args.fallback_number,
        )
    _report(written)
    return 0


def run_profile_show(args: argparse.Namespace) -> int:
    from inspector.services.profile import load_profile

    with open_store(args) as store:
        show_profile(load_profile(store), as_json=args.json)
    return 0


def run_profile_set(args: argparse.Namespace) -> int:
    from inspector.services.profile import set_profile_value

    with open_store(args) as store:
        profile = set_profile_value(store, args.key, args.value)
    say_profile_saved(profile, args.key)
    return 0


def _shown(value: object) -> str:
    return t("doc.list_separator").join(value) if isinstance(value, list) else str(value)


def show_profile(profile: BureauProfile, *, as_json: bool) -> None:
    """Every field of the profile, a line each with its name in words (or the whole as JSON)."""
    values = profile.to_dict()
    if as_json:
        emit_json(values)
        return
    for key, value in values.items():
        say(f"{key:16} {t(f'profile.{key}')}：{_shown(value)}")


def say_profile_saved(profile: BureauProfile, key: str) -> None:
    say(t("cli.profile.saved", key=key, value=_shown(profile.to_dict()[key])))
