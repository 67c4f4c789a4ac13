"""Words of the documents (整改通知书, 反馈表, 现场检查记录, 通报), the document commands and the bureau profile.

Titles carry '|' where a line may break (GB/T 9704 breaks long titles at word boundaries).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # shared pieces of documents
    "doc.date": ("{year}年{month}月{day}日", "{day}/{month}/{year}"),
    "doc.date_short": ("{month}月{day}日", "{day}/{month}"),
    "doc.before": ("{date}前", "by {date}"),
    "doc.date_blank": ("年　　月　　日", "Date:            "),
    "doc.list_separator": ("、", ", "),
    "doc.addressee": ("{names}：", "To: {names}"),
    "doc.township_office": ("{township}办事处", "{township} Sub-district Office"),
    "doc.township_government": ("{township}人民政府", "{township} People's Government"),
    "doc.method.unannounced": ("“四不两直”", "unannounced (四不两直)"),
    "doc.method.announced": ("现场检查", "on-site"),
    "doc.point": ("（{number}）{head}", "({number}) {head}"),
    "doc.attachment": ("附件", "Attachment"),
    "doc.attachment_note": ("附件：{title}", "Attachment: {title}"),
    "doc.contact": ("（联系人：{person}，联系电话：{phone}）", "(Contact: {person}, telephone {phone})"),
    "doc.cc": ("抄送：{names}。", "Copy to: {names}."),
    "doc.printed": ("{date}印发", "Issued {date}"),
    "doc.col.number": ("序号", "No."),
    "doc.col.problem": ("存在问题", "Problem found"),
    "doc.col.basis": ("依据", "Basis"),
    "doc.col.requirement": ("整改要求", "Requirement"),
    "doc.col.deadline": ("整改时限", "Deadline"),
    # 整改通知书
    "doc.notice.subject": ("整改通知书", "Rectification notice"),
    "doc.notice.file": ("{date}_{site}_整改通知书.docx", "{date}_{site}_rectification-notice.docx"),
    "doc.notice.title": (
        "关于{site}|督导检查发现问题|限期整改的通知",
        "Notice to {site}| on rectifying the problems| found by the inspection",
    ),
    "doc.notice.intro": (
        "{date}，我局督导检查组（{team}）采取{method}方式，对{site}疫情防控工作进行了督导检查。"
        "现将检查发现的问题及整改要求通知如下：",
        "On {date} the bureau's inspection team ({team}) made an {method} inspection of epidemic "
        "prevention at {site}. The problems found and what is required are set out below:",
    ),
    "doc.notice.heading.problems": ("一、检查发现的问题", "1. Problems found"),
    "doc.notice.heading.requirements": ("二、整改要求", "2. Requirements"),
    "doc.notice.summary": (
        "本次共检查{items}项{not_applicable}，发现问题{count}个，其中{breakdown}。",
        "{items} {items:item was|items were} checked{not_applicable} and {count} {count:problem|problems} found: {breakdown}.",
    ),
    "doc.notice.summary_immediate": (
        "须立行立改的问题{count}个。",
        " {count} of them must be put right at once.",
    ),
    "doc.notice.severity_count": ("{severity}问题{count}个", "{count} {severity}"),
    "doc.notice.problem_with_severity": ("{note}（{severity}）", "{note} ({severity})"),
    "doc.notice.area_row": ("（{number}）{area}（{count}个）", "({number}) {area} ({count})"),
    "doc.notice.req.responsibility.head": ("压实整改责任。", "Take responsibility. "),
    "doc.notice.req.responsibility": (
        "{site}要对照问题清单逐项制定整改措施，明确责任人和完成时限，实行台账管理、对账销号；"
        "标明立行立改的问题须当即整改到位。",
        "{site} shall set a measure, a person responsible and a date for each problem listed, keep a "
        "ledger and close each problem against it; problems marked 'at once' are to be put right at once.",
    ),
    "doc.notice.req.feedback.head": ("按时反馈情况。", "Report back on time. "),
    "doc.notice.req.feedback": (
        "请于{date}前将《{form}》（见附件）经主要负责人签字并加盖公章后报送县民政局{department}，同时报送电子版。",
        "By {date}, send the {form} (attached), signed by the head of the unit and sealed, to the "
        "bureau's {department}, with an electronic copy.",
    ),
    "doc.notice.req.township.head": ("落实属地责任。", "Township responsibility. "),
    "doc.notice.req.township": (
        "{government}要督促指导{site}抓好整改，对整改情况逐项审核把关。",
        "{government} shall see that {site} rectifies and check each measure it reports.",
    ),
    "doc.notice.req.follow_up.head": ("强化跟踪问效。", "Follow-up. "),
    "doc.notice.req.follow_up": (
        "我局将适时组织“回头看”复查，对整改不到位、敷衍整改的，予以通报批评并依规依纪追究责任。",
        "The bureau will re-inspect; rectification that is incomplete or perfunctory will be named in a "
        "bulletin and those responsible held to account.",
    ),
    # 整改情况反馈表
    "doc.feedback.title": ("督导检查|整改情况反馈表", "Inspection| rectification feedback form"),
    "doc.feedback.title_plain": ("督导检查整改情况反馈表", "inspection rectification feedback form"),
    "doc.feedback.site": ("被检查单位", "Unit inspected"),
    "doc.feedback.visited": ("检查时间", "Inspected on"),
    "doc.feedback.number": ("通知文号", "Notice no."),
    "doc.feedback.problems": ("问题整改情况", "Rectification of each problem"),
    "doc.feedback.col.measures": ("整改措施", "Measures taken"),
    "doc.feedback.col.person": ("责任人", "Person responsible"),
    "doc.feedback.col.done": ("完成时间", "Completed on"),
    "doc.feedback.col.status": ("整改状态", "Status"),
    "doc.feedback.status_choices": ("□已完成\n□整改中", "□ done\n□ in progress"),
    "doc.feedback.overall": ("整改总体情况：", "Overall:"),
    "doc.feedback.unit_opinion": ("被检查单位意见：", "Unit's statement:"),
    "doc.feedback.township_opinion": ("乡镇（街道）审核意见：", "Township's review:"),
    "doc.feedback.signature": (
        "负责人（签字）：　　　　　　　（公章）\n年　　月　　日　　",
        "Head (signature):                 (seal)\nDate:            ",
    ),
}
MESSAGES.update(
    {
        # 现场检查记录
        "doc.record.subject": ("现场检查记录", "On-site inspection record"),
        "doc.record.file": ("{date}_{site}_现场检查记录.docx", "{date}_{site}_inspection-record.docx"),
        "doc.record.title": ("{site}|督导检查记录", "{site}| inspection record"),
        "doc.record.kind": ("单位类型", "Kind of unit"),
        "doc.record.address": ("地址", "Address"),
        "doc.record.person": ("负责人", "Head of unit"),
        "doc.record.phone": ("联系电话", "Telephone"),
        "doc.record.time_value": ("{date} {arrived}—{departed}", "{date}, {arrived}–{departed}"),
        "doc.record.team": ("检查组", "Team"),
        "doc.record.team_value": ("组长：{lead}；组员：{members}", "lead {lead}; members {members}"),
        "doc.record.method": ("检查方式", "Method"),
        "doc.record.checklist": ("检查表", "Checklist"),
        "doc.record.checklist_value": ("{title}（第{version}版）", "{title} (version {version})"),
        "doc.record.col.item": ("检查内容", "Item"),
        "doc.record.col.method": ("检查方法", "How checked"),
        "doc.record.col.result": ("结果", "Result"),
        "doc.record.col.note": ("情况说明", "Note"),
        "doc.record.area_row": ("（{number}）{area}", "({number}) {area}"),
        "doc.record.unanswered": ("未记录", "not recorded"),
        "doc.record.summary": (
            "检查表共{total}项，其中合格{passed}项、不合格{failed}项、不适用{na}项、未检查{unchecked}项。",
            "The checklist has {total} {total:item|items}: {passed} passed, {failed} failed, {na} not applicable, "
            "{unchecked} not checked.",
        ),
        "doc.record.sign_unit": ("被检查单位负责人（签字）：", "Head of the unit inspected (signature):"),
        "doc.record.seal": (
            "检查编号：{uuid}（第{version}版）；封存校验码：{seal}",
            "Visit {uuid} (version {version}); seal {seal}",
        ),
    }
)
MESSAGES.update(
    {
        # 督导检查情况通报
        "doc.bulletin.subject": ("督导检查情况通报", "Inspection bulletin"),
        "doc.bulletin.file": ("{start}至{end}_督导检查情况通报.docx", "{start}_to_{end}_inspection-bulletin.docx"),
        "doc.bulletin.title": (
            "关于{period}|民政系统疫情防控|督导检查情况的通报",
            "Bulletin on the inspections| of epidemic prevention| {period}",
        ),
        "doc.bulletin.period": ("{start}至{end}", "{start} to {end}"),
        "doc.bulletin.addressee": (
            "各乡镇人民政府、街道办事处，局属各单位：",
            "To the township governments, the sub-district offices and the bureau's units:",
        ),
        "doc.bulletin.intro": (
            "{period}，我局组织督导检查组采取“四不两直”方式，对全县{townships}个乡镇（街道）的{sites}个民政服务机构"
            "和单位开展疫情防控督导检查{visits}次，共发现问题{problems}个。现将有关情况通报如下：",
            "From {period} the bureau's teams made {visits} unannounced {visits:inspection|inspections} of {sites} civil-affairs {sites:unit|units} in "
            "{townships} {townships:township|townships} and found {problems} {problems:problem|problems}. The findings are set out below:",
        ),
        "doc.bulletin.heading.overview": ("一、基本情况", "1. Overview"),
        "doc.bulletin.heading.problems": ("二、存在的主要问题", "2. Main problems"),
        "doc.bulletin.heading.overdue": ("三、逾期未整改问题", "3. Rectifications overdue"),
        "doc.bulletin.heading.requirements": ("四、下步工作要求", "4. Requirements"),
        "doc.bulletin.kind_count": ("{kind}{count}家次", "{kind}: {count} {count:visit|visits}"),
        "doc.bulletin.overview": (
            "本轮检查涉及{by_kind}；未发现问题的单位{clean}个，须立行立改的问题{immediate}个。"
            "各乡镇（街道）发现问题分布如下：",
            "Visits by kind of unit: {by_kind}. {clean} {clean:unit|units} showed no problem; {immediate} {immediate:problem|problems} had to be "
            "put right at once. Problems by township:",
        ),
        "doc.bulletin.col.township": ("乡镇（街道）", "Township"),
        "doc.bulletin.col.total": ("合计", "Total"),
        "doc.bulletin.col.site": ("单位", "Unit"),
        "doc.bulletin.col.due": ("整改时限", "Due"),
        "doc.bulletin.col.days": ("逾期天数", "Days overdue"),
        "doc.bulletin.area_head": ("{area}方面。", "{area}. "),
        "doc.bulletin.area_text": (
            "共发现问题{count}个，主要表现为：{quotes}。",
            "{count} {count:problem|problems}, such as: {quotes}.",
        ),
        "doc.bulletin.quote_separator": ("；", "; "),
        "doc.bulletin.no_problems": ("本轮检查未发现问题。", "No problems were found in this round."),
        "doc.bulletin.no_overdue": (
            "截至{date}，本轮检查发现的问题均在整改时限内或已整改销号。",
            "As of {date}, no rectification is overdue.",
        ),
        "doc.bulletin.overdue_intro": (
            "截至{date}，仍有{count}个问题逾期未整改销号，请相关单位立即整改并说明原因。各乡镇（街道）分领域情况如下：",
            "As of {date}, {count} {count:rectification is|rectifications are} overdue; the units concerned shall rectify at once and "
            "explain the delay. By township and area:",
        ),
        "doc.bulletin.req.rectify.head": ("立行立改，对账销号。", "Rectify and close each problem. "),
        "doc.bulletin.req.rectify": (
            "被检查单位要对照问题清单逐项整改，逾期未整改的问题要在5个工作日内整改到位并报送整改情况。",
            "Units shall rectify each problem listed; overdue problems are to be rectified and reported within "
            "5 working days.",
        ),
        "doc.bulletin.req.township.head": ("压实属地责任。", "Township responsibility. "),
        "doc.bulletin.req.township": (
            "各乡镇（街道）要加强对辖区民政服务机构的日常监管，举一反三，开展自查自纠，确保防控措施落实到位。",
            "Townships shall supervise the units in their area, learn from these findings and check themselves.",
        ),
        "doc.bulletin.req.follow_up.head": ("强化督导问效。", "Follow-up. "),
        "doc.bulletin.req.follow_up": (
            "我局将持续开展“四不两直”督导检查和“回头看”，对整改不力、问题反复出现的，予以通报并严肃追责。",
            "The bureau will keep inspecting unannounced and re-inspecting; repeated or unrectified problems will be "
            "named and those responsible held to account.",
        ),
        "doc.bulletin.closing": ("特此通报。", "This bulletin is hereby issued."),
    }
)
MESSAGES.update(
    {
        # refusals
        "error.document.not_signed_off": (
            "检查 {uuid}（{site}）尚未签发，不能出具文书：请组长先签发。",
            "visit {uuid} ({site}) is not signed off yet: the team lead must sign it off first.",
        ),
        "error.document.no_failed_items": (
            "检查 {uuid}（{site}）没有不合格项，无需出具整改通知书。",
            "visit {uuid} ({site}) has no failed item: there is nothing to rectify.",
        ),
        "error.document.not_completed": (
            "检查 {uuid}（{site}）尚未结束，请先结束检查再打印现场检查记录。",
            "visit {uuid} ({site}) is still in progress: complete it before printing the record.",
        ),
        "error.document.bad_range": (
            "起始日期 {start} 晚于结束日期 {end}。",
            "the start date {start} is after the end date {end}.",
        ),
        "error.document.no_visits": (
            "{start} 至 {end} 没有已签发的检查，无法生成通报。",
            "no signed-off visit from {start} to {end}: there is nothing to report.",
        ),
        "error.document.no_folder": ("输出目录 {path} 不存在。", "the output folder {path} does not exist."),
        "error.document.cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
        "error.profile.unknown_key": (
            "没有名为 {key} 的设置项；可用：{keys}",
            "no setting named {key}; the settings are: {keys}",
        ),
        "error.profile.bad_phone": ("联系电话 {value} 格式不对。", "{value} is not a telephone number."),
        "error.profile.empty_value": ("{key} 不能为空。", "{key} cannot be empty."),
        # commands
        "cli.notice.help": (
            "出具整改通知书（附整改情况反馈表），默认存入导出目录",
            "issue the rectification notice (with its feedback form), into the exports folder by default",
        ),
        "cli.record.help": ("打印现场检查记录（现场签字用）", "print the on-site inspection record (to sign on site)"),
        "cli.bulletin.help": ("生成督导检查情况通报", "issue the inspection bulletin"),
        "cli.document.output": (
            "输出文件或目录（默认：导出目录，文件名含日期和单位）",
            "output file or folder (default: the exports folder, named by date and unit)",
        ),
        "cli.bulletin.from": ("起始日期（含），如 2026-11-01", "first day (inclusive), e.g. 2026-11-01"),
        "cli.bulletin.to": ("结束日期（含），也是通报的成文日期", "last day (inclusive), also the bulletin's date"),
        "cli.bulletin.visits": (
            "只通报这些检查（编号或前缀，可多个）",
            "report only these visits (uuids or prefixes, several allowed)",
        ),
        "cli.bulletin.date": ("成文日期（默认取结束日期）", "the bulletin's date (default: the last day)"),
        "cli.bad_date": ("日期 {value} 格式不对，应为 YYYY-MM-DD", "{value} is not a date (YYYY-MM-DD)"),
        "cli.document.written": ("已生成 {path}", "Written: {path}"),
        "cli.document.numbered": ("已生成 {path}（文号 {number}）", "Written: {path} (number {number})"),
        "cli.profile.help": ("本局信息（文书落款、文号前缀、联系人、抄送）", "the bureau profile used in documents"),
        "cli.profile.show.help": ("显示本局信息", "show the bureau profile"),
        "cli.profile.set.help": ("修改一项本局信息", "change one field of the bureau profile"),
        "cli.profile.key": ("设置项名称", "the field's name"),
        "cli.profile.value": (
            "新的值（抄送可用顿号分隔多个单位）",
            "the new value (cc: several names separated by 、 or ,)",
        ),
        "cli.profile.saved": ("已保存：{key} = {value}", "Saved: {key} = {value}"),
        "profile.organ_name": ("发文机关全称", "issuing organ"),
        "profile.organ_mark": ("发文机关标志（红头）", "organ mark (red header)"),
        "profile.notice_prefix": ("整改通知书文号前缀", "notice number prefix"),
        "profile.bulletin_prefix": ("通报文号前缀", "bulletin number prefix"),
        "profile.department": ("接收反馈的股室", "office receiving feedback"),
        "profile.contact_person": ("联系人", "contact person"),
        "profile.contact_phone": ("联系电话", "contact telephone"),
        "profile.address": ("地址", "address"),
        "profile.cc": ("抄送单位", "copies to"),
        "profile.printing_organ": ("印发机关", "printing office"),
        "profile.exports_dir": ("文书导出目录", "exports folder"),
    }
)
