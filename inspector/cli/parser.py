"""The argument parser every ``inspector`` command is built with: argparse in the user's language,
and the options that mean the same on every command (``--data-dir``, ``--demo``, ``--lang``)
accepted before the command or after it.

argparse words its usage, help headings and errors in English through ``gettext``, and has no
catalogue of its own to install per parser. This subclass words what it shows itself (the usage
prefix, the headings, ``-h``) and translates, in ``error``, the messages argparse has already put
together, by the templates in ``ARGPARSE_MESSAGES``: CPython 3.11's msgids, the same strings a
gettext catalogue for argparse would be keyed on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from inspector.i18n import t
from inspector.i18n.foreign import ForeignMessages

ARGPARSE_MESSAGES = ForeignMessages(
    {
        "argument {argument}: {message}": "argparse.argument",
        "the following arguments are required: {arguments}": "argparse.required",
        "unrecognized arguments: {arguments}": "argparse.unrecognized",
        "invalid choice: {value} (choose from {choices})": "argparse.invalid_choice",
        "invalid {type} value: {value}": "argparse.invalid_value",
        "expected one argument": "argparse.expected_one",
        "expected at most one argument": "argparse.expected_at_most_one",
        "expected at least one argument": "argparse.expected_at_least_one",
        "expected {count} argument": "argparse.expected_count",
        "expected {count} arguments": "argparse.expected_count",
        "ambiguous option: {option} could match {matches}": "argparse.ambiguous",
        "not allowed with argument {argument}": "argparse.not_allowed_with",
        "ignored explicit argument {value}": "argparse.ignored_value",
        "one of the arguments {arguments} is required": "argparse.one_required",
    }
)

# the same on every command; ``main`` turns ``--demo`` into the demo's data folder
GLOBAL_OPTIONS = ("--data-dir", "--demo", "--lang")


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Iterable[Any], prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, t("argparse.usage") if prefix is None else prefix)


class InspectorParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` speaking the user's language, with the global options on every level.

    ``add_subparsers`` makes the subcommands' parsers of this same class, so every command takes
    the global options after its name too. Below the top they default to ``SUPPRESS``: a value
    given before the command is then kept unless the command is given its own.
    """

    def __init__(self, *args: Any, top_level: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = t("argparse.positionals")
        self._optionals.title = t("argparse.options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("argparse.help"))
        _add_global_options(self.add_argument_group(t("cli.global_options")), top_level=top_level)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, t("argparse.error", prog=self.prog, message=ARGPARSE_MESSAGES.translate(message)) + "\n")


def _add_global_options(group: argparse._ArgumentGroup, *, top_level: bool) -> None:
    def default(value: Any) -> Any:
        return value if top_level else argparse.SUPPRESS

    group.add_argument("--data-dir", metavar="DIR", default=default(None), help=t("cli.opt.data_dir"))
    group.add_argument("--demo", action="store_true", default=default(False), help=t("cli.opt.demo"))
    group.add_argument("--lang", choices=("zh", "en"), default=default(None), help=t("cli.opt.lang"))
