"""Words of the county's shared rectifications (records from every team, seals checked where they matter)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.seal.broken": (
        "检查记录 {uuid} 签发后被改动（校验不一致）：{file}。不据此出具文书、导出或上传；请从备份恢复该文件",
        "visit {uuid} was altered after sign-off (its seal does not match): {file}. Nothing is made or "
        "uploaded from it; restore the file from a backup",
    ),
    "sync.reason.seal_broken": (
        "签发后被改动（校验不一致），未上传：{file}",
        "altered after sign-off (its seal does not match), not uploaded: {file}",
    ),
    "sync.report.records": (
        "其他检查组发现的问题：收到 {count} 次检查的整改事项。",
        "Findings of other teams: the rectifications of {count} {count:visit|visits} received.",
    ),
    "rect.found_by_us": ("本组", "this team"),
    "rect.found_by_other": ("〔{team}发现〕", "[found by {team}]"),
    "rect.found_by": ("发现问题的检查组：{team}", "Found by: {team}"),
    "export.col.found_by": ("发现问题的检查组", "Found by"),
    "error.evidence.damaged_download": (
        "从服务器取回的照片 {sha256} 校验不符，未保存；请重试",
        "the photo {sha256} fetched from the server does not match its hash; not kept, try again",
    ),
    "cli.rect.photos.help": (
        "取回整改事项的照片（其他检查组发现的问题同步时不下载照片，查看时再取）",
        "fetch a rectification's photos (another team's findings come without them; they are fetched when looked at)",
    ),
    "cli.rect.photos.none": ("该整改事项没有照片", "this rectification has no photos"),
}
