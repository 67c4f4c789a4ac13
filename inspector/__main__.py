"""The ``inspector`` program (and ``python -m inspector``): the command line, with a quick start.

Starting allocates almost only what lives for the whole run: modules, classes, the argument
parser and, for the app, Textual and the first screen's widgets. Python's automatic collections
meanwhile find next to nothing to free, and took ~30 ms of the app's cold start of ~0.3 s, so the
collector rests while the program starts: ``inspector.cli.main`` turns it back on before a
command runs, and the app once its first screen is drawn.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from inspector.cli import main as run_command

        return run_command()
    finally:
        gc.enable()


if __name__ == "__main__":
    raise SystemExit(main())
