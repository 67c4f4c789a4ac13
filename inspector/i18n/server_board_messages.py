"""Words of ``inspector server rectifications``: the county's rectification board on the server."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.server.board.help": (
        "全县整改台账：服务器收到的全部检查中的不合格项及各组记录的整改进展",
        "the county's rectification board: every failed item the server holds, as every team's events leave it",
    ),
    "cli.server.board.overdue": ("只列逾期未销号的", "only those past their due date and not closed"),
    "cli.server.board.source": (
        "只列某一上传账号（如省级服务器上的某县）收到的",
        "only those received from one account (a county, at a province)",
    ),
    "cli.server.board.count": ("共 {count} 项", "{count} in all"),
}
