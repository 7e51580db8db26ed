"""The importer corpus through the entry points users have: `taolun import-plan --json` gives
every document's expected phases, the API preview and the draft answer carry each date's
reasoning, and the import page shows it beside the phase, escaped."""

from __future__ import annotations

import json

import pytest

from taolun.platform.cli import main
from taolun.platform.parsing import parsing_pool
from tests.corpus.corpus import documents, expected_rows, phase_rows
from tests.e2e.campaign_helpers import Campaign, as_date, ok
from tests.e2e.test_plan_import import upload

DOCUMENTS = {d.name: d for d in documents()}
# One of each kind the CLI must read: a web copy with a BOM, GB18030, a .docx whose phases are
# table rows, phases named by their work under a heading no list knows.
THROUGH_A_PROCESS = ["02-chenghu-district-web", "03-qinghe-county-no-stage-word",
                     "05-donghu-district-table-phases", "12-linjiang-committee-web-unlisted-heading"]


@pytest.mark.parametrize("name", THROUGH_A_PROCESS)
def test_the_cli_prints_a_corpus_document_with_its_expected_phases(server, name):
    doc = DOCUMENTS[name]
    printed = json.loads(server.taolun("import-plan", str(doc.path), "--json").stdout)
    assert phase_rows(printed["phases"]) == expected_rows(doc)
    assert all(p["date_reasoning"] for p in printed["phases"])


@pytest.fixture()
def parsing_in_this_process():
    """The CLI run in this process parses in this process's pool: stopped after the test."""
    yield
    parsing_pool().close()


def test_the_cli_gives_the_expected_phases_for_every_corpus_document(django_ready, parsing_in_this_process, capsys):
    for doc in DOCUMENTS.values():
        assert main(["import-plan", str(doc.path), "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert phase_rows(printed["phases"]) == expected_rows(doc), doc.name
        assert len([t for g in printed["topic_groups"] for t in g["topics"]]) == doc.expected["topics"], doc.name


def test_the_preview_answers_each_phase_with_how_its_dates_were_read(ops):
    doc = DOCUMENTS["08-hubin-yearend-number-year"]
    reply = upload(ops, "/api/v1/plan-imports/preview", files={"file": (doc.path.name, doc.path.read_bytes())})
    assert reply.status == 200, reply.body
    last = reply.body["phases"][-1]
    assert (last["start"], last["end"]) == ("2024-01-21", "2024-02-29")
    assert last["date_reasoning"] == (
        "1月下旬 → 21日至月末；2月底 → 21日至月末（2月29日）；2024年是闰年，2月末为29日；年份承接上一阶段（2024年）")
    assert "leap year" in last["date_reasoning_en"]


def test_a_saved_draft_answers_with_the_reasoning_and_the_phases_it_made(org, ops):
    doc = DOCUMENTS["05-donghu-district-table-phases"]
    reply = upload(ops, f"/api/v1/tenants/{org.district_a['id']}/plan-imports",
                   files={"file": (doc.path.name, doc.path.read_bytes())})
    assert reply.status == 201, reply.body
    assert reply.body["imported"]["phases"] == 4
    assert [p["date_reasoning"] for p in reply.body["extracted"]["phases"]][0] == (
        "4月上旬 → 1日至10日；4月中旬 → 11日至20日；年份取自发文日期“2024年4月2日”")


def test_the_import_page_shows_the_reasoning_beside_each_phase_escaped(anon):
    text = ("关于开展<b>大讨论</b>活动的实施方案\n临教发〔2025〕3号\n一、实施步骤\n"
            "（一）<script>alert(1)</script>学习阶段（3月下旬）。组织学习。\n（二）整改阶段（4月）。整改。\n")
    reply = upload(anon, "/import", fields={"text": text})
    assert reply.status == 200
    page = reply.body
    assert "推算依据" in page
    assert "3月下旬 → 21日至月末（3月31日）；年份取自文号“临教发〔2025〕3号”" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_derived_plan_that_writes_no_year_takes_its_campaigns_year(org):
    city = org.user_with_role(org.city, "admin")
    campaign = Campaign(city, org.city)
    year = min(as_date(p["start"]) for p in ok(city.get(f"/api/v1/plans/{campaign.id}"))["phases"]).year
    text = ("实验中学解放思想大讨论活动实施方案\n一、实施步骤\n（一）学习讨论阶段（3月上旬至3月下旬）。组织学习。\n"
            "（二）整改落实阶段（4月）。逐项整改。\n")
    school = org.user_with_role(org.school_a, "admin")
    preview = upload(school, "/api/v1/plan-imports/preview", fields={"text": text})
    assert [(p["start"], p["end"]) for p in preview.body["phases"]] == [(None, None), (None, None)]
    saved = upload(school, f"/api/v1/tenants/{org.school_a['id']}/plan-imports",
                   fields={"text": text, "parent_plan_id": campaign.id})
    assert saved.status == 201, saved.body
    first = saved.body["extracted"]["phases"][0]
    assert (first["start"], first["end"]) == (f"{year}-03-01", f"{year}-03-31")
    assert first["date_reasoning"].endswith(f"原文未写年份，取上级活动方案的年份（{year}年）")
