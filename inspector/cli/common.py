"""What every command shares: opening the store, printing, JSON, and turning errors into one line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from inspector import paths
from inspector.core.errors import DomainError
from inspector.i18n import error_text, t
from inspector.i18n.foreign import os_error_text
from inspector.store.errors import StoreError
from inspector.store.store import Store, StoreProblem

if TYPE_CHECKING:
    from inspector.core.vocabulary import _Named

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
Word = TypeVar("Word", bound="_Named")


class CommandError(Exception):
    """A command cannot go on; the message is already in the user's language."""


def data_dir(args: argparse.Namespace) -> Path:
    """``--data-dir`` (which ``--demo`` sets to the demo's folder), else the default data folder."""
    return Path(args.data_dir).expanduser() if args.data_dir else paths.default_data_dir()


def mention_demo(args: argparse.Namespace, command: str) -> None:
    """Called when the data folder has no visits: if the demo's folder has some, say how to see them.

    ``inspector demo`` keeps its data apart, so a newcomer's next command finds nothing otherwise.
    """
    demo = paths.demo_data_dir()
    if args.demo or data_dir(args).absolute() == demo.absolute():
        return
    try:
        with Store.open(demo, readonly=True) as store:
            count = len(store.visit_uuids())
    except (StoreError, OSError):  # no demo yet, or one that cannot be read: nothing to point to
        return
    if count:
        say_error(t("cli.demo.hint", count=count, demo=demo, path=data_dir(args), command=command))


def existing_file(path: Path) -> Path:
    """``path`` if it is a file to read; else the command stops saying it is missing or a folder."""
    if not path.exists():
        raise CommandError(t("cli.file_not_found", path=path))
    if path.is_dir():
        raise CommandError(t("cli.not_a_file", path=path))
    return path


def output_folder_exists(path: Path) -> Path:
    """``path`` if its folder is there; else the command stops before doing the work, naming the folder."""
    folder = path.absolute().parent
    if not folder.is_dir():
        raise CommandError(t("cli.no_such_folder", folder=folder, path=path))
    return path


def vocabulary(kind: type[Word]) -> Callable[[str], Word]:
    """An argparse ``type`` for a vocabulary: its key or its Chinese name; else the ones allowed, in words."""

    def parse(text: str) -> Word:
        try:
            return kind.parse(text)
        except ValueError:
            allowed = ", ".join(f"{member.value} ({member.zh})" for member in kind)  # both are accepted
            raise argparse.ArgumentTypeError(t("argparse.invalid_choice", value=repr(text), choices=allowed)) from None

    return parse


def cannot_write(path: Path, error: OSError) -> CommandError:
    return CommandError(t("cli.cannot_write", path=path, reason=os_error_text(error)))


def open_store(args: argparse.Namespace, *, readonly: bool = False, root: Path | None = None) -> Store:
    store = Store.open(root or data_dir(args), readonly=readonly)
    report_problems(store.problems)
    return store


def report_problems(problems: Iterable[StoreProblem]) -> None:
    for problem in problems:
        if problem.moved_to:
            say_error(t("store.moved_aside", path=problem.path, moved_to=problem.moved_to, reason=problem.reason))
        else:
            say_error(t("store.unreadable_file", path=problem.path, reason=problem.reason))


def store_error_text(error: StoreError) -> str:
    return t(f"store.{error.code}", path=error.path, **{k: v for k, v in error.params.items() if k != "path"})


def say(text: str = "") -> None:
    print(text)


def say_error(text: str) -> None:
    print(text, file=sys.stderr)


def emit_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def run_guarded(handler: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """Run a command; any refusal becomes one clear line on stderr and exit status 1, never a traceback."""
    try:
        code = handler(args) or EXIT_OK
        # a reader gone away (``| head``) shows when buffered output is written: here, not at exit (120)
        sys.stdout.flush()
        return code
    except CommandError as error:
        say_error(str(error))
    except DomainError as error:
        say_error(error_text(error))
    except StoreError as error:
        say_error(store_error_text(error))
    except KeyboardInterrupt:
        say_error(t("cli.interrupted"))
        return 130
    except BrokenPipeError:
        # the reader went away (``| head``): nothing wrong here, and nobody left to tell; stdout goes
        # to the null device so that the interpreter's last flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as error:  # a bug: say so plainly and keep the details in a file
        log = Path(tempfile.gettempdir()) / "inspector-error.log"
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            log = Path("-")
        say_error(t("cli.internal_error", error=f"{type(error).__name__}: {error}", log=log))
    return EXIT_ERROR


def safe_url(url: str) -> str:
    """A database URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"


def open_for_reading(args: argparse.Namespace) -> Store | None:
    """The store read-only (works while the app has it open), or None when there is no data yet."""
    try:
        return open_store(args, readonly=True)
    except StoreError as error:
        if error.code == "no_data":
            return None
        raise
