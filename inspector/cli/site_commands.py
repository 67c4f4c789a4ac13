"""``inspector sites import|export|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspector.cli.common import (
    EXIT_ERROR,
    cannot_write,
    emit_json,
    existing_file,
    mention_demo,
    open_for_reading,
    open_store,
    output_folder_exists,
    say,
    say_error,
)
from inspector.core.sites import Site
from inspector.i18n import label, t
from inspector.services.register import RowProblem, import_register, register_csv
from inspector.store.atomic import atomic_write_bytes


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("sites", help=t("cli.sites.help"))
    commands = group.add_subparsers(dest="sites_command", required=True, metavar=t("cli.command"))
    importing = commands.add_parser("import", help=t("cli.sites.import.help"))
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    importing.set_defaults(handler=run_import)
    exporting = commands.add_parser("export", help=t("cli.sites.export.help"))
    exporting.add_argument("-o", "--output", type=Path, metavar="FILE", help=t("cli.sites.export.output"))
    exporting.set_defaults(handler=run_export)
    listing = commands.add_parser("list", help=t("cli.sites.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    listing.set_defaults(handler=run_list)


def run_import(args: argparse.Namespace) -> int:
    existing_file(args.file)
    with open_store(args) as store:
        report = import_register(store, args.file)
    for problem in report.problems:
        say_error(row_problem_line(args.file, problem))
    if report.problems:
        say_error(t("cli.sites.import.refused", count=len(report.problems)))
        return EXIT_ERROR
    say(t("cli.sites.import.done", added=report.added, changed=report.changed, unchanged=report.unchanged))
    return 0


def row_problem_line(path: Path, problem: RowProblem) -> str:
    """``file: row N: column: message (value)``, the column named by the file's own header; a problem
    of the whole file (row 0: unreadable, not CSV) is ``file: message``."""
    row = f" {t('cli.row', row=problem.row)}:" if problem.row else ""
    column = f" {problem.column}:" if problem.column else ""
    value = f" ({problem.value})" if problem.value else ""
    return f"{path}:{row}{column} {t(problem.message)}{value}"


def _sites(args: argparse.Namespace, command: str) -> list[Site]:
    store = open_for_reading(args)
    sites = []
    if store is not None:
        with store:
            sites = store.sites()
    if not sites:
        mention_demo(args, command)
    return sites


def run_export(args: argparse.Namespace) -> int:
    if args.output is not None:
        output_folder_exists(args.output)
    text = register_csv(_sites(args, "sites export"))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        # with a BOM, so that Excel on Windows opens the Chinese text correctly
        atomic_write_bytes(args.output, text.encode("utf-8-sig"))
    except OSError as error:
        raise cannot_write(args.output, error) from None
    return 0


def run_list(args: argparse.Namespace) -> int:
    sites = sorted(_sites(args, "sites list"), key=lambda s: (s.township, s.kind.value, s.id))
    if args.json:
        emit_json([site.to_dict() for site in sites])
        return 0
    for site in sites:
        say(f"{site.id}  {site.township}  {label(site.kind)}  {site.name}")
    return 0
