"""Words of the official documents added for issue 16 (pagination, numbering, wording, the 反馈表).

Documents are always Chinese (``documents.common.in_chinese``); the English column documents
what each text says for a reader of the code and keeps the catalogue complete.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "doc.notice.closing": ("特此通知。", "This notice is hereby given."),
    "doc.attachment_numbered": ("附件{number}", "Attachment {number}"),
    "doc.notice.summary_not_applicable": (
        "（另有{count}项不适用，未计入）",
        " (and {count} not applicable, not counted)",
    ),
    "doc.notice.area_head": ("{area}方面。", "{area}. "),
    "doc.notice.area_count": ("发现问题{count}个", "{count} {count:problem|problems}"),
    "doc.notice.area_count_of_which": ("，其中{breakdown}", ", of which {breakdown}"),
    "doc.notice.see_problem_list": (
        "各项问题的整改要求和整改时限详见附件1《{title}》。",
        "What each problem requires and by when is listed in attachment 1, {title}.",
    ),
    "doc.problem_list.title": ("督导检查|发现问题清单", "List of the problems| found by the inspection"),
    "doc.problem_list.title_plain": ("督导检查发现问题清单", "list of the problems found"),
    "doc.notice.req.immediate.head": ("立行立改。", "At once. "),
    "doc.notice.req.immediate": (
        "标明“立行立改”的问题，须在检查当日整改到位，整改情况一并在反馈表中说明。",
        "Problems marked 'at once' are to be put right on the day of the inspection and reported on the form.",
    ),
    "doc.notice.requirement_from_item": ("按照“{text}”的要求整改到位", "Put right so that: {text}"),
    "doc.notice.replaces": (
        "本通知自印发之日起替代我局{date}印发的同名通知（{number}），原通知同时废止。",
        " This notice replaces the bureau's notice of {date} ({number}), which is withdrawn.",
    ),
    "doc.follow_up.cited": (
        "{date}印发的《关于{site}督导检查发现问题限期整改的通知》（{number}）",
        "the notice to {site} of {date} ({number})",
    ),
    "doc.follow_up.cited_unknown": ("前次督导检查整改通知", "the earlier inspection's notice"),
    "doc.follow_up.problem": (
        "原问题：{original}。\n复查情况：{finding}。",
        "Found before: {original}.\nRe-inspection: {finding}.",
    ),
    "doc.feedback.site_line": ("被检查单位：{site}\n检查时间：{date}", "Unit: {site}\nInspected on: {date}"),
    "doc.feedback.number_line": ("通知文号：{number}", "Notice no.: {number}"),
    "doc.feedback.evidence": (
        "佐证材料清单（整改前后照片、制度文件、台账记录等，注明对应问题序号）：",
        "Evidence (photos before and after, rules, ledgers; give each problem's number):",
    ),
    "doc.feedback.filled_by": (
        "填报人：　　　　　　　　　　　　联系电话：",
        "Filled in by:                  Telephone:",
    ),
    "doc.record.title_reinspection": ("{site}|督导检查复查记录", "{site}| re-inspection record"),
    "doc.record.reinspection_note": (
        "本次为复查，检查内容为前次检查发现问题的整改情况。",
        "This is a re-inspection of the problems found before.",
    ),
    "doc.record.sign_lead": ("检查组组长{name}（签字）：", "Team lead {name} (signature):"),
    "doc.record.sign_member": ("检查组成员{name}（签字）：", "Team member {name} (signature):"),
    "doc.notice.file_version": ("{name}_第{version}版.docx", "{name}_version-{version}.docx"),
    "error.document.no_libreoffice": (
        "未安装 LibreOffice，无法生成 PDF：请安装 LibreOffice 后重试，或去掉 --pdf 只生成 .docx",
        "LibreOffice is not installed, so no PDF can be made: install it, or leave out --pdf for the .docx alone",
    ),
    "error.document.pdf_failed": (
        "LibreOffice 未能生成 PDF（{reason}），未写入任何文件：请重试，或去掉 --pdf 只生成 .docx",
        "LibreOffice could not make the PDF ({reason}); nothing was written: try again, or leave out --pdf for the .docx alone",
    ),
    "cli.notice.all_unissued": (
        "为每个已签认、有问题、尚未印发通知书的检查生成通知书，按签认先后编号",
        "issue a notice for every signed-off visit with problems that has none, numbered in sign-off order",
    ),
    "cli.notice.issuing": ("正在生成整改通知书", "Issuing notices"),
    "cli.notice.none_unissued": ("没有待印发的整改通知书。", "No notice is waiting to be issued."),
    "error.cli.notice.visit_or_all": (
        "请指定一个检查（VISIT）或 --all-unissued，二者选一",
        "Name one visit (VISIT) or give --all-unissued, not both and not neither",
    ),
    "cli.document.pdf": (
        "同时用 LibreOffice 生成 PDF（与 .docx 同名）",
        "also make a PDF with LibreOffice, beside the .docx",
    ),
    "cli.document.pdf_written": ("已生成 PDF：{path}", "PDF written: {path}"),
    "cli.document.replaces": ("本通知替代此前印发的 {number}", "This notice replaces {number}"),
    "file.requirement_not_instruction": (
        "整改要求（requirement）写成了检查方法（查阅、现场查看、询问等）：应写被检查单位要做什么",
        "requirement reads as the inspection method (查阅, 现场查看, 询问 and the like): say what the unit must do",
    ),
    "doc.bulletin.item_quote": (
        "“{requirement}”不符合要求的{count}家（{sites}）",
        "“{requirement}” not met at {count} {count:unit|units} ({sites})",
    ),
    "doc.bulletin.and_more": ("等", " and others"),
}
