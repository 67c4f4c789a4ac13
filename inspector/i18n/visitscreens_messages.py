"""Words of the visit screens' later additions: the evidence dialog's preview."""

MESSAGES: dict[str, tuple[str, str]] = {
    "tui.preview.none": ("选中照片可在此预览", "Highlight a photo to preview it"),
    "tui.preview.pixels": ("{size}，{width}x{height} 像素", "{size}, {width}x{height} pixels"),
    "tui.preview.taken": ("拍摄于 {taken}", "Taken {taken}"),
    "tui.preview.no_date": ("照片未记录拍摄时间", "No date taken in the photo"),
    "tui.preview.scan": ("PDF 扫描件，{size}（无预览）", "PDF scan, {size} (no preview)"),
    "tui.preview.undecodable": ("{kind} 图片，无法预览", "{kind} image: no preview"),
    "tui.preview.not_photo": ("不是照片或扫描件", "Not a photo or a scan"),
    "tui.preview.unreadable": ("无法读取 {name}：{reason}", "Cannot read {name}: {reason}"),
}
