"""A partner's principal through the Python binding: the canaries planted in another
partner's and the company's records never appear in any Python result or exception
(issue 13, item 3); the audit log through Database.history()."""

import datetime
from decimal import Decimal

import pytest

import kiscrm
from kiscrm.record import kind_names

CANARIES = ("金丝雀", "987654", "987,654")


def world(db, partner, mark, amount):
    p = {"partner_id": partner} if partner else {}
    dept = db.insert("department", name=mark + "销售部", **p)
    staff = db.insert("staff", name=mark + "张伟", department_id=dept, role="sales_rep")
    cust = db.insert("customer", name=mark + "科技有限公司", owner_id=staff, **p)
    db.insert("contact", customer_id=cust, name=mark + "李总")
    opp = db.insert("opportunity", name=mark + "项目", customer_id=cust, owner_id=staff,
                    stage="opportunity", amount=Decimal(amount),
                    created=datetime.date(2025, 12, 1), expected_close=datetime.date(2026, 2, 28))
    db.insert("contract", customer_id=cust, opportunity_id=opp, owner_id=staff,
              signed=datetime.date(2025, 12, 20), amount=Decimal(amount))
    return staff.id, cust.id, opp.id


def no_canary(text, what):
    for c in CANARIES:
        assert c not in str(text), "%s shows %s to partner P" % (what, c)


@pytest.fixture
def bound(db):
    p = db.insert("partner", name="伙伴甲")
    q = db.insert("partner", name="金丝雀伙伴乙")
    mine = world(db, p.id, "伙伴甲", "120000.00")
    theirs = world(db, q.id, "金丝雀乙", "987654.32")
    company = world(db, 0, "金丝雀直销", "987654.31")
    db.insert("target", metric="contract_amount", period=3, start=datetime.date(2026, 1, 1),
              owner_id=company[0], amount=Decimal("987654.01"))
    db.set_principal(partner_id=p.id, staff_id=mine[0])
    return db, mine, theirs, company


def test_no_canary_in_any_result(bound):
    db, mine, theirs, company = bound
    shown = 0
    for name, _ in kiscrm.reports():
        for opts in ({}, {"period": "year", "lang": "zh", "owner_id": mine[0]}):
            try:
                text = db.report(name, **opts).to_csv()
                shown += "伙伴甲" in text or "120,000" in text or "120000" in text
            except kiscrm.KiscrmError as e:
                text = str(e)
            no_canary(text, "report %s" % name)
    for kind in kind_names():
        no_canary(db.export_csv(kind), "export of " + kind)
        for rec in db.find(kind):
            no_canary(repr([rec[f] for f in rec.fields]), kind)
    # foreign ids: not found, and the message gives nothing away
    for kind, ident in (("customer", theirs[1]), ("opportunity", company[2]), ("staff", theirs[0])):
        with pytest.raises(kiscrm.NotFound) as err:
            db.get(kind, ident)
        no_canary(err.value, "get %s" % kind)
    assert shown > 10  # the reports do show P's own records


def test_principal_is_reported_and_final(bound):
    db, mine, _, _ = bound
    assert db.principal["staff_id"] == mine[0]
    assert db.principal["role"] == "sales_rep"
    with pytest.raises(kiscrm.Invalid):
        db.set_principal()


def test_history(db):
    c = db.insert("customer", name="深圳市蓝海科技有限公司")
    c.status = "active"
    c.save()
    t = db.history("customer", c.id)
    action, changes = t.column_names.index("action"), t.column_names.index("changes")
    assert [r[action] for r in t.rows] == ["insert", "update"]
    assert t.rows[1][changes] == '{"status":[null,"active"]}'
