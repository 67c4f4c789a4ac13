"""Words of the command line, the checklist files, the register and the store."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.description": (
        "民政督导检查工具：离线检查、整改通知书、与民政局服务器同步。不带命令时打开检查界面。",
        "Civil-affairs inspections: offline checklists, rectification notices, sync with the bureau. "
        "Without a command it opens the app.",
    ),
    "cli.command": ("命令", "command"),
    "cli.opt.data_dir": (
        "数据目录（默认取 INSPECTOR_HOME 或本机用户数据目录）",
        "data folder (default: INSPECTOR_HOME or the user data folder)",
    ),
    "cli.opt.lang": (
        "界面语言：zh 中文（默认）或 en 英文；也可设 INSPECTOR_LANG",
        "language: zh (default) or en; or set INSPECTOR_LANG",
    ),
    "cli.opt.json": ("以 JSON 输出，供脚本使用", "print JSON, for scripts"),
    "cli.opt.visit": (
        "检查的编号（uuid）或其唯一前缀（至少4位）",
        "the visit's uuid or a unique prefix of it (4+ characters)",
    ),
    "cli.interrupted": ("已中断。", "Interrupted."),
    "cli.bad_now": (
        "环境变量 INSPECTOR_NOW 的值 {value!r} 不是带时区的 ISO 8601 时间（如 2026-12-01T09:30:00+08:00）。",
        "INSPECTOR_NOW={value!r} is not an ISO 8601 time with its zone (such as 2026-12-01T09:30:00+08:00).",
    ),
    "cli.internal_error": (
        "程序内部错误：{error}。详细信息已写入 {log}，请报告给维护人员。",
        "Internal error: {error}. Details written to {log}; please report it.",
    ),
    "cli.cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "cli.row": ("第{row}行", "row {row}"),
    "cli.demo.help": (
        "用内置演示数据打开程序（单独的演示数据目录）",
        "open the app on built-in demo data (a separate demo data folder)",
    ),
    "cli.demo.no_open": ("只准备演示数据，不打开界面", "only fill the demo data, do not open the app"),
    "cli.demo.filled": (
        "已生成演示数据：{count} 次检查，目录 {path}",
        "Demo data made: {count} {count:visit|visits} in {path}",
    ),
    "cli.demo.kept": ("演示数据已存在，未改动：{path}", "Demo data already there, left as it is: {path}"),
    "cli.summary.data_dir": ("数据目录：{path}", "Data folder: {path}"),
    "cli.summary.counts": (
        "单位 {sites} 个，检查 {visits} 次",
        "{sites} {sites:site|sites}, {visits} {visits:visit|visits}",
    ),
    "cli.checklists.help": ("检查表：校验、列出", "checklists: validate, list"),
    "cli.checklists.validate.help": ("校验检查表文件（格式与内容）", "validate checklist files (syntax and meaning)"),
    "cli.checklists.validate.paths": (
        "文件或目录（默认：内置检查表）",
        "files or folders (default: the built-in checklists)",
    ),
    "cli.checklists.list.help": ("列出可用的检查表", "list the checklists available"),
    "cli.checklists.failed": ("发现 {count} 处问题。", "{count} {count:problem|problems} found."),
    "cli.checklists.ok": (
        "检查表 {files} 份、检查项 {items} 条，全部通过校验。",
        "{files} {files:checklist|checklists}, {items} {items:item|items}: all valid.",
    ),
    "cli.sites.help": ("单位名册：导入、导出、列出", "site register: import, export, list"),
    "cli.sites.import.help": (
        "从 CSV 导入单位名册（有任何错误则整表不导入）",
        "import the register from CSV (nothing is imported if any row is wrong)",
    ),
    "cli.sites.export.help": (
        "导出单位名册为 CSV（中文表头，Excel/WPS 可直接打开）",
        "export the register as CSV (Chinese headers, opens in Excel/WPS)",
    ),
    "cli.sites.export.output": ("输出文件（默认输出到屏幕）", "output file (default: standard output)"),
    "cli.sites.list.help": ("列出单位", "list the sites"),
    "cli.sites.import.refused": (
        "共 {count} 处错误，未导入任何记录。",
        "{count} {count:error|errors}: nothing was imported.",
    ),
    "cli.sites.import.done": (
        "导入完成：新增 {added}，更新 {changed}，未变 {unchanged}。",
        "Imported: {added} added, {changed} changed, {unchanged} unchanged.",
    ),
    "cli.visits.help": ("检查记录：列出、查看", "visits: list, show"),
    "cli.visits.list.help": ("列出全部检查", "list the visits"),
    "cli.visits.show.help": ("查看一次检查", "show one visit"),
    "cli.visits.none": ("还没有检查记录。", "No visits yet."),
    "cli.visits.failed": ("问题 {count} 个", "{count} failed"),
    "cli.visits.uuid": ("编号：{uuid}", "Visit: {uuid}"),
    "cli.visits.team": ("检查组：组长 {lead}，组员 {members}", "Team: lead {lead}, members {members}"),
    "cli.visits.arrived": ("到达 {at}，离开 {departed}", "Arrived {at}, left {departed}"),
    "cli.visits.checklist": ("检查表：{title}（第{version}版）", "Checklist: {title} (version {version})"),
    "cli.visits.status": ("状态：{status}", "Status: {status}"),
    "cli.visits.seal": ("封存哈希：{seal}（第{version}版，{state}）", "Seal: {seal} (version {version}, {state})"),
    "cli.visits.seal_ok": ("校验一致", "verified"),
    "cli.visits.seal_bad": ("校验不一致！", "DOES NOT MATCH"),
    "cli.visits.due": ("整改期限 {due}", "due {due}"),
    # visit lookups
    "error.visit.unknown_site": ("名册中没有编号为 {site_id} 的单位", "no site {site_id} in the register"),
    "error.visit.no_checklist": ("没有适用于{kind}类单位的检查表", "no checklist for sites of kind {kind}"),
    "error.answer.result_first": (
        "请先给检查项 {item_id} 选择结果（合格/不合格/不适用）",
        "choose a result for item {item_id} first",
    ),
    "error.visit.prefix_too_short": (
        "编号前缀 {prefix} 太短，至少4位",
        "visit prefix {prefix} is too short (4+ characters)",
    ),
    "error.visit.unknown": ("找不到检查 {prefix}", "no visit {prefix}"),
    "error.visit.ambiguous": (
        "编号前缀 {prefix} 对应 {count} 次检查，请多输入几位",
        "prefix {prefix} matches {count} {count:visit|visits}; type more of it",
    ),
    # checklist files
    "file.missing": ("文件不存在", "no such file"),
    "file.too_big": ("文件太大（{size} 字节，上限 {limit}）", "file too big ({size} {size:byte|bytes}, limit {limit})"),
    "file.unreadable": ("无法读取：{reason}", "cannot read: {reason}"),
    "file.empty": ("文件是空的", "the file is empty"),
    "file.binary": ("不是文本文件（含二进制内容）", "not a text file (binary content)"),
    "file.not_utf8": ("不是 UTF-8 编码（请用 UTF-8 保存）", "not UTF-8 (save it as UTF-8)"),
    "file.bad_toml": ("TOML 格式错误：{reason}", "TOML syntax error: {reason}"),
    "file.unknown_key": ("未知的键 {key}", "unknown key {key}"),
    "file.missing_key": ("缺少 {key}", "{key} is missing"),
    "file.not_integer": ("{key} 应为整数", "{key} must be an integer"),
    "file.not_text": ("{key} 应为文字（加引号）", "{key} must be text (in quotes)"),
    "file.missing_list": (
        '{key} 应为非空列表，如 ["elderly_care"]',
        '{key} must be a non-empty list, e.g. ["elderly_care"]',
    ),
    "file.bad_value": (
        "{key} 的值 {value} 无效，可用：{allowed}",
        "{key}: {value} is not allowed; use one of: {allowed}",
    ),
    "file.missing_items": ("没有 [[items]] 检查项", "no [[items]]"),
    "file.item_not_table": ("检查项应写成 [[items]] 表", "an item must be an [[items]] table"),
    "file.bad_applies_when": (
        'applies_when 应写成 {{ features = ["canteen"] }}',
        'applies_when must look like {{ features = ["canteen"] }}',
    ),
    "file.same_version": (
        "与另一文件的检查表编号和版本（{version}）相同",
        "another file has the same checklist id and version ({version})",
    ),
    # register
    "register.too_big": ("文件太大", "file too big"),
    "register.encoding": (
        "无法识别编码（请存为 UTF-8 或 GBK 的 CSV）",
        "unknown encoding (save the CSV as UTF-8 or GBK)",
    ),
    "register.binary": (
        "不是 CSV 文本文件（是否选了 .xlsx？请另存为 CSV）",
        "not a CSV text file (an .xlsx? save it as CSV)",
    ),
    "register.empty": ("文件是空的", "the file is empty"),
    "register.missing_column": ("缺少这一列", "this column is missing"),
    "register.duplicate_id": ("编号与前面的行重复", "id repeats an earlier row"),
    "register.bad_csv": ("CSV 格式错误", "CSV syntax error"),
    "register.required": ("不能为空", "must not be empty"),
    "register.extra_cells": ("单元格比表头多", "more cells than the header has"),
    "register.bad_kind": (
        "类型无效（乡镇民政所/养老机构/儿童福利机构/救助管理站/婚姻登记处/殡葬服务机构）",
        "unknown kind (township, elderly_care, child_welfare, rescue_station, marriage_registry, funeral)",
    ),
    "register.unreadable": ("无法读取文件", "cannot read the file"),
    # store
    "store.locked": (
        "另一个检查程序正在使用数据目录 {path}，请先关闭它。",
        "Another inspector program is using the data folder {path}; close it first.",
    ),
    "store.foreign_dir": (
        "{path} 不是本程序的数据目录（其中已有 {example} 等文件），请换一个空目录。",
        "{path} is not an inspector data folder (it holds {example} and more); choose an empty folder.",
    ),
    "store.bad_meta": ("数据目录的 {path} 已损坏：{reason}", "{path} of the data folder is damaged: {reason}"),
    "store.newer_schema": (
        "{path} 由更新版本的程序写入（格式 {found}，本程序支持到 {supported}），请升级程序。",
        "{path} was written by a newer version (format {found}; this one reads up to {supported}); upgrade.",
    ),
    "store.no_data": ("{path} 中还没有数据。", "No data in {path} yet."),
    "store.readonly": ("数据目录以只读方式打开，不能修改。", "The data folder is open read-only."),
    "store.unknown_visit": ("找不到检查 {uuid}", "no visit {uuid}"),
    "store.sealed_differs": (
        "已封存的检查内容与 {path} 不一致，拒绝覆盖。",
        "sealed bytes differ from {path}; refusing to overwrite",
    ),
    "store.evidence_missing": ("找不到证据文件 {path}", "evidence file not found: {path}"),
    "store.evidence_unreadable": ("无法读取证据文件 {path}：{reason}", "cannot read evidence file {path}: {reason}"),
    "store.unreadable": (
        "文件 {path} 无法读取（{reason}），已移到 {moved_to}。",
        "File {path} is unreadable ({reason}); moved to {moved_to}.",
    ),
    "store.moved_aside": (
        "文件 {path} 已损坏（{reason}），已移到 {moved_to}，其余数据不受影响。",
        "File {path} was damaged ({reason}); moved to {moved_to}. Everything else is fine.",
    ),
    "store.unreadable_file": ("文件 {path} 已损坏（{reason}）。", "File {path} is damaged ({reason})."),
}
