"""The demo city's documents (taolun.platform.demo_plans) and pictures (demo_images): the
importer reads every phase at the dates the template places around today, whatever today
is, and the pictures are valid PNG files."""

import struct
import zlib
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from taolun.events.plan_import import parse_plan, read_document
from taolun.platform import demo_plans
from taolun.platform.demo_images import picture


def imported(document, today: date) -> dict:
    return parse_plan(read_document(demo_plans.render(document, today), document.filename)).to_dict()


@settings(max_examples=40, deadline=None)
@given(today=st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)),
       document=st.sampled_from(demo_plans.DOCUMENTS))
def test_the_importer_reads_each_phase_where_the_template_places_it_whatever_today_is(today, document):
    plan = imported(document, today)
    expected = demo_plans.phase_dates(document, today)
    assert [(p["name"], p["start"], p["end"]) for p in plan["phases"]] == [
        (name, first.isoformat(), last.isoformat()) for name, first, last in expected]
    assert plan["header"]["issue_date"]["value"] == demo_plans.issued_on(document, today).isoformat()


def test_a_phase_across_a_year_end_names_both_years():
    assert demo_plans.date_range(date(2026, 12, 24), date(2027, 1, 20)) == "2026年12月24日至2027年1月20日"
    assert demo_plans.date_range(date(2028, 1, 25), date(2028, 2, 29), "—") == "2028年1月25日—2月29日"


def test_the_city_asks_four_activities_of_every_unit_and_the_school_adds_a_seminar():
    today = date(2028, 2, 29)
    city = [(r["activity_kind"], r["minimum"], r["phase"])
            for r in imported(demo_plans.CITY, today)["requirements"]]
    assert city == [("专题学习", 1, "宣传发动阶段"), ("主题党日", 1, "学习讨论阶段"),
                    ("座谈会", 1, "学习讨论阶段"), ("党课", 1, "学习讨论阶段")]
    assert imported(demo_plans.DISTRICT, today)["requirements"] == []  # it restates none of them
    school = [(r["activity_kind"], r["phase"]) for r in imported(demo_plans.SCHOOL, today)["requirements"]]
    assert school == [("研讨会", "学习讨论阶段")]


def test_the_school_uploads_its_plan_in_gb18030():
    raw = demo_plans.render(demo_plans.SCHOOL, date(2026, 11, 24))
    assert "邗江中学".encode("gb18030") in raw and "邗江中学".encode("utf-8") not in raw


def test_a_demo_picture_is_a_valid_png_of_its_size_and_the_same_seed_draws_the_same_bytes():
    data = picture("第一党支部/主题党日", 96, 64)
    assert data == picture("第一党支部/主题党日", 96, 64) != picture("第二党支部/主题党日", 96, 64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        tag, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(tag + body)
        chunks[tag] = body
        at += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (96, 64, 8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
