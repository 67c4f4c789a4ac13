"""Rendering a document to PDF with LibreOffice headless, to look at it and to test its layout.

Not needed to make documents: where LibreOffice is installed, documents with a 版记 are laid out
once more to put it on an even page, and ``--pdf`` writes the PDF; tests measure the layout. LibreOffice
gets its own profile folder and HOME (it writes a profile there), and a private fontconfig file
(``fonts.conf`` beside this module) that maps the government font names to free fonts.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector.documents.gongwen import OWN_EVEN_PAGE

FONTS_CONF = Path(__file__).with_name("fonts.conf")
CONVERT_TIMEOUT_S = 180


PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
"""PDF with the blank pages LibreOffice inserts before a section that starts on an even page (the
版记's): its PDF export leaves them out unless told (the JSON filter options need LibreOffice 7.4)."""


SOFFICE_VARIABLE = "INSPECTOR_SOFFICE"
"""Names the LibreOffice program to use; set empty, it turns LibreOffice off (the test suite does,
but for the tests that render)."""


def soffice() -> str | None:
    """The LibreOffice program, or None where it is not installed (or turned off)."""
    configured = os.environ.get(SOFFICE_VARIABLE)
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(document: Path, out_dir: Path, *, work_dir: Path) -> Path:
    """Convert ``document`` to PDF in ``out_dir``; ``work_dir`` holds LibreOffice's own profile."""
    return to_pdfs([document], out_dir, work_dir=work_dir)[0]


def to_pdfs(documents: Sequence[Path], out_dir: Path, *, work_dir: Path) -> list[Path]:
    """Convert several documents in one LibreOffice run (it starts once: ~2 s saved a document)."""
    program = soffice()
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    home = work_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(FONTS_CONF)}
    command = [
        program,
        f"-env:UserInstallation={(work_dir / 'profile').resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        PDF_FILTER,
        "--outdir",
        str(out_dir),
        *(str(document) for document in documents),
    ]
    _run_to_the_end(command, env, timeout=CONVERT_TIMEOUT_S * len(documents))
    pdfs = [out_dir / f"{document.stem}.pdf" for document in documents]
    for document, pdf in zip(documents, pdfs, strict=True):
        if not pdf.exists():
            raise RenderFailed(f"LibreOffice made no PDF of {document.name}")
    return pdfs


class RenderFailed(Exception):
    """LibreOffice failed, or did not finish in time (then every process it started is ended)."""


def _run_to_the_end(command: list[str], env: Mapping[str, str], *, timeout: float) -> None:
    """Run LibreOffice in a process group of its own, and end the whole group if it hangs.

    ``soffice`` is a launcher: the work is done by ``soffice.bin``, its child. Killing only the
    launcher on a timeout leaves ``soffice.bin`` running, holding the profile folder, so that every
    later conversion waits on it and times out too.
    """
    own_group: dict = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {"start_new_session": True}
    )
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **own_group) as process:
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(process)
            process.communicate()
            raise RenderFailed(f"LibreOffice did not finish in {timeout:.0f} s") from None
    if process.returncode != 0:
        last = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        raise RenderFailed(f"LibreOffice failed: {last[0]}")


def _end_group(process: subprocess.Popen) -> None:
    if os.name == "nt":  # the launcher's whole tree (Windows has no process groups to signal)
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        os.killpg(process.pid, signal.SIGKILL)


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(pdf: bytes) -> int:
    """The pages of a PDF LibreOffice wrote (its page objects are never packed into object streams)."""
    return len(_PDF_PAGE.findall(pdf))


@dataclass(frozen=True)
class Settled:
    """A document laid out so that its 版记 is on an even page, and its PDF when LibreOffice made one."""

    docx: bytes
    pdf: bytes | None
    pages: int | None


def even_pages(build: Callable[[int], bytes], work_dir: Path) -> Settled:
    """One document laid out with its 版记 on an even page (see ``even_pages_many``)."""
    return even_pages_many({"document": build}, work_dir)["document"]


def even_pages_many(builds: Mapping[str, Callable[[int], bytes]], work_dir: Path) -> dict[str, Settled]:
    """Each document with its 版记 on an even page (GB/T 9704 7.5: the 版记 is on the last side).

    Where LibreOffice is installed, each is laid out with its 版记 at the foot of its last page; a
    document that ends on an odd page, or whose 版记 spills onto an odd page, is built again with
    the 版记 in a section of its own that starts on the next even page (one LibreOffice run for all
    of them, then one more for those built again).

    Without LibreOffice nothing can be measured (the page count depends on the fonts of the machine
    that prints): every document gets the even-page section, which Word and LibreOffice honour
    wherever the text ends; it costs a page where the 版记 would have fitted under the text. So
    does LibreOffice failing or hanging: the document is owed either way.
    """
    if soffice() is not None:
        try:
            return _measured_even_pages(builds, work_dir)
        except RenderFailed:
            pass  # a document is still owed: laid out as without LibreOffice
    return {name: Settled(build(OWN_EVEN_PAGE), None, None) for name, build in builds.items()}


def _measured_even_pages(builds: Mapping[str, Callable[[int], bytes]], work_dir: Path) -> dict[str, Settled]:
    settled: dict[str, Settled] = {}
    waiting = dict(builds)
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        for pages_before in (0, OWN_EVEN_PAGE):
            sources = {}
            for name, build in waiting.items():
                sources[name] = Path(folder) / f"{name}.docx"
                data = build(pages_before)
                sources[name].write_bytes(data)
                settled[name] = Settled(data, None, None)
            pdfs = to_pdfs(list(sources.values()), Path(folder) / f"pdf{pages_before}", work_dir=work_dir)
            for name, pdf_path in zip(sources, pdfs, strict=True):
                pdf = pdf_path.read_bytes()
                settled[name] = Settled(settled[name].docx, pdf, pdf_page_count(pdf))
            waiting = {name: build for name, build in waiting.items() if settled[name].pages % 2}  # type: ignore[operator]
            if not waiting:
                break
    return settled
