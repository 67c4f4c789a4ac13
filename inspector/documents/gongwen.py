"""The GB/T 9704-2012 layer (党政机关公文格式): page, fonts, styles and the parts of an official document.

Every document module (notice, record, bulletin) writes through ``OfficialDocument``, which
knows the layout numbers and the traps of python-docx's default template (US Letter, 10 pt
after each paragraph, a theme that sends Chinese text to a Japanese font). Paragraphs and
table rows are built as XML directly: python-docx's cell access is quadratic in the rows.

Fonts are named as Chinese government PCs have them (仿宋_GB2312, 方正小标宋简体 …) in every
slot, East Asian included, on the document defaults, the styles and the runs; no Linux
stand-in's name ever enters a document (rendering maps the names, see ``render``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
GOVERNMENT_FONTS = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)

# point sizes by their Chinese names (号)
CHUHAO, ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO = 42, 22, 16, 14, 12, 10.5

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
TWIPS_PER_MM = 1440 / 25.4
TEXT_WIDTH_TWIPS = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
TEXT_HEIGHT_TWIPS = round((PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * TWIPS_PER_MM)
LINE_PITCH_TWIPS = 579
"""22 lines in the 225 mm text area: 28.95 pt, fixed."""
BODY_CHAR_SPACING = -5
"""−0.25 pt (in twentieths): 28 characters of 3号 fit the 156 mm line in Word and LibreOffice alike."""
BODY_CHAR_TWIPS = SANHAO * 20 + BODY_CHAR_SPACING
FOOTER_DISTANCE_MM = 25.5
"""From the page's bottom edge to the page number's line: its top lands 7 mm below the text area."""
TABLE_LINE_FACTOR = 1.45
"""Table text runs tighter than the body's fixed pitch: its line is 1.45 times its size."""
RED = "FF0000"
_RULE_OUTER = (8, "000000", 1)
_RULE_INNER = (6, "000000", 1)
"""版记 rules: (size in eighths of a point, colour, space in points) — 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.25 mm."""
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
OWN_EVEN_PAGE = 1
"""``pages_before`` of ``back_matter`` that gives the 版记 a section of its own on the next even page,
right in any renderer; 0 puts it at the foot of the last page, right where a layout pass found
that page even and with room."""


@dataclass(frozen=True)
class Span:
    """A run of text; ``\\n`` inside becomes a line break. Face and size default to the paragraph
    style's (a clerk changes them there, once): a run names only what sets it apart."""

    text: str
    font: str | None = None
    size: float | None = None
    color: str | None = None
    spacing: int | None = None


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class Cell:
    """One cell: its text, how many grid columns it spans, and its place in a vertical merge."""

    text: str | Sequence[Span] = ""
    span: int = 1
    merge: str | None = None
    """None, "restart" (top of a vertical merge) or "continue" (a cell under it)."""
    align: str = "left"
    font: str | None = None
    """None: the table style's 仿宋."""
    size: float | None = None
    """None: the table style's 小四."""
    tail: str = ""
    """A second paragraph, set right: the signature and date of an opinion box."""
    valign: str = "center"


@dataclass(frozen=True)
class Row:
    cells: Sequence[Cell]
    height_mm: float | None = None
    header: bool = False
    keep_with_next: bool = False
    """A heading row stays on the page of the row after it."""


@dataclass(frozen=True)
class Properties:
    """What goes into docProps/core.xml: fixed, so the same input gives the same bytes."""

    title: str
    author: str
    subject: str
    moment: datetime


def text_width(text: str) -> float:
    """The width of text in characters of the grid: a CJK or full-width character is 1, ASCII ½."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def balanced_lines(segments: Sequence[str], max_chars: int) -> list[str]:
    """Break a title at segment boundaries into lines no wider than ``max_chars``, as even as can be.

    GB/T 9704 asks for long titles to be broken at word boundaries into a balanced shape; among
    the breaks into the fewest lines, the one with the least difference between lines wins, and
    a shorter line above a longer one (a trapezoid) breaks ties.
    """
    pieces = [segment for segment in segments if segment]
    whole = "".join(pieces)
    if text_width(whole) <= max_chars or len(pieces) < 2:
        return [whole]
    best: list[str] | None = None
    best_key: tuple[float, ...] | None = None
    for cuts in _cut_sets(len(pieces)):
        bounds = [0, *cuts, len(pieces)]
        lines = ["".join(pieces[a:b]) for a, b in pairwise(bounds)]
        widths = [text_width(line) for line in lines]
        if max(widths) > max_chars:
            continue
        key = (len(lines), max(widths) - min(widths), 0 if widths == sorted(widths) else 1)
        if best_key is None or key < best_key:
            best, best_key = lines, key
    return best or [whole]


def _cut_sets(count: int) -> Iterable[list[int]]:
    """Every way to cut ``count`` pieces into up to three lines (titles are never longer)."""
    for first in range(1, count):
        yield [first]
    for first in range(1, count):
        for second in range(first + 1, count):
            yield [first, second]


# -- low-level XML ---------------------------------------------------------------------------


def _el(tag: str, **attrs: str | int) -> OxmlElement:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _fonts(face: str) -> OxmlElement:
    return _el("w:rFonts", ascii=face, hAnsi=face, eastAsia=face, cs=face, hint="eastAsia")


def _half_points(size: float) -> int:
    return round(size * 2)


def _run_properties(span: Span) -> OxmlElement | None:
    """What sets the run apart from its paragraph's style, in schema order; None when nothing does."""
    rpr = _el("w:rPr")
    if span.font:
        rpr.append(_fonts(span.font))
    if span.color:
        rpr.append(_el("w:color", val=span.color))
    if span.spacing is not None:
        rpr.append(_el("w:spacing", val=span.spacing))
    if span.size:
        rpr.append(_el("w:sz", val=_half_points(span.size)))
        rpr.append(_el("w:szCs", val=_half_points(span.size)))
    return rpr if len(rpr) else None


HALF_TO_FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})
"""A Chinese document writes its brackets full width, whatever the checklist or the note typed."""


def _runs(span: Span) -> list[OxmlElement]:
    run = _el("w:r")
    properties = _run_properties(span)
    if properties is not None:
        run.append(properties)
    for index, line in enumerate(span.text.translate(HALF_TO_FULL_WIDTH).split("\n")):
        if index:
            run.append(_el("w:br"))
        text = _el("w:t")
        text.text = line
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(text)
    return [run]


def _paragraph(
    style: str,
    spans: Sequence[Span],
    *,
    align: str | None = None,
    indent: dict[str, int] | None = None,
    spacing: dict[str, int | str] | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    borders: dict[str, tuple[int, str, int]] | None = None,
    frame: dict[str, str | int] | None = None,
    tabs: Sequence[tuple[str, int]] = (),
) -> OxmlElement:
    """A ``w:p`` with its properties in schema order (Word refuses a file with them out of order)."""
    paragraph = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:pStyle", val=style))
    if keep_next:
        ppr.append(_el("w:keepNext"))
    if page_break_before:
        ppr.append(_el("w:pageBreakBefore"))
    if frame:
        ppr.append(_el("w:framePr", **frame))
    if borders:
        pbdr = _el("w:pBdr")
        for side in ("top", "bottom"):
            if side in borders:
                size, color, space = borders[side]
                pbdr.append(_el(f"w:{side}", val="single", sz=size, space=space, color=color))
        ppr.append(pbdr)
    if tabs:
        tab_stops = _el("w:tabs")
        for kind, position in tabs:
            tab_stops.append(_el("w:tab", val=kind, pos=position))
        ppr.append(tab_stops)
    if spacing:
        ppr.append(_el("w:spacing", **spacing))
    if indent:
        ppr.append(_el("w:ind", **indent))
    if align:
        ppr.append(_el("w:jc", val=align))
    paragraph.append(ppr)
    for span in spans:
        paragraph.extend(_runs(span))
    return paragraph


def _page_number_paragraph(style: str, indent: dict[str, int], align: str) -> OxmlElement:
    """ "— N —" with N a PAGE field, in 4号 宋体."""
    paragraph = _paragraph(style, [Span("— ")], align=align, indent=indent)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = _el("w:r")
        if kind == "instr":
            instruction = _el("w:instrText")
            instruction.text = text
            instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(instruction)
        elif kind == "text":
            run.append(_el("w:t"))
            run[-1].text = text
        else:
            run.append(_el("w:fldChar", fldCharType=kind))
        paragraph.append(run)
    paragraph.extend(_runs(Span(" —")))
    return paragraph


# -- styles ----------------------------------------------------------------------------------

_STYLES = (
    # id, name, font, size, extra pPr XML, extra rPr XML
    ("GWBody", "公文正文", FANGSONG, SANHAO, f'<w:ind w:firstLine="{2 * BODY_CHAR_TWIPS}"/><w:jc w:val="both"/>', ""),
    ("GWPlain", "公文文字", FANGSONG, SANHAO, '<w:jc w:val="both"/>', ""),
    ("GWTitle", "公文标题", XIAOBIAOSONG, ERHAO, '<w:jc w:val="center"/>', '<w:spacing w:val="0"/>'),
    (
        "GWHeading1",
        "公文一级标题",
        HEITI,
        SANHAO,
        f'<w:keepNext/><w:ind w:firstLine="{2 * BODY_CHAR_TWIPS}"/><w:outlineLvl w:val="0"/>',
        "",
    ),
    (
        "GWTable",
        "公文表格",
        FANGSONG,
        XIAOSI,
        f'<w:spacing w:line="{round(XIAOSI * TABLE_LINE_FACTOR * 20)}" w:lineRule="exact"/>',
        "",
    ),
    ("GWFooter", "公文页码", SONGTI, SIHAO, '<w:spacing w:line="280" w:lineRule="exact"/>', ""),
    ("GWBackMatter", "公文版记", FANGSONG, SIHAO, "", ""),
)


_KEPT_TEMPLATE_STYLES = frozenset({"Normal", "DefaultParagraphFont", "TableNormal", "NoList"})


def _style_xml(style_id: str, name: str, font: str, size: float, ppr: str, rpr: str) -> str:
    # pPr children must stay in schema order: keepNext … spacing, ind, jc, outlineLvl
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr>"
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" w:hint="eastAsia"/>'
        f'{rpr}<w:sz w:val="{_half_points(size)}"/><w:szCs w:val="{_half_points(size)}"/></w:rPr>'
        f"</w:style>"
    )


def _set_up_styles(document: docx.document.Document) -> None:
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in [name for name in fonts.attrib if name.endswith("Theme") or name.endswith("theme")]:
            del fonts.attrib[attribute]
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{FANGSONG}" w:hAnsi="{FANGSONG}" w:eastAsia="{FANGSONG}" w:cs="{FANGSONG}"/>'
            f'<w:sz w:val="{_half_points(SANHAO)}"/><w:szCs w:val="{_half_points(SANHAO)}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    normal = document.styles["Normal"].element
    normal_ppr = normal.get_or_add_pPr()
    normal_ppr.append(_el("w:widowControl", val=0))
    normal_rpr = normal.get_or_add_rPr()
    normal_rpr.append(_fonts(FANGSONG))
    normal_rpr.append(_el("w:spacing", val=BODY_CHAR_SPACING))
    normal_rpr.append(_el("w:sz", val=_half_points(SANHAO)))
    normal_rpr.append(_el("w:szCs", val=_half_points(SANHAO)))
    for style in _STYLES:
        styles.append(parse_xml(_style_xml(*style)))
    # the template's ~160 other styles (Word's built-ins) are used by nothing here: a clerk sees ours
    kept = _KEPT_TEMPLATE_STYLES | {style[0] for style in _STYLES}
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in kept:
            styles.remove(style)


# -- the package -----------------------------------------------------------------------------


def _set_up_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    document.settings.odd_and_even_pages_header_footer = True
    one_char = round(SIHAO * 20)
    for footer, align, indent in (
        (section.footer, "right", {"right": one_char}),
        (section.even_page_footer, "left", {"left": one_char}),
    ):
        footer.is_linked_to_previous = False
        element = footer._element
        for paragraph in element.findall(qn("w:p")):
            element.remove(paragraph)
        element.append(_page_number_paragraph("GWFooter", indent, align))


def _set_up_settings(document: docx.document.Document) -> None:
    settings = document.settings.element
    for tag in ("w:savePreviewPicture", "w:rsids", "w:proofState"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _drop_template_leftovers(document: docx.document.Document) -> None:
    """stylesWithEffects goes stale once styles change (checkers flag it); the thumbnail shows a blank page."""
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rel_id]


_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>inspector</Application><DocSecurity>0</DocSecurity><Company>{company}</Company>"
    "</Properties>"
)


def _fix_properties(document: docx.document.Document, properties: Properties) -> None:
    """Core properties (the bureau as author, the document's day) and the application's own, which
    python-docx's template fills with "Microsoft Macintosh Word" and "Normal.dotm"."""
    for part in document.part.package.parts:
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML.format(company=escape(properties.author)).encode("utf-8")
    core = document.core_properties
    core.title = properties.title
    core.subject = properties.subject
    core.author = properties.author
    core.last_modified_by = properties.author
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = properties.moment
    core.modified = properties.moment


def reproducible_zip(data: bytes) -> bytes:
    """The same package with every member stamped 1980-01-01 and marked as made on one system.

    zipfile stamps members with the current time and the running OS; both would make two
    generations of the same document differ.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0
            target.writestr(member, source.read(info.filename), compresslevel=6)
    return out.getvalue()


# -- the document ----------------------------------------------------------------------------


class OfficialDocument:
    """An official document being written, top to bottom, in GB/T 9704 layout."""

    def __init__(self, properties: Properties) -> None:
        self._document = docx.Document()
        self._body = self._document.element.body
        self._section = self._body.find(qn("w:sectPr"))
        for paragraph in self._body.findall(qn("w:p")):
            self._body.remove(paragraph)
        _set_up_styles(self._document)
        _set_up_page(self._document)
        _set_up_settings(self._document)
        _drop_template_leftovers(self._document)
        _fix_properties(self._document, properties)

    def _add(self, element: OxmlElement) -> None:
        self._section.addprevious(element)

    # 版头 ------------------------------------------------------------------------------------

    def organ_header(self, mark: str, number: str) -> None:
        """The red organ mark, the document number two lines below it and the red rule 4 mm under that."""
        self._add(
            _paragraph(
                "GWPlain",
                [Span(mark, XIAOBIAOSONG, _mark_size(mark), color=RED, spacing=0)],
                align="center",
                spacing={"before": 1818, "line": 1100, "lineRule": "exact"},
            )
        )
        self.blank(2)
        self._add(
            _paragraph(
                "GWPlain",
                [Span(number)],
                align="center",
                borders={"bottom": (12, RED, 6)},
            )
        )

    def number_line(self, number: str) -> None:
        """A document number without the organ header (records keep their number on the first line)."""
        self._add(_paragraph("GWPlain", [Span(number)], align="right"))

    # 主体 ------------------------------------------------------------------------------------

    def blank(self, count: int = 1, *, keep_next: bool = False) -> None:
        for _ in range(count):
            self._add(_paragraph("GWPlain", [], keep_next=keep_next))

    def title(self, segments: Sequence[str]) -> None:
        """The title in 2号小标宋, centred, broken at segment boundaries into balanced lines."""
        max_chars = int(TEXT_WIDTH_MM * 72 / 25.4 // ERHAO)
        lines = balanced_lines(segments, max_chars)
        self._add(_paragraph("GWTitle", [Span("\n".join(lines))], keep_next=True))

    def subtitle(self, text: str) -> None:
        self._add(_paragraph("GWPlain", [Span(text, KAITI)], align="center"))

    def addressee(self, text: str) -> None:
        self._add(_paragraph("GWPlain", [Span(text)]))

    def text(self, *spans: Span | str, keep_next: bool = False) -> None:
        """A body paragraph, indented two characters."""
        self._add(_paragraph("GWBody", [_span(s) for s in spans], keep_next=keep_next))

    def heading(self, text: str) -> None:
        """A first-level heading 一、… in 黑体, on its own line."""
        self._add(_paragraph("GWHeading1", [Span(text)], keep_next=True))

    def point(self, head: str, rest: str = "", *, level: int = 2, keep_next: bool = False) -> None:
        """A numbered point: （一）… with its head in 楷体 (level 2) or 1.（1）… in 仿宋 (levels 3, 4)."""
        face = KAITI if level == 2 else None
        self._add(_paragraph("GWBody", [Span(head, face), Span(rest)], keep_next=keep_next))

    def table(
        self, columns: Sequence[Column], rows: Iterable[Row], *, header: bool = True, header_size: float = XIAOSI
    ) -> None:
        """A full-width table: fixed column widths, header row repeated on every page."""
        widths = _twips_widths([column.width_mm for column in columns])
        table = _el("w:tbl")
        table.append(_table_properties())
        grid = _el("w:tblGrid")
        for width in widths:
            grid.append(_el("w:gridCol", w=width))
        table.append(grid)
        if header:
            head = Row(
                [Cell(column.header, align="center", font=HEITI, size=header_size) for column in columns],
                header=True,
            )
            table.append(_table_row(head, widths))
        for row in rows:
            table.append(_table_row(row, widths))
        self._add(table)
        # two tables with nothing between them merge into one
        self._add(_paragraph(_SPACER_STYLE, []))

    def signature(self, organ: str, date_text: str, *, seal_lines: int = 2, note: str = "") -> None:
        """Room for the seal, the organ's name centred over the date, the date 右空四字, and the 附注
        (contact person, in parentheses, indented two characters) under it; kept together."""
        self.blank(seal_lines, keep_next=True)
        date_right = 4 * BODY_CHAR_TWIPS
        offset = (text_width(date_text) - text_width(organ)) / 2 * BODY_CHAR_TWIPS
        self._add(
            _paragraph(
                "GWPlain", [Span(organ)], align="right", indent={"right": round(date_right + offset)}, keep_next=True
            )
        )
        self._add(
            _paragraph("GWPlain", [Span(date_text)], align="right", indent={"right": date_right}, keep_next=bool(note))
        )
        if note:
            self.text(note)

    def signature_line(self, label: str, date_blank: str, *, keep_next: bool = False) -> None:
        """A line to sign on: the label flush left, the date to fill in at the right, with room between."""
        self.blank(keep_next=True)
        self._add(
            _paragraph(
                "GWPlain",
                [Span(f"{label}\t{date_blank}")],
                tabs=[("right", TEXT_WIDTH_TWIPS - 2 * BODY_CHAR_TWIPS)],
                keep_next=keep_next,
            )
        )

    def plain(self, *spans: Span | str) -> None:
        """A paragraph set flush left and not justified: a code or a hash, whose characters must not spread."""
        self._add(_paragraph("GWPlain", [_span(s) for s in spans], align="left"))

    def attachment_notes(self, titles: Sequence[str]) -> None:
        """附件说明 for several attachments: 附件：1．… with each later title under the first (GB/T 9704 7.3.3)."""
        head = "附件："
        for number, title in enumerate(titles, start=1):
            numbered = f"{number}．{title}"
            if number == 1:
                self.text(head + numbered, keep_next=True)
            else:
                left = round((2 + text_width(head)) * BODY_CHAR_TWIPS)
                self._add(_paragraph("GWPlain", [Span(numbered)], indent={"left": left}, keep_next=True))

    def attachment(self, label: str, title_segments: Sequence[str]) -> None:
        """An attachment: on a new page, "附件" in 黑体 flush left, then its title centred."""
        self._drop_table_spacer()
        self._add(_paragraph("GWPlain", [Span(label, HEITI)], page_break_before=True))
        self.blank()
        self.title(title_segments)

    def _drop_table_spacer(self) -> None:
        """Remove the empty paragraph a table left behind, when what follows is not a table.

        After a table that fills its page to the foot, that paragraph alone would take a page of
        its own: a blank page before an attachment that starts on a new page anyway.
        """
        last = self._section.getprevious()
        if last is not None and _is_spacer(last) and _is_table(last.getprevious()):
            self._body.remove(last)

    def _even_page_section(self) -> None:
        """End the numbered pages here; what follows starts on the next even page, in a section whose
        footers are empty.

        The body's own ``sectPr`` describes the last section: a copy of it in a paragraph ends the
        one before, keeping its page-number footers; the last one starts on an even page
        (``w:type evenPage``: Word and LibreOffice insert a blank page when the one before is even)
        and gets footers of its own, empty. The paragraph that ends the section is one point high,
        and stands in for the empty paragraph after a table: after a table that fills its page, a
        paragraph of a full line would open a page of its own, a blank page before the 版记's.
        """
        self._drop_table_spacer()
        ended = _el("w:p")
        properties = _el("w:pPr")
        properties.append(_el("w:pStyle", val="GWPlain"))
        properties.append(_el("w:spacing", line=20, lineRule="exact"))
        mark = _el("w:rPr")
        mark.append(_el("w:sz", val=2))
        mark.append(_el("w:szCs", val=2))
        properties.append(mark)
        properties.append(deepcopy(self._section))
        ended.append(properties)
        self._add(ended)
        for reference in self._section.findall(qn("w:footerReference")):
            self._section.remove(reference)
        # schema order in sectPr: header and footer references, then the type, then the page size
        self._section.find(qn("w:pgSz")).addprevious(_el("w:type", val="evenPage"))
        for kind in ("even", "default"):
            footer_part, rel_id = self._document.part.add_footer_part()
            for paragraph in footer_part.element.findall(qn("w:p")):
                footer_part.element.remove(paragraph)
            footer_part.element.append(_paragraph("GWFooter", []))
            reference = _el("w:footerReference", type=kind)
            reference.set(qn("r:id"), rel_id)
            self._section.insert(0, reference)

    def back_matter(self, cc: str, printer: str, printed: str, *, pages_before: int = 0) -> None:
        """版记 at the foot of the last page: 抄送 and 印发 between rules (1 pt outside, 0.75 pt between).

        The 版记 belongs on an even page, the last side (GB/T 9704 7.5). ``pages_before`` 0 puts it
        at the foot of the page the rest ends on (when a layout pass found that page even and with
        room); any other number puts it in a section of its own that starts on the next even page,
        which Word and LibreOffice lay out alike whatever the fonts: the 版记's page, and the blank
        page they insert before it when the rest ends on an even page, carry no page number.

        Each line is a frame at a fixed height above the bottom of the text area, so the last rule
        lies on it: LibreOffice keeps consecutive framed paragraphs in one frame only when all their
        properties match, which paragraphs with different rules do not.
        """
        one_char = round(SIHAO * 20)
        if pages_before:
            self._even_page_section()
        lines: list[tuple[str, dict[str, tuple[int, str, int]]]] = []
        if cc:
            lines.append((cc, {"top": _RULE_OUTER, "bottom": _RULE_INNER}))
            lines.append((f"{printer}\t{printed}", {"bottom": _RULE_OUTER}))
        else:
            lines.append((f"{printer}\t{printed}", {"top": _RULE_OUTER, "bottom": _RULE_OUTER}))
        bottom = TEXT_HEIGHT_TWIPS
        placed = []
        for text, borders in reversed(lines):
            height = LINE_PITCH_TWIPS + sum(size * 20 // 8 + space * 20 for size, _, space in borders.values())
            bottom -= height
            placed.append((text, borders, bottom))
        for text, borders, top in reversed(placed):
            frame = {
                "w": TEXT_WIDTH_TWIPS,
                "wrap": "around",
                "vAnchor": "margin",
                "hAnchor": "margin",
                "x": 0,
                "y": top,
            }
            self._add(
                _paragraph(
                    "GWBackMatter",
                    [Span(text)],
                    frame=frame,
                    borders=borders,
                    indent={"left": one_char, "right": one_char},
                    spacing={"line": LINE_PITCH_TWIPS, "lineRule": "exact"},
                    tabs=[("right", TEXT_WIDTH_TWIPS - 2 * one_char)],
                )
            )
        # LibreOffice makes a frame only once a paragraph outside it follows
        self._add(_paragraph("GWPlain", []))

    def to_bytes(self) -> bytes:
        raw = io.BytesIO()
        self._document.save(raw)
        return reproducible_zip(raw.getvalue())


_SPACER_STYLE = "GWTable"


def _is_table(element: OxmlElement | None) -> bool:
    return element is not None and element.tag == qn("w:tbl")


def _is_spacer(element: OxmlElement) -> bool:
    """The empty table-style paragraph ``table`` puts after a table."""
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return (
        element.tag == qn("w:p")
        and style is not None
        and style.get(qn("w:val")) == _SPACER_STYLE
        and element.find(qn("w:r")) is None
    )


def _span(value: Span | str) -> Span:
    return Span(value) if isinstance(value, str) else value


def _mark_size(mark: str) -> float:
    """初号 when the mark fits the line, smaller when a long organ name would not."""
    fits = TEXT_WIDTH_MM * 72 / 25.4 / max(text_width(mark), 1)
    return min(CHUHAO, fits * 0.95)


def _twips_widths(widths_mm: Sequence[float]) -> list[int]:
    """Column widths scaled to fill the text width exactly, in twips."""
    total = sum(widths_mm)
    widths = [round(TEXT_WIDTH_TWIPS * width / total) for width in widths_mm]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    return widths


def _table_properties() -> OxmlElement:
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return parse_xml(
        f"<w:tblPr {nsdecls('w')}>"
        f'<w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr>"
    )


def _table_row(row: Row, widths: Sequence[int]) -> OxmlElement:
    element = _el("w:tr")
    properties = _el("w:trPr")
    # a row never runs over a page break: a page never starts with a fragment of a row without
    # its 序号 (rows are kept short: long free text is the finding alone, in the widest column)
    properties.append(_el("w:cantSplit"))
    if row.height_mm:
        properties.append(_el("w:trHeight", val=round(row.height_mm * TWIPS_PER_MM), hRule="atLeast"))
    if row.header:
        properties.append(_el("w:tblHeader"))
    element.append(properties)
    column = 0
    for cell in row.cells:
        width = sum(widths[column : column + cell.span])
        column += cell.span
        element.append(_table_cell(cell, width, keep_next=row.keep_with_next))
    return element


def _table_cell(cell: Cell, width: int, *, keep_next: bool) -> OxmlElement:
    element = _el("w:tc")
    properties = _el("w:tcPr")
    properties.append(_el("w:tcW", w=width, type="dxa"))
    if cell.span > 1:
        properties.append(_el("w:gridSpan", val=cell.span))
    if cell.merge:
        properties.append(_el("w:vMerge", val=cell.merge))
    properties.append(_el("w:vAlign", val=cell.valign))
    element.append(properties)
    spans = [Span(cell.text, cell.font, cell.size)] if isinstance(cell.text, str) else list(cell.text)
    if cell.merge == "continue":
        spans = []
    spacing = {"line": round((cell.size or XIAOSI) * TABLE_LINE_FACTOR * 20), "lineRule": "exact"}
    align = cell.align if cell.align != "left" else None
    element.append(_paragraph("GWTable", spans, align=align, spacing=spacing, keep_next=keep_next))
    if cell.tail:
        tail = [Span(cell.tail, cell.font, cell.size)]
        element.append(_paragraph("GWTable", tail, align="right", spacing=spacing, keep_next=keep_next))
    return element
