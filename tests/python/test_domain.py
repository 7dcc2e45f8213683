"""Configuration, customers, leads, money flow, targets, helpers."""

import datetime
from decimal import Decimal

import pytest

import kiscrm
from conftest import Org, opp


def test_config(db):
    cfg = db.config
    assert cfg.currency == "CNY" and cfg.currency_decimals == 2
    assert 1 <= cfg.week_start <= 7 and 1 <= cfg.fiscal_year_start <= 12
    p = cfg.pipeline()
    assert p.key == "default"
    assert [s.key for s in p.stages][:2] == ["opportunity", "diagnosis"]
    assert p.stages[0].probability == 10 and p.stages[0].exit_fields == ["customer_id"]
    assert [s.terminal for s in p.stages][-2:] == ["won", "lost"]
    assert cfg.stage_index("design") == 2 and cfg.stage_index("nope") is None
    assert "north" in cfg.dimension_keys("region")
    assert cfg.dimension_find("region", "north") is not None
    assert cfg.role_find("sales_rep") is not None
    assert any(r.key == "sales_rep" for r in cfg.roles)
    assert cfg.directory is None  # built-in defaults
    default = kiscrm.Config.default()
    assert default.currency == "CNY" and default.directory is None


def test_customer_duplicates_merge_attrs(db):
    org = Org(db)
    dup = db.insert("customer", name="北京 甲科技（有限公司）")
    t = db.customer_duplicates()
    assert sorted(t.column("customer_id")) == [org.customer.id, dup.id]
    db.insert("contact", customer_id=dup, name="赵六")
    org.customer.set_attr("信用等级", "AAA")
    assert org.customer.attr("信用等级") == "AAA"
    assert org.customer.attr("absent", "none") == "none"
    with pytest.raises(kiscrm.NotFound):
        db.customer_attr(4242, "信用等级")
    org.customer.merge(dup)
    with pytest.raises(kiscrm.NotFound):
        db.get("customer", dup.id)
    assert db.find("contact", customer_id=org.customer)[0].name == "赵六"
    assert kiscrm.normalize_name("北京甲科技有限公司") == org.customer.name_key


def test_lead_qualify(db):
    org = Org(db)
    lead = db.insert("lead", name="ERP 需求", company="上海乙贸易有限公司", owner_id=org.li)
    o = lead.qualify(at="2026-01-05T00:00:00Z")
    assert type(o) is kiscrm.Opportunity
    assert o.stage == "opportunity"
    assert lead.status == "qualified" and lead.opportunity_id == o.id


def test_probability_and_department_subtree(db):
    org = Org(db)
    sub = db.insert("department", name="华北组", parent_id=org.dept)
    assert sorted(org.dept.subtree()) == sorted([org.dept.id, sub.id])
    o = opp(db, org.zhang, org.customer, "P", "10.00")
    o.set_probability(55)
    assert (o.probability, o.probability_manual) == (55, 1)
    o.set_probability(None)
    assert o.probability == 10


def test_contract_money_flow(db):
    org = Org(db)
    c = db.insert("contract", number="HT-001", customer_id=org.customer, signed="2026-01-10",
                  amount=Decimal("1000.00"), owner_id=org.zhang)
    c.plan([("2026-02-01", Decimal("400.00")), ("2026-03-01", Decimal("600.00"))])
    db.insert("collection", contract_id=c, received="2026-02-01", amount=Decimal("250.00"))
    assert c.collected() == Decimal("250.00")
    assert c.receivable() == Decimal("750.00")       # 1000.00 - 250.00
    assert c.overdue("2026-02-15") == Decimal("150.00")  # 400.00 due, 250.00 received
    assert org.customer.receivable() == Decimal("750.00")
    with pytest.raises(kiscrm.Invalid):
        c.plan([("2026-02-01", Decimal("1.00"))])  # does not add up to 1000.00


def test_targets(db):
    org = Org(db)
    tid = db.set_year_target("contract_amount", 2026, Decimal("1000000.00"))
    assert db.target_split_count(tid, "quarter") == 4
    db.split_target_time(tid, "quarter", [20, 25, 25, 30])
    kids = [db.get("target", i) for i in db.target_children(tid)]
    assert [k.amount for k in kids] == [Decimal("200000.00"), Decimal("250000.00"),
                                        Decimal("250000.00"), Decimal("300000.00")]
    q1 = kids[0]
    db.split_target(q1.id, "owner", [org.zhang, org.li], [1, 1])
    assert sorted(db.get("target", i).amount for i in q1.children()) == \
        [Decimal("100000.00"), Decimal("100000.00")]
    cid = db.set_year_target("new_customers", 2026, 100)
    assert db.get("target", cid)["count"] == 100
    third = db.insert("staff", name="王五", department_id=org.dept, role="sales_rep")
    db.split_target(cid, "owner", [org.zhang, org.li, third], [1, 1, 1])
    # 100 split 1:1:1 = 33.33 each; the leftover unit goes to the first: 34, 33, 33
    assert [db.get("target", i)["count"] for i in db.target_children(cid)] == [34, 33, 33]
    assert kiscrm.metric_is_money("contract_amount") and not kiscrm.metric_is_money("visits")
    assert db.report("target-check").rows == []
    assert len(db.report("targets")) >= 7


def test_snapshot(db):
    org = Org(db)
    opp(db, org.zhang, org.customer, "S", "10.00")
    sid = db.snapshot("2026-03-04")
    assert db.get("snapshot", sid).week == kiscrm.week_start(datetime.date(2026, 3, 4))


def test_money_helpers():
    assert kiscrm.parse_money("1,234.56") == Decimal("1234.56")
    assert kiscrm.format_money(Decimal("1234567.8"), thousands=True) == "1,234,567.80"
    assert kiscrm.money_scale(Decimal("123.45"), 30, 100) == Decimal("37.04")  # 37.035 → 37.04
    assert kiscrm.money_split(Decimal("100.00"), [1, 1, 1]) == \
        [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    with pytest.raises(kiscrm.Invalid):
        kiscrm.parse_money("1.234")


def test_date_helpers():
    d = datetime.date(2026, 1, 31)
    assert kiscrm.add_months(d, 1) == datetime.date(2026, 2, 28)
    assert kiscrm.week_start(datetime.date(2026, 3, 4)) == datetime.date(2026, 3, 2)
    assert kiscrm.weekday(datetime.date(2026, 3, 4)) == 3
    assert kiscrm.iso_week(datetime.date(2026, 1, 1)) == (2026, 1)
    assert kiscrm.fiscal_year(datetime.date(2027, 3, 31), 4) == 2026
    assert kiscrm.fiscal_quarter(datetime.date(2026, 5, 1), 4) == 1
    assert kiscrm.fiscal_year_start(datetime.date(2026, 5, 1), 4) == datetime.date(2026, 4, 1)
    assert kiscrm.period_start(d, "quarter") == datetime.date(2026, 1, 1)
    assert kiscrm.period_next(datetime.date(2026, 1, 1), "month") == datetime.date(2026, 2, 1)
    assert kiscrm.month_start(d) == datetime.date(2026, 1, 1)
    assert kiscrm.days_in_month(2028, 2) == 29
    assert kiscrm.date_from_ymd(2026, 2, 28) == datetime.date(2026, 2, 28)
    assert kiscrm.date_to_ymd("2026-02-28") == (2026, 2, 28)
    with pytest.raises(kiscrm.Invalid):
        kiscrm.date_from_ymd(2026, 2, 30)
    t = kiscrm.parse_time("2026-01-02 03:04:05")
    assert t == datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert kiscrm.format_time(t) == "2026-01-02T03:04:05Z"
    assert kiscrm.format_date(d) == "2026-01-31"
    assert kiscrm.time_date(t) == datetime.date(2026, 1, 2)


def test_text_helpers():
    assert kiscrm.utf8_width("张三ab") == 6
    assert kiscrm.utf8_validate("好".encode()) is None
    assert kiscrm.utf8_validate(b"ab\xff") == 2


def test_kpi_metrics_and_python_metric(db):
    keys = [m.key for m in kiscrm.kpi_metrics()]
    assert "contract_amount" in keys and "win_rate" in keys
    org = Org(db)
    c = db.insert("contract", number="HT-9", customer_id=org.customer, signed="2026-01-10",
                  amount=Decimal("88.80"), owner_id=org.zhang)
    v = db.kpi_metric("contract_amount", "2026-01-01", "2026-02-01", staff_id=org.zhang,
                      department_id=org.dept)
    assert v["actual"] == Decimal("88.80")
    kiscrm.register_kpi_metric("py_visits", lambda ctx: 7 if ctx["staff_id"] else None,
                               unit="count", zh="拜访", en="Visits")
    try:
        assert "py_visits" in [m.key for m in kiscrm.kpi_metrics()]
        v = db.kpi_metric("py_visits", "2026-01-01", "2026-02-01", staff_id=org.zhang)
        assert v["actual"] == 7.0
        kiscrm.register_kpi_metric("py_broken", lambda ctx: 1 / 0)
        with pytest.raises(kiscrm.KiscrmError) as e:
            db.kpi_metric("py_broken", "2026-01-01", "2026-02-01", staff_id=org.zhang)
        assert "ZeroDivisionError" in e.value.message
    finally:
        kiscrm.unregister_kpi_metric("py_visits")
        kiscrm.unregister_kpi_metric("py_broken")
    assert c.id


def test_kpi_scheme_default(db):
    Org(db)
    s = kiscrm.KpiScheme.default(db)
    assert s.key and s.indicators
    assert sum(w for _, w in s.indicators) == 100
    t = db.kpi_score(s, from_="2026-01-01", to="2026-04-01")
    assert "total" in t.column_names


def test_win_creates_the_contract_and_takes_the_plan(db):
    # 120,000.00 planned as 50,000.00 + 70,000.00; won with create_contract: one contract
    # of 120,000.00 signed on the move's day holds both instalments.
    org = Org(db)
    opp = db.insert("opportunity", name="ERP 升级", owner_id=org.zhang, customer_id=org.customer,
                    stage="commercial", amount=Decimal("120000.00"), created="2026-10-01",
                    expected_close="2026-12-10")
    db.plan_opportunity_instalments(opp.id, [("2026-12-15", Decimal("50000.00")),
                                             ("2027-01-15", Decimal("70000.00"))])
    db.move(opp.id, "won", at=datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.timezone.utc),
            create_contract=True)
    contracts = db.find("contract", where={"opportunity_id": opp.id})
    assert len(contracts) == 1
    c = contracts[0]
    assert c["amount"] == Decimal("120000.00") and c["signed"] == datetime.date(2026, 11, 24)
    plans = db.find("collection_plan", where={"contract_id": c.id})
    assert sorted(p["amount"] for p in plans) == [Decimal("50000.00"), Decimal("70000.00")]
    assert db.find("collection_plan", where={"opportunity_id": opp.id}) == []
    with pytest.raises(kiscrm.Conflict):
        db.plan_opportunity_instalments(opp.id, [("2026-12-15", Decimal("1.00"))])
