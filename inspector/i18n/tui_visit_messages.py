"""Words of the visit flow's screens: new visit, runner, evidence, review, and their dialogs."""

MESSAGES: dict[str, tuple[str, str]] = {
    # keys
    "tui.key.add_site": ("添加单位", "Add site"),
    "tui.key.remove_evidence": ("移除所选证据", "Remove selected"),
    "tui.choice.hint": ("上下键选择，回车确定，Esc 取消。", "Up/Down to choose, Enter to confirm, Esc to cancel."),
    # saving when the disk refuses
    "tui.os.no_space": ("磁盘空间已满", "the disk is full"),
    "tui.os.no_permission": ("没有写入权限（{path}）", "no permission to write ({path})"),
    "tui.os.read_only": ("磁盘为只读", "the disk is read-only"),
    "tui.os.other": ("无法写入磁盘：{reason}", "cannot write to the disk: {reason}"),
    "tui.os.unsaved": (
        "未能保存：{problem}。此前显示已保存的内容都完好地在磁盘上；这次的更改没有保存，仍留在屏幕上。"
        "腾出空间或处理后，再操作一次即可重试。",
        "Not saved: {problem}. Everything shown as saved before is safe on disk; this change was not "
        "saved and is still on screen. Free some space or fix it, then do it again to retry.",
    ),
    "tui.save.not_saved": ("未保存：{problem}", "Not saved: {problem}"),
    # runner
    "tui.runner.title_reinspection": (
        "复查  {site}  {status}  已答 {answered}/{total}  不合格 {failed}",
        "Re-inspection  {site}  {status}  {answered}/{total} answered  {failed} failed",
    ),
    "tui.runner.sealed_refused": (
        "本次检查已签发封存，不能再修改；如需更正，按 F9 到审核界面用 F7 更正。",
        "This visit is signed off and sealed: it cannot be changed here. To correct it, F9 for review, then F7.",
    ),
    "tui.runner.drop_finding.title": ("第{number}项改为{result}？", "Change item {number} to {result}?"),
    "tui.runner.drop_finding.message": (
        "此项已记为不合格，问题：{note}\n改为{result}后，这段问题说明不再作为问题，不会写入整改通知书。",
        "This item is recorded as failed: {note}\nAs {result}, this finding is no longer a problem and "
        "goes into no rectification notice.",
    ),
    "tui.runner.drop_finding.keep": ("保持不合格，转到下一项", "Keep it failed, go to the next item"),
    "tui.runner.drop_finding.change": (
        "改为{result}（说明留作备注，审核时会提示）",
        "Change to {result} (the note stays; review points it out)",
    ),
    "tui.runner.note_too_long": (
        "问题说明已有 {count} 字，超过 {limit} 字：整改通知书的问题栏约一页只能容纳这么多，"
        "过长会跨页。已照原文保存，建议精简。",
        "The finding has {count} {count:character|characters}, over {limit}: about what the notice's problem cell holds "
        "on a page; longer runs across pages. Saved as typed; consider shortening it.",
    ),
    # evidence
    "tui.evidence.hint_above": (
        "或在上方目录中选文件（回车）；输入文件夹路径可打开它。Esc 取消。",
        "Or pick the file in the folders above (Enter); a folder's path opens that folder. Esc cancels.",
    ),
    "tui.evidence.attached": (
        "已附证据：选中后按 Delete 移除，再选替换的文件",
        "Attached: Delete takes one off; then pick its replacement",
    ),
    "tui.evidence.folder_opened": ("已打开文件夹 {path}", "Opened folder {path}"),
    "tui.evidence.not_found": ("找不到文件或文件夹：{path}", "No such file or folder: {path}"),
    "tui.evidence.removed": (
        "已从此项移除证据 {name}（证据库中的副本保留）",
        "Removed {name} from this item (the stored copy is kept)",
    ),
    "error.evidence.not_photo_or_scan": (
        "{name} 不是照片或扫描件，未添加（只接受 JPEG、PNG、HEIC、WebP、TIFF、BMP、GIF 图片和 PDF 扫描件，按文件内容判断）",
        "{name} is not a photo or a scan and was not added (JPEG, PNG, HEIC, WebP, TIFF, BMP, GIF images "
        "and PDF scans only, judged by the file's content)",
    ),
    # review
    "tui.review.title_reinspection": (
        "复查审核签发  {site}  {status}  版本 {version}",
        "Review re-inspection  {site}  {status}  version {version}",
    ),
    "tui.review.sealed_copy_later": (
        "已签发封存。封存副本暂未写入（{problem}），下次打开程序时自动补写并排入待上传。",
        "Signed off and sealed. Its frozen copy was not written yet ({problem}); the next start writes "
        "it and queues it for upload.",
    ),
    "tui.review.flags": ("；另有 {count} 处请核对", "; {count} to check"),
    "tui.flag.pass_with_finding": ("已改为合格/不适用，但仍留着问题说明", "no longer failed but keeps its finding"),
    "tui.flag.note_too_long": ("问题说明过长，通知书中会跨页", "finding too long for the notice's cell"),
    # new visit
    "tui.new.register_empty": (
        "单位名册是空的。请回首页按 F7 同步下载名册，或在命令行运行 inspector sites import 名册.csv 导入；"
        "名册中没有的单位可按 F4 现场添加。",
        "The site register is empty. Sync (F7 on home) to download it, or run "
        "inspector sites import register.csv; a site not in the register can be added here with F4.",
    ),
    "tui.new.no_match_add": (
        "没有匹配的单位（名册中没有的单位可按 F4 现场添加）",
        "No site matches (a site not in the register can be added with F4)",
    ),
    "tui.new.added_on_laptop": ("  [现场添加]", "  [added here]"),
    "tui.new.site_added": (
        "已添加单位 {site}（本机编号，同步后由民政局核对名册）",
        "Site {site} added (a local id; the bureau reconciles it after sync)",
    ),
    "tui.new.in_progress.title": ("该单位已有进行中的检查", "A visit is already in progress here"),
    "tui.new.in_progress.message": (
        "{site} 有 {count} 次检查尚未签发，最近一次：{arrived} 到达，组长 {lead}，{status}。\n"
        "继续那次检查，还是另开一次新的检查？",
        "Visits at {site} not signed off yet: {count}. The latest: arrived {arrived}, lead {lead}, {status}.\n"
        "Resume it, or start another visit?",
    ),
    "tui.new.in_progress.resume": ("继续那次检查", "Resume that visit"),
    "tui.new.in_progress.new": ("仍然新建一次检查", "Start a new visit anyway"),
    "tui.local_site.title": ("现场添加单位", "Add a site on the spot"),
    "tui.local_site.why": (
        "名册中没有的单位：记为本机添加，使用本机编号，同步后由民政局与名册核对。",
        "A site the register does not list: recorded as added on this laptop with a local id, for the "
        "bureau to match to its register after sync.",
    ),
    "tui.local_site.name": ("单位名称", "Name"),
    "tui.local_site.name_placeholder": ("单位全称，如 鲁阳街道第二敬老院", "the site's full name"),
    "tui.local_site.kind": ("单位类型", "Kind"),
    "tui.local_site.choose_kind": ("选择类型", "Choose a kind"),
    "tui.local_site.township": ("所属乡镇", "Township"),
    "tui.local_site.township_placeholder": ("所属乡镇或街道，如 鲁阳街道", "the township or street office"),
    "tui.local_site.hint": ("F9 添加，Esc 取消。", "F9 to add, Esc to cancel."),
    "tui.local_site.kind_required": ("请选择单位类型", "Choose the site's kind"),
    "error.local_site.name_required": ("请填写单位名称", "The site's name is required"),
    "error.local_site.township_required": ("请填写所属乡镇（街道）", "The site's township is required"),
}
