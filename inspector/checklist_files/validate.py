"""Check many checklist files together: each alone, then versions of one checklist against each other."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from inspector.checklist_files.reader import FileProblem, ReadResult, read_checklist_file
from inspector.core.checklists import Checklist, reused_id_problems


def checklist_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the *.toml files of folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.toml")))
        else:
            found.append(path)
    return found


def validate_files(paths: Iterable[Path]) -> tuple[list[Checklist], list[FileProblem]]:
    """Read every file; return the checklists that are clean and every problem found, in file order."""
    results: dict[Path, ReadResult] = {}
    problems: list[FileProblem] = []
    for path in checklist_paths(paths):
        if not path.exists():
            problems.append(FileProblem(str(path), 0, "", "file.missing"))
            continue
        result = read_checklist_file(path)
        results[path] = result
        problems.extend(result.problems)
        problems.extend(_requirement_problems(path, result))
    problems.extend(_version_problems(results))
    broken = {problem.path for problem in problems}
    clean = [r.checklist for p, r in results.items() if r.checklist is not None and str(p) not in broken]
    return clean, problems


INSPECTION_VERBS = ("查阅", "查看", "现场查看", "询问", "抽查", "检查")
"""How the team checks an item; a 整改要求 starting so was copied from the method, not written for the unit."""


def _requirement_problems(path: Path, result: ReadResult) -> list[FileProblem]:
    """Every item of a checklist file says what the unit must do when it fails (整改要求, in the notice)."""
    if result.checklist is None:
        return []
    problems = []
    for item in result.checklist.items:
        line = result.item_lines.get(item.id, 1)
        if not item.requirement:
            problems.append(FileProblem(str(path), line, item.id, "file.missing_key", {"key": "requirement"}))
        elif item.requirement.startswith(INSPECTION_VERBS):
            problems.append(FileProblem(str(path), line, item.id, "file.requirement_not_instruction", {}))
    return problems


def _version_problems(results: dict[Path, ReadResult]) -> list[FileProblem]:
    by_id: dict[str, list[tuple[Path, ReadResult]]] = defaultdict(list)
    for path, result in results.items():
        if result.checklist is not None and result.checklist.id:
            by_id[result.checklist.id].append((path, result))
    problems: list[FileProblem] = []
    for versions in by_id.values():
        versions.sort(key=lambda entry: entry[1].checklist.version)  # type: ignore[union-attr]
        for (_, older), (newer_path, newer) in itertools.pairwise(versions):
            assert older.checklist is not None and newer.checklist is not None
            if older.checklist.version == newer.checklist.version:
                problems.append(
                    FileProblem(str(newer_path), 1, "", "file.same_version", {"version": str(newer.checklist.version)})
                )
                continue
            for problem in reused_id_problems(older.checklist, newer.checklist):
                line = newer.item_lines.get(problem.item_id, 1)
                problems.append(
                    FileProblem(str(newer_path), line, problem.item_id, problem.code, {"detail": problem.detail})
                )
    return problems
