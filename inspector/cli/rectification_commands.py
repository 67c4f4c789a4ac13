"""``inspector rectifications list|show|feedback|reinspect|verify|complete`` and ``inspector export``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from inspector.cli.common import (
    CommandError,
    cannot_write,
    data_dir,
    emit_json,
    mention_demo,
    open_for_reading,
    open_store,
    output_folder_exists,
    say,
    vocabulary,
)
from inspector.core.clock import local_date, now
from inspector.core.rectifications import FeedbackStatus, RectificationState, RectificationView, record_to_dict
from inspector.core.vocabulary import Area, Result, Severity
from inspector.i18n import label, t
from inspector.services import rectifications as services
from inspector.services.rectification_text import (
    describe,
    short_id,
    story_lines,
    summary_line,
)
from inspector.services.visits import record_answer, remembered_team, resolve_visit
from inspector.store.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("rectifications", help=t("cli.rect.help"))
    commands = group.add_subparsers(dest="rect_command", required=True, metavar=t("cli.command"))

    listing = commands.add_parser("list", help=t("cli.rect.list.help"))
    listing.add_argument("--overdue", action="store_true", help=t("cli.rect.opt.overdue"))
    listing.add_argument("--site", help=t("cli.rect.opt.site"))
    listing.add_argument("--township", help=t("cli.rect.opt.township"))
    listing.add_argument("--area", type=vocabulary(Area), metavar="|".join(Area), help=t("cli.rect.opt.area"))
    listing.add_argument(
        "--severity", type=vocabulary(Severity), metavar="|".join(Severity), help=t("cli.rect.opt.severity")
    )
    listing.add_argument("--state", choices=list(RectificationState), help=t("cli.rect.opt.state"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help=t("cli.rect.show.help"))
    show.add_argument("id", metavar="ID", help=t("cli.rect.opt.id"))
    show.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    show.set_defaults(handler=run_show)

    photos = commands.add_parser("photos", help=t("cli.rect.photos.help"))
    photos.add_argument("id", metavar="ID", help=t("cli.rect.opt.id"))
    photos.set_defaults(handler=run_photos)

    feedback = commands.add_parser("feedback", help=t("cli.rect.feedback.help"))
    feedback.add_argument("id", metavar="ID", help=t("cli.rect.opt.id"))
    feedback.add_argument("--measures", required=True, help=t("cli.rect.opt.measures"))
    feedback.add_argument("--responsible", required=True, help=t("cli.rect.opt.responsible"))
    feedback.add_argument("--date", dest="feedback_date", help=t("cli.rect.opt.date"))
    feedback.add_argument("--status", choices=list(FeedbackStatus), default="done", help=t("cli.rect.opt.status"))
    feedback.add_argument("--evidence", action="append", type=Path, default=[], help=t("cli.rect.opt.evidence"))
    feedback.add_argument("--by", help=t("cli.rect.opt.by"))
    feedback.add_argument("--reason", default="", help=t("cli.rect.opt.reason"))
    feedback.set_defaults(handler=run_feedback)

    reinspect = commands.add_parser("reinspect", help=t("cli.rect.reinspect.help"))
    reinspect.add_argument("site", metavar="SITE", help=t("cli.rect.opt.site_id"))
    reinspect.add_argument("--lead", help=t("cli.rect.opt.lead"))
    reinspect.add_argument("--member", action="append", default=[], help=t("cli.rect.opt.member"))
    reinspect.set_defaults(handler=run_reinspect)

    verify = commands.add_parser("verify", help=t("cli.rect.verify.help"))
    verify.add_argument("visit", metavar="VISIT", help=t("cli.opt.visit"))
    verify.add_argument("id", metavar="ID", help=t("cli.rect.opt.id"))
    verify.add_argument("result", choices=[Result.PASS.value, Result.FAIL.value], help=t("cli.rect.opt.result"))
    verify.add_argument("--note", default="", help=t("cli.rect.opt.note"))
    verify.add_argument("--deadline-days", type=int, help=t("cli.rect.opt.deadline_days"))
    verify.add_argument("--evidence", action="append", type=Path, default=[], help=t("cli.rect.opt.evidence"))
    verify.add_argument("--by", help=t("cli.rect.opt.by"))
    verify.set_defaults(handler=run_verify)

    complete = commands.add_parser("complete", help=t("cli.rect.complete.help"))
    complete.add_argument("visit", metavar="VISIT", help=t("cli.opt.visit"))
    complete.add_argument("--by", help=t("cli.rect.opt.by"))
    complete.set_defaults(handler=run_complete)

    export = subparsers.add_parser("export", help=t("cli.export.help"))
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help=t("cli.export.format"))
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help=t("cli.export.output"))
    export.set_defaults(handler=run_export)


# -- reading -----------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    today = local_date(now())
    wanted = services.RectificationFilter(
        township=args.township,
        site=args.site,
        area=args.area,
        severity=args.severity,
        state=RectificationState(args.state) if args.state else None,
        overdue=args.overdue,
    )
    store = open_for_reading(args)
    views: list[RectificationView] = []
    visits_here = False
    if store is not None:
        with store:
            views = services.find_rectifications(store, wanted, today=today)
            visits_here = bool(store.visit_uuids())
    if not visits_here:
        mention_demo(args, "rectifications list")
    if args.json:
        emit_json([as_json(view, today) for view in views])
        return 0
    if not views:
        say(t("cli.rect.none"))
        return 0
    # one write for the whole list: a county's years of overdue items are tens of thousands of lines
    say("\n".join(summary_line(view, today) for view in views))
    say(t("cli.rect.count", count=len(views), overdue=sum(1 for view in views if view.overdue_on(today))))
    return 0


def as_json(view: RectificationView, today: date) -> dict[str, Any]:
    record, feedback = view.record, view.feedback
    return {
        **record_to_dict(record),
        "state": view.state.value,
        # the due date now: a failed re-inspection sets a new one
        "due": view.due.isoformat(),
        "overdue": view.overdue_on(today),
        "days_overdue": view.days_overdue(today),
        "notice_number": view.notice_number,
        "feedback": None
        if feedback is None
        else {
            "measures": feedback.measures,
            "responsible": feedback.responsible,
            "date": feedback.date.isoformat(),
            "status": feedback.status.value,
            "evidence": [item.to_dict() for item in feedback.evidence],
        },
        "last_result": view.last_result.value if view.last_result else None,
        "closed_at": view.closed_at,
        "events": [
            {**step.event.to_dict(), "refused": step.refused.code if step.refused else None} for step in view.history
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    store = open_for_reading(args)
    if store is None:
        raise CommandError(t("error.rectification.unknown", text=args.id))
    with store:
        view = services.rectification_view(store, services.resolve_rectification(store, args.id))
    today = local_date(now())
    if args.json:
        emit_json(as_json(view, today))
        return 0
    for line in describe(view, today):
        say(line)
    return 0


def run_photos(args: argparse.Namespace) -> int:
    """Another team's finding comes without its photos: they are fetched when asked for."""
    from inspector.i18n.sync_text import sync_error_text
    from inspector.services.sync import fetch_rectification_photos, open_client, saved_login
    from inspector.sync.errors import SyncError

    with open_store(args) as store:
        rectification_id = services.resolve_rectification(store, args.id)
        saved = saved_login(store)
        if saved is None:
            raise CommandError(t("sync.error.not_logged_in"))
        try:
            with open_client(saved.url, saved.token, saved.ca_file) as client:
                paths = fetch_rectification_photos(store, client, rectification_id)
        except SyncError as error:
            raise CommandError(sync_error_text(error)) from None
    for path in paths:
        say(str(path))
    if not paths:
        say(t("cli.rect.photos.none"))
    return 0


# -- recording ---------------------------------------------------------------------------------


def _recorder(args: argparse.Namespace, store: Store) -> str:
    by = args.by or remembered_team(store)[0]
    if not by:
        raise CommandError(t("cli.rect.no_lead"))
    return by


def _parse_date(text: str | None) -> date:
    if not text:
        return local_date(now())
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(t("cli.rect.bad_date", value=text)) from None


def run_feedback(args: argparse.Namespace) -> int:
    feedback_date = _parse_date(args.feedback_date)
    with open_store(args) as store:
        view = services.record_feedback(
            store,
            services.resolve_rectification(store, args.id),
            measures=args.measures,
            responsible=args.responsible,
            feedback_date=feedback_date,
            status=FeedbackStatus(args.status),
            evidence_files=args.evidence,
            by=_recorder(args, store),
            reason=args.reason,
        )
    say(t("cli.rect.feedback_saved", state=label(view.state)))
    return 0


def run_reinspect(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        lead, members = remembered_team(store)
        site = store.site(args.site)
        visit = services.start_reinspection(
            store,
            args.site,
            lead=args.lead or lead,
            members=args.member or members,
            title=t("rect.reinspection.title", site=site.name if site else args.site),
        )
        shown = services.reinspection_items(store, visit.uuid)
    today = local_date(now())
    say(t("cli.rect.reinspection_started", uuid=visit.uuid, count=len(shown)))
    for entry in shown:
        say("")
        say(summary_line(entry.view, today))
        for line in story_lines(entry.view):
            say(f"  {line}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        uuid = resolve_visit(store, args.visit)
        rectification_id = services.resolve_rectification(store, args.id)
        if rectification_id not in store.load_visit(uuid).reinspects:
            raise CommandError(t("error.rectification.not_in_reinspection", text=args.id))
        record_answer(
            store,
            uuid,
            rectification_id,
            by=args.by,
            result=Result(args.result),
            note=args.note,
            add_evidence=args.evidence,
            deadline_days=args.deadline_days if args.result == Result.FAIL.value else None,
        )
    say(t("cli.rect.verified", item=args.id, result=label(Result(args.result))))
    return 0


def run_complete(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        uuid = resolve_visit(store, args.visit)
        visit = services.complete_reinspection(store, uuid, by=args.by or store.load_visit(uuid).lead)
        views = [services.rectification_view(store, rectification_id) for rectification_id in visit.reinspects]
    say(t("cli.rect.completed"))
    for view in views:
        say(t("cli.rect.outcome", id=short_id(view), state=label(view.state), due=t("rect.due", due=view.due)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from inspector.services.export import write_export

    output_folder_exists(args.output)
    store = open_for_reading(args)
    if store is None:
        mention_demo(args, f"export -o {args.output}")
        raise CommandError(t("cli.export.no_data", path=data_dir(args)))
    try:
        with store:
            written = write_export(store, args.output, args.format)
    except OSError as error:
        raise cannot_write(args.output, error) from None
    for path in written:
        say(t("cli.export.done", path=path))
    return 0
