"""One plan per unit per campaign, whichever entry point creates it: a derive through the
API, an import with a parent (API, page, CLI) — and two writers racing for one unit."""

import threading
import uuid

import pytest
from django.test import Client

from taolun.events.campaigns import Plan
from taolun.events.campaigns.application import Campaigns
from taolun.events.kernel import Conflict
from taolun.platform import cli, sample_plans
from taolun.projections.models import PlanRow
from tests.integration.actors import token_for
from tests.integration.test_idempotency import Api, head
from tests.integration.test_progress_projection import build_city

pytestmark = pytest.mark.usefixtures("django_ready")
DOCUMENT = sample_plans.read(sample_plans.SCHOOL)


@pytest.fixture()
def world(runtime):
    """A city's published campaign; school 2 has no plan yet; its admin's API client."""
    city, schools, _, cid, *_ = build_city(runtime)
    _, token = token_for(runtime, schools[1], "admin")
    return cid, schools[1], Api(token), token


def derive(api: Api, token: str, cid, unit):
    return api.send("POST", f"/api/v1/plans/{cid}/derive", {"tenant_id": str(unit)})[:2]


def import_with_parent(api: Api, token: str, cid, unit):
    response = Client().post(
        f"/api/v1/tenants/{unit}/plan-imports",
        {"text": DOCUMENT.decode("gb18030"), "parent_plan_id": str(cid)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.status_code, response.json()


def plans_of(runtime, unit) -> int:
    runtime.runner.catch_up()
    return PlanRow.objects.filter(node_id=unit).count()


@pytest.mark.parametrize("first, then", [(derive, import_with_parent), (import_with_parent, derive)],
                         ids=["an import with a parent after a derive", "a derive after an import with a parent"])
def test_a_second_plan_for_a_unit_answers_409_and_appends_nothing(runtime, world, first, then):
    cid, school, api, token = world
    assert first(api, token, cid, school)[0] == 201
    before = head(runtime)
    status, body = then(api, token, cid, school)
    assert (status, body["code"]) == (409, "plan_exists")
    assert head(runtime) == before
    assert plans_of(runtime, school) == 1


def test_the_import_page_and_the_cli_refuse_a_second_plan_too(runtime, world, tmp_path, capsys):
    cid, school, api, token = world
    assert derive(api, token, cid, school)[0] == 201
    before = head(runtime)
    page = Client().post("/import", {"text": DOCUMENT.decode("gb18030"), "tenant_id": str(school),
                                     "token": token, "parent_plan_id": str(cid)})
    assert page.status_code == 409 and "plan_exists" in page.content.decode()
    document = tmp_path / "plan.txt"
    document.write_bytes(DOCUMENT)
    assert cli.main(["import-plan", str(document), "--tenant", str(school), "--parent-plan", str(cid)]) == 1
    assert "plan_exists" in capsys.readouterr().err
    assert head(runtime) == before


def test_two_derives_racing_for_one_unit_give_one_plan_and_one_409(runtime, world, monkeypatch):
    """Both writers find the unit's place free, then both append: the second append's
    UnitPlan index (version 1, the same id) collides in the store."""
    cid, school, *_ = world
    both_checked = threading.Barrier(2, timeout=30)
    stored = Campaigns._stored

    def checked_together(self, aggregate_id):
        found = stored(self, aggregate_id)
        if not found:
            both_checked.wait()  # neither appends before both have looked
        return found

    monkeypatch.setattr(Campaigns, "_stored", checked_together)
    outcomes: list[object] = []

    def attempt() -> None:
        try:
            outcomes.append(runtime.campaigns.derive_plan(cid, None, school)[0])
        except Conflict as conflict:
            outcomes.append(conflict.code)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str).count("plan_exists") == 1
    assert len([o for o in outcomes if isinstance(o, uuid.UUID)]) == 1
    assert plans_of(runtime, school) == 1


def test_a_plan_derived_before_the_index_existed_still_keeps_its_unit_place(runtime, world):
    """A log written before UnitPlan: the derived plan was stored alone. Migrating claims
    its unit's place, so a second plan for that unit is refused from then on."""
    cid, school, api, token = world
    earlier = Plan.derive(parent=runtime.campaigns.get_plan(cid), tenant_id=school, actor=None)
    runtime.campaigns.save(earlier)  # as the application stored plans before the index
    cli.migrate()
    assert runtime.campaigns.index_earlier_plans() == 0  # once is enough
    before = head(runtime)
    status, body = derive(api, token, cid, school)
    assert (status, body["code"]) == (409, "plan_exists")
    assert head(runtime) == before
