"""Price list, quotes and approvals from Python, worked by hand with the default roles.yaml
on both backends (price approval per product line, contract approval within the signer's
limit, the guarded fields)."""

import datetime as dt
from decimal import Decimal

import pytest

import kiscrm

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 1, tzinfo=UTC)
T1 = dt.datetime(2026, 3, 2, 3, tzinfo=UTC)
ALL_SIX = ["scope", "risk", "resources", "legal", "delivery", "key_points"]


def change(db, kind, id_, **values):
    rec = db.get(kind, id_)
    for k, v in values.items():
        setattr(rec, k, v)
    db.update(rec)


@pytest.fixture
def world(db):
    dept = db.insert("department", name="销售部")
    staff = {role: db.insert("staff", name=name, department_id=dept, role=role)
             for role, name in [("sales_rep", "张伟"), ("supervisor", "李娜"),
                                ("department_manager", "王强")]}
    cust = db.insert("customer", name="北京金蝶软件有限公司")
    return db, staff, cust


def test_price_approval_per_product_line(world):
    db, staff, cust = world
    cloud = db.insert("product", code="KIS-CLOUD", name="金蝶KIS云", product_line="new_products",
                      list_price=Decimal("1000.00"), unit="套")
    assert type(cloud) is kiscrm.Product
    assert db.get("product", cloud.id).name == "金蝶KIS云"
    q = db.insert("quote", customer_id=cust, owner_id=staff["sales_rep"], date=dt.date(2026, 3, 1))
    # 3 × 1,000.00 at 8.01 %: 300000 × 9199 / 10000 = 275970 fen; new_products 8.01 % is one
    # bp above the rep's 8 % (max_discount_by_line), so the supervisor (15 % there) decides
    line = db.insert("quote_line", quote_id=q, product_id=cloud, quantity=3, discount_bp=801)
    assert type(line) is kiscrm.QuoteLine
    stored = db.get("quote", q.id)
    assert stored.net_total == Decimal("2759.70") and stored.required_role == "supervisor"
    assert db.config.role_max_discount_bp("sales_rep", "new_products") == 800
    assert db.config.role_max_discount_bp("sales_rep", "mini") == 500
    ap = db.quote_submit(q, T0)
    assert db.get("approval", ap).rule == "new_products 8.01% <= supervisor 15.00%"
    db.set_actor(staff["sales_rep"])
    with pytest.raises(kiscrm.Invalid) as e:
        db.approval_decide(ap, "approved", T1)
    assert e.value.field == "approver_id"
    assert db.get("approval", ap).status == "pending"
    with pytest.raises(kiscrm.Conflict):
        change(db, "quote_line", line.id, discount_bp=800)
    db.set_actor(staff["supervisor"])
    db.approval_decide(ap, "approved", T1, comment="同意")
    a = db.get("approval", ap)
    assert (a.status, a.approver_id, a.approver_role, a.comment) == ("approved", staff["supervisor"].id,
                                                                     "supervisor", "同意")
    assert db.get("quote", q.id).status == "approved"


def test_contract_approval_limits(world):
    db, staff, cust = world
    # 500,000.00 is the department manager's limit; 500,000.01 is not
    at = db.insert("contract", customer_id=cust, owner_id=staff["sales_rep"], signed=dt.date(2026, 3, 1),
                   amount=Decimal("500000.00"))
    above = db.insert("contract", customer_id=cust, owner_id=staff["sales_rep"], signed=dt.date(2026, 3, 1),
                      amount=Decimal("500000.01"))
    with pytest.raises(kiscrm.Invalid):
        change(db, "contract", at.id, approval="approved")
    a1, a2 = db.contract_submit(at, T0), db.contract_submit(above, T0)
    assert db.get("approval", a2).required_role == "executive_general_manager"
    db.set_actor(staff["department_manager"])
    with pytest.raises(kiscrm.Invalid) as e:
        db.approval_decide(a1, "approved", T1, checklist=ALL_SIX[:5])
    assert e.value.field == "checklist"
    db.approval_decide(a1, "approved", T1, checklist=ALL_SIX)
    assert db.get("contract", at.id).approval == "approved"
    with pytest.raises(kiscrm.Invalid):
        db.approval_decide(a2, "approved", T1, checklist=ALL_SIX)
    assert db.get("contract", above.id).approval == "pending"
    # a later change of the amount supersedes the approval
    change(db, "contract", at.id, amount=Decimal("450000.00"))
    assert db.get("approval", a1).status == "superseded"
    assert db.get("contract", at.id).approval == "draft"
