"""Issue 12 (reports): a report is requested, built by a worker, and downloaded by those who
may see its subject; the documents say what they should."""

from __future__ import annotations

import io
import time

import openpyxl
from docx import Document
from pypdf import PdfReader

from tests.e2e.campaign_helpers import TODAY, Campaign, day, ok

TITLE = "全市教育系统解放思想大讨论活动实施方案"


def finished(client, job: dict, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ok(client.get(f"/api/v1/reports/{job['id']}"))
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"report still {job['status']}")


def generated(client, payload: dict) -> tuple[dict, bytes]:
    job = ok(client.post("/api/v1/reports", payload), 202)
    assert job["status"] in ("queued", "running", "done")
    job = finished(client, job)
    assert job["status"] == "done", job
    reply = client.get(job["file_url"])
    assert reply.status == 200
    return job, reply.body if isinstance(reply.body, bytes) else reply.body.encode()


def _raw(client, path: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(client.base_url + path, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def test_the_plan_prints_as_a_gongwen_in_docx_with_its_header_number_and_schedule(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    job = finished(city, ok(city.post("/api/v1/reports", {
        "kind": "plan_document", "subject_id": campaign.id, "format": "docx", "doc_no": "扬教发〔2026〕12号"}), 202))
    assert job["status"] == "done" and job["filename"] == f"{TITLE}.docx"
    document = Document(io.BytesIO(_raw(city, job["file_url"])))
    lines = [p.text for p in document.paragraphs if p.text]
    assert lines[:3] == ["扬州市教育局文件", "扬教发〔2026〕12号", TITLE]
    assert document.paragraphs[0].runs[0].font.color.rgb is not None  # the red header
    signature = lines.index("附件：活动安排表") + 1
    assert "一、指导思想" in lines and lines[signature:signature + 2] == ["扬州市教育局", f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"]
    assert lines[signature + 2:] == ["附件", "活动安排表"]
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["序号", "阶段", "时间安排", "主要任务", "完成时限"]
    assert [row[1] for row in table[1:]] == ["宣传发动", "学习讨论", "整改落实"]
    assert table[1][3:] == ["动员部署", day(-20)]


def test_the_gongwen_pdf_has_selectable_chinese_text_with_its_title(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    job = finished(city, ok(city.post("/api/v1/reports", {
        "kind": "plan_document", "subject_id": campaign.id, "format": "pdf"}), 202))
    assert job["status"] == "done", job
    pdf = _raw(city, job["file_url"])
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "扬州市教育局文件" in text and TITLE in text and "活动安排表" in text


def test_the_progress_table_has_a_sheet_per_level_with_lights_as_fills_frozen_header_and_filters(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    job = finished(city, ok(city.post("/api/v1/reports", {
        "kind": "progress_table", "subject_id": org.city["id"], "campaign_id": campaign.id,
        "format": "xlsx"}), 202))
    assert job["status"] == "done", job
    book = openpyxl.load_workbook(io.BytesIO(_raw(city, job["file_url"])))
    assert book.sheetnames == ["第1级", "第2级", "第3级", "第4级"]
    top, districts = book["第1级"], book["第2级"]
    assert top["A2"].value == "扬州市教育局"
    assert sorted(r[0] for r in districts.iter_rows(min_row=2, values_only=True)) == ["广陵区教育局", "邗江区教育局"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:O")
        light = sheet["E2"]
        expected = {"绿": "C6EFCE", "黄": "FFEB9C", "红": "FFC7CE"}[light.value]
        assert light.fill.fgColor.rgb.endswith(expected)


def test_the_ledgers_list_the_subtrees_activities_and_problems(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    secretary = org.user_with_role(org.branch_a, "secretary")
    ok(secretary.post("/api/v1/activities", {
        "tenant_id": org.branch_a["id"], "plan_id": campaign.id, "kind": "专题学习",
        "title": "学习党的二十大精神", "start": day(-1), "end": day(-1), "participants": 12}), 201)
    school = org.user_with_role(org.school_a, "admin")
    ok(school.post("/api/v1/problems", {
        "tenant_id": org.school_a["id"], "plan_id": campaign.id, "description": "作风不实",
        "category": "工作作风"}), 201)
    base = {"subject_id": org.district_a["id"], "campaign_id": campaign.id, "format": "xlsx"}
    district = org.user_with_role(org.district_a, "viewer")
    activities = finished(district, ok(district.post("/api/v1/reports", {**base, "kind": "activity_ledger"}), 202))
    problems = finished(district, ok(district.post("/api/v1/reports", {**base, "kind": "rectification_ledger"}), 202))
    rows = list(openpyxl.load_workbook(io.BytesIO(_raw(district, activities["file_url"])))["活动台账"].values)
    assert rows[1][1:4] == ("第一党支部", "专题学习", "学习党的二十大精神") and rows[1][6] == 12
    rows = list(openpyxl.load_workbook(io.BytesIO(_raw(district, problems["file_url"])))["整改台账"].values)
    assert rows[0][:3] == ("序号", "单位", "问题描述") and rows[1][1:4] == ("实验中学", "作风不实", "工作作风")
    assert len(rows) == 2


def test_a_report_outside_the_callers_grants_answers_like_a_missing_one(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    other = org.user_with_role(org.school_b, "admin")
    job = finished(city, ok(city.post("/api/v1/reports", {
        "kind": "progress_table", "subject_id": org.district_a["id"], "campaign_id": campaign.id,
        "format": "xlsx"}), 202))
    missing = other.get("/api/v1/reports/00000000-0000-0000-0000-000000000000")
    for path in (f"/api/v1/reports/{job['id']}", job["file_url"]):
        reply = other.get(path)
        assert (reply.status, reply.body) == (missing.status, missing.body) and reply.status == 404
    refused = other.post("/api/v1/reports", {"kind": "activity_ledger", "subject_id": org.district_a["id"],
                                             "campaign_id": campaign.id, "format": "xlsx"})
    assert refused.status == 404
    # One who sees the subject but did not ask for the report may still read and download it.
    district = org.user_with_role(org.district_a, "viewer")
    assert district.get(job["file_url"]).status == 200


def test_bad_requests_are_refused_with_a_clear_code_and_queue_nothing(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    cases = [
        ({"kind": "poster", "subject_id": campaign.id, "format": "pdf"}, "unknown_report_kind"),
        ({"kind": "plan_document", "subject_id": campaign.id, "format": "xlsx"}, "unsupported_report_format"),
        ({"kind": "progress_table", "subject_id": org.city["id"], "format": "xlsx"}, "campaign_required"),
    ]
    for payload, code in cases:
        reply = city.post("/api/v1/reports", payload)
        assert (reply.status, reply.code) == (422, code)
    assert ok(city.get("/api/v1/reports"))["items"] == []


def test_a_report_that_cannot_be_built_fails_with_its_reason(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    # A unit of another tree: the campaign has no progress figures for it.
    other_city = org.node(None, "bureau", "泰州市教育局")
    ops_job = ok(org.ops.post("/api/v1/reports", {
        "kind": "progress_table", "subject_id": other_city["id"], "campaign_id": campaign.id,
        "format": "xlsx"}), 202)
    job = finished(org.ops, ops_job)
    assert job["status"] == "failed" and job["reason"] == "该单位没有该活动的进度数据"
    assert job["file_url"] is None
    reply = org.ops.get(f"/api/v1/reports/{job['id']}/file")
    assert (reply.status, reply.code) == (409, "report_not_ready")
