"""Shared steps for the campaign end-to-end tests: dates around today, a published
campaign, multipart uploads."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.client import Client, Reply

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def ok(reply: Reply, status: int = 200) -> dict:
    assert reply.status == status, (reply.status, reply.body)
    return reply.body


def upload(client: Client, tenant_id: str, content: bytes, filename: str = "记录.pdf") -> Reply:
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"tenant_id\"\r\n\r\n{tenant_id}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        "/api/v1/evidence", raw=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def docx_bytes(body: str = "<w:document/>") -> bytes:
    """A zip shaped like a .docx; with a broken ``body``, one Word cannot read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
    return buffer.getvalue()


class Campaign:
    """A campaign authored at ``node`` by ``admin``: three phases around today, a mandatory
    and an optional topic, a task, two per-unit requirements; published to the subtree."""

    def __init__(self, admin: Client, node: dict, publish: bool = True) -> None:
        self.admin = admin
        plan = ok(admin.post("/api/v1/campaigns", {
            "tenant_id": node["id"], "title": "全市教育系统解放思想大讨论活动实施方案",
            "theme": "解放思想大讨论", "slogan": "办高品质教育",
            "basis_documents": [{"name": "关于开展解放思想大讨论活动的通知", "doc_no": "扬办发〔2018〕12号"}],
            "guiding_ideology": "以习近平新时代中国特色社会主义思想为指导",
            "goals": ["破除不相适应的思想观念"], "principles": ["坚持学习调研先行"],
        }), 201)
        self.id = plan["id"]
        base = f"/api/v1/plans/{self.id}"
        self.p1 = self._new(admin.post(f"{base}/phases", {"name": "宣传发动", "start": day(-40), "end": day(-11)}))
        self.p2 = self._new(admin.post(f"{base}/phases", {"name": "学习讨论", "start": day(-10), "end": day(20)}))
        self.p3 = self._new(admin.post(f"{base}/phases", {"name": "整改落实", "start": day(21), "end": day(50)}))
        self.core = self._new(admin.post(f"{base}/topics", {"group": "（一）", "title": "如何对接地方经济", "mandatory": True}))
        self.optional = self._new(admin.post(f"{base}/topics", {"group": "（二）", "title": "如何打造学校文化"}))
        self.task = self._new(admin.post(f"{base}/tasks", {"title": "动员部署", "phase_id": self.p1, "due": day(-20)}))
        self.study = self._new(admin.post(f"{base}/requirements", {
            "kind": "专题学习", "metric": "count", "minimum": 2, "description": "专题学习不少于2次"}))
        self.partyday = self._new(admin.post(f"{base}/requirements", {
            "kind": "主题党日", "metric": "count", "minimum": 1, "description": "主题党日不少于1次"}))
        ok(admin.request("PUT", f"{base}/leading-group", {"leading_group": {
            "leaders": [{"name": "张三", "position": "局长"}], "members": ["王五"]}}))
        if publish:
            ok(admin.post(f"{base}/publish", {"derive_deadline": day(-30)}))

    def _new(self, reply: Reply) -> str:
        """The id of the item a POST created (it answers the item, and the plan's version)."""
        item = ok(reply, 201)
        self.version = item["plan_version"]
        return item["id"]


def as_date(value: str) -> date:
    return date.fromisoformat(value)
