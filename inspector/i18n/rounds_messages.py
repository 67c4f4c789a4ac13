"""Words of inspection rounds (双随机): the draw, assignments, reminders and 催办, publication."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- the rules of a round (core.rounds) ------------------------------------------------------
    "error.round.malformed": ("抽查记录无法读取：{reason}", "the round's record does not read: {reason}"),
    "error.round.count_or_share": (
        "请给出抽取家数（--count）或比例（--share），二者选一",
        "give a count (--count) or a share (--share), one of them",
    ),
    "error.round.bad_share": (
        "抽取比例应为 1 到 100 之间的整数，收到 {percent}",
        "the share is a whole percent from 1 to 100, not {percent}",
    ),
    "error.round.bad_count": ("抽取家数至少为 1，收到 {count}", "draw at least one site, not {count}"),
    "error.round.empty_name": ("抽查轮次名称不能为空", "the round needs a name"),
    "error.round.bad_period": (
        "检查期间结束日 {end} 早于开始日 {start}",
        "the period ends ({end}) before it starts ({start})",
    ),
    "error.round.no_kinds": ("请至少选择一类单位", "choose at least one kind of site"),
    "error.round.bad_team_size": (
        "每组人数应在 {least} 到 {most} 人之间，收到 {size}",
        "a team has {least} to {most} inspectors, not {size}",
    ),
    "error.round.no_sites": (
        "名册中没有符合范围（单位类别、乡镇）的单位",
        "no site of the register is in scope (kinds, townships)",
    ),
    "error.round.too_many_sites": (
        "要抽取 {count} 家，范围内只有 {available} 家",
        "{count} {count:site|sites} asked for, {available} in scope",
    ),
    "error.round.duplicate_inspector": (
        "检查人员名单中有重复的账号",
        "an account appears twice in the inspector register",
    ),
    "error.round.not_enough_inspectors": (
        "检查人员不足：每组需 {needed} 人，名单中只有 {available} 人",
        "not enough inspectors: a team needs {needed}, the register has {available}",
    ),
    "error.round.not_enough_eligible": (
        "无法为 {site}（{township}）组成检查组：回避本乡镇和申报回避的单位后，只有 {eligible} 人可派，每组需 {needed} 人。请增加检查人员或减少每组人数",
        "cannot make a team for {site} ({township}): after recusal (own township, declared conflicts) {eligible} inspectors remain, a team needs {needed}; add inspectors or make teams smaller",
    ),
    "error.round.bad_seed": ("随机种子长度不对", "the seed has the wrong length"),
    "error.round.redraw_needs_reason": ("重新抽取必须说明理由（--reason）", "a redraw needs a reason (--reason)"),
    "error.round.no_register": (
        "服务器上还没有单位名册：先运行 inspector server publish-register 名册.csv",
        "the server has no register of sites yet: run inspector server publish-register FILE.csv first",
    ),
    "error.round.register_header": (
        "检查人员名单第 1 行应为表头：{columns}（account 为服务器账号，township 为所在乡镇，conflicts 为申报回避的单位编号或乡镇，用分号分隔）",
        "the inspector register's first line is its header: {columns} (account: the server account; township: where they live and work; conflicts: site ids or townships declared, separated by ';')",
    ),
    "error.round.register_row": (
        "检查人员名单第 {line} 行缺少账号（account）或乡镇（township）",
        "line {line} of the inspector register lacks the account or the township",
    ),
    "error.round.unknown_accounts": (
        "这些检查人员在服务器上没有有效账号，抽到的任务将无法送达：{accounts}（用 inspector server users add 登记）",
        "these inspectors have no active account on the server, their assignments could reach no one: {accounts} (enrol them with inspector server users add)",
    ),
    "error.round.not_found": ("没有编号以 {round} 开头的抽查轮次", "no round's id begins with {round}"),
    "error.round.ambiguous": (
        "编号以 {round} 开头的轮次有 {count} 个，请多写几位",
        "{count} rounds' ids begin with {round}: give more of it",
    ),
    "error.round.closed": (
        "抽查轮次「{round}」已结束，不能重新抽取",
        "the round {round} is closed: it cannot be drawn again",
    ),
    "error.round.redrawn_meanwhile": (
        "抽查轮次「{round}」刚被另一人重新抽取，请先查看最新一版",
        "the round {round} was just drawn again by someone else: look at its latest version first",
    ),
    # -- the command line --------------------------------------------------------------------------
    "cli.rounds.help": (
        "抽查轮次（双随机）：抽取、查看、核验、重新抽取、结束",
        "inspection rounds (双随机): draw, show, verify, redraw, close",
    ),
    "cli.rounds.create.help": (
        "从单位名册和检查人员名单随机抽取被检查单位和检查组（种子取自操作系统的安全随机数，连同输入一并封存）",
        "draw the sites and the teams at random from the register and the inspector register (the seed comes from the operating system's CSPRNG and is sealed with the inputs)",
    ),
    "cli.rounds.kinds": (
        "单位类别，逗号分隔（如 elderly_care,township 或 养老机构）",
        "kinds of site, comma-separated (elderly_care,township …)",
    ),
    "cli.rounds.townships": (
        "范围内的乡镇，逗号分隔；不写为全县",
        "townships in scope, comma-separated; none: the whole county",
    ),
    "cli.rounds.count": ("抽取家数", "how many sites to draw"),
    "cli.rounds.share": ("抽取比例（百分数，向上取整）", "what share of the sites to draw (percent, rounded up)"),
    "cli.rounds.team_size": ("每组人数（至少 2 人）", "inspectors per team (at least 2)"),
    "cli.rounds.weighting": (
        "equal：每家机会相同；risk：有未销号、逾期整改或上次问题多的单位更易抽中（见 README）",
        "equal: every site alike; risk: sites with open or overdue rectifications or more problems last time drawn more often (see README)",
    ),
    "cli.rounds.inspectors": (
        "检查人员名单 CSV：account,name,township,conflicts",
        "the inspector register, CSV: account,name,township,conflicts",
    ),
    "cli.rounds.by": ("抽取人姓名（记入封存记录）", "who draws (kept in the sealed record)"),
    "cli.rounds.list.help": ("列出抽查轮次", "list the rounds"),
    "cli.rounds.show.help": ("查看一个抽查轮次的最新一版", "show a round's latest version"),
    "cli.rounds.show.json": (
        "输出封存的完整记录（JSON，可用 verify --file 核验）",
        "the whole sealed record as JSON (verify --file checks it)",
    ),
    "cli.rounds.verify.help": (
        "核验：封存哈希是否相符，按记录中的种子和输入重新抽取是否得到同样结果，回避是否遵守",
        "verify: the seal holds, drawing again from the record's seed and inputs gives the same draw, recusal is kept",
    ),
    "cli.rounds.verify.file": ("核验导出的记录文件，不需要服务器", "verify an exported record file, no server needed"),
    "cli.rounds.verify.one_of": ("请给出轮次编号或 --file 二者之一", "give a round's id or --file, one of them"),
    "cli.rounds.verify.line": (
        "第 {version} 版：封存 {seal}，重新抽取 {draw}，回避 {recusal}，版本链 {chain}",
        "version {version}: seal {seal}, drawn again {draw}, recusal {recusal}, chain {chain}",
    ),
    "cli.rounds.verify.ok": ("相符", "holds"),
    "cli.rounds.verify.bad": ("不符", "FAILS"),
    "cli.rounds.verify.difference": ("  不同：{difference}", "  differs: {difference}"),
    "cli.rounds.verify.problem": ("  问题：{problem}", "  problem: {problem}"),
    "cli.rounds.verify.holds": ("核验通过", "verified"),
    "cli.rounds.verify.fails": (
        "核验不通过：记录被改动过或无法重现",
        "verification failed: the record was changed or does not reproduce",
    ),
    "cli.rounds.redraw.help": (
        "重新抽取（新种子），作为新的一版并说明理由；之前各版原样保留",
        "draw again (a new seed) as a new version with a reason; the earlier versions stay as they were",
    ),
    "cli.rounds.redraw.reason": ("重新抽取的理由", "why it is drawn again"),
    "cli.rounds.close.help": (
        "结束抽查轮次，并生成抽查结果公示和汇总表",
        "close a round and make its public results and workbook",
    ),
    "cli.rounds.bad_date": ("日期应为 YYYY-MM-DD，收到 {value}", "a date is YYYY-MM-DD, not {value}"),
    "cli.rounds.cannot_read": ("无法读取 {path}：{reason}", "cannot read {path}: {reason}"),
    "cli.rounds.not_a_record": ("{path} 不是抽查记录", "{path} is not a round's record"),
    "cli.rounds.header": ("{name}（编号 {id}，第 {version} 版）", "{name} (id {id}, version {version})"),
    "cli.rounds.plan": (
        "期间 {start}～{end}；{kinds}；{townships}；从 {available} 家中抽取 {count} 家（{weighting}）；每组 {team_size} 人",
        "{start} to {end}; {kinds}; {townships}; {count} of {available} {available:site|sites} ({weighting}); teams of {team_size}",
    ),
    "cli.rounds.all_townships": ("全县", "the whole county"),
    "cli.rounds.weighting.equal": ("等概率", "equal chances"),
    "cli.rounds.weighting.risk": ("按风险加权", "weighted by risk"),
    "cli.rounds.reason": (
        "重新抽取理由：{reason}（取代 {supersedes}…）",
        "drawn again because: {reason} (supersedes {supersedes}…)",
    ),
    "cli.rounds.seal": ("封存哈希 {seal}；种子 {seed}", "seal {seal}; seed {seed}"),
    "cli.rounds.created": (
        "已抽取并封存。各检查组同步时只收到本组的任务（期间开始前 3 天起）",
        "drawn and sealed. Each team's laptops receive only their own assignments at sync (from 3 days before the period)",
    ),
    "cli.rounds.redrawn": ("已重新抽取，为第 {version} 版", "drawn again: version {version}"),
    "cli.rounds.closed": ("抽查轮次「{name}」已于 {at} 结束", "the round {name} closed at {at}"),
    "cli.rounds.count_line": ("共 {count} 个轮次", "{count} rounds"),
    "cli.rounds.state.drawn": ("进行中", "open"),
    "cli.rounds.state.closed": ("已结束", "closed"),
    # -- the laptop ----------------------------------------------------------------------------------
    "rounds.home.due": (
        "  本轮待检 {count} 家（{start}～{end}）",
        "  this round: {count} {count:site|sites} to visit ({start} to {end})",
    ),
    "rounds.sync.assignments": ("本组抽查任务 {count} 家", "this team's round assignments: {count} {count:site|sites}"),
    "error.round.no_such_assignment": (
        "本机没有轮次 {round} 中 {site} 的抽查任务（先同步）",
        "no assignment of round {round} at {site} on this laptop (sync first)",
    ),
    "error.round.assignment_done": ("{site} 的抽查任务已完成并签发", "the assignment at {site} is done and signed off"),
    "error.round.assignment_not_yet": (
        "{site} 的抽查期间从 {start} 开始，尚未到",
        "the period of the assignment at {site} begins on {start}",
    ),
    "cli.assignments.help": (
        "本组的抽查任务（双随机）：查看，从任务开始检查",
        "this team's round assignments (双随机): list them, start a visit from one",
    ),
    "cli.assignments.list.help": ("列出本组的抽查任务及完成情况", "list this team's assignments and what is done"),
    "cli.assignments.start.help": (
        "从抽查任务开始一次检查（检查记录关联到该轮次）",
        "start a visit from an assignment (the visit is linked to its round)",
    ),
    "cli.assignments.lead": ("组长姓名", "the team lead's name"),
    "cli.assignments.member": ("组员姓名（可多次）", "a team member's name (repeatable)"),
    "cli.assignments.none": (
        "本机没有抽查任务（同步后显示本组的任务）",
        "no assignments on this laptop (sync brings this team's)",
    ),
    "cli.assignments.line": (
        "{round}  {start}～{end}  {township} {site}（{site_id}）  {team}  {state}",
        "{round}  {start} to {end}  {township} {site} ({site_id})  {team}  {state}",
    ),
    "cli.assignments.state.todo": ("待检", "to visit"),
    "cli.assignments.state.started": ("检查中", "started"),
    "cli.assignments.state.done": ("已完成", "done"),
    "cli.assignments.started": (
        "已开始检查 {uuid}（{site}），关联轮次「{round}」",
        "visit {uuid} started ({site}), linked to the round {round}",
    ),
    # -- reminders and 催办 ---------------------------------------------------------------------------
    "vocab.eventkind.reminded": ("到期提醒", "Reminded"),
    "vocab.eventkind.urged": ("逾期催办", "Urged (催办)"),
    "rect.event.reminded": ("整改期限 {due} 将至，已提醒", "due on {due}: reminded"),
    "rect.event.urged": ("整改期限 {due} 已过，催办通知 {notice_number}", "past {due}: 催办 notice {notice_number}"),
    "error.rectification.chasing_other_due": (
        "提醒针对的整改期限 {due} 已不是现行期限（{current}）",
        "the reminder chases the deadline {due}, no longer the one that stands ({current})",
    ),
    "error.rectification.urged_before_due": (
        "整改期限 {due} 未过，不能催办",
        "not past its deadline ({due}): no 催办 yet",
    ),
    "error.reminders.bad_days": (
        "提前提醒天数应在 0 到 {most} 之间，收到 {days}",
        "remind 0 to {most} {most:day|days} ahead, not {days}",
    ),
    "error.urge.no_such_account": (
        "服务器上没有名为 {name} 的有效管理员账号（催办、提醒、公示以该账号名义签发和记录）",
        "no active admin account named {name} on the server (reminders, 催办 and publications are issued and recorded in its name)",
    ),
    "profile.urge_prefix": ("催办通知文号前缀", "催办 notice number prefix"),
    "profile.round_prefix": ("抽查结果公示文号前缀", "round results number prefix"),
    "cli.reminders.help": (
        "临近整改期限和已逾期的问题，按乡镇（或检查组）列出",
        "rectifications due soon or overdue, by township (or by team)",
    ),
    "cli.reminders.within": ("提前几天提醒（默认 {default} 天）", "remind this many days ahead (default {default})"),
    "cli.reminders.by_team": ("按检查组列出", "list by team"),
    "cli.reminders.save": (
        "把 --within 的天数存为本机默认值（首页按此提醒）",
        "keep --within as this laptop's default (home reminds by it)",
    ),
    "cli.reminders.saved": ("已设为提前 {days} 天提醒", "reminding {days} {days:day|days} ahead from now on"),
    "cli.reminders.bad_days": (
        "天数应为 0 到 {most} 的整数，收到 {value}",
        "days are a whole number from 0 to {most}, not {value}",
    ),
    "cli.reminders.group": (
        "{name}：逾期 {overdue} 项，即将到期 {soon} 项",
        "{name}: {overdue} overdue, {soon} due soon",
    ),
    "cli.reminders.overdue": (
        "逾期 {days} 天  {due}  {site}  {problem}  （{team}）",
        "{days} {days:day|days} overdue  {due}  {site}  {problem}  ({team})",
    ),
    "cli.reminders.due_soon": (
        "还剩 {days} 天  {due}  {site}  {problem}  （{team}）",
        "{days} {days:day|days} left  {due}  {site}  {problem}  ({team})",
    ),
    "cli.reminders.total": ("共逾期 {overdue} 项，即将到期 {soon} 项", "{overdue} overdue, {soon} due soon in all"),
    "cli.server.reminders.help": (
        "全县临近整改期限和已逾期的问题，按乡镇或检查组（上传账号）列出；--record 把到期提醒记入各项整改的经过",
        "the county's rectifications due soon or overdue, by township or team (uploading account); --record notes the reminder on each one's history",
    ),
    "cli.server.reminders.record": (
        "以该账号名义记录提醒（每个期限只记一次）",
        "record the reminders in this account's name (once per deadline)",
    ),
    "cli.server.reminders.recorded": ("新记录提醒 {count} 项", "{count} reminders newly recorded"),
    "cli.server.urge.help": (
        "为每个有逾期问题的乡镇出具一份催办通知（Word），按顺序编号，并记入各项整改的经过",
        "issue a 催办 notice (Word) to each township with overdue items, numbered in order, and note it on each item's history",
    ),
    "cli.server.urge.by": ("以该管理员账号名义签发", "issued in this admin's name"),
    "cli.server.urge.output": ("文书存放目录（默认当前目录）", "folder for the documents (default: here)"),
    "cli.server.urge.township": ("只为该乡镇出具（可多次）", "only this township (repeatable)"),
    "cli.server.urge.line": (
        "{number}  {township}  {count} 项  {path}",
        "{number}  {township}  {count} {count:item|items}  {path}",
    ),
    "cli.server.urge.done": ("共出具催办通知 {count} 份", "{count} 催办 notices issued"),
    # after home's title, short enough for 60 columns: due within the laptop's reminder days, overdue
    "rounds.home.reminders": ("  将到期{soon} 逾期{overdue}", "  due {soon} overdue {overdue}"),
    # -- documents ------------------------------------------------------------------------------------
    "doc.urge.title": ("关于督促{township}|加快整改逾期问题的通知", "On the overdue rectifications| of {township}"),
    "doc.urge.subject": ("逾期整改催办", "Overdue rectifications chased"),
    "doc.urge.intro": (
        "我局在疫情防控督导检查中发现你单位辖区以下{count}个问题，整改期限已过，截至{date}仍未整改到位、未予销号。现予催办，请高度重视，逐项落实整改。",
        "As of {date}, the following {count} {count:problem|problems} found in your area are past their deadline and not closed. Please rectify each at once.",
    ),
    "doc.urge.col.site": ("单位", "Site"),
    "doc.urge.col.problem": ("问题", "Problem"),
    "doc.urge.col.notice": ("原通知文号", "Notice"),
    "doc.urge.col.due": ("整改期限", "Due"),
    "doc.urge.col.days": ("逾期天数", "Days late"),
    "doc.urge.no_notice": ("—", "—"),
    "doc.urge.requirement": (
        "请于{reply_by}前完成整改，并将整改情况反馈表（附佐证材料）报送我局；确有困难不能按期完成的，须书面说明原因和完成时限。",
        "Rectify by {reply_by} and send the feedback forms with evidence to the bureau; where it cannot be done in time, say why and by when in writing.",
    ),
    "doc.urge.closing": ("特此通知。", "For your action."),
    "doc.urge.file": ("催办通知_{township}_{number}.docx", "urge_{township}_{number}.docx"),
    # -- publication ---------------------------------------------------------------------------------
    "error.round.not_closed": (
        "抽查轮次「{round}」尚未结束，结束后才公示结果",
        "the round {round} is not closed: its results are published once it is",
    ),
    "cli.rounds.close.by": (
        "以该管理员账号名义出具公示",
        "the admin account that issues the publication",
    ),
    "cli.rounds.close.output": (
        "公示和汇总表的存放目录（默认当前目录）",
        "folder for the publication and the workbook (default: here)",
    ),
    "cli.rounds.published": (
        "已生成抽查结果公示 {number}：{document}；汇总表：{workbook}",
        "results published as {number}: {document}; workbook: {workbook}",
    ),
    "doc.round.title": ("关于{name}|结果的公示", "Results of {name}"),
    "doc.round.subject": ("双随机抽查结果公示", "Results of a random inspection round"),
    "doc.round.intro": (
        "按照“双随机、一公开”监管要求，我局于{start}至{end}对全县{kinds}开展随机抽查：从名录库{candidates}家单位中随机抽取{count}家，随机选派检查人员{inspectors}名（本乡镇人员及申报利害关系的人员回避）。实际检查{visited}家，其中未发现问题{clean}家，共发现问题{problems}个，均已下达整改通知并跟踪整改。现将抽查结果公示如下：",
        "Under the 双随机、一公开 rules, from {start} to {end} the bureau drew {count} of {candidates} {candidates:site|sites} ({kinds}) and {inspectors} inspectors at random (recusing those from the site's township or with a declared conflict). {visited} were visited, {clean} of them clean; {problems} {problems:problem|problems} in all, each with a rectification notice. The results:",
    ),
    "doc.round.col.site": ("单位名称", "Site"),
    "doc.round.col.township": ("所在乡镇", "Township"),
    "doc.round.col.date": ("检查日期", "Date"),
    "doc.round.col.result": ("检查结果", "Result"),
    "doc.round.result.pass": ("未发现问题", "no problems"),
    "doc.round.result.problems": (
        "发现问题{count}个，已责令整改",
        "{count} {count:problem|problems}, rectification ordered",
    ),
    "doc.round.result.not_visited": ("未检查", "not visited"),
    "doc.round.objection": (
        "公示期为{days}个工作日。对公示内容如有异议，请在公示期内向我局反映。",
        "Objections may be raised with the bureau within {days} working {days:day|days}.",
    ),
    "doc.round.file": ("抽查结果公示_{name}.docx", "round-results_{name}.docx"),
    "doc.round.workbook_file": ("抽查结果汇总_{name}.xlsx", "round-results_{name}.xlsx"),
    "doc.round.sheet": ("抽查结果", "Results"),
    "doc.round.xlsx.number": ("序号", "No."),
    "doc.round.xlsx.site": ("单位名称", "Site"),
    "doc.round.xlsx.township": ("所在乡镇", "Township"),
    "doc.round.xlsx.kind": ("单位类别", "Kind"),
    "doc.round.xlsx.team": ("检查组", "Team"),
    "doc.round.xlsx.date": ("检查日期", "Date"),
    "doc.round.xlsx.result": ("检查结果", "Result"),
    "doc.round.xlsx.problems": ("问题数", "Problems"),
    "error.round.unknown_algorithm": (
        "记录的抽取方法 {algorithm} 本程序不认识",
        "this program does not know the record's drawing method {algorithm}",
    ),
    "cli.rounds.bad_kind": (
        "单位类别 {value} 不对，可选：{allowed}",
        "{value} is not a kind of site; one of: {allowed}",
    ),
}
