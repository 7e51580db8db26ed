"""The read cache's key follows the campaigns position row: a batch moves it, and so does a
scheduled refresh that changes stored lights (the red/yellow lists filter on them), while a
refresh that changes nothing leaves cached answers valid."""

import pytest
from django.test import RequestFactory

from taolun.platform.api.positions import position
from taolun.projections.campaigns import refresh_lights
from taolun.projections.models import ProgressRow
from tests.integration.test_progress_rules import City

pytestmark = pytest.mark.usefixtures("django_ready")


def stamp(projection: str) -> tuple:
    """The key part a new read request would use (each call a new request)."""
    return position(RequestFactory().get("/api/v1/x"), projection)


def test_a_new_event_moves_the_stamp_of_the_campaigns_read_model(runtime):
    city = City(runtime)
    runtime.runner.catch_up()
    before = stamp("campaigns")
    city.log(city.branch, city.cid, -1)
    runtime.runner.catch_up()
    assert stamp("campaigns")[0] > before[0]


def test_a_refresh_that_changes_stored_lights_moves_the_stamp_and_one_that_changes_none_does_not(runtime):
    city = City(runtime, start=-45, end=5)
    city.log(city.branch, city.cid, -1)  # 二中支部 silent since day -45: red
    runtime.runner.catch_up()
    refresh_lights(city.cid)
    settled = stamp("campaigns")
    assert refresh_lights(city.cid) == 0
    assert stamp("campaigns") == settled
    # A stale stored light, as if the day turned: the refresh puts it right, and the
    # answers cached under the old stamp are no longer served.
    ProgressRow.objects.filter(campaign_id=city.cid, node_id=city.branch_2).update(light="green")
    assert refresh_lights(city.cid) >= 1
    assert stamp("campaigns") != settled
    assert stamp("campaigns")[0] == settled[0]  # no event: the position itself stays


def test_a_read_request_reads_the_positions_once_and_a_writing_request_each_time_it_asks(runtime):
    city = City(runtime)
    runtime.runner.catch_up()
    reading, writing = RequestFactory().get("/api/v1/x"), RequestFactory().post("/api/v1/x")
    first_read, first_write = position(reading, "campaigns"), position(writing, "campaigns")
    city.log(city.branch, city.cid, -1)
    runtime.runner.catch_up()
    assert position(reading, "campaigns") == first_read  # one moment for the whole read
    assert position(writing, "campaigns")[0] > first_write[0]  # after its write, the new one
