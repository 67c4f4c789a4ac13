"""Words of ``inspector server backup`` and ``inspector server restore``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.server.backup.help": (
        "备份服务器数据库（SQLite 在线备份；PostgreSQL 用 pg_dump），照片目录另行复制",
        "back up the server's database (SQLite online backup; pg_dump for PostgreSQL); copy the photos folder too",
    ),
    "cli.server.backup.output": ("备份文件", "the backup file"),
    "cli.server.restore.help": (
        "用备份替换服务器数据库的全部内容（先停止服务器）",
        "replace everything in the server's database by a backup (stop the server first)",
    ),
    "cli.server.restore.file": ("备份文件", "the backup file"),
    "cli.server.restore.replace": (
        "确认替换：数据库中备份之后的全部内容将丢失",
        "confirm the replacement: everything in the database since the backup is lost",
    ),
    "server.backup.done": ("已备份 {db} 到 {path}", "Backed up {db} to {path}"),
    "server.backup.restored": ("已用 {path} 恢复 {db}", "Restored {db} from {path}"),
    "server.backup.needs_replace": (
        "恢复会用备份替换数据库中的全部内容；确认无误后加上 --replace 再运行。",
        "A restore replaces everything in the database by the backup; add --replace to go ahead.",
    ),
    "server.backup.unreadable": ("无法读取备份文件 {path}：{reason}", "Cannot read the backup {path}: {reason}"),
    "server.backup.not_a_backup": (
        "{path} 不是本服务器 {engine} 数据库的备份。",
        "{path} is not a backup of this server's {engine} database.",
    ),
    "server.backup.no_database": ("数据库文件 {path} 不存在。", "The database file {path} does not exist."),
    "server.backup.engine_unsupported": (
        "不支持备份此类数据库：{engine}",
        "Cannot back up this kind of database: {engine}",
    ),
    "server.backup.tool_missing": (
        "找不到 {tool}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）。",
        "{tool} was not found: install the PostgreSQL client (apt-get install postgresql-client).",
    ),
    "server.backup.tool_failed": ("{tool} 失败：{reason}", "{tool} failed: {reason}"),
}
