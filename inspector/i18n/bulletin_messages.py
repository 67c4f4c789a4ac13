"""Words of the bulletin's overdue section at scale (issue 14): counts by township and area, the
longest overdue listed, and where the whole list is."""

MESSAGES: dict[str, tuple[str, str]] = {
    "doc.bulletin.overdue_longest": (
        "逾期时间最长的{shown}个问题如下，全部{count}个问题的清单{where}：",
        "The {shown} longest overdue are listed below; all {count} are listed {where}:",
    ),
    "doc.bulletin.overdue_sheet": (
        "见督导检查系统导出表格的《{sheet}》表（按“{column}”筛选）",
        "in the “{sheet}” sheet of the inspection system's export (filtered on “{column}”)",
    ),
    "doc.bulletin.overdue_in_export": ("可从督导检查系统导出", "can be exported from the inspection system"),
    "doc.bulletin.overdue_all": ("逾期问题如下：", "They are:"),
}
