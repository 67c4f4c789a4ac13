"""Words of the bureau's profile kept on the server (``inspector server profile``) and received by laptops."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.server.profile.help": (
        "本局信息（服务器上的文书落款、文号前缀、联系人、抄送；同步时下发到各台电脑）",
        "The bureau's profile on the server (documents' issuing organ, number prefixes, contact, copies); "
        "every laptop receives it when it syncs",
    ),
    "cli.server.profile.set.help": (
        "修改一项并发布（各台电脑下次同步时收到）",
        "Change one field and publish it (every laptop receives it at its next sync)",
    ),
    "cli.server.profile.published": (
        "已发布：服务器出具的通报、催办清单即用此信息，各台电脑下次同步时收到。",
        "Published: the server's bulletins and chase lists use it now; every laptop receives it at its next sync.",
    ),
    "sync.report.profile_received": (
        "已收到局里发布的本局信息，今后文书的落款、文号前缀和联系人按此填写。",
        "Received the bureau's published profile: documents from now on are signed, numbered and addressed by it.",
    ),
}
