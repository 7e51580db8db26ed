"""Header of a 公文: issuing unit, 文号, issue date, plan title and 主送 units."""

from __future__ import annotations

import re

from .dates import parse_full_date
from .outline import Line
from .result import Header
from .source import Source, looks_like_org

# 文号: agency code, year in 〔〕/[]/（）/【】, serial, 号. Folded text: brackets are [] or ().
DOC_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,15}?)\s*(?:\[\s*((?:19|20)\d{2})\s*\]|\(\s*((?:19|20)\d{2})\s*\))\s*(?:第\s*)?(\d{1,4})\s*号"
)
_TITLE_END = re.compile(r"(?:方案|安排|计划|意见|办法|细则)$")
_ADDRESSEE_PARTS = re.compile(r"[、,，;]|\s+")


def parse_header(src: Source, front: list[Line]) -> tuple[Header, Line | None]:
    """Answer the header and the last line of the plan title (the body starts after it)."""
    header = Header()
    content = [ln for ln in front if ln.text and not ln.noise]

    number_line = _document_number(src, header, content)
    date_line = _issue_date(src, header, content, number_line)
    _issuing_unit(src, header, content, date_line)
    title_end = _title(src, header, content)
    _addressees(src, header, content)
    return header, title_end


def _document_number(src: Source, header: Header, lines: list[Line]) -> Line | None:
    for line in lines:
        m = DOC_NUMBER_RE.search(line.folded)
        # A header 文号 stands on its own short line; one inside a sentence cites a basis document.
        if not m or len(line.folded) > 40 or "《" in line.folded[: m.start()]:
            continue
        start, end = line.start + m.start(1), line.start + m.end()
        value = {
            "text": src.text[start:end],
            "agency": m.group(1),
            "year": int(m.group(2) or m.group(3)),
            "serial": int(m.group(4)),
        }
        header.document_number = src.field(value, start, end, 0.95)
        src.use(line)
        return line
    return None


def _issue_date(src: Source, header: Header, lines: list[Line], skip: Line | None) -> Line | None:
    # The date line of a cover notice or of the 落款: short, mostly the date itself.
    candidates = [ln for ln in lines if ln is not skip and len(ln.folded) <= 45]
    tail = [ln for ln in src.lines[-15:] if ln.text and not ln.noise and len(ln.folded) <= 45]
    for line, confidence in [(ln, 0.9) for ln in candidates] + [(ln, 0.75) for ln in tail]:
        found = parse_full_date(line.folded)
        if not found:
            continue
        value, (a, b) = found
        rest = (line.folded[: a] + line.folded[b:]).strip()
        if rest and not (looks_like_org(rest) or re.fullmatch(r"(?:印发|印制|发布|制定)?", rest)):
            continue
        header.issue_date = src.field(value, line.start + a, line.start + b, confidence)
        src.use(line)
        return line
    for line in src.lines:  # a web page's “发布时间：2019-03-05” is better than nothing
        if line.noise and (found := parse_full_date(line.folded)):
            value, (a, b) = found
            header.issue_date = src.field(value, line.start + a, line.start + b, 0.5)
            return None
    return None


def _issuing_unit(src: Source, header: Header, lines: list[Line], date_line: Line | None) -> None:
    if date_line is not None:
        # 落款: the unit just above the date, or before it on the same line.
        found = parse_full_date(date_line.folded)
        prefix = date_line.text[: found[1][0]].strip() if found else ""
        if looks_like_org(prefix):
            header.issuing_unit = src.field(prefix, date_line.start, date_line.start + len(prefix), 0.9)
            return
        previous = _previous_content_line(src, date_line)
        if previous is not None and looks_like_org(previous.text):
            header.issuing_unit = src.field(previous.text, previous.start, previous.end, 0.9)
            src.use(previous)
            return
    for line in lines:
        m = re.fullmatch(r"(.{2,30}?)\s*文件", line.folded)
        if m and looks_like_org(m.group(1)):
            header.issuing_unit = src.field(m.group(1), line.start, line.start + m.end(1), 0.85)
            src.use(line)
            return
    for line in lines[:3]:
        if looks_like_org(line.text):
            header.issuing_unit = src.field(line.text, line.start, line.end, 0.6)
            src.use(line)
            return


def _previous_content_line(src: Source, line: Line) -> Line | None:
    for other in reversed(src.lines[: line.index]):
        if other.text and not other.noise:
            return other
    return None


def _is_title_piece(line: Line) -> bool:
    f = line.folded
    return (
        len(f) <= 40
        and not f.startswith("附件")
        and not re.search(r"[。:;]$|^关于印发", f)
        and not re.fullmatch(r"\(.*\)", f)  # “（此件公开发布）”, “（2023年6月2日印发）”
        and line.style is None
        and not DOC_NUMBER_RE.search(f)
        and not parse_full_date(f)
    )


def _title(src: Source, header: Header, lines: list[Line]) -> Line | None:
    ends = [
        ln for ln in lines
        if _TITLE_END.search(ln.folded.rstrip()) and "《" not in ln.folded and _is_title_piece(ln)
        and len(ln.folded) <= 60
    ]
    if ends:
        last = ends[-1]
        pieces = [last]
        position = lines.index(last)
        for previous in reversed(lines[max(0, position - 3): position]):
            if not _is_title_piece(previous) or previous.index < pieces[0].index - 2:
                break
            pieces.insert(0, previous)
        full = "".join(p.text for p in pieces)
        header.full_title = src.field(full, pieces[0].start, last.end, 0.9)
        # A first line that is only the unit's name (“益阳高级技工学校”) is not part of the title.
        if len(pieces) > 1 and looks_like_org(pieces[0].text):
            pieces = pieces[1:]
        header.title = src.field("".join(p.text for p in pieces), pieces[0].start, last.end, 0.9)
        src.use(*pieces)
        if header.full_title.value != header.title.value:
            src.use(*[ln for ln in lines if header.full_title.span[0] <= ln.start < last.start])
        return last
    for line in lines:
        m = re.search(r"关于印发\s*《([^《》]{4,80})》", line.folded)
        if m:
            start, end = line.start + m.start(1), line.start + m.end(1)
            header.title = src.field(src.text[start:end], start, end, 0.6)
            header.full_title = header.title
            return None
    return None


def _addressees(src: Source, header: Header, lines: list[Line]) -> None:
    for line in lines:
        f = line.folded.rstrip()
        if not f.endswith(":") or len(f) > 60 or "《" in f or f.startswith("附件") or line.style:
            continue
        body = line.text.rstrip()[:-1].rstrip()
        parts = [p for p in _ADDRESSEE_PARTS.split(body) if p]
        if parts and all(p.startswith(("各", "全")) or looks_like_org(p, 20) for p in parts):
            header.addressees = src.field(parts, line.start, line.start + len(body), 0.85)
            src.use(line)
            return
