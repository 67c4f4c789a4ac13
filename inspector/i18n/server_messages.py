"""Words of ``inspector serve`` and ``inspector server …`` (accounts, publishing)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.serve.help": ("运行民政局服务器（需安装 server 扩展）", "run the bureau server (needs the server extra)"),
    "cli.serve.host": ("监听地址（默认 127.0.0.1）", "address to listen on (default 127.0.0.1)"),
    "cli.serve.port": ("端口（默认 8443）", "port (default 8443)"),
    "cli.serve.db": (
        "数据库地址（默认：数据目录下的 SQLite 文件 bureau.sqlite3）",
        "database URL (default: the SQLite file bureau.sqlite3 in the data folder)",
    ),
    "cli.serve.tls_cert": ("TLS 证书文件（PEM）", "TLS certificate (PEM)"),
    "cli.serve.tls_key": ("TLS 私钥文件（PEM）", "TLS private key (PEM)"),
    "cli.serve.rate": ("每个令牌每秒允许的请求数", "requests per second allowed per token"),
    "cli.server.help": ("管理服务器：账号、发布检查表和单位名录", "manage the server: accounts, publishing"),
    "cli.server.users.help": ("账号：登记、列出、吊销", "accounts: enrol, list, revoke"),
    "cli.server.users.add.help": (
        "登记账号，并显示一次性登记令牌（最后一行）",
        "enrol an account and print its one-time token (on the last line)",
    ),
    "cli.server.users.role": (
        "角色：inspector 组员、lead 组长、admin 局机关管理员、viewer 只读（局领导查看网页控制台）",
        "role: inspector, lead (team lead), admin (bureau staff) or viewer (read-only, for leaders in the web console)",
    ),
    "cli.server.users.days": ("令牌有效天数（默认 365）", "days the token stays valid (default 365)"),
    "cli.server.users.list.help": ("列出账号（不显示令牌）", "list accounts (tokens are never shown)"),
    "cli.server.users.revoke.help": ("吊销某人的全部令牌", "revoke all of a person's tokens"),
    "cli.server.publish_checklists.help": (
        "校验并发布一个目录中的检查表",
        "validate and publish the checklists of a folder",
    ),
    "cli.server.publish_register.help": ("校验并发布单位名录（CSV）", "validate and publish the register (CSV)"),
    "server.role.inspector": ("检查组组员", "inspector"),
    "server.role.lead": ("检查组组长", "team lead"),
    "server.role.admin": ("局机关管理员", "bureau administrator"),
    "server.state.active": ("有效", "active"),
    "server.state.revoked": ("已吊销", "revoked"),
    "server.state.expired": ("已过期", "expired"),
    "server.users.added": (
        "已登记 {name}（{role}），令牌有效期至 {expires}。",
        "Enrolled {name} ({role}); the token is valid until {expires}.",
    ),
    "server.users.token_once": (
        "令牌只显示这一次，服务器只保存其校验值。请当面交给本人，由其在笔记本上运行 inspector login：",
        "The token is shown this once; the server keeps only its hash. Hand it over in person for inspector login:",
    ),
    "server.users.none": ("还没有登记任何账号。", "No accounts yet."),
    "server.users.revoked": ("已吊销 {name} 的 {count} 个令牌。", "Revoked {count} {count:token|tokens} of {name}."),
    "server.account.exists": (
        "{name} 已有有效令牌；如需重新登记，请先吊销。",
        "{name} already has an active token; revoke it first to enrol again.",
    ),
    "server.account.bad_name": ("姓名不能为空，且不超过100字：{name}", "The name must be 1 to 100 characters: {name}"),
    "server.account.bad_days": ("有效天数须至少为 1：{days}", "Days must be at least 1: {days}"),
    "server.account.unknown": ("没有 {name} 的有效令牌。", "No active token of {name}."),
    "server.extra_missing": (
        "未安装服务器组件（缺少 {module}）。请运行：pip install 'inspector[server]'",
        "The server parts are not installed ({module} is missing); run: pip install 'inspector[server]'",
    ),
    "server.newer_schema": (
        "数据库由更新版本的服务器写入（版本 {found}），请升级本程序。",
        "The database was written by a newer server (schema {found}); upgrade this program.",
    ),
    "server.db_unusable": ("无法打开数据库 {url}：{reason}", "Cannot open the database {url}: {reason}"),
    "server.tls_pair": (
        "--tls-cert 与 --tls-key 须同时给出。",
        "--tls-cert and --tls-key go together.",
    ),
    "server.tls_missing": ("证书或私钥文件不存在：{path}", "No such certificate or key file: {path}"),
    "server.starting": ("服务器启动：{url}（数据库 {db}）", "Server starting at {url} (database {db})"),
    "server.publish.refused": ("服务器拒绝发布：{code} {detail}", "Publishing refused: {code} {detail}"),
    "server.publish.no_such_path": ("路径不存在：{path}", "No such path: {path}"),
    "server.publish.cannot_read": ("无法读取 {path}：{reason}", "Cannot read {path}: {reason}"),
    "server.publish.checklists_done": (
        "已发布检查表 {created} 份（{already} 份此前已发布）。",
        "Published {created} {created:checklist|checklists} ({already} {already:was|were} already published).",
    ),
    "server.publish.register_done": (
        "已发布单位名录：{count} 个单位。",
        "Published the register: {count} {count:site|sites}.",
    ),
    "server.publish.register_same": (
        "单位名录与上次发布的相同（{count} 个单位），未重复发布。",
        "The register is the same as the last one published ({count} {count:site|sites}); nothing new.",
    ),
}
