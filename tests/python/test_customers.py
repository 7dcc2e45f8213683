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


def test_campaign_returns_from_python(db, org):
    # A forum costing 300.00 (one item) touched the customer on 3 March; 张三's deal of
    # 1,000.01 created on 10 March was won: even split over one activity = all of it, so
    # won 1,000.01, ROI (1,000.01 − 300.00) / 300.00; the "first" model agrees. A salon
    # with no cost has an empty ROI.
    forum = db.insert("campaign", name="信息化论坛", type="forum", start=dt.date(2026, 3, 3))
    assert type(forum) is kiscrm.Campaign
    salon = db.insert("campaign", name="沙龙", type="salon", start=dt.date(2026, 3, 20))
    db.insert("campaign_cost", campaign_id=forum, date=dt.date(2026, 3, 1), amount=Decimal("300.00"))
    db.insert("campaign_touch", campaign_id=forum, date=dt.date(2026, 3, 3), customer_id=org.customer)
    o = db.insert("opportunity", name="项目", owner_id=org.zhang, customer_id=org.customer,
                  stage="opportunity", amount=Decimal("1000.01"), created=dt.date(2026, 3, 10),
                  expected_close=dt.date(2026, 3, 31))
    db.move(o.id, "won", at=dt.datetime(2026, 3, 12, 9, tzinfo=UTC))
    for model in ("even", "first"):
        rows = db.report("campaign-roi", as_of=dt.date(2026, 3, 31), attribution=model).to_dicts()
        assert [(r["campaign"], r["opportunities"], r["won"], r["cost"]) for r in rows[:1]] == [
            ("信息化论坛", 1, Decimal("1000.01"), Decimal("300.00"))]
        assert abs(rows[0]["roi"] - (1000.01 - 300.00) / 300.00) < 1e-9
    salon_row = [r for r in rows if r["campaign"] == "沙龙"][0]
    assert salon_row["roi"] is None and salon_row["opportunities"] == 0
    typed = db.report_attribution(as_of=dt.date(2026, 3, 31)).to_dicts()
    assert [(r["campaign_id"], r["share"]) for r in typed[:-1]] == [(forum.id, Decimal("1000.01"))]
    with pytest.raises(kiscrm.errors.Invalid):
        db.report("campaign-roi", as_of=dt.date(2026, 3, 31), attribution="u-shaped")
    assert salon.id > forum.id


def test_mailing_list_from_python(db, org):
    # Two records of one person ("王 经理" / "王经理", phones with and without +86) give one
    # row; a contact who opted out is left out.
    db.insert("contact", customer_id=org.customer, name="王经理", phone="13800000001")
    db.insert("contact", customer_id=org.customer, name="王 经理", phone="+86 138 0000 0001")
    db.insert("contact", customer_id=org.customer, name="李娜", phone="13900000002", opt_out=1)
    rows = db.mailing_list().to_dicts()
    assert [(r["name"], r["records"]) for r in rows] == [("王经理", 2)]
    assert db.mailing_list(region="south").to_dicts() == []


def test_service_sla_from_python(db, org):
    # Opened Tuesday 3 March 2026 12:20 Beijing time (lunch) at the default tier and high
    # priority: the first response (240 business minutes) is due at 17:30 local, 09:30Z.
    # Resolved at 15:00 local; the closed request is reopened only by reopen_request().
    r = db.insert("service_request", customer_id=org.customer, subject="打印模板错乱",
                  priority="high", opened=dt.datetime(2026, 3, 3, 4, 20, tzinfo=UTC))
    assert type(r) is kiscrm.ServiceRequest
    rows = db.service_sla(dt.datetime(2026, 3, 3, 5, 0, tzinfo=UTC), request=r).to_dicts()
    assert rows[0]["first_response_due"] == dt.datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert rows[0]["tier"] == "standard" and rows[0]["first_response_minutes"] == 0
    db.insert("service_event", request_id=r, type="resolved", at=dt.datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    db.insert("service_event", request_id=r, type="closed", at=dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    with pytest.raises(kiscrm.errors.Conflict):
        db.insert("service_event", request_id=r, type="reopened", at=dt.datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    db.reopen_request(r, dt.datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    assert db.get("service_request", r.id).status == "open"


def test_presales_and_milestones_from_python(db, org):
    # One presales engineer; a critical request on a 50,000.00 opportunity of a northern
    # manufacturer weighs 0.40×1 + 0.30×5 + 0.15×3 + 0.15×1 = 2.50 and goes to her.
    from conftest import opp
    sun = db.insert("staff", name="孙丽", department_id=org.dept, role="presales")
    o = opp(db, org.zhang, org.customer, "ERP", "50000.00")
    req = db.insert("presales_request", opportunity_id=o, help="demo", urgency="critical",
                    requested=dt.date(2026, 3, 2))
    assert type(req) is kiscrm.PresalesRequest
    queue = db.report("presales-queue", as_of=dt.date(2026, 3, 31)).to_dicts()
    assert abs(queue[0]["weight"] - 2.5) < 1e-9 and queue[0]["status"] == "submitted"
    assert db.presales_assign() == 1
    assert db.get("presales_request", req.id).engineer_id == sun.id
    c = db.insert("contract", customer_id=org.customer, owner_id=org.zhang, signed=dt.date(2026, 3, 1),
                  amount=Decimal("50000.00"))
    m = db.insert("milestone", contract_id=c, type="installation", planned=dt.date(2026, 3, 20))
    assert type(m) is kiscrm.Milestone
    rows = db.report("milestones", as_of=dt.date(2026, 3, 31)).to_dicts()
    assert (rows[0]["overdue"], rows[0]["days_late"]) == (1, 11)


def test_channel_from_python(db, org):
    # A partner's registration approved on 6 January 2026 (Beijing day) is valid until
    # 5 April; another partner registering the same customer (by another spelling)
    # conflicts with it then, not on 6 April.
    p1 = db.insert("partner", name="东莞智联", region="south", level="core")
    p2 = db.insert("partner", name="佛山顺达", region="south")
    assert type(p1) is kiscrm.Partner
    r1 = db.insert("registration", partner_id=p1, customer_name="深圳华力机械有限公司", product_line="standard",
                   status="approved", submitted=dt.datetime(2026, 1, 5, 2, tzinfo=UTC),
                   decided=dt.datetime(2026, 1, 6, 2, tzinfo=UTC))
    assert db.get("registration", r1.id).valid_until == dt.date(2026, 4, 5)
    db.insert("registration", partner_id=p2, customer_name="深圳 华力机械", product_line="standard",
              status="submitted", submitted=dt.datetime(2026, 2, 1, 2, tzinfo=UTC))
    rows = db.report("registration-conflicts", as_of=dt.date(2026, 4, 5)).to_dicts()
    assert [(r["registration_id"], r["conflict"], r["conflict_partner_id"]) for r in rows] == [
        (r1.id, "registration", p2.id)]
    assert db.report("registration-conflicts", as_of=dt.date(2026, 4, 6)).to_dicts() == []
