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
}
