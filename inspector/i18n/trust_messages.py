"""Words of the server's trust rules as the laptop shows them: whose record it is, who may record
what, what a sync set aside, and the server's storage and limits."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sync.reason.not_owner": (
        "此检查记录属于另一个账号，只有上传第一版的账号或管理员可以更正",
        "this visit belongs to another account: only the account that uploaded version 1, or an admin, may amend it",
    ),
}
