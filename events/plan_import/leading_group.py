"""The leading group (领导小组: 组长, 副组长, 成员) and its office (办公室, 主任)."""

from __future__ import annotations

import re

from .regions import Region
from .result import LeadingGroup
from .source import Source

_GROUP_WORDS = r"(?:领导小组|工作领导小组|工作小组|工作组|领导组|工作专班|指挥部)"
# “成立由党委书记、校长为双组长，其他校领导为副组长，…为成员的…工作组”
_PROSE = re.compile(
    r"由(?P<leaders>[^,。;]{1,40}?)(?:任|为|担任)\s*(?:双|总)?组长\s*[,、]?\s*"
    r"(?:(?P<deputies>[^,。;]{1,40}?)(?:任|为|担任)\s*副组长\s*[,、]?\s*)?"
    r"(?:(?P<members>[^,。;]{1,120}?)(?:为|任|作为)\s*成员)?"
    rf"(?:的|组成的)?\s*(?P<name>[^,。;]{{0,60}}?{_GROUP_WORDS})?"
)
_BY_ROLE = re.compile(
    r"(?P<role>副组长|组长|成员)\s*由\s*(?P<who>[^,。;]{1,120}?)\s*(?:同志)?(?:担任|组成|兼任)"
)
_LABEL = re.compile(r"(?P<role>副\s*组\s*长|组\s*长|成\s*员|副\s*主\s*任|主\s*任)\s*:\s*(?P<who>.+)")
_NAME = re.compile(rf"成立(?:了)?\s*(?P<name>[^,。;:]{{0,60}}?{_GROUP_WORDS})")
_OFFICE = re.compile(
    r"下设(?:办公室|工作办公室)\s*[,，]?\s*(?:办公室)?(?:设在\s*(?P<location>[^,。;]{2,20}))?"
    r"(?:\s*[,，]\s*(?:由)?\s*(?P<director>[^,。;]{2,30}?)\s*(?:同志)?\s*(?:兼)?任\s*(?:办公室)?主任)?"
)
_MEMBERS_NOTE = re.compile(r"等\s*(?:有关|相关)?(?:部门|单位|科室|处室)?(?:的)?(?:主要)?(?:负责人|负责同志|同志)?$")


def _people(text: str) -> list[str]:
    parts = re.split(r"[、,，;；]|\s{2,}|\t", text.strip())
    return [p.strip().strip("。") for p in parts if p.strip().strip("。")]


def find_leading_group(src: Source, regions: list[Region]) -> LeadingGroup | None:
    ordered = [r for r in regions if r.kind == "organisation"] + [r for r in regions if r.kind != "organisation"]
    for region in ordered:
        group = _labelled(src, region) or _prose(src, region)
        if group is not None:
            return group
    return None


def _prose(src: Source, region: Region) -> LeadingGroup | None:
    for line in region.content:
        m = _PROSE.search(line.folded) or None
        by_role = list(_BY_ROLE.finditer(line.folded))
        if m is None and not by_role:
            continue
        roles: dict[str, list[str]] = {"组长": [], "副组长": [], "成员": []}
        name = None
        if m is not None:
            roles["组长"] = _people(_orig(src, line, m, "leaders"))
            roles["副组长"] = _people(_orig(src, line, m, "deputies"))
            roles["成员"] = _people(_orig(src, line, m, "members"))
            name = _orig(src, line, m, "name") or None
            a, b = line.start + m.start(), line.start + m.end()
        else:
            for r in by_role:
                roles[r.group("role")] = _people(src.text[line.start + r.start("who"): line.start + r.end("who")])
            a, b = line.start + by_role[0].start(), line.start + by_role[-1].end()
        if not roles["组长"]:
            continue
        if name is None and (n := _NAME.search(line.folded)):
            name = src.text[line.start + n.start("name"): line.start + n.end("name")]
        members, note = _split_note(roles["成员"])
        src.use(line)
        return LeadingGroup(name, roles["组长"], roles["副组长"], members, note,
                            _office(src, region), (a, b), src.text[a:b])
    return None


def _labelled(src: Source, region: Region) -> LeadingGroup | None:
    roles: dict[str, list[str]] = {}
    used = []
    name = None
    for line in region.content:
        if (n := _NAME.search(line.folded)) and name is None:
            name = src.text[line.start + n.start("name"): line.start + n.end("name")]
        m = _LABEL.match(line.folded_body.strip()) if len(line.folded) < 200 else None
        if m is None:
            if roles and not re.match(r"[\u4e00-\u9fff]{2,4}(?:\s|、|$)", line.text):
                if len(used) > 1:
                    break
            continue
        role = re.sub(r"\s", "", m.group("role"))
        offset = line.folded.index(m.group("who"))
        roles.setdefault(role, []).extend(_people(line.text[offset:]))
        used.append(line)
    if "组长" not in roles:
        return None
    src.use(*used)
    members, note = _split_note(roles.get("成员", []))
    office = _office(src, region)
    if office is None and "主任" in roles:
        office = {"location": None, "director": "、".join(roles["主任"]), "span": None, "source": None}
    a, b = used[0].start, used[-1].end
    return LeadingGroup(name, roles["组长"], roles.get("副组长", []), members, note, office, (a, b), src.text[a:b])


def _split_note(members: list[str]) -> tuple[list[str], str | None]:
    if members and (m := _MEMBERS_NOTE.search(members[-1])) and m.group(0) != "":
        last = members[-1][: m.start()].strip()
        return members[:-1] + ([last] if last else []), members[-1][m.start():]
    return members, None


def _office(src: Source, region: Region) -> dict | None:
    for line in region.content:
        m = _OFFICE.search(line.folded)
        if m:
            a, b = line.start + m.start(), line.start + m.end()
            return {
                "location": _orig(src, line, m, "location") or None,
                "director": _orig(src, line, m, "director") or None,
                "span": (a, b),
                "source": src.text[a:b],
            }
    return None


def _orig(src: Source, line, m: re.Match[str], group: str) -> str:
    if m.group(group) is None:
        return ""
    return src.text[line.start + m.start(group): line.start + m.end(group)].strip()
