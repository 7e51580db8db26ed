"""The opening paragraph of the plan: basis documents (《…》 with 文号) and the theme."""

from __future__ import annotations

import re

from .outline import Line
from .result import BasisDocument, Field
from .source import Source

_BASIS_RE = re.compile(r"《([^《》]{2,80})》\s*(?:\(\s*([^()]{2,30}?号)\s*\))?")
_OPENERS = ("根据", "按照", "依据", "遵照", "为贯彻", "为深入贯彻", "为认真贯彻", "为全面贯彻", "为落实",
            "为深入", "为进一步", "贯彻落实", "结合")
_THEME_RES = [
    re.compile(r'围绕"([^"\n]{2,60})"\s*(?:这一|这个)?\s*(?:总)?主题(?!党日|教育|实践|活动)'),
    re.compile(r'以"([^"\n]{2,60})"\s*为\s*(?:总)?主题'),
    re.compile(r'主题\s*(?:是|为)?\s*:?\s*"([^"\n]{2,60})"'),
    re.compile(r'"([^"\n]{2,60})"\s*(?:总)?主题(?!党日|教育|实践|活动|征文|演讲)'),
]


def find_preamble(src: Source, front: list[Line], title_end: Line | None) -> Line | None:
    """First paragraph after the title; without a title, the last 根据/按照… paragraph."""
    content = [ln for ln in front if ln.text and not ln.noise]
    if title_end is not None:
        after = [ln for ln in content if ln.index > title_end.index and ln.index not in src.used]
        if after:
            return after[0]
    openers = [ln for ln in content if ln.text.startswith(_OPENERS) and len(ln.text) > 20]
    return openers[-1] if openers else None


def basis_documents(src: Source, preamble: Line | None, own_title: str | None) -> list[BasisDocument]:
    if preamble is None:
        return []
    found: list[BasisDocument] = []
    previous_end = 0
    folded = preamble.folded
    for m in _BASIS_RE.finditer(folded):
        start, end = preamble.start + m.start(), preamble.start + m.end()
        title = src.text[preamble.start + m.start(1): preamble.start + m.end(1)]
        issuer = _issuer(preamble.text[previous_end: m.start()])
        previous_end = m.end()
        if own_title and title.replace(" ", "") in own_title.replace(" ", ""):
            continue
        number = m.group(2)
        if number is not None:
            number = src.text[preamble.start + m.start(2): preamble.start + m.end(2)]
        found.append(BasisDocument(title, number, issuer, (start, end), src.text[start:end]))
    if found:
        src.use(preamble)
    return found


def _issuer(before: str) -> str | None:
    # Text between the previous 》 (or the sentence start) and this 《, minus the connectives.
    text = re.split(r"[，,。；;]", before)[-1].strip()
    text = re.sub(
        r"^(?:的要求|要求|精神|和|及|以及|与|、|根据|按照|依据|遵照|为|深入|认真|全面|进一步|贯彻落实|贯彻|落实)+",
        "", text)
    text = text.strip("、 ")
    return text if 2 <= len(text) <= 30 else None


def find_theme(src: Source, lines: list[Line]) -> Field:
    for line in lines:
        for confidence, pattern in zip((0.9, 0.9, 0.85, 0.7), _THEME_RES):
            m = pattern.search(line.folded)
            if m:
                start, end = line.start + m.start(1), line.start + m.end(1)
                return src.field(src.text[start:end], start, end, confidence)
    return Field(None)
