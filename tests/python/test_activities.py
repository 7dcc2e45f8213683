"""Activities from Python, and the iCalendar export read back by an independent parser
(Debian's python3-icalendar): Chinese text round-trips exactly at every fold offset, and
the recurrence rule, its cancelled date and the moved occurrence are read back."""
import datetime as dt

import pytest

from conftest import Org

UTC = dt.timezone.utc


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def series(db, org):
    act = db.insert("activity", type="call_back", subject="每两周电话回访", owner_id=org.zhang,
                    customer_id=org.customer, start=at("2026-11-23T09:00:00"), duration_min=30,
                    rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6")
    db.insert("activity_exception", activity_id=act.id, original_start=at("2026-11-25T09:00:00"),
              new_start=at("2026-11-26T14:00:00"))
    db.insert("activity_exception", activity_id=act.id, original_start=at("2026-12-07T09:00:00"),
              cancelled=1)
    return act


def test_occurrences_from_python(db):
    org = Org(db)
    series(db, org)
    t = db.activity_occurrences(at("2026-11-01T00:00:00"), at("2027-01-01T00:00:00"), owner=org.zhang)
    # every other week, Monday and Wednesday, six in all; 11-25 moved to 11-26 14:00,
    # 12-07 cancelled (worked out in tests/unit/test_activity.c)
    assert [r["start"] for r in t.to_dicts()] == [
        at("2026-11-23T09:00:00"), at("2026-11-26T14:00:00"), at("2026-12-09T09:00:00"),
        at("2026-12-21T09:00:00"), at("2026-12-23T09:00:00")]
    assert [r["exception"] for r in t.to_dicts()] == [0, 1, 0, 0, 0]


def test_ical_read_back_by_icalendar(db):
    icalendar = pytest.importorskip("icalendar")
    org = Org(db)
    series(db, org)
    text = db.activity_ical(at("2026-11-01T00:00:00"), at("2027-01-01T00:00:00"),
                            dtstamp=at("2026-11-22T08:00:00"))
    cal = icalendar.Calendar.from_ical(text)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 2
    master = [e for e in events if "RECURRENCE-ID" not in e][0]
    assert str(master["SUMMARY"]) == "每两周电话回访"
    rule = master["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2] and rule["COUNT"] == [6]
    assert rule["BYDAY"] == ["MO", "WE"]
    exdates = master["EXDATE"]
    exdates = exdates if isinstance(exdates, list) else [exdates]
    assert [d.dt for e in exdates for d in e.dts] == [dt.datetime(2026, 12, 7, 9, 0)]
    moved = [e for e in events if "RECURRENCE-ID" in e][0]
    assert moved["RECURRENCE-ID"].dt == dt.datetime(2026, 11, 25, 9, 0)
    assert moved["DTSTART"].dt == dt.datetime(2026, 11, 26, 14, 0)
    assert str(moved["UID"]) == str(master["UID"])


@pytest.mark.parametrize("k", range(0, 81))
def test_chinese_summary_round_trips_at_every_fold(db, k):
    icalendar = pytest.importorskip("icalendar")
    org = Org(db)
    subject = "a" * k + "客户拜访：讨论金蝶KIS实施方案, 确认上线时间;王经理\\张总"
    db.insert("activity", type="visit", subject=subject, owner_id=org.zhang,
              start=at("2026-11-23T09:00:00"), duration_min=60)
    text = db.activity_ical(at("2026-11-23T00:00:00"), at("2026-11-24T00:00:00"),
                            dtstamp=at("2026-11-22T08:00:00"))
    raw = text.encode("utf-8")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    event = [c for c in icalendar.Calendar.from_ical(text).walk() if c.name == "VEVENT"][0]
    assert str(event["SUMMARY"]) == subject
