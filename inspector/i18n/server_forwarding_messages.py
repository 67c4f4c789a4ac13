"""Words of county → province forwarding: ``inspector serve --forward-to`` and ``inspector server forwarding``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.serve.forward_to": (
        "把收到的全部检查记录、照片和整改动态转发到上级（市、省）服务器的地址",
        "forward everything received (visits, photos, rectification events) to this higher-level server",
    ),
    "cli.serve.forward_token_file": (
        "存放上级服务器登记令牌的文件（也可用环境变量 INSPECTOR_FORWARD_TOKEN；不要写在命令行上）",
        "file holding this server's token at the higher-level server (or INSPECTOR_FORWARD_TOKEN; "
        "never on the command line)",
    ),
    "cli.serve.forward_ca_file": (
        "上级服务器证书的签发机构证书（PEM）",
        "the CA certificate of the higher-level server (PEM)",
    ),
    "cli.serve.forward_every": (
        "转发检查间隔（秒，默认 30）；有新上传时立即转发，失败后的重试间隔也不超过此值",
        "seconds between forwarding rounds (default 30); a new upload starts one at once, and "
        "retries after a failure wait at most this long",
    ),
    "cli.server.forwarding.help": ("向上级服务器转发的情况", "forwarding to the higher-level server"),
    "cli.server.forwarding.status.help": (
        "显示转发进度、待转发数量和最近一次中断的原因",
        "show the forwarding checkpoint, what waits, and why the last round stopped",
    ),
    "server.forwarding.needs_target": (
        "--forward-token-file 和 --forward-ca-file 须与 --forward-to 一起使用。",
        "--forward-token-file and --forward-ca-file go with --forward-to.",
    ),
    "server.forwarding.no_token": (
        "转发需要上级服务器的令牌：请用 --forward-token-file 指定令牌文件，或设置环境变量 INSPECTOR_FORWARD_TOKEN。",
        "Forwarding needs a token of the higher-level server: give --forward-token-file or set INSPECTOR_FORWARD_TOKEN.",
    ),
    "server.forwarding.cannot_read_token": (
        "无法读取令牌文件 {path}：{reason}",
        "Cannot read the token file {path}: {reason}",
    ),
    "server.forwarding.empty_token": ("令牌文件 {path} 是空的。", "The token file {path} is empty."),
    "server.forwarding.bad_every": (
        "--forward-every 须大于 0：{every}",
        "--forward-every must be greater than 0: {every}",
    ),
    "server.forwarding.starting": (
        "收到的内容将转发到上级服务器 {url}。",
        "What this server receives is forwarded to {url}.",
    ),
    "server.forwarding.none": (
        "本服务器还没有转发过（未用 --forward-to 启动）。",
        "This server has not forwarded anything (it was never started with --forward-to).",
    ),
    "server.forwarding.target": ("上级服务器 {target}", "Higher-level server {target}"),
    "server.forwarding.position": (
        "  已确认：检查记录至第 {visits} 号，动态至第 {events} 号",
        "  acknowledged: visits up to No. {visits}, feed up to No. {events}",
    ),
    "server.forwarding.pending": (
        "  待转发：检查记录 {visits} 份，整改动态 {events} 条",
        "  waiting: {visits} visit {visits:version|versions}, {events} rectification {events:event|events}",
    ),
    "server.forwarding.last_forwarded": ("  最近一次转发完成于 {at}", "  last complete round at {at}"),
    "server.forwarding.never_forwarded": ("  尚未完成过一次转发", "  no round has completed yet"),
    "server.forwarding.last_error": ("  最近一次中断（{at}）：{reason}", "  last stopped ({at}): {reason}"),
    "server.forwarding.kind.visit": ("检查记录", "visit"),
    "server.forwarding.kind.event": ("整改动态", "rectification event"),
    "server.forwarding.parked": (
        "  已搁置 {item}：上级服务器拒收{kind} {key}：{reason}（{status}）{detail}，{at}。其余内容照常转发；"
        "可用 inspector server forwarding retry {item} 重试，或 drop {item} 放弃。",
        "  parked {item}: the higher-level server refused {kind} {key}: {reason} ({status}) {detail}, {at}. "
        "The rest flows on; 'inspector server forwarding retry {item}' sends it again, 'drop {item}' forgets it.",
    ),
    "server.forwarding.parked_retry": (
        "  已搁置 {item}（{kind} {key}，{reason}（{status}））：将在下一轮重试。",
        "  parked {item} ({kind} {key}, {reason} ({status})): to be retried at the next round.",
    ),
    "cli.server.forwarding.retry.help": (
        "在下一轮转发时重试一个已搁置的项目",
        "send a parked item again at the next forwarding round",
    ),
    "cli.server.forwarding.drop.help": (
        "放弃转发一个已搁置的项目（本级仍保留）",
        "stop forwarding a parked item (this server keeps it)",
    ),
    "cli.server.forwarding.item": (
        "forwarding status 列出的项目，如 visit:12 或 event:34",
        "the item as 'forwarding status' names it, e.g. visit:12 or event:34",
    ),
    "cli.server.forwarding.target_option": (
        "只针对这一个上级服务器（默认：全部）",
        "only for this higher-level server (default: all)",
    ),
    "server.forwarding.bad_item": (
        "「{item}」不是已搁置项目的写法，应为 visit:编号 或 event:编号",
        "'{item}' does not name a parked item: visit:NUMBER or event:NUMBER",
    ),
    "server.forwarding.no_such_parked": ("没有已搁置的项目 {item}。", "No parked item {item}."),
    "server.forwarding.retry_done": (
        "{item} 将在下一轮转发时重试（{count} 个上级服务器）。",
        "{item} will be sent again at the next round ({count} {count:target|targets}).",
    ),
    "server.forwarding.drop_done": (
        "已放弃转发 {item}（{count} 个上级服务器）。",
        "{item} will not be forwarded ({count} {count:target|targets}).",
    ),
    "server.forwarding.error.offline": (
        "连不上上级服务器 {url}；稍后自动重试，内容不会丢失。",
        "Cannot reach {url}; retrying later, nothing is lost.",
    ),
    "server.forwarding.error.timeout": (
        "上级服务器 {url} 响应超时；稍后自动重试。",
        "{url} did not answer in time; retrying later.",
    ),
    "server.forwarding.error.unknown_server": (
        "{url} 不是登记本服务器令牌的上级服务器（或被其他网页拦截）。",
        "{url} is not the server that enrolled this token (or a portal answered instead).",
    ),
    "server.forwarding.error.cert_untrusted": (
        "上级服务器 {url} 的证书不受信任；请用 --forward-ca-file 指定其签发机构证书。",
        "The certificate of {url} is not trusted; give its CA with --forward-ca-file.",
    ),
    "server.forwarding.error.auth_refused": (
        "上级服务器不接受本服务器的令牌（{reason}）；请向上级管理员重新登记。",
        "The higher-level server refused this server's token ({reason}); ask its administrator to enrol it again.",
    ),
    "server.forwarding.error.forbidden": (
        "本服务器在上级服务器的账号无权上传（{reason}）；账号角色应为 lead。",
        "This server's account may not upload there ({reason}); its role should be lead.",
    ),
    "server.forwarding.error.server_error": (
        "上级服务器出错（HTTP {status}）；稍后自动重试。",
        "The higher-level server failed (HTTP {status}); retrying later.",
    ),
    "server.forwarding.error.rate_limited": (
        "上级服务器要求放慢速度；稍后自动重试。",
        "The higher-level server asked to slow down; retrying later.",
    ),
    "server.forwarding.error.other": ("转发中断：{code} {params}", "Forwarding stopped: {code} {params}"),
}
