"""Key-account care and customer value from Python: the archive and value_class records,
the care and value reports by name, and Database.classify_value()."""
import datetime as dt
from decimal import Decimal

import pytest

import kiscrm

UTC = dt.timezone.utc


def test_care_and_value_from_python(db):
    # 甲 (key account through a gained event) signed 200,000.00 on 2026-02-01; the desk
    # called once, in March (cost 10.00). Over 2026 the key-account manager owes 4 reviews,
    # none done, and the desk 12 call-backs, one done; 甲 scores 199,990.00, class A.
    dept = db.insert("department", name="总部")
    db.insert("staff", name="李经理", department_id=dept, role="key_account_manager")
    desk = db.insert("staff", name="赵专员", department_id=dept, role="opportunity_desk")
    rep = db.insert("staff", name="张三", department_id=dept, role="sales_rep")
    cust = db.insert("customer", name="甲", owner_id=rep)
    ev = db.insert("key_account_event", customer_id=cust, date=dt.date(2026, 1, 5), type="gained")
    assert type(ev) is kiscrm.KeyAccountEvent
    assert db.get("customer", cust.id)["key_account"] == 1
    db.insert("contract", customer_id=cust, owner_id=rep, signed=dt.date(2026, 2, 1),
              amount=Decimal("200000.00"), product_line="mini")
    db.insert("activity", type="call_back", subject="回访", owner_id=desk, customer_id=cust,
              start=dt.datetime(2026, 3, 2, 9, tzinfo=UTC), status="done")

    care = db.report("care-compliance", as_of=dt.date(2026, 12, 4)).to_dicts(details_only=True)
    assert [(r["rule"], r["required"], r["done"]) for r in care] == [
        ("application_review", 4, 0), ("call_back", 12, 1)]

    value = db.report("customer-value", period="year", as_of=dt.date(2026, 6, 30)).to_dicts()
    assert [(r["customer"], r["score"], r["class"]) for r in value] == [
        ("甲", Decimal("199990.00"), "A")]
    assert db.classify_value(period="year", as_of=dt.date(2026, 6, 30)) == 1
    stored = db.find("value_class")
    assert [(r["class"], r["as_of"]) for r in stored] == [("A", dt.date(2026, 12, 31))]
    assert type(stored[0]) is kiscrm.ValueClass
    moves = db.report("value-movements", period="year", as_of=dt.date(2026, 6, 30)).to_dicts()
    assert [(r["from_class"], r["to_class"]) for r in moves] == [(None, "A")]


def test_competitors_from_python(db, org):
    # 张三 lost 1,000.00 to 用友 in March: met 1, lost 1, lost to it 1, win rate 0
    from conftest import opp
    rival = db.insert("competitor", name="用友", main=1)
    assert type(rival) is kiscrm.Competitor
    o = opp(db, org.zhang, org.customer, "项目", "1000.00")
    db.insert("opportunity_competitor", opportunity_id=o, competitor_id=rival, won=1)
    db.move(o.id, "lost", at=dt.datetime(2026, 3, 2, 9, tzinfo=UTC))
    rows = db.report("competitors", from_=dt.date(2026, 3, 1), to=dt.date(2026, 4, 1)).to_dicts()
    assert [(r["competitor"], r["met"], r["lost_count"], r["lost_to"], r["lost_amount"]) for r in rows] == [
        ("用友", 1, 1, 1, Decimal("1000.00"))]
    with pytest.raises(kiscrm.errors.Exists):
        db.insert("opportunity_competitor", opportunity_id=o, competitor_id=rival)
