"""Words of the app's home, board, sync and documents screens, and of what works on every screen.

Nothing here uses characters of ambiguous width (see ``tui_messages``).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "tui.quit.title": ("要退出吗？", "Do you want to quit?"),
    "tui.quit.how": ("按 {key} 退出程序", "Press {key} to quit the app"),
    "tui.sync.pending_held": (
        "；其中 {count} 项须由组长账号上传",
        "; {count} of them can only be sent from a lead's account",
    ),
    # home's section names when the long ones do not fit (60 columns)
    "tui.home.tab_short.in_progress": ("检查中 {count}", "Open {count}"),
    "tui.home.tab_short.rectifications": ("整改 {open} 逾期 {overdue}", "Rect. {open} late {overdue}"),
    "tui.home.tab_short.outbox": ("待同步 {count}", "Sync {count}"),
    "tui.key.documents": ("文书", "Documents"),
    "tui.docs.title": ("已制发文书  共 {count} 份", "Documents issued  {count} in all"),
    "tui.docs.col.kind": ("文书", "Document"),
    "tui.docs.col.number": ("文号", "Number"),
    "tui.docs.col.site": ("被检查单位", "Site"),
    "tui.docs.col.date": ("日期", "Date"),
    "tui.docs.col.file": ("文件", "File"),
    "tui.docs.kind.notice": ("整改通知书", "Notice"),
    "tui.docs.kind.record": ("现场检查记录", "On-site record"),
    "tui.docs.kind.bulletin": ("情况通报", "Bulletin"),
    "tui.docs.key.open_file": ("打开文件", "Open file"),
    "tui.docs.key.open_folder": ("打开文件夹", "Open folder"),
    "tui.docs.none": (
        "还没有制发文书。签发后在审核签发界面按 F8 出具整改通知书。",
        "No document issued yet. After sign-off, F8 on the review screen issues the notice.",
    ),
    "tui.docs.file_unknown": ("（未记录）", "(not noted)"),
    "tui.docs.file_unknown_hint": (
        "文号 {number} 在本版程序之前制发，未记录文件位置；请到导出文件夹查找（F3）。",
        "Number {number} was issued before files were noted; look in the exports folder (F3).",
    ),
    "tui.docs.opening": ("正在打开 {path}", "Opening {path}"),
    "tui.docs.cannot_open": ("本机无法直接打开，文件位置：{path}", "Cannot open it here; it is at {path}"),
}
