"""Writes the corpus's .docx plans from the text below (python-docx): run
``python -m tests.corpus.plans.make_docx`` after changing a document, and commit both.

Tables are real Word tables (one row a line of the plan's schedule or leading group), so the
importer reads them the way it reads a bureau's own .docx."""

from __future__ import annotations

from pathlib import Path

import docx

FOLDER = Path(__file__).resolve().parent

# A document is a list of blocks: a string is a paragraph, a list of rows is a table.
DONGHU_DISTRICT = [
    "东湖区教育局",
    "东教发〔2024〕21号",
    "",
    "东湖区教育系统“解放思想、奋勇争先”大讨论活动实施方案",
    "",
    "为推动全区教育系统广大干部教师进一步解放思想、奋勇争先，根据区委统一部署，结合我区教育工作实际，制定本方案。",
    "一、指导思想",
    "以习近平新时代中国特色社会主义思想为指导，坚持问题导向，以思想大解放推动教育大发展，努力办好人民满意的东湖教育。",
    "二、讨论专题",
    "（一）紧紧围绕学前教育普及普惠开展讨论，着力破解入园难、入园贵问题。",
    "（二）紧紧围绕义务教育优质均衡开展讨论，着力缩小校际差距。",
    "（三）紧紧围绕普通高中多样化发展开展讨论，着力提升办学特色。",
    "（四）紧紧围绕教师队伍建设开展讨论，着力激发教师队伍活力。",
    "三、阶段安排",
    "活动从2024年4月开始，到2024年9月底结束，具体安排如下：",
    [
        ["阶段", "时间安排", "主要任务", "责任科室"],
        ["宣传发动", "4月上旬—4月中旬", "召开全区动员会，各校制定活动方案", "办公室、组织科"],
        ["学习讨论", "4月下旬—6月底", "开展集中学习和专题研讨，征集意见建议", "组织科、各学校"],
        ["整改落实", "7月—8月", "建立问题清单，逐项整改落实", "各科室、各学校"],
        ["总结提升", "9月", "总结活动成效，表彰先进典型", "办公室"],
    ],
    "四、工作要求",
    "各单位要把大讨论活动作为当前的一项重要政治任务，主要负责同志亲自抓，确保活动取得实效。",
    "",
    "东湖区教育局",
    "2024年4月2日",
]

XINHE_SCHOOL = [
    "新河中学",
    "新中〔2024〕15号",
    "",
    "新河中学“解放思想、争创一流”大讨论活动实施方案",
    "",
    "根据区教育局关于开展解放思想大讨论活动的部署，结合学校实际，现制定本方案。",
    "一、目标任务",
    "通过大讨论，统一全校教职工思想，明确学校争创一流的目标路径，形成一批可落地的改革举措。",
    "二、讨论专题",
    "1、学校争创一流的目标定位是什么；",
    "2、课堂教学改革如何走深走实；",
    "3、班主任队伍建设如何突破瓶颈；",
    "4、怎样把“五育并举”落到每一个学生身上；",
    "5、后勤服务如何更好地保障教育教学。",
    "三、进度安排",
    "1．准备阶段（2024年11月）。成立领导小组，制定实施方案，召开动员大会。",
    "2．实施阶段（2024年12月—2025年1月）。以教研组、年级组为单位开展讨论，撰写讨论发言材料，召开全校交流会。",
    "3．总结阶段（2025年2月底前）。汇总讨论成果，修订学校三年发展规划，总结表彰。",
    "四、组织领导",
    "学校成立大讨论活动领导小组：",
    [
        ["职务", "姓名", "工作职责"],
        ["组长", "周明", "全面负责"],
        ["副组长", "陈立、吴芳", "具体组织实施"],
        ["成员", "各处室主任、各年级组长", "分工落实"],
    ],
    "",
    "中共新河中学总支部委员会",
    "2024年10月28日",
]

LINJIANG_KINDERGARTEN = [
    "临江市机关幼儿园关于开展解放思想大讨论活动的实施方案",
    "临幼〔2023〕11号",
    "",
    "为进一步转变保教观念，提升保教质量，根据市教育局的统一部署，结合本园实际，制定本方案。",
    "一、主要内容",
    "（一）坚持以游戏为基本活动，讨论如何克服幼儿园教育“小学化”倾向；",
    "（二）坚持保教并重，讨论如何提升保育工作的专业化水平；",
    "（三）坚持家园共育，讨论如何建立更加顺畅的家园沟通机制；",
    "（四）坚持教师为本，讨论如何帮助青年教师尽快成长；",
    "（五）坚持安全第一，讨论如何织牢织密幼儿园安全防护网。",
    "二、实施步骤",
    "（一）准备部署阶段。自2023年10月9日起至10月20日止，召开全园教职工大会，传达上级精神，部署活动任务。",
    "（二）集中实施阶段。10月下旬至12月底，各年级组围绕主要内容开展讨论，每月组织一次观摩研讨活动。",
    "（三）总结提高阶段。2024年1月上旬，梳理讨论成果，修订完善各项制度。",
    "三、工作要求",
    [
        ["序号", "要求", "责任人"],
        ["1", "各年级组做好讨论记录，按时报送讨论小结", "年级组长"],
        ["2", "园务办及时宣传活动中的好做法", "园务办主任"],
    ],
    "",
    "临江市机关幼儿园",
    "2023年9月29日",
]

DOCUMENTS = {
    "05-donghu-district-table-phases.docx": DONGHU_DISTRICT,
    "06-xinhe-school-progress-docx.docx": XINHE_SCHOOL,
    "13-linjiang-kindergarten-docx.docx": LINJIANG_KINDERGARTEN,
}


def build(blocks: list) -> docx.Document:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for row, cells in zip(table.rows, block):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    return document


def main() -> None:
    for name, blocks in DOCUMENTS.items():
        document = build(blocks)
        # Fixed metadata: regenerating an unchanged document gives the same text.
        document.core_properties.author = "taolun corpus"
        document.save(FOLDER / name)


if __name__ == "__main__":
    main()
