"""Messages of a laptop with years of history (issue 14): the store's index and upgrades, long lists."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "tui.home.more_rows": (
        "另有 {count} 条未列出（最紧迫的在前），完整列表见整改台账或命令行",
        "{count} more not listed (the most pressing first); the board and the command line list all",
    ),
    "store.index_unusable": (
        "检查索引 {path} 缺失或已损坏，另一个检查程序正在使用数据目录，暂时无法重建。"
        "请关闭该程序后重新运行本命令（届时会自动从检查文件重建索引）。",
        "The visit index {path} is missing or damaged, and another inspector program is using the data "
        "folder, so it cannot be rebuilt now. Close that program and run this command again (the index "
        "is then rebuilt from the visit files).",
    ),
    "store.needs_upgrade": (
        "数据目录 {path} 由旧版本写入，需要升级，但另一个检查程序正在使用它。请关闭该程序后重新运行本命令。",
        "The data folder {path} was written by an older version and needs an upgrade, but another inspector "
        "program is using it. Close that program and run this command again.",
    ),
    "store.unreadable_in_use": (
        "文件 {path} 已损坏（{reason}）。另一个检查程序正在使用数据目录，文件未移动；"
        "该程序读到它时会把它移到 damaged 文件夹并从列表中去掉。",
        "File {path} is damaged ({reason}). Another inspector program is using the data folder, so the file "
        "was not moved; that program moves it to the damaged folder and drops it from the lists when it reads it.",
    ),
}
