"""CLI benchmark (issue 2): a plain command answers well under a quarter of a second.

Times ``inspector visits list`` and ``inspector checklists validate`` on the demo data against
the bare interpreter (``python -c pass``) in the same run, so the program's own share shows.

    python bench/cli_bench.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import write_section

RUNS = 20


def timed(command: list[str]) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), max(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        run = [sys.executable, "-m", "inspector", "--data-dir", temp]
        subprocess.run([*run, "demo", "--no-open"], check=True, capture_output=True)
        rows = [
            ("`python -c pass` (baseline)", timed([sys.executable, "-c", "pass"])),
            ("`inspector visits list`", timed([*run, "visits", "list"])),
            ("`inspector visits list --json`", timed([*run, "visits", "list", "--json"])),
            ("`inspector checklists validate`", timed([*run, "checklists", "validate"])),
        ]
    lines = ["| command | median | max |", "|---|---:|---:|"]
    lines += [f"| {name} | {median * 1000:.0f} ms | {worst * 1000:.0f} ms |" for name, (median, worst) in rows]
    body = f"{RUNS} runs each, demo data (5 visits), a new process per run. Target: well under 250 ms.\n\n" + "\n".join(
        lines
    )
    write_section("CLI start-up (issue 2)", body)
    print(body)


if __name__ == "__main__":
    main()
