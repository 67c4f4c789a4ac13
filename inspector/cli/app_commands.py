"""Opening the app, and the demo."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from inspector import paths
from inspector.cli.common import data_dir, open_store, say
from inspector.i18n import label, t
from inspector.services.outbox import ensure_outbox


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help=t("cli.demo.help"), description=t("cli.demo.help"))
    demo.add_argument("--no-open", action="store_true", help=t("cli.demo.no_open"))
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from inspector.services.demo import demo_is_empty, fill_demo  # not imported to open the app on its own

    root = data_dir(args) if args.data_dir else paths.demo_data_dir()
    with open_store(args, root=root) as store:
        if demo_is_empty(store):
            made = fill_demo(store)
            say(t("cli.demo.filled", count=made, path=root))
        else:
            say(t("cli.demo.kept", path=root))
    if not args.data_dir:
        say(t("cli.demo.how_to_reach"))
    if args.no_open:
        return 0
    return launch(args, root)


def open_app(args: argparse.Namespace) -> int:
    return launch(args, data_dir(args))


def launch(args: argparse.Namespace, root: Path) -> int:
    """Open the TUI on a data dir (the TUI is imported only here: plain commands stay fast).

    The garbage collector rests until the first screen is drawn, as while the program started
    (see ``inspector.__main__``): importing Textual and building the screen allocate what lives on.
    """
    gc.disable()
    try:
        try:
            from inspector.tui.app import run_app
        except ImportError:
            return print_summary(args, root)
        return run_app(root)
    finally:
        gc.enable()


def print_summary(args: argparse.Namespace, root: Path) -> int:
    """What the app would show first, as text: the visits in the data dir and where it is."""
    with open_store(args, root=root) as store:
        ensure_outbox(store)
        say(t("cli.summary.data_dir", path=root))
        say(t("cli.summary.counts", sites=len(store.sites()), visits=len(store.visit_uuids())))
        for summary in store.visit_summaries():
            say(f"  {summary.uuid[:8]}  {summary.arrived_at[:16]}  {label(summary.status)}  {summary.site_name}")
    return 0
