"""Words of the domain: the vocabulary's names and the rules' messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # vocabulary
    "vocab.area.mechanism": ("机制建立", "Mechanism"),
    "vocab.area.disinfection": ("卫生消杀", "Disinfection"),
    "vocab.area.duty": ("应急值守", "Emergency duty"),
    "vocab.area.stockpiles": ("物资储备", "Stockpiles"),
    "vocab.area.education": ("知识宣教", "Education"),
    "vocab.sitekind.township": ("乡镇民政所", "Township office"),
    "vocab.sitekind.elderly_care": ("养老机构", "Elderly care"),
    "vocab.sitekind.child_welfare": ("儿童福利机构", "Child welfare"),
    "vocab.sitekind.rescue_station": ("救助管理站", "Rescue station"),
    "vocab.sitekind.marriage_registry": ("婚姻登记处", "Marriage registry"),
    "vocab.sitekind.funeral": ("殡葬服务机构", "Funeral services"),
    "vocab.method.documents": ("查阅资料", "Check documents"),
    "vocab.method.on_site": ("现场查看", "Look on site"),
    "vocab.method.interview": ("询问", "Ask"),
    "vocab.method.sample": ("抽查", "Spot check"),
    "vocab.severity.general": ("一般", "Minor"),
    "vocab.severity.major": ("较重", "Major"),
    "vocab.severity.serious": ("严重", "Serious"),
    "vocab.result.pass": ("合格", "Pass"),
    "vocab.result.fail": ("不合格", "Fail"),
    "vocab.result.na": ("不适用", "N/A"),
    "vocab.result.not_checked": ("未检查", "Not checked"),
    "vocab.visitstatus.draft": ("检查中", "In progress"),
    "vocab.visitstatus.completed": ("待签发", "Awaiting sign-off"),
    "vocab.visitstatus.signed_off": ("已签发", "Signed off"),
    "deadline.immediate": ("立行立改", "At once"),
    "deadline.days": ("{days}天", "{days} {days:day|days}"),
    # rules
    "error.visit.unknown_item": (
        "检查项 {item_id} 不在本次检查表中",
        "item {item_id} is not in this visit's checklist",
    ),
    "error.visit.checklist_not_for_site": (
        "检查表 {checklist} 不适用于{kind}类单位",
        "checklist {checklist} does not apply to sites of kind {kind}",
    ),
    "error.visit.no_lead": ("请填写检查组组长", "the team lead is required"),
    "error.visit.reason_required": ("请填写原因", "a reason is required"),
    "error.visit.sealed": (
        "该检查已签发封存，只能以更正记录修改",
        "this visit is signed off and sealed; correct it with an amendment",
    ),
    "error.visit.not_signed_off": (
        "该检查尚未签发",
        "this visit is not signed off yet",
    ),
    "error.visit.blocked": (
        "还有 {count} 处未完成，不能签发",
        "{count} {count:thing still blocks|things still block} sign-off",
    ),
    "error.visit.only_lead_signs": (
        "只有组长（{lead}）可以签发",
        "only the team lead ({lead}) can sign off",
    ),
    "error.answer.reason_required": (
        "检查项 {item_id} 标为未检查，须填写原因",
        "item {item_id} marked not checked needs a reason",
    ),
    "error.answer.override_needs_fail": (
        "检查项 {item_id} 只有不合格时才能调整严重程度或整改时限",
        "item {item_id}: severity and deadline can be changed only on a failed item",
    ),
    "error.answer.bad_deadline": (
        "检查项 {item_id} 的整改时限 {days} 天无效（应为 0 至 365）",
        "item {item_id}: deadline {days} {days:day|days} is out of range (0-365)",
    ),
    "error.amendment.empty": ("更正记录没有任何修改", "the amendment changes nothing"),
    "error.blocker.fail_without_note": (
        "检查项 {item_id} 不合格但未描述问题",
        "item {item_id} failed without a note on the problem",
    ),
    "blocker.unanswered": ("未检查", "not answered"),
    "blocker.fail_without_note": ("不合格但未描述问题", "failed without a note"),
    "blocker.not_completed": (
        "检查尚未结束（未记录离开时间）",
        "the visit is not completed (no departure time)",
    ),
    "visit.sealed": ("已签发封存", "signed off and sealed"),
    # register rules
    "site.bad_id": (
        "编号只能由字母、数字、-、_ 组成（最多40位）",
        "id must be letters, digits, - or _ (at most 40)",
    ),
    "site.empty_name": ("名称不能为空", "name is empty"),
    "site.empty_township": ("乡镇不能为空", "township is empty"),
    "site.bad_phone": (
        "电话号码格式不对（如 0375-5012345 或 13812345678）",
        "not a phone number (e.g. 0375-5012345 or 13812345678)",
    ),
    "site.unknown_feature": (
        "未知特征（可用：canteen isolation_room residents medical_unit）",
        "unknown feature (allowed: canteen isolation_room residents medical_unit)",
    ),
    # checklist rules
    "checklist.bad_id": (
        "检查表编号 {detail} 无效（小写字母、数字、_）",
        "checklist id {detail} is invalid (lower-case letters, digits, _)",
    ),
    "checklist.bad_version": (
        "版本号须为正整数，现为 {detail}",
        "version must be a positive integer, not {detail}",
    ),
    "checklist.empty_title": ("标题为空", "title is empty"),
    "checklist.no_site_kinds": ("未指明适用的单位类型", "no site kinds given"),
    "checklist.no_items": ("没有检查项", "no items"),
    "checklist.duplicate_item": ("检查项编号重复", "duplicate item id"),
    "checklist.area_missing": (
        "缺少领域 {detail} 的检查项",
        "no item in area {detail}",
    ),
    "checklist.bad_item_id": (
        "检查项编号无效（小写字母、数字、-、_、.）",
        "item id is invalid (lower-case letters, digits, - _ .)",
    ),
    "checklist.empty_text": ("检查内容为空", "text is empty"),
    "checklist.empty_basis": ("未注明依据", "basis is empty"),
    "checklist.bad_deadline": (
        '整改时限 {detail} 无效：填 1 至 365 的天数或 "立行立改"',
        'deadline {detail} is invalid: days 1-365 or "立行立改"',
    ),
    "checklist.unknown_feature": (
        "适用条件中有未知特征：{detail}",
        "applies_when names unknown features: {detail}",
    ),
    "checklist.id_reused": (
        "检查项编号在新版本中换了含义（{detail}），请用新编号",
        "item id reused with another meaning (vs {detail}); use a new id",
    ),
}
