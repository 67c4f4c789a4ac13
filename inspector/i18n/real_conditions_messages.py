"""Words of the rules that hold under real conditions: amended re-inspections, skewed clocks,
crash recovery, long file names, Windows file systems."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.rectification.superseded": (
        "该复查结论已被复查记录的更正版本取代",
        "replaced by a corrected version of the re-inspection",
    ),
}
