"""The request's key is saved in the same atomic append as its command's events."""

import pytest

from taolun.events.kernel import Claim, RequestAlreadyDone, RequestIndex, claiming
from tests.integration.test_progress_projection import code

pytestmark = pytest.mark.usefixtures("django_ready")


@pytest.fixture()
def city(runtime):
    return runtime.tenancy.register_tenant(None, "bureau", code(), "市教育局")[0]


def test_the_key_commits_in_the_same_append_as_the_commands_events(runtime, city):
    claim = Claim(scope="s", key=code(), fingerprint="f")
    with claiming(claim):
        school, _ = runtime.tenancy.register_tenant(None, "school", code(), "学校", city)
        runtime.tenancy.rename_tenant(None, school, "改名")  # a follow-up save carries no key
    index = runtime.tenancy.request_index(claim.index_id)
    assert isinstance(index, RequestIndex)
    assert index.created_id == school and index.fingerprint == "f"
    assert len(list(runtime.tenancy.events.get(originator_id=claim.index_id))) == 1


def test_a_second_save_under_a_claimed_key_appends_nothing(runtime, city):
    claim = Claim(scope="s", key=code(), fingerprint="f")
    with claiming(claim):
        runtime.tenancy.rename_tenant(None, city, "第一次")
    before = runtime.apps.recorder.max_notification_id()
    with claiming(Claim(scope="s", key=claim.key, fingerprint="f")), pytest.raises(RequestAlreadyDone):
        runtime.tenancy.rename_tenant(None, city, "第二次")
    assert runtime.apps.recorder.max_notification_id() == before
    assert runtime.tenancy.get_tenant(city).name == "第一次"
