"""The demo city's story: what each plan, branch and office of the demo city does during the
first five weeks of its campaign, as data (``taolun.platform.demo_history`` plays it).

Days are relative to today. The lights that follow are in ``LIGHTS``: a mix of green, yellow
and red at every level of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from taolun.platform import demo_plans

Path = tuple[str, ...]  # unit codes from the city down; () is the city
# The demo's campaign is found again by its theme (the title comes from the imported text).
THEME = "解放思想、改革创新、担当作为"


@dataclass(frozen=True)
class PlanStory:
    unit: Path
    target: str  # draft | submitted | approved | returned
    document: demo_plans.Document | None = None  # imported; otherwise derived in the editor
    rebase: bool = False  # takes the parent's amendment
    reasons: tuple[str, ...] = ()

    @property
    def parent(self) -> Path:
        return self.unit[:-1]


# Parents before children. Districts derive from the city's campaign, schools from their
# district's plan; 扬州市职业教育中心 (under the city) has not derived yet.
PLANS = (
    PlanStory(("gl",), "approved", rebase=True),
    PlanStory(("hj",), "approved", demo_plans.DISTRICT, rebase=True),
    PlanStory(("jd",), "approved"),  # the amendment is still to be taken: upstream changed
    PlanStory(("gl", "gl-sz"), "approved", rebase=True),
    PlanStory(("gl", "gl-xx"), "returned", reasons=(
        "学习讨论阶段未结合学校实际安排具体活动，请细化到各党支部", "问题查摆缺少责任处室和完成时限")),
    PlanStory(("hj", "hj-zx"), "approved", demo_plans.SCHOOL, rebase=True),
    PlanStory(("hj", "hj-sx"), "submitted"),
    PlanStory(("jd", "jd-zx"), "draft"),
)
AMENDMENT_TOPIC = "如何用好人工智能技术，赋能教育教学改革和学校治理。"
AMENDMENT_TASK = "开展整改落实“回头看”"
AMENDMENT_SUMMARY = "增加讨论专题“人工智能赋能教育”，查摆整改阶段增加整改落实“回头看”"


@dataclass(frozen=True)
class Act:
    day: int  # relative to today
    kind: str
    title: str
    participants: int
    photo: bool = False


# What a unit did, by how it is doing. The city's per-unit requirements: one 专题学习 in
# the first phase; a 主题党日, a 座谈会 and a 党课 in the second (邗江中学 adds a 研讨会).
ACTIVE = (  # green: three of four met
    Act(-26, "专题学习", "专题学习：传达全市大讨论活动部署", 28),
    Act(-12, "调研走访", "走访结对学校，听取一线教师意见", 6),
    Act(-5, "主题党日", "主题党日：重温入党誓词，畅谈解放思想", 31, photo=True),
    Act(-3, "座谈会", "专题座谈会：对标先进找差距", 18, photo=True),
)
STEADY = (  # green: two of four met
    Act(-20, "专题学习", "专题学习：学习全市活动实施方案", 22),
    Act(-2, "党课", "专题党课：以思想解放推动高质量发展", 25, photo=True),
)
BEHIND = (  # yellow: busy, but none of the required activities (behind pace)
    Act(-15, "调研走访", "走访学生家庭，听取家长意见", 5),
    Act(-4, "交流会", "青年教师成长交流会", 14, photo=True),
)
FADED = (Act(-33, "其他", "传达全市大讨论活动动员会精神", 12),)  # red: silent for 33 days
SILENT = ()  # red: nothing since the campaign began
PLANNED = (Act(4, "党课", "专题党课：学习讨论阶段小结", 30),)  # in the future: planned, not done

ACTIVITIES: dict[Path, tuple[Act, ...]] = {
    ("bgs",): ACTIVE, ("jcjy",): STEADY, ("jgdw",): BEHIND,
    ("gl", "jgdzb"): ACTIVE,
    ("gl", "gl-sz", "dzb-1"): ACTIVE + PLANNED, ("gl", "gl-sz", "dzb-2"): STEADY,
    ("gl", "gl-sz", "jwc"): STEADY, ("gl", "gl-sz", "xsc"): ACTIVE,
    ("gl", "gl-xx", "dzb-1"): ACTIVE, ("gl", "gl-xx", "dzb-2"): STEADY,  # yellow: reopened problem
    ("gl", "gl-xx", "jwc"): BEHIND, ("gl", "gl-xx", "xsc"): STEADY,
    ("hj", "jgdzb"): BEHIND,
    ("hj", "hj-zx", "dzb-1"): ACTIVE, ("hj", "hj-zx", "dzb-2"): BEHIND,
    ("hj", "hj-zx", "jwc"): ACTIVE,  # red: its rectification is overdue
    ("hj", "hj-zx", "xsc"): STEADY,
    ("hj", "hj-sx", "dzb-1"): STEADY, ("hj", "hj-sx", "dzb-2"): ACTIVE,
    ("hj", "hj-sx", "jwc"): STEADY, ("hj", "hj-sx", "xsc"): BEHIND,
    ("jd", "jgdzb"): STEADY,
    ("jd", "jd-zx", "dzb-1"): STEADY, ("jd", "jd-zx", "dzb-2"): BEHIND,
    ("jd", "jd-zx", "jwc"): ACTIVE, ("jd", "jd-zx", "xsc"): STEADY,
    ("yz-zj", "dzb-1"): SILENT, ("yz-zj", "dzb-2"): FADED,
    ("yz-zj", "jwc"): BEHIND, ("yz-zj", "xsc"): STEADY,
}
# The lights that follow, as the progress view shows them: 广陵 green (2 of its 9 units
# yellow), 邗江 yellow (4 of 9 red or yellow: 邗江中学 red for an overdue rectification, 实验学校
# green, its 机关党支部 yellow), 江都 green, 职业教育中心 red (2 of 4 units silent).
LIGHTS = {
    ("bgs",): "green", ("jcjy",): "green", ("jgdw",): "yellow",
    ("gl",): "green", ("hj",): "yellow", ("jd",): "green", ("yz-zj",): "red",
    ("gl", "jgdzb"): "green", ("gl", "gl-sz"): "green", ("gl", "gl-xx"): "yellow",
    ("hj", "jgdzb"): "yellow", ("hj", "hj-zx"): "red", ("hj", "hj-sx"): "green",
    ("jd", "jgdzb"): "green", ("jd", "jd-zx"): "green",
    ("hj", "hj-zx", "dzb-1"): "green", ("hj", "hj-zx", "dzb-2"): "yellow",
    ("hj", "hj-zx", "jwc"): "red", ("hj", "hj-zx", "xsc"): "green",
}


@dataclass(frozen=True)
class Suggestion:
    unit: Path
    title: str
    content: str
    outcome: str = ""  # "" (waiting), answered, adopted
    reply: str = ""
    anonymous: bool = False


SUGGESTIONS = (
    Suggestion(("gl", "gl-sz", "dzb-1"), "建立城乡学校结对教研机制",
               "建议由区教研室牵头，城区学校与乡村学校按学科结对，每月开展一次联合教研。",
               "adopted", "已纳入区教育局下学期教研工作计划。"),
    Suggestion(("hj", "hj-zx", "dzb-1"), "推行年级作业总量公示",
               "建议各年级每周公示各学科作业量，由年级组统筹，避免作业叠加。",
               "answered", "教务处已在初一年级试行，试行一个月后总结推广。"),
    Suggestion(("hj", "hj-sx", "jwc"), "课后向学生开放实验室",
               "建议在课后服务时段开放物理、化学实验室，由教师轮流值守指导。"),
    Suggestion(("yz-zj", "xsc"), "增加企业导师进校园次数",
               "希望每学期至少请两位合作企业的技术骨干到校开设讲座。",
               "answered", "已与三家合作企业商定，下月起每月安排一次企业导师讲座。", anonymous=True),
    Suggestion(("bgs",), "精简基层学校报表",
               "建议清理重复报送的统计报表，同一数据只报一次，由机关内部共享。",
               "adopted", "局办公室牵头清理报表，已取消七种重复报表。"),
    Suggestion(("jd", "jd-zx", "dzb-1"), "设立青年教师读书角",
               "建议在图书馆设立青年教师读书角，每月推荐一本教育类书籍。"),
)


@dataclass(frozen=True)
class Problem:
    unit: Path
    description: str
    category: str
    measures: tuple[str, ...]
    deadline: int  # relative to today
    target: str  # open | rectifying | completed | verified | reopened
    percent: int | None = None


PROBLEMS = (
    Problem(("hj", "hj-zx", "jwc"), "部分年级课后作业总量统筹不够，作业时长超出规定", "工作作风",
            ("建立年级作业总量统筹和公示制度", "每周抽查作业时长"), -3, "rectifying", 60),
    Problem(("gl", "gl-sz", "jwc"), "教研活动形式较为单一，跨学科教研开展不足", "体制机制",
            ("每学期开展两次跨学科主题教研",), 5, "rectifying", 40),
    Problem(("gl", "gl-xx", "dzb-2"), "党员示范岗作用发挥不充分", "能力素质",
            ("重新明确示范岗职责并公开承诺", "每月通报示范岗履职情况"), 10, "reopened"),
    Problem(("hj", "hj-sx", "dzb-1"), "支部学习存在以读代学现象，研讨不够深入", "工作作风",
            ("每次学习确定一名党员领学并交流发言",), -6, "verified"),
    Problem(("bgs",), "公文办理流程环节偏多，基层反映办事慢", "体制机制",
            ("精简公文办理环节，推行网上流转",), 20, "completed"),
    Problem(("jcjy",), "对基层学校调研指导不够深入", "工作作风", ("制定处室领导联系学校制度",), 25, "open"),
)
