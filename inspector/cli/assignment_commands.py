"""``inspector assignments list|start``: this team's assignments in the inspection rounds (双随机),
as the last sync brought them, and a visit started from one (linked to its round)."""

from __future__ import annotations

import argparse

import msgspec

from inspector.cli.common import emit_json, open_for_reading, open_store, say
from inspector.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("assignments", help=t("cli.assignments.help"), description=t("cli.assignments.help"))
    commands = group.add_subparsers(dest="assignments_command", required=True, metavar=t("cli.command"))
    listing = commands.add_parser("list", help=t("cli.assignments.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    listing.set_defaults(handler=run_list)
    start = commands.add_parser("start", help=t("cli.assignments.start.help"))
    start.add_argument("round", metavar="ROUND")
    start.add_argument("site", metavar="SITE_ID")
    start.add_argument("--lead", required=True, help=t("cli.assignments.lead"))
    start.add_argument("--member", action="append", default=[], help=t("cli.assignments.member"))
    start.set_defaults(handler=run_start)


def run_list(args: argparse.Namespace) -> int:
    from inspector.services.rounds import assignments

    store = open_for_reading(args)
    held = []
    if store is not None:
        with store:
            held = assignments(store)
    if args.json:
        emit_json(
            [
                {**msgspec.to_builtins(status.assignment), "visit_uuid": status.visit_uuid, "done": status.done}
                for status in held
            ]
        )
        return 0
    if not held:
        say(t("cli.assignments.none"))
    for status in held:
        item = status.assignment
        state = "done" if status.done else "started" if status.visit_uuid else "todo"
        say(
            t(
                "cli.assignments.line",
                round=item.round_name,
                start=item.start,
                end=item.end,
                township=item.township,
                site=item.site_name,
                site_id=item.site_id,
                team="、".join(item.team),
                state=t(f"cli.assignments.state.{state}"),
            )
        )
    return 0


def run_start(args: argparse.Namespace) -> int:
    from inspector.services.rounds import assignments, start_from_assignment

    with open_store(args) as store:
        # a round is named as the list shows it: by its name, or a beginning of its id
        rounds = {status.assignment.round_id: status.assignment.round_name for status in assignments(store)}
        chosen = [
            round_id
            for round_id, name in rounds.items()
            if args.round in (name, round_id) or round_id.startswith(args.round)
        ]
        round_id = chosen[0] if len(chosen) == 1 else args.round
        visit = start_from_assignment(store, round_id, args.site, lead=args.lead, members=tuple(args.member))
    say(t("cli.assignments.started", uuid=visit.uuid[:8], site=visit.site.name, round=rounds.get(round_id, round_id)))
    return 0
