"""``inspector server rectifications``: the county's rectification board, on the bureau's machine.

``server_commands`` puts this on its parser. Every failed item of every visit the server holds,
in the state every team's events lead to; ``--overdue`` keeps those past their due date.
``inspector server duplicate-numbers``: notice numbers given at more than one site, to reconcile.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from inspector.cli.common import emit_json, say
from inspector.i18n import label, t

if TYPE_CHECKING:
    from inspector.server.db import Database


def register(
    commands: argparse._SubParsersAction,
    database_options: Callable[[argparse.ArgumentParser], None],
    open_database: Callable[[argparse.Namespace], Database],
) -> None:
    board = commands.add_parser(
        "rectifications", help=t("cli.server.board.help"), description=t("cli.server.board.help")
    )
    board.add_argument("--overdue", action="store_true", help=t("cli.server.board.overdue"))
    board.add_argument("--source", metavar="NAME", help=t("cli.server.board.source"))
    board.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    database_options(board)
    board.set_defaults(handler=functools.partial(run_board, open_database=open_database))
    twice = commands.add_parser(
        "duplicate-numbers", help=t("cli.server.duplicates.help"), description=t("cli.server.duplicates.help")
    )
    twice.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    database_options(twice)
    twice.set_defaults(handler=functools.partial(run_duplicates, open_database=open_database))


def run_duplicates(args: argparse.Namespace, *, open_database: Callable[[argparse.Namespace], Database]) -> int:
    from inspector.server.numbers import duplicate_numbers

    with open_database(args) as database:
        found = duplicate_numbers(database)
    if args.json:
        emit_json([item.__dict__ for item in found])
        return 0
    for item in found:
        say(
            t(
                "cli.server.duplicates.line",
                number=item.number,
                sites="、".join(item.sites),
                sources="、".join(item.sources),
            )
        )
    say(t("cli.server.duplicates.count", count=len(found)))
    return 0


def run_board(args: argparse.Namespace, *, open_database: Callable[[argparse.Namespace], Database]) -> int:
    from inspector.core.clock import local_date, now
    from inspector.core.rectifications import RectificationState
    from inspector.core.vocabulary import Severity
    from inspector.server.board import open_rectifications

    today = local_date(now())
    with open_database(args) as database:
        rows = open_rectifications(database, today, overdue_only=args.overdue, source=args.source)
    if args.json:
        emit_json(
            [{**row.__dict__, "due": row.due.isoformat(), "days_overdue": row.days_overdue(today)} for row in rows]
        )
        return 0
    for row in rows:
        late = row.days_overdue(today)
        state = t("rect.overdue", days=late) if late else label(RectificationState(row.state))
        severity = label(Severity(row.severity))
        say(f"{row.due.isoformat()}  {state}  {row.township} {row.site_name}  [{severity}] {row.item_text}  {row.id}")
    say(t("cli.server.board.count", count=len(rows)))
    return 0
