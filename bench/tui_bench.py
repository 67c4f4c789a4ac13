"""TUI benchmark (issue 3): cold start, answer key to saved-and-redrawn, opening a 200-item visit.

Every app runs in a child process on a real pseudo-terminal (80x24), so what is timed includes
writing the frame to the terminal, as a user sees it:

1. Cold start: from starting ``python -m inspector --data-dir DEMO`` (the command the team runs)
   to the first frame of the home screen reaching the terminal, against a minimal Textual app
   (one line of text and a footer) in the same run.
2. Answer: from the key press of an answer to the frame that shows it saved, with 10,000
   visits stored, against a bare app whose key press only changes one line of text.
3. Opening a visit with a 200-item checklist, against the demo's 56-item visit and against a
   bare screen listing 200 plain lines.
4. ``--scale DIR`` (issue 14): the cold start on a laptop's folder after years (``bench/population.py``),
   timed to home *filled and settled*, not to its first frame: from the spawn to the last frame
   the app writes once the rectification counts are on screen and nothing more is drawn for
   ``QUIET`` seconds (every worker done, every list filled); each run on a fresh ``cp -a`` copy of
   DIR (the app writes into its folder; DIR is never touched): as copied (no persisted fold,
   ``rectification-views.snapshot``), after a start that was killed, after one that was quit
   (``SCALE_VARIANTS``), against the minimal app's first frame, turn about. The
   collector is left as users have it (the app pauses it while starting, as always); the peak
   memory is the child's VmHWM.

    python bench/tui_bench.py            # full run (a few minutes: it writes 10,000 visits)
    python bench/tui_bench.py --quick    # small numbers, to try the script
    python bench/tui_bench.py --scale /tmp/scale-10000 --runs 5   # prints the table; RESULTS.md by hand
    python bench/tui_bench.py --scale /tmp/scale-10000 --before <checkout>   # and the code before, turn about

POSIX only (it drives a pseudo-terminal); the app itself runs the same on Windows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

THIS = str(Path(__file__).resolve())
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (80, 24)
HOME_MARK = "民政督导检查".encode()
MINIMAL_MARK = b"minimal-ready"
FRAME_GAP = 0.005
"""Writes to the terminal closer together than this belong to one frame."""


# -- the parent: a pseudo-terminal per child ----------------------------------------------------


class PtyChild:
    """``python ARGUMENTS`` on a fresh 80x24 pty, with the time each write reached the terminal."""

    def __init__(self, arguments: list[str], extra_env: dict[str, str] | None = None, code: Path = ROOT) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.arguments = arguments
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
        self.received = bytearray()
        self.writes: list[float] = []
        """When each chunk was read from the terminal, in ``time.perf_counter`` seconds."""
        self.ends: list[int] = []
        """Where each chunk ends in ``received``."""
        self.changed = threading.Condition()
        self.began = time.perf_counter()
        self.child = subprocess.Popen(
            [sys.executable, *arguments],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=code,
            env={**env, **(extra_env or {})},
            start_new_session=True,
        )
        os.close(slave)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.changed:
                self.received.extend(chunk)
                self.writes.append(time.perf_counter())
                self.ends.append(len(self.received))
                self.changed.notify_all()

    def wait_for(self, mark: bytes, timeout: float) -> float:
        """Seconds from the spawn to ``mark`` reaching the terminal."""
        with self.changed:
            if not self.changed.wait_for(lambda: mark in self.received, timeout):
                tail = self.received[-3000:].decode("utf-8", "replace")
                raise RuntimeError(f"{self.arguments}: never drew {mark!r}:\n{tail}")
            end = self.received.find(mark) + len(mark)
            return next(at for at, ends in zip(self.writes, self.ends, strict=True) if ends >= end) - self.began

    def wait_quiet(self, quiet: float, timeout: float) -> float:
        """Seconds from the spawn to the last write before ``quiet`` seconds without any."""
        deadline = time.perf_counter() + timeout
        while True:
            with self.changed:
                last = self.writes[-1] if self.writes else self.began
            if time.perf_counter() - last >= quiet:
                return last - self.began
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.arguments}: still drawing after {timeout} s")
            time.sleep(min(quiet, 0.02))

    def peak_memory(self) -> int:
        """The child's peak resident memory so far, in bytes (Linux: VmHWM)."""
        status = Path(f"/proc/{self.child.pid}/status").read_text(encoding="utf-8")
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    def cpu_seconds(self) -> float:
        """The child's processor time so far, user and system (Linux: /proc/PID/stat): unlike the
        wall time, hardly moved by other programs sharing the processors."""
        fields = Path(f"/proc/{self.child.pid}/stat").read_text(encoding="utf-8").rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def finish(self, timeout: float) -> None:
        """Wait for the child to exit by itself; raise with what it wrote when it failed."""
        self.child.wait(timeout)
        if self.child.returncode:
            tail = self.received[-3000:].decode("utf-8", "replace")
            raise RuntimeError(f"{self.arguments} failed:\n{tail}")

    def close(self) -> None:
        self.child.kill()
        self.child.wait()
        os.close(self.master)


def spawn_on_pty(arguments: list[str], until: bytes | None = None, timeout: float = 120) -> float:
    """Run ``python ARGUMENTS`` on a fresh 80x24 pty.

    With ``until``, return the seconds from the spawn to those bytes reaching the terminal and
    kill the child; without, wait for it to finish and return its run time.
    """
    child = PtyChild(arguments)
    try:
        if until is not None:
            return child.wait_for(until, timeout)
        child.finish(timeout)
        return time.perf_counter() - child.began
    finally:
        child.close()


def cold_starts(data: Path, runs: int) -> tuple[list[float], list[float]]:
    """The ``inspector`` command as the team starts it, and the minimal app, turn about."""
    ours, minimal = [], []
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits both alike
        minimal.append(spawn_on_pty([THIS, "child-minimal"], until=MINIMAL_MARK))
        ours.append(spawn_on_pty(["-m", "inspector", "--data-dir", str(data)], until=HOME_MARK))
    return ours, minimal


FILLED_MARK = "逾期".encode()
"""Drawn once home has counted the rectifications (the section "整改 N 逾期 M"): its last list filled."""
QUIET = 1.0
"""Seconds without a write to the terminal after which home is taken as settled."""
POPULATION_NOW = "2026-11-28T16:30:00+08:00"
"""The day ``bench/population.py`` makes its folders as of: the counts on home are those of that day."""


def settled_start(data: Path, code: Path = ROOT, *, then: str = "kill") -> tuple[float, float, int, float]:
    """The app (the one in ``code``) on ``data``: seconds to its first frame, to home filled and
    settled, its peak memory and its processor time by then. ``then``: "kill" it (``kill -9``, as a
    power cut ends it: nothing written at closing), or "quit" with Ctrl+Q as the team does and wait
    for it to close."""
    child = PtyChild(
        ["-m", "inspector", "--data-dir", str(data)], {"INSPECTOR_NOW": POPULATION_NOW, "PYTHONPATH": str(code)}, code
    )
    try:
        first = child.wait_for(HOME_MARK, 120)
        child.wait_for(FILLED_MARK, 300)
        measured = first, child.wait_quiet(QUIET, 300), child.peak_memory(), child.cpu_seconds()
        if then == "quit":
            os.write(child.master, b"\x11")
            child.finish(60)
        return measured
    finally:
        child.close()


def minimal_start() -> tuple[float, int, float, float]:
    """The minimal Textual app: seconds to its first frame, its peak memory and processor time once
    it settled (its start), and seconds to its own settled screen: Textual draws the screen again
    after the first frame (the start's resize events, the layout its widgets ask for once sized),
    ~50 ms later even for one line and a footer. The target compares ours settled with its first."""
    child = PtyChild([THIS, "child-minimal"])
    try:
        first = child.wait_for(MINIMAL_MARK, 120)
        settled = child.wait_quiet(QUIET, 30)
        return first, child.peak_memory(), child.cpu_seconds(), settled
    finally:
        child.close()


def fresh_copy(source: Path, target: Path) -> Path:
    """A copy of the folder as ``cp -a`` makes it, without the persisted fold."""
    from inspector.services.rectifications import SNAPSHOT_FILE

    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    (target / SNAPSHOT_FILE).unlink(missing_ok=True)
    return target


SCALE_VARIANTS = {
    "without the fold": "a fresh copy (`cp -a`): no persisted fold, nothing kept from a last closing",
    "after a kill": "a start before on the same copy (not counted) wrote the fold and was killed (`kill -9`)",
    "after a quit": "a start before on the same copy (not counted) wrote the fold and was quit (Ctrl+Q)",
}


def scale_starts(source: Path, runs: int, work: Path | None, codes: dict[str, Path]) -> dict[str, list[tuple]]:
    """Home settled on copies of ``source`` (``SCALE_VARIANTS``), for each of ``codes`` (this code,
    and the code before when asked), and the minimal app's first frame, turn about. A fold is
    trusted only by the program that wrote it, over the very journal files it read, and what a
    clean close kept only while no file changed: a copy's files are other files, so a start before
    on the same copy writes them."""
    results: dict[str, list[tuple]] = {"minimal": []}
    with tempfile.TemporaryDirectory(prefix="tui_bench-", dir=work) as temp:
        data = Path(temp) / "data"
        for run in range(runs):
            for name, code in codes.items():
                for variant in SCALE_VARIANTS:
                    fresh_copy(source, data)
                    if variant != "without the fold":
                        settled_start(data, code, then=variant.removeprefix("after a "))
                    results["minimal"].append(minimal_start())
                    results.setdefault(f"{name}, {variant}", []).append(settled_start(data, code))
                    print(
                        f"run {run + 1}/{runs} {name}, {variant}: {results[f'{name}, {variant}'][-1]}", file=sys.stderr
                    )
        shutil.rmtree(data, ignore_errors=True)
    return results


def scale_table(source: Path, results: dict[str, list[tuple]], load: tuple[float, float]) -> str:
    minimal = statistics.median(first for first, _, _, _ in results["minimal"])
    minimal_peak = max(peak for _, peak, _, _ in results["minimal"])
    minimal_cpu = statistics.median(cpu for _, _, cpu, _ in results["minimal"])
    minimal_settled = statistics.median(settled for _, _, _, settled in results["minimal"])

    variants = [variant for variant in results if variant != "minimal"]

    def row(measure: str, pick: Callable[[tuple], float], show: Callable[[float], str]) -> str:
        cells = [show(statistics.median(pick(start) for start in results[variant])) for variant in variants]
        return f"| {measure} | {' | '.join(cells)} |"

    runs = len(results[variants[0]])
    return "\n".join(
        [
            f"Data: a copy of `{source}` for every start; median of {runs} starts each, the minimal app "
            f"started before each of ours (median first frame {ms(minimal)}, settled {ms(minimal_settled)}, "
            f"processor time {ms(minimal_cpu)}, "
            f"peak {minimal_peak / 2**20:.0f} MiB); "
            f"load average {load[0]:.1f} before, {load[1]:.1f} after.",
            "",
            f"| measure | {' | '.join(variants)} |",
            f"|---|{'---:|' * len(variants)}",
            row("home's first frame", lambda start: start[0], ms),
            row("home filled and settled", lambda start: start[1], ms),
            row("settled / the minimal app's first frame", lambda start: start[1] / minimal, lambda x: f"{x:.2f}×"),
            row("settled / the minimal app's settled", lambda start: start[1] / minimal_settled, lambda x: f"{x:.2f}×"),
            row("peak memory (VmHWM)", lambda start: start[2], lambda x: f"{x / 2**20:.0f} MiB"),
            row("processor time to settled (user + system)", lambda start: start[3], ms),
            row("the same / the minimal app's", lambda start: start[3] / minimal_cpu, lambda x: f"{x:.2f}×"),
        ]
    )


def compile_bytecode(code: Path = ROOT) -> None:
    """Compile the app's modules once, as an install does (pip writes every module's .pyc).

    Without it, where PYTHONDONTWRITEBYTECODE is set (as on this machine), every run would compile
    our ~100 modules from source, ~30 ms that no installed copy spends; Textual's come compiled.
    """
    import compileall

    compileall.compile_dir(code / "inspector", quiet=1)


def measured(arguments: list[str]) -> list[float]:
    """Run a child that writes its timings (seconds) as JSON to a file; return them."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        spawn_on_pty([THIS, *arguments, str(out)])
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


# -- data ----------------------------------------------------------------------------------------


def demo_data(base: Path) -> Path:
    from inspector.services.demo import fill_demo
    from inspector.store.store import Store

    root = base / "demo"
    with Store.open(root) as store:
        fill_demo(store)
    return root


def many_visits(base: Path, count: int) -> tuple[Path, str]:
    """``count`` stored visits of 60 answers (as bench/store_bench.py makes them) and one draft to answer."""
    from bench.store_bench import populate, template_visit
    from inspector.paths import sample_register
    from inspector.services.register import import_register
    from inspector.services.visits import start_visit
    from inspector.store.store import Store

    root = base / f"visits-{count}"
    with Store.open(root) as store:
        import_register(store, sample_register())
        template = template_visit(store)
    populate(
        root, {**template, "status": "signed_off", "seal": "0" * 64, "signed_off_at": template["arrived_at"]}, count
    )
    with Store.open(root) as store:
        draft = start_visit(store, "LS-EC-002", lead="张建国", members=["李娜"])
    return root, draft.uuid


def big_checklist_visit(base: Path, items: int) -> tuple[Path, str]:
    """A visit whose checklist has ``items`` items, the bureau's newer version for elderly care."""
    from inspector.core.checklists import Checklist, Item
    from inspector.core.vocabulary import Area, Method, Severity, SiteKind
    from inspector.paths import sample_register
    from inspector.services.register import import_register
    from inspector.services.visits import start_visit
    from inspector.store.store import Store

    areas = list(Area)
    checklist = Checklist(
        id="elderly_care_big",
        version=99,
        title="养老机构疫情防控督导检查表（扩充版）",
        site_kinds=(SiteKind.ELDERLY_CARE,),
        items=tuple(
            Item(
                id=f"big-{n:03d}",
                area=areas[n * len(areas) // items],
                text=f"第{n + 1}项：查阅近7日消毒记录台账，消毒时间、区域、消毒剂名称和浓度、经手人记录完整",
                method=Method.DOCUMENTS,
                severity=Severity.GENERAL,
                deadline_days=7,
                basis="鲁民字〔2022〕22号 四、四是",
            )
            for n in range(items)
        ),
    )
    root = base / f"checklist-{items}"
    with Store.open(root) as store:
        import_register(store, sample_register())
        store.add_checklist(checklist)
        visit = start_visit(store, "LS-EC-001", lead="张建国", members=["李娜"])
        assert len(visit.checklist.items) == items
    return root, visit.uuid


# -- the children ----------------------------------------------------------------------------------


class FrameClock:
    """Timestamps of what the app writes to the terminal, grouped into frames."""

    def __init__(self, app) -> None:
        self.writes: list[float] = []
        original = app._driver.write

        def write(data: str) -> None:
            original(data)
            self.writes.append(time.perf_counter())

        app._driver.write = write

    async def frame_after(self, moment: float) -> float:
        """The end of the first frame written after ``moment``."""
        while not any(at > moment for at in self.writes):
            await asyncio.sleep(0.0005)
        last = next(at for at in self.writes if at > moment)
        while True:
            await asyncio.sleep(FRAME_GAP)
            later = [at for at in self.writes if last < at <= last + FRAME_GAP]
            if not later:
                return last
            last = later[-1]


def child_minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(MINIMAL_MARK.decode())
            yield Footer()

    Minimal().run()


def run_app_with(data: str, out: str, script: Callable) -> None:
    """Run the app on the terminal with ``script(pilot, frames)`` driving it; timings go to ``out``."""
    from inspector.store.store import Store
    from inspector.tui.app import InspectorApp
    from inspector.tui.session import Session

    with Store.open(Path(data)) as store:
        app = InspectorApp(Session(store))

        async def drive(pilot) -> None:
            await pilot.pause()
            timings = await script(pilot, FrameClock(app))
            Path(out).write_text(json.dumps(timings), encoding="utf-8")
            app.exit()

        app.run(auto_pilot=drive)


def child_answers(data: str, uuid: str, presses: str, out: str) -> None:
    from inspector.tui.screens.runner import RunnerScreen

    async def script(pilot, frames: FrameClock) -> list[float]:
        # the home screen lists the rectifications of every signed-off visit in a worker: let it finish
        await pilot.app.workers.wait_for_complete()
        await pilot.app.push_screen(RunnerScreen(pilot.app.session, uuid))
        await pilot.pause(0.3)
        timings = []
        for n in range(int(presses)):
            began = time.perf_counter()
            await pilot.press("1" if n % 2 else "3")
            timings.append(await frames.frame_after(began) - began)
            if n % 50 == 49:
                await pilot.press("home")
            await pilot.pause(0.02)
        return timings

    run_app_with(data, out, script)


def child_open(data: str, uuid: str, runs: str, out: str) -> None:
    from inspector.tui.screens.runner import RunnerScreen

    async def script(pilot, frames: FrameClock) -> list[float]:
        await pilot.app.workers.wait_for_complete()
        timings = []
        for _ in range(int(runs)):
            began = time.perf_counter()
            await pilot.app.push_screen(RunnerScreen(pilot.app.session, uuid))
            timings.append(await frames.frame_after(began) - began)
            await pilot.app.pop_screen()
            await pilot.pause(0.1)
        return timings

    run_app_with(data, out, script)


def child_bare_key(presses: str, out: str) -> None:
    """The floor: a key press that changes one line of text, nothing saved."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS: ClassVar = [("1", "count", "count")]

        def compose(self) -> ComposeResult:
            yield Static("0", id="count")
            yield Footer()

        def action_count(self) -> None:
            label = self.query_one("#count", Static)
            label.update(str(int(str(label.render())) + 1))

    app = Bare()

    async def drive(pilot) -> None:
        await pilot.pause()
        frames = FrameClock(app)
        timings = []
        for _ in range(int(presses)):
            began = time.perf_counter()
            await pilot.press("1")
            timings.append(await frames.frame_after(began) - began)
            await pilot.pause(0.02)
        Path(out).write_text(json.dumps(timings), encoding="utf-8")
        app.exit()

    app.run(auto_pilot=drive)


def child_bare_list(items: str, runs: str, out: str) -> None:
    """The floor for opening: a screen with a list of as many plain lines, and nothing else."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import OptionList

    class Listing(Screen[None]):
        def compose(self):
            yield OptionList(*(f"第{n + 1}项：查阅近7日消毒记录台账" for n in range(int(items))))

    app = App[None]()

    async def drive(pilot) -> None:
        await pilot.pause()
        frames = FrameClock(app)
        timings = []
        for _ in range(int(runs)):
            began = time.perf_counter()
            await app.push_screen(Listing())
            timings.append(await frames.frame_after(began) - began)
            await app.pop_screen()
            await pilot.pause(0.1)
        Path(out).write_text(json.dumps(timings), encoding="utf-8")
        app.exit()

    app.run(auto_pilot=drive)


CHILDREN = {
    "child-minimal": child_minimal,
    "child-answers": child_answers,
    "child-open": child_open,
    "child-bare-key": child_bare_key,
    "child-bare-list": child_bare_list,
}


# -- report ----------------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


COLD_START_NOTES = (
    "What the cold start does beyond the minimal app, and how it is kept short: the command line builds only "
    "the app's own parser; Python's garbage collector rests until the first frame is drawn (startup allocates "
    "what lives on, ~30 ms of collections found nothing to free); home is the app's first screen, not pushed "
    "over an empty one; its section names are one widget (Textual's Tabs made ~10, ~20 ms); the lists not "
    "shown first are mounted just after the first frame; other screens, help, documents, sync and the "
    "rectification list load on first use. What remains is mostly importing our modules (~35 ms: the domain's "
    "frozen dataclasses, filelock 4 alone ~7 ms) and the home screen's table and footer. Modules are compiled "
    "to .pyc first, as an install leaves them (this machine sets PYTHONDONTWRITEBYTECODE)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small numbers, to try the script")
    parser.add_argument("--scale", type=Path, help="a folder made by bench/population.py: home settled on it")
    parser.add_argument("--runs", type=int, default=5, help="with --scale: starts of each kind")
    parser.add_argument("--work", type=Path, help="with --scale: where the copies go (default: the temp dir)")
    parser.add_argument("--before", type=Path, help="with --scale: a checkout of the code before, run turn about")
    args = parser.parse_args()
    if sys.platform == "win32":
        sys.exit("tui_bench drives a pseudo-terminal: run it on Linux or macOS")
    if args.scale:
        load_before = os.getloadavg()[0]
        codes = {"after": ROOT, "before": args.before} if args.before else {"this code": ROOT}
        for code in codes.values():
            compile_bytecode(code)
        results = scale_starts(args.scale, args.runs, args.work, codes)
        print(scale_table(args.scale, results, (load_before, os.getloadavg()[0])))
        return
    starts, stored, presses, opens = (3, 300, 30, 3) if args.quick else (30, 10_000, 200, 10)
    from bench.results import write_section

    compile_bytecode()
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        demo = demo_data(base)
        ours, minimal = cold_starts(demo, starts)
        crowded, draft = many_visits(base, stored)
        answers = measured(["child-answers", str(crowded), draft, str(presses)])
        bare_keys = measured(["child-bare-key", str(presses)])
        big, big_visit = big_checklist_visit(base, 200)
        open_big = measured(["child-open", str(big), big_visit, str(opens)])
        demo_draft = _draft_of(demo)
        open_demo = measured(["child-open", str(demo), demo_draft, str(opens)])
        open_bare = measured(["child-bare-list", "200", str(opens)])

    cold_ratio = statistics.median(ours) / statistics.median(minimal)
    rows = [
        "| measure | ours | baseline (same run) | ratio | target |",
        "|---|---:|---:|---:|---:|",
        f"| cold start to the home screen's first frame (median of {starts}) | {ms(statistics.median(ours))} "
        f"| {ms(statistics.median(minimal))} minimal Textual app | {cold_ratio:.2f}× | ≤ 1.3× |",
        f"| answer key to saved and redrawn, p50 ({stored:,} visits stored, {presses} presses) "
        f"| {ms(statistics.median(answers))} | {ms(statistics.median(bare_keys))} bare key to redraw | | |",
        f"| answer key to saved and redrawn, p95 | {ms(percentile(answers, 0.95))} "
        f"| {ms(percentile(bare_keys, 0.95))} | | ≤ 50 ms |",
        f"| open a visit with a 200-item checklist (median of {opens}) | {ms(statistics.median(open_big))} "
        f"| {ms(statistics.median(open_bare))} bare 200-line list; {ms(statistics.median(open_demo))} "
        "the demo's 56-item visit | | ≤ 300 ms |",
    ]
    body = (
        "Each app runs in its own process on an 80x24 pseudo-terminal; a time ends when the frame has "
        "been written to the terminal. Cold start counts from spawning the process; an answer from the "
        "key press to the frame after `record_answer` has written and fsynced the visit file (the runner "
        "then moves to the next item, which is saved too); opening from pushing the runner screen.\n\n"
        + "\n".join(rows)
        + "\n\n"
        + COLD_START_NOTES
        + (
            "\n\nCold start is within the target."
            if cold_ratio <= 1.3
            else f"\n\nCold start is over the 1.3× target by {ms(statistics.median(ours) - 1.3 * statistics.median(minimal))}."
        )
    )
    if args.quick:
        print(body)
        return
    write_section("TUI (issue 3)", body)
    print(body)


def _draft_of(root: Path) -> str:
    from inspector.services.visits import visits_in_progress
    from inspector.store.store import Store

    with Store.open(root) as store:
        return next(s.uuid for s in visits_in_progress(store) if s.status.value == "draft")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        CHILDREN[sys.argv[1]](*sys.argv[2:])
    else:
        main()
