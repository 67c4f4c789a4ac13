"""Words of a refused restore (``inspector server restore``): what was wrong with the backup."""

MESSAGES: dict[str, tuple[str, str]] = {
    "server.backup.newer_schema": (
        "备份 {path} 来自较新版本的服务器（数据库结构版本 {found}，本程序支持到 {supported}）：请先升级本程序再恢复。",
        "The backup {path} comes from a newer server (schema version {found}; this program knows up to "
        "{supported}): upgrade this program first, then restore.",
    ),
    "server.backup.damaged": (
        "备份 {path} 已损坏或不完整：{reason}",
        "The backup {path} is damaged or incomplete: {reason}",
    ),
    "server.backup.live_unwritable": (
        "无法写入数据库 {path}：{reason}（服务器是否仍在运行？请先停止服务器）",
        "Cannot write the database {path}: {reason} (is the server still running? stop it first)",
    ),
    "server.restore.untouched": (
        "数据库未作任何改动。",
        "Nothing in the database was changed.",
    ),
}
