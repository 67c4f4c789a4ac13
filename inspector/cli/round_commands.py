"""``inspector server rounds create|list|show|verify|redraw|close``: inspection rounds (双随机) on the
bureau's machine. ``server_commands`` puts this on its parser.

``verify`` needs no server: ``--file`` checks a record exported with ``show --json`` anywhere.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.cli.common import EXIT_ERROR, CommandError, emit_json, existing_file, say, say_error
from inspector.core.vocabulary import SiteKind
from inspector.i18n import label, t
from inspector.i18n.foreign import os_error_text

if TYPE_CHECKING:
    from inspector.core.rounds import Inspector, RoundRecord
    from inspector.server.db import Database

OpenDatabase = Callable[[argparse.Namespace], "Database"]


def register(
    commands: argparse._SubParsersAction,
    database_options: Callable[[argparse.ArgumentParser], None],
    open_database: OpenDatabase,
) -> None:
    group = commands.add_parser("rounds", help=t("cli.rounds.help"), description=t("cli.rounds.help"))
    actions = group.add_subparsers(dest="rounds_command", required=True, metavar=t("cli.command"))

    create = actions.add_parser("create", help=t("cli.rounds.create.help"), description=t("cli.rounds.create.help"))
    create.add_argument("name", metavar="NAME")
    create.add_argument("--from", dest="start", required=True, type=_day, metavar="YYYY-MM-DD")
    create.add_argument("--to", dest="end", required=True, type=_day, metavar="YYYY-MM-DD")
    create.add_argument("--kinds", required=True, type=_kinds, metavar="KIND,…", help=t("cli.rounds.kinds"))
    create.add_argument("--townships", default="", metavar="NAME,…", help=t("cli.rounds.townships"))
    how_many = create.add_mutually_exclusive_group(required=True)
    how_many.add_argument("--count", type=int, metavar="N", help=t("cli.rounds.count"))
    how_many.add_argument("--share", type=int, metavar="PERCENT", help=t("cli.rounds.share"))
    create.add_argument("--team-size", type=int, default=2, metavar="N", help=t("cli.rounds.team_size"))
    create.add_argument("--weighting", choices=("equal", "risk"), default="equal", help=t("cli.rounds.weighting"))
    create.add_argument("--inspectors", required=True, type=Path, metavar="FILE.csv", help=t("cli.rounds.inspectors"))
    create.add_argument("--by", default="", metavar="NAME", help=t("cli.rounds.by"))
    create.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    listing = actions.add_parser("list", help=t("cli.rounds.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))

    show = actions.add_parser("show", help=t("cli.rounds.show.help"))
    show.add_argument("round", metavar="ID")
    show.add_argument("--json", action="store_true", help=t("cli.rounds.show.json"))

    check = actions.add_parser("verify", help=t("cli.rounds.verify.help"), description=t("cli.rounds.verify.help"))
    check.add_argument("round", metavar="ID", nargs="?")
    check.add_argument("--file", type=Path, metavar="FILE.json", help=t("cli.rounds.verify.file"))

    again = actions.add_parser("redraw", help=t("cli.rounds.redraw.help"), description=t("cli.rounds.redraw.help"))
    again.add_argument("round", metavar="ID")
    again.add_argument("--reason", required=True, help=t("cli.rounds.redraw.reason"))
    again.add_argument("--inspectors", type=Path, metavar="FILE.csv", help=t("cli.rounds.inspectors"))
    again.add_argument("--by", default="", metavar="NAME", help=t("cli.rounds.by"))

    close = actions.add_parser("close", help=t("cli.rounds.close.help"), description=t("cli.rounds.close.help"))
    close.add_argument("round", metavar="ID")
    close.add_argument("--by", required=True, metavar="ACCOUNT", help=t("cli.rounds.close.by"))
    close.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help=t("cli.rounds.close.output"))

    handlers = {
        create: run_create,
        listing: run_list,
        show: run_show,
        check: run_verify,
        again: run_redraw,
        close: run_close,
    }
    for parser, handler in handlers.items():
        database_options(parser)
        parser.set_defaults(handler=functools.partial(handler, open_database=open_database))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.rounds.bad_date", value=text)) from None


def _kinds(text: str) -> tuple[SiteKind, ...]:
    try:
        return tuple(SiteKind.parse(word) for word in text.replace("，", ",").split(",") if word.strip())
    except ValueError:
        allowed = "、".join(f"{kind.value}（{label(kind)}）" for kind in SiteKind)
        raise argparse.ArgumentTypeError(t("cli.rounds.bad_kind", value=text, allowed=allowed)) from None


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.replace("，", ",").replace("、", ",").split(",") if word.strip())


def _inspectors(path: Path) -> list[Inspector]:
    from inspector.server.rounds import parse_inspector_register

    try:
        text = existing_file(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = os_error_text(error) if isinstance(error, OSError) else str(error)
        raise CommandError(t("cli.rounds.cannot_read", path=path, reason=reason)) from None
    return parse_inspector_register(text)


def _say_record(record: RoundRecord) -> None:
    plan = record.plan
    say(t("cli.rounds.header", name=plan.name, id=record.round_id, version=record.version))
    say(
        t(
            "cli.rounds.plan",
            start=plan.start.isoformat(),
            end=plan.end.isoformat(),
            kinds="、".join(label(kind) for kind in plan.kinds),
            townships="、".join(plan.townships) or t("cli.rounds.all_townships"),
            count=plan.count,
            available=len(plan.candidates),
            weighting=t(f"cli.rounds.weighting.{plan.weighting.value}"),
            team_size=plan.team_size,
        )
    )
    if record.reason:
        say(t("cli.rounds.reason", reason=record.reason, supersedes=record.supersedes[:12]))
    names = {inspector.account: inspector.display_name for inspector in plan.inspectors}
    for index, assignment in enumerate(record.assignments, start=1):
        site = assignment.site
        team = "、".join(names.get(account, account) for account in assignment.team)
        say(f"{index:>3}  {site.township} {site.name}  ({site.id})  {team}")
    say(t("cli.rounds.seal", seal=record.seal, seed=record.seed))


def run_create(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.core.rounds import Weighting
    from inspector.server.rounds import create_round

    inspectors = _inspectors(args.inspectors)
    with open_database(args) as database:
        record = create_round(
            database,
            name=args.name,
            start=args.start,
            end=args.end,
            kinds=args.kinds,
            townships=_words(args.townships),
            count=args.count,
            percent=args.share,
            team_size=args.team_size,
            weighting=Weighting(args.weighting),
            inspectors=inspectors,
            drawn_by=args.by,
        )
    if args.json:
        emit_json(record.to_dict())
        return 0
    _say_record(record)
    say(t("cli.rounds.created"))
    return 0


def run_list(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.server.rounds import list_rounds

    with open_database(args) as database:
        rows = list_rounds(database)
    if args.json:
        emit_json([row.__dict__ for row in rows])
        return 0
    for row in rows:
        state = t(f"cli.rounds.state.{row.state}")
        say(f"{row.round_id[:8]}  {row.start}～{row.end}  {state}  v{row.version}  {row.name}")
    say(t("cli.rounds.count_line", count=len(rows)))
    return 0


def run_show(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.core.rounds import RoundRecord
    from inspector.server.rounds import find_round, version_bodies

    with open_database(args) as database:
        row = find_round(database, args.round)
        bodies = version_bodies(database, row.round_id)
    if args.json:
        emit_json(bodies[-1])
        return 0
    _say_record(RoundRecord.from_dict(bodies[-1]))
    say(t(f"cli.rounds.state.{row.state}"))
    return 0


def _read_record(path: Path) -> dict[str, Any] | list[dict[str, Any]]:
    """A round's record as ``show --json`` writes it (one version), or a list of its versions."""
    try:
        data = json.loads(existing_file(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = os_error_text(error) if isinstance(error, OSError) else str(error)
        raise CommandError(t("cli.rounds.cannot_read", path=path, reason=reason)) from None
    if isinstance(data, dict) or (isinstance(data, list) and data and all(isinstance(item, dict) for item in data)):
        return data
    raise CommandError(t("cli.rounds.not_a_record", path=path))


def run_verify(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.core.rounds import verify
    from inspector.server.rounds import VersionCheck, find_round, verify_versions, version_bodies

    if (args.round is None) == (args.file is None):
        raise CommandError(t("cli.rounds.verify.one_of"))
    if args.file is not None:
        versions = _read_record(args.file)
        if isinstance(versions, list):  # every version of a round: the chain of redraws too
            checks = verify_versions(versions)
        else:  # one version (``show --json``): its seal and draw
            checks = [VersionCheck(int(versions.get("version") or 0), verify(versions), True)]
    else:
        with open_database(args) as database:
            bodies = version_bodies(database, find_round(database, args.round).round_id)
        checks = verify_versions(bodies)
    for check in checks:
        verdict = check.verdict
        say(
            t(
                "cli.rounds.verify.line",
                version=check.version,
                seal=t("cli.rounds.verify.ok" if verdict.seal_holds else "cli.rounds.verify.bad"),
                draw=t("cli.rounds.verify.ok" if verdict.draw_matches else "cli.rounds.verify.bad"),
                recusal=t("cli.rounds.verify.ok" if verdict.recusal_kept else "cli.rounds.verify.bad"),
                chain=t("cli.rounds.verify.ok" if check.chained else "cli.rounds.verify.bad"),
            )
        )
        for difference in verdict.differences:
            say_error(t("cli.rounds.verify.difference", difference=difference))
        if verdict.problem:
            problem = t(f"error.{verdict.problem.code}", **verdict.problem.params)
            say_error(t("cli.rounds.verify.problem", problem=problem))
    if all(check.holds for check in checks):
        say(t("cli.rounds.verify.holds"))
        return 0
    say_error(t("cli.rounds.verify.fails"))
    return EXIT_ERROR


def run_redraw(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    from inspector.server.rounds import redraw

    inspectors = _inspectors(args.inspectors) if args.inspectors else None
    with open_database(args) as database:
        record = redraw(database, args.round, reason=args.reason, drawn_by=args.by, inspectors=inspectors)
    _say_record(record)
    say(t("cli.rounds.redrawn", version=record.version))
    return 0


def run_close(args: argparse.Namespace, *, open_database: OpenDatabase) -> int:
    """Close the round, then make its public results and workbook (closed already: made again)."""
    from inspector.server.reminders import issuing_account
    from inspector.server.rounds import close_round, publish_round

    if not args.output.is_dir():
        raise CommandError(t("cli.no_such_folder", folder=args.output.absolute(), path=args.output))
    with open_database(args) as database:
        account = issuing_account(database, args.by)
        row = close_round(database, args.round)
        published = publish_round(database, row.round_id, account, args.output)
    say(t("cli.rounds.closed", name=row.name, at=row.closed_at or ""))
    say(t("cli.rounds.published", number=published.number, document=published.document, workbook=published.workbook))
    return 0
