"""``inspector checklists validate|list``."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector.checklist_files.reader import FileProblem
from inspector.checklist_files.validate import validate_files
from inspector.cli.common import EXIT_ERROR, emit_json, say, say_error
from inspector.i18n import label, t
from inspector.paths import builtin_checklists_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("checklists", help=t("cli.checklists.help"))
    commands = group.add_subparsers(dest="checklists_command", required=True, metavar=t("cli.command"))
    validate = commands.add_parser("validate", help=t("cli.checklists.validate.help"))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=t("cli.checklists.validate.paths"))
    validate.set_defaults(handler=run_validate)
    listing = commands.add_parser("list", help=t("cli.checklists.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    listing.set_defaults(handler=run_list)


def problem_line(problem: FileProblem) -> str:
    """``file:line: item-id: message`` — the form editors and CI logs jump to."""
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    item = f" {problem.item_id}:" if problem.item_id else ""
    return f"{where}:{item} {t(problem.message, **problem.params)}"


def run_validate(args: argparse.Namespace) -> int:
    paths = args.paths or [builtin_checklists_dir()]
    checklists, problems = validate_files(paths)
    for problem in problems:
        say_error(problem_line(problem))
    if problems:
        say_error(t("cli.checklists.failed", count=len(problems)))
        return EXIT_ERROR
    items = sum(len(checklist.items) for checklist in checklists)
    say(t("cli.checklists.ok", files=len(checklists), items=items))
    return 0


def run_list(args: argparse.Namespace) -> int:
    checklists, problems = validate_files([builtin_checklists_dir()])
    for problem in problems:
        say_error(problem_line(problem))
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "site_kinds": [kind.value for kind in c.site_kinds],
            "items": len(c.items),
            "content_hash": c.content_hash,
        }
        for c in checklists
    ]
    if args.json:
        emit_json(rows)
        return 0
    for checklist in checklists:
        kinds = "、".join(label(kind) for kind in checklist.site_kinds)
        say(f"{checklist.id}  v{checklist.version}  {checklist.title}  [{kinds}]  {len(checklist.items)}")
    return 0
