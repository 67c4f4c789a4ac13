"""Reminders and 催办: ``inspector reminders`` on a laptop (its own rectifications), and
``inspector server reminders|urge`` on the bureau's machine (the county's board; the 催办通知)."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.cli.common import CommandError, emit_json, open_for_reading, open_store, say
from inspector.core.reminders import Chased, grouped
from inspector.core.standing import DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS, Urgency
from inspector.i18n import t

if TYPE_CHECKING:
    from inspector.server.db import Database

OpenDatabase = Callable[[argparse.Namespace], "Database"]


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= MAX_REMINDER_DAYS:
        raise argparse.ArgumentTypeError(t("cli.reminders.bad_days", value=text, most=MAX_REMINDER_DAYS))
    return int(text)


def _listing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--within", type=_days, default=None, metavar="N", help=t("cli.reminders.within", default=DEFAULT_REMINDER_DAYS)
    )
    parser.add_argument("--by-team", action="store_true", help=t("cli.reminders.by_team"))
    parser.add_argument("--json", action="store_true", help=t("cli.opt.json"))


def register(subparsers: argparse._SubParsersAction) -> None:
    reminders = subparsers.add_parser("reminders", help=t("cli.reminders.help"), description=t("cli.reminders.help"))
    _listing_options(reminders)
    reminders.add_argument("--save", action="store_true", help=t("cli.reminders.save"))
    reminders.set_defaults(handler=run_laptop_reminders)


def register_server(
    commands: argparse._SubParsersAction,
    database_options: Callable[[argparse.ArgumentParser], None],
    open_database: OpenDatabase,
) -> None:
    reminders = commands.add_parser(
        "reminders", help=t("cli.server.reminders.help"), description=t("cli.server.reminders.help")
    )
    _listing_options(reminders)
    reminders.add_argument("--record", metavar="ACCOUNT", help=t("cli.server.reminders.record"))
    database_options(reminders)
    reminders.set_defaults(handler=functools.partial(run_server_reminders, open_database=open_database))
    urge = commands.add_parser("urge", help=t("cli.server.urge.help"), description=t("cli.server.urge.help"))
    urge.add_argument("--by", required=True, metavar="ACCOUNT", help=t("cli.server.urge.by"))
    urge.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help=t("cli.server.urge.output"))
    urge.add_argument("--township", action="append", default=[], metavar="NAME", help=t("cli.server.urge.township"))
    database_options(urge)
    urge.set_defaults(handler=functools.partial(run_urge, open_database=open_database))


def _say_chased(items: Sequence[Chased], *, by_team: bool, as_json: bool) -> None:
    if as_json:
        emit_json([{**item.__dict__, "due": item.due.isoformat(), "urgency": item.urgency.value} for item in items])
        return
    groups = grouped(items, (lambda item: item.team) if by_team else (lambda item: item.township))
    for name, found in groups.items():
        overdue = sum(item.urgency is Urgency.OVERDUE for item in found)
        say(t("cli.reminders.group", name=name, overdue=overdue, soon=len(found) - overdue))
        for item in found:
            key = "cli.reminders.overdue" if item.urgency is Urgency.OVERDUE else "cli.reminders.due_soon"
            say(
                "  "
                + t(
                    key,
                    days=item.days,
                    due=item.due.isoformat(),
                    site=item.site_name,
                    problem=item.item_text,
                    team=item.team,
                    township=item.township,
                )
            )
    overdue = sum(item.urgency is Urgency.OVERDUE for item in items)
    say(t("cli.reminders.total", overdue=overdue, soon=len(items) - overdue))


def run_laptop_reminders(args: argparse.Namespace) -> int:
    from inspector.core.clock import local_date, now
    from inspector.services.reminders import chased_on_laptop, reminder_days, set_reminder_days

    if args.save and args.within is not None:
        with open_store(args) as writable:
            set_reminder_days(writable, args.within)
        say(t("cli.reminders.saved", days=args.within))
    store = open_for_reading(args)
    items: list[Chased] = []
    if store is not None:
        with store:
            within = args.within if args.within is not None else reminder_days(store)
            items = chased_on_laptop(store, local_date(now()), within)
    _say_chased(items, by_team=args.by_team, as_json=args.json)
    return 0


def run_server_reminders(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.core.clock import local_date, now
    from inspector.server.reminders import chased, issuing_account, record_reminders

    today = local_date(now())
    within = DEFAULT_REMINDER_DAYS if args.within is None else args.within
    with open_database(args) as database:
        recorded = None
        if args.record:
            recorded = record_reminders(database, issuing_account(database, args.record), today, within)
        items = chased(database, today, within)
    _say_chased(items, by_team=args.by_team, as_json=args.json)
    if recorded is not None and not args.json:
        say(t("cli.server.reminders.recorded", count=recorded))
    return 0


def run_urge(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.core.clock import local_date, now
    from inspector.server.reminders import issue_urges, issuing_account
    from inspector.server.rounds import register_townships

    output = args.output
    if not output.is_dir():
        raise CommandError(t("cli.no_such_folder", folder=output.absolute(), path=output))
    with open_database(args) as database:
        issued = issue_urges(
            database,
            issuing_account(database, args.by),
            local_date(now()),
            output,
            township_order=register_townships(database),
            townships=args.township,
        )
    for urge in issued:
        say(t("cli.server.urge.line", number=urge.number, township=urge.township, count=urge.items, path=urge.path))
    say(t("cli.server.urge.done", count=len(issued)))
    return 0
