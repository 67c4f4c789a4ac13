"""Words of the rules that hold under real conditions: amended re-inspections, skewed clocks,
crash recovery, long file names, Windows file systems."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.rectification.superseded": (
        "该复查结论已被复查记录的更正版本取代",
        "replaced by a corrected version of the re-inspection",
    ),
    "error.rectification.feedback_before_finding": (
        "反馈日期 {date} 早于发现问题的检查（{found}）：请核对反馈表上的日期",
        "the feedback is dated {date}, before the visit that found the problem ({found}): check the date on the form",
    ),
    "sync.report.clock_behind": (
        "本机时钟比局服务器慢 {hours} 小时 {minutes} 分：请校准本机日期和时间，否则记录的时间不准。",
        "This laptop's clock is {hours} h {minutes} min behind the bureau server's: set the date and time "
        "right, or what is recorded here carries the wrong time.",
    ),
    "sync.report.clock_ahead": (
        "本机时钟比局服务器快 {hours} 小时 {minutes} 分：请校准本机日期和时间，否则记录的时间不准。",
        "This laptop's clock is {hours} h {minutes} min ahead of the bureau server's: set the date and time "
        "right, or what is recorded here carries the wrong time.",
    ),
    "rect.received_at": ("（服务器 {at} 收到）", "(server received {at})"),
    "store.cannot_lock": (
        "数据目录 {path} 所在的文件系统不支持文件锁（常见于网络共享盘），无法保证只有一个程序在写入："
        "请把数据目录放在本机磁盘上（--data-dir 或 INSPECTOR_HOME）。",
        "The file system of the data folder {path} cannot lock files (often a network share), so this "
        "program cannot make sure it is the only one writing: keep the data folder on a local disk "
        "(--data-dir or INSPECTOR_HOME).",
    ),
    "sync.report.number_blocks": (
        "领取文号号段 {count} 个。",
        "Received {count} {count:block|blocks} of document numbers.",
    ),
    "sync.report.numbers_low": (
        "文号 {series} 余量不足，服务器未分配新号段：用完后须联网同步才能出具新文书。",
        "Document numbers {series} are running low and the server granted no new block: once they are "
        "used up, sync before issuing another document.",
    ),
    "store.numbers_exhausted": (
        "本机的 {series} 文号号段已用完：请联网同步领取新号段后再出具（号段由局服务器统一分配，避免两台电脑用同一文号）。"
        "确需立即出具的，可加 --fallback-number 使用号段之后的备用文号（记录在案，由局里核对）。",
        "This laptop's block of {series} document numbers is used up: sync with the bureau server to get a "
        "new block, then issue (the server hands out the blocks, so no two laptops give the same number). "
        "If the document cannot wait, issue it with --fallback-number: it takes the next number, recorded "
        "for the bureau to reconcile.",
    ),
    "cli.document.fallback_number": (
        "本机号段用完且无法联网时，使用号段之后的备用文号（记录在案，由局里核对）",
        "when this laptop's block of numbers is used up and it cannot sync, take the next number after it "
        "(recorded, for the bureau to reconcile)",
    ),
    "document.number_fallback": (
        "注意：{number} 是号段之外的备用文号，已记录；请同步后请局里核对是否与其他电脑重复（inspector server duplicate-numbers）。",
        "Note: {number} is a fallback number outside this laptop's blocks, recorded; after the next sync the "
        "bureau checks it against the other laptops' (inspector server duplicate-numbers).",
    ),
    "document.numbers_low": (
        "本机号段仅剩 {left} 个文号：请尽快联网同步，领取新号段。",
        "Only {left} document {left:number|numbers} left in this laptop's block: sync soon to get a new block.",
    ),
    "cli.server.duplicates.help": (
        "列出在多个单位重复使用的整改通知书文号（号段启用前或离线备用编号所致），供局里核对",
        "list notice numbers used at more than one site (from before number blocks), for the bureau to reconcile",
    ),
    "cli.server.duplicates.line": (
        "{number}  单位：{sites}  来自：{sources}",
        "{number}  sites: {sites}  from: {sources}",
    ),
    "cli.server.duplicates.count": ("共 {count} 个重复文号", "{count} {count:number|numbers} used more than once"),
}
