"""Words of ``inspector login`` and ``inspector sync``: what went wrong, and why an item was refused."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.login.help": (
        "登录民政局服务器（令牌从标准输入读取，或在提示时输入）",
        "log in to the bureau server (the token is read from standard input, or asked for)",
    ),
    "cli.login.url": ("服务器地址，如 https://mz.example.gov.cn:8443", "the server's address, e.g. https://host:8443"),
    "cli.login.ca_file": (
        "县里自建证书机构（CA）的证书文件（PEM），用于校验服务器证书",
        "the county's own CA certificate (PEM), to verify the server's certificate",
    ),
    "cli.login.token_prompt": ("请输入登记令牌（输入不显示）：", "Enrolment token (not shown): "),
    "cli.sync.help": (
        "与民政局服务器同步：先上传已签发的检查和整改记录，再下载检查表、单位名录和整改动态",
        "sync with the bureau: upload signed-off visits and rectification events, then download "
        "checklists, the register and rectification news",
    ),
    "sync.logged_in": ("已登录 {url}：{name}（{role}）", "Logged in to {url} as {name} ({role})"),
    "sync.retrying": ("连接不顺，{wait} 秒后第 {attempt} 次重试", "Connection trouble; retry {attempt} in {wait} s"),
    "sync.error.offline": (
        "连不上服务器 {url}：网络不通或服务器未开。未上传的内容仍在待发送队列中，联网后再同步即可。",
        "Cannot reach {url}: no network, or the server is down. Nothing is lost: what was not sent "
        "stays queued; sync again when online.",
    ),
    "sync.error.timeout": (
        "服务器 {url} 长时间没有响应（已多次重试）。未上传的内容仍在队列中，请稍后再同步。",
        "The server {url} did not answer in time (retried several times). What was not sent stays "
        "queued; sync again later.",
    ),
    "sync.error.unknown_server": (
        "{url} 应答的不是民政局服务器：可能是需要网页登录的 Wi-Fi（认证页面），或地址有误。"
        "请先在浏览器中完成上网认证，或核对服务器地址。",
        "{url} is not answering as the bureau server: probably a Wi-Fi login page (captive portal) "
        "or a wrong address. Log in to the network in a browser first, or check the address.",
    ),
    "sync.error.cert_untrusted": (
        "服务器 {url} 的证书不受信任，已拒绝连接。若县里使用自建证书机构，请用 "
        "inspector login {url} --ca-file 证书文件 重新登录。",
        "The certificate of {url} is not trusted; the connection was refused. If the county uses "
        "its own CA, log in again with: inspector login {url} --ca-file FILE.pem",
    ),
    "sync.error.ca_file_missing": ("证书文件 {path} 不存在。", "The CA file {path} does not exist."),
    "sync.error.bad_ca_file": ("无法使用证书文件 {path}：{reason}", "Cannot use the CA file {path}: {reason}"),
    "sync.error.forbidden": (
        "此账号的角色无权进行此操作（{reason}）。上传检查须用检查组组长账号。",
        "This account's role may not do this ({reason}). Uploading visits needs a team lead's account.",
    ),
    "sync.error.rate_limited": (
        "服务器繁忙，请求过于频繁，请稍后再同步。",
        "The server is busy (too many requests); sync again in a while.",
    ),
    "sync.error.server_error": (
        "服务器内部出错（状态 {status}，已多次重试）。未上传的内容仍在队列中，请稍后再试或联系局机关。",
        "The server failed (status {status}, retried several times). What was not sent stays queued; "
        "try later or call the bureau.",
    ),
    "sync.error.not_logged_in": (
        "尚未登录服务器，请先运行：inspector login 服务器地址",
        "Not logged in to a server yet; first run: inspector login URL",
    ),
    "sync.error.bad_url": (
        "服务器地址无效：{url}（应以 https:// 开头）",
        "Not a server address: {url} (it should start with https://)",
    ),
    "sync.error.plain_http": (
        "拒绝以明文 http 连接 {url}：令牌会被窃听。请使用 https:// 地址。",
        "Refusing plain http to {url}: the token would travel in the clear. Use an https:// address.",
    ),
    "sync.error.empty_token": ("没有读到令牌。", "No token was given."),
    "sync.error.other": ("同步失败（{code}）。", "Sync failed ({code})."),
    "sync.auth.token_missing": ("没有登录令牌，请先运行 inspector login。", "No token; run inspector login first."),
    "sync.auth.token_unknown": (
        "服务器不认识此令牌（未登记或输入有误）。请向局机关管理员索取登记令牌后重新登录。",
        "The server does not know this token (not enrolled, or mistyped). Ask the bureau's "
        "administrator for an enrolment token and log in again.",
    ),
    "sync.auth.token_revoked": (
        "此令牌已被局机关吊销，不能再同步。请联系管理员重新登记。",
        "This token was revoked by the bureau; it can no longer sync. Ask the administrator to enrol you again.",
    ),
    "sync.auth.token_expired": (
        "此令牌已过期。请联系管理员重新登记后再登录。",
        "This token has expired. Ask the administrator to enrol you again, then log in.",
    ),
    "sync.report.pushed": (
        "已上传：检查 {visits} 份（服务器已有 {already} 份），照片 {photos} 张，整改记录 {events} 条。",
        "Sent: {visits} {visits:visit|visits} ({already} already on the server), {photos} {photos:photo|photos}, {events} rectification {events:event|events}.",
    ),
    "sync.report.pulled": (
        "已下载：检查表 {checklists} 份，单位新增 {added} 个、变更 {changed} 个，整改动态 {events} 条。",
        "Received: {checklists} {checklists:checklist|checklists}, {added} new and {changed} changed {changed:site|sites}, {events} rectification {events:event|events}.",
    ),
    "sync.report.held_for_role": (
        "{count} 项须由检查组组长账号上传，仍留在待发送队列中。",
        "{count} {count:item needs|items need} a team lead's account to be sent; {count:it stays|they stay} queued.",
    ),
    "sync.report.server_restored": (
        "局服务器的数据库已从备份恢复：本机的全部记录已重新上传（服务器已有的不会重复）。",
        "The bureau server's database was restored from a backup: everything on this laptop was sent again "
        "(what the server still had is not doubled).",
    ),
    "sync.report.refused_item": ("未被接收：{key}：{reason}", "Not accepted: {key}: {reason}"),
    "sync.report.refused": (
        "{count} 项未被服务器接收，仍留在待发送队列中，原因见上。",
        "{count} {count:item was not accepted and stays|items were not accepted and stay} queued; the reasons are above.",
    ),
    "sync.reason.photos_missing": (
        "服务器缺少此检查的照片（将在下次同步时补传）",
        "the server lacks this visit's photos (sent again at the next sync)",
    ),
    "sync.reason.photo_missing_locally": (
        "本机找不到此检查引用的照片文件，无法上传",
        "a photo this visit names is missing on this laptop; it cannot be sent",
    ),
    "sync.reason.base_missing": (
        "这是更正版本，但服务器上还没有它所更正的版本",
        "this is an amendment, but the version it corrects is not on the server",
    ),
    "sync.reason.stale_base": (
        "这份更正依据的是旧版本：服务器上已有他人的更正。请先同步并基于最新版本重新更正",
        "this amendment corrects an out-of-date version: someone else amended it first. Sync, then amend the latest",
    ),
    "sync.reason.different_bytes": (
        "服务器上已有同一编号、同一版本但内容不同的检查记录，已拒绝覆盖",
        "the server holds this visit and version with different content; it was not overwritten",
    ),
    "sync.reason.not_canonical": ("检查记录的格式不规范", "the visit's bytes are not in canonical form"),
    "sync.reason.seal_mismatch": (
        "检查记录的签发校验码不符（文件可能被改动）",
        "the visit's seal does not match (the file may have been altered)",
    ),
    "sync.reason.bad_visit": ("不是有效的已签发检查记录", "not a valid signed-off visit"),
    "sync.reason.visit_mismatch": (
        "检查编号、版本或状态与请求不符",
        "the visit's id, version or status does not match",
    ),
    "sync.reason.hash_mismatch": (
        "照片传输中损坏（校验不符），下次同步重传",
        "the photo arrived damaged; sent again next time",
    ),
    "sync.reason.too_large": ("文件超过服务器允许的大小", "the file is larger than the server accepts"),
    "sync.reason.bad_event": ("整改记录格式无效", "not a valid rectification event"),
    "sync.reason.bad_json": ("内容不是有效的 JSON", "not valid JSON"),
    "sync.reason.bad_request": ("请求参数无效", "a malformed request"),
    "sync.reason.not_found": ("服务器上没有此记录", "no such record on the server"),
    "sync.reason.other": ("服务器拒绝（{code}）", "refused by the server ({code})"),
}
