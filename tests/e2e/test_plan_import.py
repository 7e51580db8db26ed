"""Importing 实施方案 documents through the API, the CLI and the page: the example plans the
package ships (UTF-8 text, .docx, GB18030 text), and the real seed plans where found."""

import io
import json
import uuid
import zipfile

import pytest

from taolun.platform import sample_plans
from tests import seeds


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(client, path, fields=None, files=None):
    body, content_type = multipart(fields or {}, files or {})
    return client.request("POST", path, raw=body, headers={"Content-Type": content_type})


def sample(name: str) -> bytes:
    return sample_plans.read(name)


def test_a_preview_extracts_the_structure_and_saves_nothing(ops):
    reply = upload(ops, "/api/v1/plan-imports/preview", files={"file": ("plan.txt", sample(sample_plans.SCHOOL))})
    assert reply.status == 200, reply.body
    assert reply.body["header"]["document_number"]["value"]["text"] == "邗中党〔2026〕4号"
    assert [(p["start"], p["end"]) for p in reply.body["phases"]][0] == ("2026-03-11", "2026-03-31")
    assert [len(g["topics"]) for g in reply.body["topic_groups"]] == [3, 4, 2]


def test_a_docx_preview_reads_its_paragraphs_and_table(ops):
    reply = upload(ops, "/api/v1/plan-imports/preview",
                   files={"file": ("方案.docx", sample(sample_plans.DISTRICT))})
    assert reply.status == 200, reply.body
    assert [(p["name"], p["start"], p["end"]) for p in reply.body["phases"]][-1] == (
        "总结提升阶段", "2026-11-01", "2026-12-20")
    assert [row["content"] for row in reply.body["schedule"]][:2] == ["召开全区动员会", "各学校制定活动方案"]


def test_pasted_text_is_imported_like_a_file(ops):
    text = sample(sample_plans.CITY).decode("utf-8")
    reply = upload(ops, "/api/v1/plan-imports/preview", fields={"text": text})
    assert reply.status == 200
    assert sum(len(g["topics"]) for g in reply.body["topic_groups"]) == 8
    assert reply.body["theme"]["value"] == "解放思想再出发、奋发作为建新功"


def test_a_bureau_imports_its_plan_as_a_campaign_draft_and_a_school_derives_from_it(org, ops):
    city = upload(ops, f"/api/v1/tenants/{org.city['id']}/plan-imports",
                  files={"file": ("city.txt", sample(sample_plans.CITY))})
    assert city.status == 201, city.body
    assert city.body["kind"] == "campaign"
    assert city.body["imported"]["phases"] == 4
    assert city.body["imported"]["topics"] == 8
    assert city.body["imported"]["requirements"] == 5
    assert city.body["imported"]["leading_group"] == 1

    admin = org.user_with_role(org.school_a, "admin")
    outside = upload(admin, f"/api/v1/tenants/{org.school_b['id']}/plan-imports",
                     files={"file": ("x.txt", sample(sample_plans.SCHOOL))})
    assert outside.status == 404


def test_bad_documents_get_clear_errors_and_create_nothing(org, ops):
    target = f"/api/v1/tenants/{org.school_a['id']}/plan-imports"
    empty = upload(ops, target, files={"file": ("empty.txt", b"")})
    assert empty.status == 400 and empty.code == "empty_document"
    binary = upload(ops, target, files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)})
    assert binary.status == 415 and binary.code == "not_a_document"
    corrupt = io.BytesIO()
    with zipfile.ZipFile(corrupt, "w") as z:
        z.writestr("word/document.xml", "<not really")
        z.writestr("[Content_Types].xml", "<Types/>")
    broken = upload(ops, target, files={"file": ("plan.docx", corrupt.getvalue())})
    assert broken.status == 400 and broken.code == "corrupt_docx"
    nothing = upload(ops, target)
    assert nothing.status == 422 and nothing.code == "document_required"
    huge = upload(ops, target, files={"file": ("huge.txt", b"x" * (50 * 1024 * 1024))})
    assert huge.status == 413 and huge.code == "too_large"


def test_the_cli_prints_the_structure_as_json_without_saving(server):
    result = server.taolun("import-plan", str(sample_plans.path(sample_plans.SCHOOL)), "--json")
    data = json.loads(result.stdout)
    assert len(data["phases"]) == 4 and data["header"]["issue_date"]["value"] == "2026-03-12"


def test_the_cli_imports_a_draft_for_a_unit(server, org):
    result = server.taolun(
        "import-plan", str(sample_plans.path(sample_plans.DISTRICT)), "--tenant", org.district_a["id"]
    )
    assert "campaign draft" in result.stdout and "'phases': 4" in result.stdout
    bad = server.taolun("import-plan", "/bin/ls", "--tenant", org.district_a["id"], check=False)
    assert bad.returncode == 1 and "not_a_document" in bad.stderr


def test_the_page_shows_what_was_extracted_and_what_was_not(server, anon):
    reply = upload(anon, "/import", files={"file": ("plan.txt", sample(sample_plans.SCHOOL))})
    assert reply.status == 200
    page = reply.body
    assert "邗中党〔2026〕4号" in page and "2026-04-01 至 2026-06-10" in page
    assert "未能归类的段落" in page
    refused = upload(anon, "/import", files={"file": ("ls", open("/bin/ls", "rb").read()[:4096])})
    assert refused.status == 415 and "not_a_document" in refused.body


@pytest.mark.parametrize("name", [sample_plans.SCHOOL, sample_plans.DISTRICT])
def test_the_page_saves_a_derived_draft_with_a_token(server, org, ops, name):
    city = upload(ops, f"/api/v1/tenants/{org.city['id']}/plan-imports",
                  files={"file": ("city.txt", sample(sample_plans.CITY))})
    assert city.status == 201
    admin = org.user_with_role(org.school_a, "admin")
    reply = upload(ops.as_(None), "/import", fields={
        "token": admin.token, "tenant_id": org.school_a["id"], "parent_plan_id": city.body["plan_id"],
    }, files={"file": (name, sample(name))})
    # the city's draft is not published yet: units below cannot see it (issue 7), so it
    # answers exactly like a missing plan, and nothing is saved
    assert reply.status == 404 and "方案不存在" in reply.body



@pytest.mark.seeds
def test_the_real_seed_plans_preview_with_their_known_structure(ops):
    folder, _ = seeds.locate()
    yiyang, tianjin, yangzhou = (
        upload(ops, "/api/v1/plan-imports/preview", files={"file": (name, (folder / name).read_bytes())}).body
        for name in (seeds.SEED_NAMES["yiyang"], seeds.SEED_NAMES["tianjin"], seeds.SEED_NAMES["yangzhou"])
    )
    assert yiyang["header"]["document_number"]["value"]["text"] == "益高技党〔2019〕8号"
    assert [(p["start"], p["end"]) for p in yiyang["phases"]][0] == ("2019-01-01", "2019-02-28")
    assert sum(len(g["topics"]) for g in tianjin["topic_groups"]) == 10
    assert len(yangzhou["phases"]) == 4
