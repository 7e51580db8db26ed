"""read_document: the encodings and containers plans arrive in, and each refusal code."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest

from taolun.events.plan_import import ImportRejected, parse_plan, read_document
from taolun.events.uploads import MAX_IMPORT_BYTES

SAMPLE = "关于开展解放思想大讨论活动的实施方案\n一、总体要求\n以习近平新时代中国特色社会主义思想为指导。\n"


def test_utf8_with_and_without_bom_reads_the_same_text():
    assert read_document(SAMPLE.encode("utf-8")) == SAMPLE
    assert read_document(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")) == SAMPLE


def test_gb18030_and_gbk_bytes_are_decoded(sample_text):
    assert read_document(SAMPLE.encode("gbk"), "plan.txt") == SAMPLE
    original = sample_text["city"]
    assert read_document(original.encode("gb18030"), "plan.txt") == original


def test_the_gb18030_school_plan_parses_like_its_utf8_copy(sample_text, samples):
    plan = parse_plan(read_document(sample_text["school"].encode("utf-8")))
    assert plan.to_dict() == samples["school"].to_dict()


def test_windows_line_endings_and_odd_spaces_do_not_change_the_result(sample_text, samples):
    noisy = sample_text["city"].replace("\n", "\r\n").replace("（", "\u3000（", 3).replace("一、", "\u00a0一、")
    plan = parse_plan(read_document(noisy.encode("utf-8")))
    assert [(p.name, p.start, p.end) for p in plan.phases] == [(p.name, p.start, p.end) for p in samples["city"].phases]
    assert "\r" not in plan.text


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("中共示范中学委员会文件")
    document.add_paragraph("示中党〔2020〕3号")
    document.add_paragraph("关于开展大学习大讨论活动的实施方案")
    document.add_paragraph("一、方法步骤")
    document.add_paragraph("（一）动员部署阶段（3月上旬）。一是召开动员会。二是制定方案。（党办、校办）")
    document.add_paragraph("（二）学习讨论阶段（3月中旬至5月底）。各支部每月至少开展一次主题党日活动。")
    table = document.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["活动阶段", "实施时间", "工作内容", "责任单位"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["动员部署阶段", "3月上旬", "召开动员大会", "党办"]):
        cell.text = text
    merged = table.cell(1, 0).merge(table.cell(2, 0))
    merged.text = "动员部署阶段"
    for col, text in ((1, "3月上旬"), (2, "制定支部方案"), (3, "各支部")):
        table.cell(2, col).text = text
    document.add_paragraph("二、组织领导")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_is_read_with_paragraphs_and_table_cells_in_document_order():
    text = read_document(_docx_bytes(), "方案.docx")
    assert text.index("（二）学习讨论阶段") < text.index("活动阶段") < text.index("二、组织领导")
    assert "\t召开动员大会" in text and "\t制定支部方案" in text
    plan = parse_plan(text)
    assert plan.header.document_number.value["text"] == "示中党〔2020〕3号"
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("动员部署阶段", date(2020, 3, 1), date(2020, 3, 10)),
        ("学习讨论阶段", date(2020, 3, 11), date(2020, 5, 31)),
    ]
    assert plan.phases[0].responsible_units == ["党办", "校办"]
    assert [(r.content, r.phase, r.responsible_units) for r in plan.schedule] == [
        ("召开动员大会", "动员部署阶段", ["党办"]),
        ("制定支部方案", "动员部署阶段", ["各支部"]),  # merged cell carried down
    ]
    [rule] = plan.requirements
    assert (rule.activity_kind, rule.metric, rule.minimum, rule.period) == ("主题党日", "count", 1, "每月")


@pytest.mark.parametrize(
    ("data", "filename", "code", "status"),
    [
        (b"", "a.txt", "empty_document", 400),
        (b"  \r\n\t ", "a.txt", "empty_document", 400),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png", "not_a_document", 415),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, None, "not_a_document", 415),
        (b"\x00\x01\x02\x03binary" * 20, None, "not_a_document", 415),
        (b"PK\x03\x04 this is not really a zip", "plan.docx", "corrupt_docx", 400),
        (b"plain words, not a zip", "plan.docx", "corrupt_docx", 400),
        ("中文".encode("utf-8") + b"\xff\xfe\xfd\x80", "a.txt", "unknown_encoding", 400),
    ],
)
def test_unreadable_uploads_are_refused_with_a_stable_code(data, filename, code, status):
    with pytest.raises(ImportRejected) as caught:
        read_document(data, filename)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert any("\u4e00" <= c <= "\u9fff" for c in caught.value.message)


def test_a_zip_that_is_not_a_docx_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportRejected) as caught:
        read_document(buffer.getvalue(), "plan.zip")
    assert (caught.value.code, caught.value.status) == ("not_a_document", 415)


def test_a_docx_with_a_broken_body_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>broken")
    with pytest.raises(ImportRejected) as caught:
        read_document(buffer.getvalue(), "plan.docx")
    assert caught.value.code == "corrupt_docx"


def test_an_oversized_upload_is_refused_before_it_is_parsed():
    # Starts like a docx: were it opened before the size check, it would fail as corrupt.
    data = b"PK\x03\x04" + b"x" * MAX_IMPORT_BYTES
    with pytest.raises(ImportRejected) as caught:
        read_document(data, "big.docx")
    assert (caught.value.code, caught.value.status) == ("too_large", 413)


def zip_bomb(inflated: int, members: int = 1) -> bytes:
    """A small .docx whose body inflates to ``inflated`` bytes (spaces compress ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * inflated)
        for i in range(members - 1):
            archive.writestr(f"word/media/{i}.xml", b"")
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_inflated_size_before_it_is_inflated(monkeypatch):
    from taolun.events.plan_import import decode

    bomb = zip_bomb(decode.MAX_INFLATED_BYTES + 1)
    assert len(bomb) < MAX_IMPORT_BYTES // 10
    monkeypatch.setattr(decode, "docx_to_text", lambda data: pytest.fail("the bomb was opened"))
    with pytest.raises(ImportRejected) as caught:
        read_document(bomb, "plan.docx")
    assert (caught.value.code, caught.value.status) == ("too_large", 413)
    assert caught.value.details["inflated_bytes"] > decode.MAX_INFLATED_BYTES


def test_a_docx_of_too_many_members_is_refused_before_it_is_read():
    from taolun.events.plan_import import decode

    with pytest.raises(ImportRejected) as caught:
        read_document(zip_bomb(10, members=decode.MAX_ZIP_MEMBERS + 1), "plan.docx")
    assert caught.value.code == "too_large" and caught.value.details["members"] > decode.MAX_ZIP_MEMBERS


def test_a_text_too_long_to_parse_quickly_is_refused():
    from taolun.events.plan_import import decode

    with pytest.raises(ImportRejected) as caught:
        read_document(("一" * (decode.MAX_TEXT_CHARS + 1)).encode(), "plan.txt")
    assert (caught.value.code, caught.value.status) == ("too_large", 413)
