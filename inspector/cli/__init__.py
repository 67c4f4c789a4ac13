"""The ``inspector`` command: argument parsing, then one service call per command.

Each command group lives in its own module under ``inspector.cli`` and registers itself through
``register(subparsers)``; ``COMMAND_MODULES`` lists them. Only the TUI and the commands that need
them import Textual, python-docx or httpx, so a plain command answers fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from inspector import __version__, paths
from inspector.cli.common import EXIT_USAGE, CommandError, report_problems, run_guarded, say_error
from inspector.cli.parser import InspectorParser
from inspector.i18n import set_language, t

APP_COMMANDS = "inspector.cli.app_commands"
COMMAND_MODULES = (
    APP_COMMANDS,
    "inspector.cli.checklist_commands",
    "inspector.cli.site_commands",
    "inspector.cli.visit_commands",
    "inspector.cli.rectification_commands",
    "inspector.cli.document_commands",
    "inspector.cli.server_commands",
    "inspector.cli.sync_commands",
    "inspector.cli.assignment_commands",
    "inspector.cli.reminder_commands",
)


def build_parser(*, app_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line, or with ``app_only`` only what opening the app takes (``demo``).

    Building every command's parser imports every command module: ~10 ms of the app's cold start.
    """
    parser = InspectorParser(prog="inspector", description=t("cli.description"), top_level=True)
    parser.add_argument("--version", action="version", version=f"inspector {__version__}", help=t("argparse.version"))
    subparsers = parser.add_subparsers(dest="command", metavar=t("cli.command"))
    for name in (APP_COMMANDS,) if app_only else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _utf8_streams()
    set_language(_early_lang(argv))
    if not _clock_from_environment():
        return EXIT_USAGE
    parser = build_parser(app_only=_opens_the_app(argv))
    args = parser.parse_args(argv)
    if args.demo:
        if args.data_dir:
            parser.error(t("cli.demo_or_data_dir"))
        args.data_dir = str(paths.demo_data_dir())
    gc.enable()  # paused while the program started (``inspector.__main__``); the app pauses it again
    handler = getattr(args, "handler", None)
    if handler is None:
        from inspector.cli.app_commands import open_app

        handler = open_app
    return run_guarded(handler, args)


def _clock_from_environment() -> bool:
    """``INSPECTOR_NOW``, when set, is the moment this process's clock starts from (tests, trials)."""
    text = os.environ.get("INSPECTOR_NOW", "").strip()
    if not text:
        return True
    from inspector.core.clock import from_iso, running_clock, set_clock

    try:
        set_clock(running_clock(from_iso(text)))
    except ValueError:
        say_error(t("cli.bad_now", value=text))
        return False
    return True


def _opens_the_app(argv: list[str]) -> bool:
    """No command, or ``demo``, and no request for help or the version."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return False
        if word in ("--data-dir", "--lang"):  # the options that take a value
            next(words, None)
        elif not word.startswith("-"):
            return word == "demo"
    return True


def _early_lang(argv: list[str]) -> str | None:
    """--lang must be known before the parser is built, since the help texts are translated."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _utf8_streams() -> None:
    """Chinese text out, whatever the console's code page (cp936 on Chinese Windows when piped)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(encoding="utf-8", errors="replace")


__all__ = ["CommandError", "build_parser", "main", "report_problems"]
