"""Words of the server's trust rules as the laptop shows them: whose record it is, who may record
what, what a sync set aside, and the server's storage and limits."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sync.reason.not_owner": (
        "此检查记录属于另一个账号，只有上传第一版的账号或管理员可以更正",
        "this visit belongs to another account: only the account that uploaded version 1, or an admin, may amend it",
    ),
    "sync.reason.event_forbidden": (
        "此账号不能在这条整改记录上记录这一步（反馈和通知只能由发现问题的检查组记录）",
        "this account may not record this step on this rectification (feedback and notices belong to the team that found it)",
    ),
    "sync.reason.rectification_missing": (
        "服务器上还没有这条整改所属的检查记录（将在下次同步时重发）",
        "the visit this rectification comes from is not on the server yet (sent again at the next sync)",
    ),
    "sync.reason.visit_missing": (
        "服务器上还没有这次复查的检查记录（将在下次同步时重发）",
        "the re-inspection visit is not on the server yet (sent again at the next sync)",
    ),
    "sync.reason.state_forbids": (
        "这条整改当前的状态不允许这一步（可能另一组已记录）",
        "the rectification's state does not allow this step (another team may have recorded one)",
    ),
    "error.rectification.role_may_not": (
        "当前登录的账号（{role}）不能记录整改反馈或通知，请由检查组组长记录",
        "the account this laptop is logged in with ({role}) may not record feedback or notices; a team lead records them",
    ),
    "rect.signed_by": ("{account}（录入：{typed}）", "{account} (typed: {typed})"),
    "sync.report.set_aside_item": (
        "已跳过服务器第 {seq} 项（{kind} {key}）：本机无法应用（{reason}）",
        "Skipped the server's entry {seq} ({kind} {key}): this laptop cannot apply it ({reason})",
    ),
    "sync.report.set_aside": (
        "{count} 项下载内容本机无法应用，已跳过并记录，同步照常进行（可能需要更新本程序）。",
        "{count} downloaded {count:entry|entries} could not be applied here: skipped and noted, the sync went on (this program may need updating).",
    ),
    "sync.error.storage_full": (
        "服务器存储空间不足：本次没有保存任何内容，本机记录仍在待发送队列中。请联系管理员后再同步。",
        "The server's storage is full: nothing was stored, and this laptop's records stay queued. Tell the administrator, then sync again.",
    ),
    "server.forwarding.error.storage_full": (
        "上级服务器存储空间不足；稍后自动重试，内容不会丢失。",
        "The higher-level server's storage is full; retried later, nothing is lost.",
    ),
    "sync.reason.bad_body": ("内容的某个字段不符合格式", "a field of the content breaks its format"),
    "sync.reason.storage_full": ("服务器存储空间不足", "the server's storage is full"),
}
