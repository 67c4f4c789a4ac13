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
}
