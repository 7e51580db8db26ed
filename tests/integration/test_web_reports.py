"""The reports page, in-process: request a report for a unit one sees, watch its status
(the block htmx polls while it runs), download it; another unit's job is the 404 page."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from taolun.projections.models import OutboxMessage
from tests.e2e.campaign_helpers import Campaign
from tests.e2e.conftest import Org
from tests.integration.test_cross_tenant_matrix import operator
from tests.integration.test_web_todo import page, person

MAIN = re.compile(r"<main>.*</main>", re.S)


def seen(api, path: str) -> tuple[int, str]:
    """A page's status and main content (the header carries the path and a CSRF token)."""
    status, html = page(api, path)
    return status, MAIN.search(html).group(0)


def run_report_jobs(runtime) -> None:
    """The worker's turn: run every undone report job (as the dispatcher would hand them out)."""
    runtime.runner.catch_up()
    for row in OutboxMessage.objects.filter(actor_name="generate_report", done_at__isnull=True):
        runtime.actors["generate_report"].fn(row.key, row.payload)
    runtime.runner.catch_up()


@pytest.fixture(scope="module")
def story(runtime):
    org = Org(operator(runtime))
    s = type("Story", (), {"org": org})()
    s.district = person(runtime, org, org.district_a, "viewer")
    s.other = person(runtime, org, org.school_b, "admin")
    s.city = person(runtime, org, org.city, "admin")
    s.campaign = Campaign(s.city, org.city)
    return s


def test_a_report_requested_on_the_page_shows_its_progress_then_a_download(story, runtime):
    web = story.district.web
    status, html = page(story.district, "/reports")
    assert status == 200 and "进度统计表（Excel）" in html and "还没有申请过报表" in html
    response = web.post("/reports", {"campaign": story.campaign.id, "unit": story.org.district_a["id"],
                                     "choice": "progress_table:xlsx"})
    assert response.status_code == 302
    job_page = response["Location"]
    status, html = page(story.district, job_page)
    assert status == 200 and "排队中" in html and 'hx-trigger="every 1s"' in html
    run_report_jobs(runtime)
    fragment = web.get(job_page, headers={"HX-Request": "true"}).content.decode()
    assert "已完成" in fragment and "hx-trigger" not in fragment and "<html" not in fragment
    download = web.get(f"{job_page}/file")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book["第1级"]["A2"].value == "广陵区教育局"
    assert job_page.rsplit("/", 1)[1] in page(story.district, "/reports")[1]


def test_a_gongwen_is_requested_for_the_plan_governing_the_unit(story, runtime):
    web = story.district.web
    response = web.post("/reports", {"campaign": story.campaign.id, "unit": story.org.district_a["id"],
                                     "choice": "plan_document:docx", "doc_no": "广教发〔2026〕3号"})
    assert response.status_code == 302
    run_report_jobs(runtime)
    from docx import Document

    download = web.get(f"{response['Location']}/file")
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert [p.text for p in document.paragraphs[:2]] == ["扬州市教育局文件", "广教发〔2026〕3号"]


def test_another_units_report_is_the_404_page_and_a_bad_choice_is_shown_beside_its_field(story, runtime):
    response = story.district.web.post("/reports", {"campaign": story.campaign.id,
                                                    "unit": story.org.district_a["id"], "choice": "activity_ledger:xlsx"})
    job_page = response["Location"]
    run_report_jobs(runtime)
    missing_status, missing = seen(story.other, "/reports/00000000-0000-0000-0000-000000000000")
    for path in (job_page, f"{job_page}/file"):
        assert seen(story.other, path) == (missing_status, missing) and missing_status == 404
    refused = story.other.web.post("/reports", {"campaign": story.campaign.id, "unit": story.org.school_b["id"],
                                                "choice": "poster"})
    assert refused.status_code == 422 and "请选择报表类型" in refused.content.decode()
    foreign = story.other.web.post("/reports", {"campaign": story.campaign.id, "unit": story.org.district_a["id"],
                                                "choice": "activity_ledger:xlsx"})
    assert foreign.status_code == 404


def test_a_phase_summary_is_requested_with_its_phase_submitted_upward_and_listed_above(story, runtime):
    school = person(runtime, story.org, story.org.school_a, "admin")
    district = person(runtime, story.org, story.org.district_a, "admin")
    form = {"campaign": story.campaign.id, "unit": story.org.school_a["id"], "choice": "phase_summary:pdf"}
    refused = school.web.post("/reports", form)
    assert refused.status_code == 422 and "请选择阶段" in refused.content.decode()
    status, html = page(school, "/reports")
    assert "学习讨论（" in html and 'type="date"' in html
    response = school.web.post("/reports", {**form, "phase_id": story.campaign.p2})
    assert response.status_code == 302
    job_page = response["Location"]
    run_report_jobs(runtime)
    status, html = page(school, job_page)
    assert "已完成" in html and "上报广陵区教育局" in html
    assert school.web.post(f"{job_page}/submit").status_code == 302
    status, html = page(school, job_page)
    assert "已上报广陵区教育局" in html and "上报广陵区教育局</button>" not in html
    again = school.web.post(f"{job_page}/submit")
    assert again.status_code == 409 and "该总结已上报" in again.content.decode()
    status, html = page(district, "/reports")
    listed = MAIN.search(html).group(0).split("下级上报的总结")[1]
    assert "实验中学 · 阶段总结" in listed and job_page in listed
    assert "下级上报的总结" in page(story.other, "/reports")[1] and job_page not in page(story.other, "/reports")[1]


def test_a_bulletin_on_the_page_needs_its_period_beside_the_date_fields(story, runtime):
    form = {"campaign": story.campaign.id, "unit": story.org.district_a["id"], "choice": "bulletin:docx"}
    district = person(runtime, story.org, story.org.district_a, "admin")
    refused = district.web.post("/reports", form)
    assert refused.status_code == 422 and "请指定简报的起止日期" in refused.content.decode()
    backwards = district.web.post("/reports", {**form, "period_start": "2026-03-31", "period_end": "2026-03-01"})
    assert backwards.status_code == 422 and "起始日期不能晚于结束日期" in backwards.content.decode()
    response = district.web.post("/reports", {**form, "period_start": "2026-03-01", "period_end": "2026-03-31"})
    assert response.status_code == 302
    run_report_jobs(runtime)
    status, html = page(district, response["Location"])
    assert "已完成" in html and "简报第1期-广陵区教育局.docx" in html
