"""``inspector visits list|show``."""

from __future__ import annotations

import argparse

from inspector.cli.common import CommandError, emit_json, mention_demo, open_for_reading, say
from inspector.core.visits import Visit, progress, rectifications, verify_seal
from inspector.i18n import label, t
from inspector.services.visits import resolve_visit


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("visits", help=t("cli.visits.help"))
    commands = group.add_subparsers(dest="visits_command", required=True, metavar=t("cli.command"))
    listing = commands.add_parser("list", help=t("cli.visits.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    listing.set_defaults(handler=run_list)
    show = commands.add_parser("show", help=t("cli.visits.show.help"))
    show.add_argument("visit", metavar="VISIT", help=t("cli.opt.visit"))
    show.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    show.set_defaults(handler=run_show)


def run_list(args: argparse.Namespace) -> int:
    store = open_for_reading(args)
    summaries = []
    if store is not None:
        with store:
            summaries = store.visit_summaries()
    if not summaries:
        mention_demo(args, "visits list")
    if args.json:
        emit_json([summary.to_dict() for summary in summaries])
        return 0
    if not summaries:
        say(t("cli.visits.none"))
    for summary in summaries:
        failed = t("cli.visits.failed", count=summary.failed) if summary.failed else ""
        say(
            f"{summary.uuid[:8]}  {summary.arrived_at[:16].replace('T', ' ')}  "
            f"{label(summary.status)}  {summary.township} {summary.site_name}  {summary.lead}  {failed}".rstrip()
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    store = open_for_reading(args)
    if store is None:
        mention_demo(args, f"visits show {args.visit}")
        raise CommandError(t("error.visit.unknown", prefix=args.visit))
    with store:
        visit = store.load_visit(resolve_visit(store, args.visit))
    if args.json:
        emit_json(visit.to_dict())
        return 0
    for line in describe(visit):
        say(line)
    return 0


def describe(visit: Visit) -> list[str]:
    lines = [
        f"{visit.site.name}（{visit.site.township}，{label(visit.site.kind)}）",
        t("cli.visits.uuid", uuid=visit.uuid),
        t("cli.visits.team", lead=visit.lead, members="、".join(visit.members) or "-"),
        t("cli.visits.arrived", at=visit.arrived_at, departed=visit.departed_at or "-"),
        t("cli.visits.checklist", title=visit.checklist.title, version=visit.checklist.version),
        t("cli.visits.status", status=label(visit.status)),
    ]
    if visit.is_sealed:
        state = t("cli.visits.seal_ok") if verify_seal(visit) else t("cli.visits.seal_bad")
        lines.append(t("cli.visits.seal", seal=visit.seal, version=visit.version, state=state))
    for row in progress(visit):
        lines.append(f"  {label(row.area)}  {row.answered}/{row.total}  {t('cli.visits.failed', count=row.failed)}")
    for rectification in rectifications(visit):
        lines.append(
            f"  - [{label(rectification.severity)}] {rectification.item_text}\n"
            f"    {rectification.note}  {t('cli.visits.due', due=rectification.due.isoformat())}"
        )
    return lines
