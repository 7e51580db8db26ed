"""Where a write answered 202 is watched: has the read side applied it yet?"""

from django.http import HttpRequest
from ninja import Router, Schema

from taolun.platform.api.schemas import Error
from taolun.platform.runtime import get_runtime

router = Router(tags=["writes 写入状态"])


class WriteOut(Schema):
    notification_id: int
    applied: bool


@router.get("/writes/{notification_id}", response={200: WriteOut, 401: Error, 404: Error}, summary="写入是否已生效（202 之后查询）", operation_id="read_write_status")
def read_write(request: HttpRequest, notification_id: int):
    """A write answered ``202 accepted`` is in the event log; once ``applied`` is true its
    result can be read (or the same request retried with its Idempotency-Key)."""
    runner = get_runtime().runner
    return {"notification_id": notification_id, "applied": runner.caught_up_to(notification_id)}
