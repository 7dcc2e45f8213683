"""Records: entity classes, field access by name, values, storage, iteration."""

import datetime
from decimal import Decimal

import pytest

import kiscrm
from conftest import opp


def test_entity_classes(db, org):
    assert type(org.dept) is kiscrm.Department
    assert type(org.zhang) is kiscrm.Staff
    assert type(org.customer) is kiscrm.Customer
    for cls in kiscrm.ENTITY_CLASSES:
        rec = cls()
        assert type(rec) is cls
        assert rec.kind_name == cls.KIND
        assert kiscrm.kind(cls).code == rec.kind_code
        assert type(kiscrm.Record(cls.KIND)) is cls
    assert sorted(kiscrm.kind_names()) == sorted(c.KIND for c in kiscrm.ENTITY_CLASSES)


def test_field_access_by_name(db, org):
    c = org.customer
    assert c["name"] == c.name == "北京甲科技有限公司"
    assert c.id > 0 and c["id"] == c.id
    assert c.name_key  # derived on store
    c.short_name = "甲"
    c["employees"] = 120
    assert c.short_name == "甲" and c.employees == 120
    assert c.status is None and c.get("status", "x") == "x"
    assert "name" in c and "nope" not in c
    assert list(c)[:2] == ["id", "name"]
    with pytest.raises(AttributeError):
        c.nope
    with pytest.raises(AttributeError):
        c.nope = 1
    with pytest.raises(kiscrm.NotFound) as e:
        c["nope"]
    assert "nope" in e.value.message
    with pytest.raises(TypeError):
        c.employees = "many"


def test_item_access_for_fields_named_like_methods(db, org):
    e = db.insert("experience", staff_id=org.zhang, years=2.5, kind="sales")
    e2 = e.copy()
    assert e2["kind"] == "sales" and e2.years == 2.5
    assert e.kind_name == "experience"


def test_chinese_text_round_trip(db, org):
    text = "华南区 · 深圳市腾讯计算机系统有限公司（总部）✓ 𠀀"
    c = db.insert("customer", name=text, short_name="腾讯")
    got = db.get("customer", c.id)
    assert got.name == text
    assert got.short_name == "腾讯"
    assert db.find("customer", name_contains="腾讯计算机")[0].id == c.id


def test_chinese_round_trip_in_a_file(tmp_path):
    path = tmp_path / "中文.db"
    with kiscrm.Database(path) as db:
        d = db.insert("department", name="华东大区")
    with kiscrm.Database(str(path)) as db:
        assert db.get("department", d.id).name == "华东大区"


def test_money_is_exact(db, org):
    o = opp(db, org.zhang, org.customer, "ERP 项目", "1234.56")
    got = db.get("opportunity", o.id)
    assert got.amount == Decimal("1234.56")
    assert isinstance(got.amount, Decimal)
    assert str(got.amount) == "1234.56"
    assert got.text("amount") == "1234.56"
    got.amount = Decimal("0.10") + Decimal("0.20")  # exact, unlike floats
    got.save()
    assert db.get("opportunity", o.id).amount == Decimal("0.30")
    got.amount = 7  # an int is major units
    assert got.amount == Decimal("7.00")
    got.amount = "1,000.05"
    assert got.amount == Decimal("1000.05")
    got.amount = Decimal("-92233720368547758.08")  # INT64_MIN minor units
    assert got.amount == Decimal("-92233720368547758.08")


def test_dates_and_times(db, org):
    o = opp(db, org.zhang, org.customer, "A", "10.00")
    assert o.expected_close == datetime.date(2026, 3, 31)
    o.expected_close = "2026-04-30"
    assert o.expected_close == datetime.date(2026, 4, 30)
    o.expected_close = datetime.datetime(2026, 5, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert o.expected_close == datetime.date(2026, 4, 30)  # 01:00+08:00 is still 30 April UTC
    at = datetime.datetime(2026, 2, 1, 9, 30, tzinfo=datetime.timezone.utc)
    o.save()
    o.move("diagnosis", at=at)
    hist = o.history()
    assert hist[-1].at == at
    assert hist[-1].at.tzinfo is not None
    assert type(hist[-1]) is kiscrm.StageHistory


def test_insert_update_delete(db, org):
    r = db.new("contact", customer_id=org.customer, name="王经理", title="CIO")
    assert r.id == 0
    r.save()
    assert r.id > 0
    r.title = "CTO"
    r.save()
    assert db.get("contact", r.id).title == "CTO"
    r.delete()
    with pytest.raises(kiscrm.NotFound):
        db.get("contact", r.id)


def test_standalone_record_and_insert(db, org):
    r = kiscrm.Customer(name="乙公司")
    with pytest.raises(kiscrm.Invalid):
        r.save()  # not attached
    db.insert(r)
    assert r.id > 0 and r.db is db
    assert r.to_dict(skip_null=True)["name"] == "乙公司"


def test_iterate_with_filters(db, org):
    for i in range(3):
        opp(db, org.zhang, org.customer, "张%d" % i, "1.00")
    opp(db, org.li, org.customer, "李", "2.00")
    assert [o.name for o in db.records("opportunity", owner_id=org.zhang)] == ["张0", "张1", "张2"]
    assert [o.name for o in db.find("opportunity", owner_id=org.li.id)] == ["李"]
    assert len(db.find("opportunity")) == 4
    assert len(db.find("customer", region="north")) == 1
    assert db.find("customer", region="south") == []
    with pytest.raises(TypeError):
        db.find("customer", colour="red")
    with pytest.raises(kiscrm.Invalid):
        db.find("department", region="north")  # departments have no region


def test_filter_on_any_field(db, org):
    # Opportunities 张0 (1.00), 张1 (1.00), 李 (2.00, diagnosis) and 张3 (5.00); plans of
    # 张0: 0.50 due 03-31 "预付款", 0.50 due 06-30 (no note); of 李: 2.00 due 04-30.
    z0 = opp(db, org.zhang, org.customer, "张0", "1.00")
    opp(db, org.zhang, org.customer, "张1", "1.00")
    li = opp(db, org.li, org.customer, "李", "2.00", stage="diagnosis")
    opp(db, org.zhang, org.customer, "张3", "5.00")
    p1 = db.insert("collection_plan", opportunity_id=z0, due=datetime.date(2026, 3, 31),
                   amount=Decimal("0.50"), note="预付款")
    p2 = db.insert("collection_plan", opportunity_id=z0, due="2026-06-30", amount=Decimal("0.50"))
    p3 = db.insert("collection_plan", opportunity_id=li, due="2026-04-30", amount=Decimal("2.00"))
    ids = lambda recs: [r.id for r in recs]
    assert ids(db.find("collection_plan", where={"opportunity_id": z0})) == [p1.id, p2.id]
    assert ids(db.find("collection_plan", where={"opportunity_id": z0.id},
                       conditions=[("due", ">=", "2026-04-01")])) == [p2.id]
    assert ids(db.find("collection_plan", conditions=[("due", "<", datetime.date(2026, 5, 1))])) \
        == [p1.id, p3.id]
    assert ids(db.find("collection_plan", conditions=[("note", "~", "预付")])) == [p1.id]
    assert ids(db.find("collection_plan", where={"note": None})) == [p2.id, p3.id]
    # money: int and Decimal are currency units, as for Record fields
    assert [o.name for o in db.find("opportunity", conditions=[("amount", ">=", 2)])] == ["李", "张3"]
    assert [o.name for o in db.find("opportunity", owner_id=org.zhang,
                                    conditions=[("amount", ">", Decimal("1.00"))])] == ["张3"]
    assert [o.name for o in db.records("opportunity", where={"stage": "diagnosis"})] == ["李"]
    assert db.export_csv("collection_plan", where={"opportunity_id": li}).count("\n") == 2
    with pytest.raises(kiscrm.NotFound):
        db.find("collection_plan", where={"nosuch": 1})
    with pytest.raises(kiscrm.Invalid):
        db.find("collection_plan", conditions=[("amount", "like", 1)])
    with pytest.raises(kiscrm.Invalid) as e:
        db.find("collection_plan", conditions=[("amount", "~", 1)])  # contains on money
    assert "collection_plan.amount" in str(e.value)
    with pytest.raises(TypeError):
        db.find("collection_plan", conditions=[("amount", ">=")])


def test_records_outlive_iteration(db, org):
    it = db.records("staff")
    first = next(it)
    rest = list(it)
    assert first.name == "张三" and [r.name for r in rest] == ["李四"]
    assert first.name == "张三"  # a copy, still valid


def test_refresh_and_equality(db, org):
    a = db.get("staff", org.zhang.id)
    b = db.get("staff", org.zhang.id)
    assert a == b
    b.email = "zhang@example.com"
    b.save()
    assert a != b
    a.refresh()
    assert a == b


def test_rate_field(db, org):
    s = db.get("staff", org.zhang.id)
    s.sales_years = 3.5
    s.save()
    assert db.get("staff", s.id).sales_years == 3.5


def test_transaction_rolls_back(db, org):
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.insert("department", name="临时部门")
            raise RuntimeError("stop")
    assert [d.name for d in db.find("department")] == ["销售一部"]
    with db.transaction():
        db.insert("department", name="新部门")
    assert len(db.find("department")) == 2


def test_set_from_text(db):
    r = kiscrm.Record("opportunity")
    r.set_text("amount", "12.30")
    r.set_text("expected_close", "2026-01-02")
    assert r.amount == Decimal("12.30") and r.expected_close == datetime.date(2026, 1, 2)
    with pytest.raises(kiscrm.Invalid) as e:
        r.set_text("amount", "12.345")
    assert "12.345" in e.value.message


def test_business_date_is_the_callers():
    """The library keeps no clock: the binding gives today's date unless told otherwise;
    with none, a report without as_of and an opportunity without created are refused."""
    with kiscrm.Database(backend="memory") as d:
        assert d.today == datetime.date.today()
    with kiscrm.Database(backend="memory", today=datetime.date(2026, 3, 2)) as d:
        assert d.today == datetime.date(2026, 3, 2)
        d.today = "2026-03-09"
        assert d.today == datetime.date(2026, 3, 9)
    with kiscrm.Database(backend="memory", today=False) as d:
        assert d.today is None
        with pytest.raises(kiscrm.Invalid, match="as_of"):
            d.report("funnel")
