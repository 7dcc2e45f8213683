"""Bulk loading (insert_many) and CSV import/export."""

import datetime
import time
from decimal import Decimal

import pytest

import kiscrm
from conftest import Org


def test_insert_many_rows_and_dicts(db):
    org = Org(db)
    cols = ["name", "owner_id", "customer_id", "stage", "amount", "expected_close"]
    rows = [("商机%d" % i, org.zhang.id, org.customer.id, "opportunity",
             Decimal(i) + Decimal("0.01"), datetime.date(2026, 6, 30)) for i in range(100)]
    assert db.insert_many("opportunity", rows, columns=cols) == 100
    assert db.insert_many(kiscrm.Opportunity, [dict(name="字典", owner_id=org.li,
                                                    stage="opportunity", amount="5.5")]) == 1
    all_ = db.find("opportunity")
    assert len(all_) == 101
    # sum of i + 0.01 for i in 0..99 = 4950 + 1.00 = 4951.00
    assert sum(o.amount for o in all_[:100]) == Decimal("4951.00")
    assert all_[100].amount == Decimal("5.50") and all_[100].name == "字典"


def test_insert_many_is_atomic(db):
    org = Org(db)
    rows = [dict(name="好", owner_id=org.zhang, stage="opportunity"),
            dict(name="坏", owner_id=999, stage="opportunity")]
    with pytest.raises(kiscrm.NotFound) as e:
        db.insert_many("opportunity", rows)
    assert e.value.message.startswith("row 1: ")
    assert db.find("opportunity") == []


def test_insert_many_bulk(db):
    """The bulk path stores every row with exact money and dates (its speed is measured by
    bench/run, not asserted here: timings do not belong in tests)."""
    org = Org(db)
    n = 2000
    cols = ["name", "owner_id", "customer_id", "stage", "amount", "expected_close"]
    day = datetime.date(2026, 1, 1)
    rows = [("O%d" % i, org.zhang.id, org.customer.id, "diagnosis", Decimal("1234.56"),
             day + datetime.timedelta(days=i % 365)) for i in range(n)]
    db.insert_many("opportunity", rows, columns=cols)
    stored = db.find("opportunity")
    assert len(stored) == n
    assert stored[0]["amount"] == Decimal("1234.56")
    assert stored[-1]["expected_close"] == day + datetime.timedelta(days=(n - 1) % 365)


def test_insert_many_batches(db):
    """Sequence rows go to the library in batches of 4,096 (one call each): 5,000 rows with
    NULLs in every kind of column, a dict row between them, and a refused row named by its
    place in the whole load, not in its batch; a row of the wrong length is refused."""
    org = Org(db)
    cols = ["name", "owner_id", "customer_id", "stage", "amount", "expected_close", "probability_manual"]
    day = datetime.date(2026, 3, 1)
    rows = [("批量%d" % i if i % 7 else None, org.zhang.id, org.customer.id if i % 5 else None,
             "opportunity", Decimal(i) / 100 if i % 3 else None, day if i % 2 else None,
             None) for i in range(5000)]
    # name is required: give the rows without one a name, except none
    rows = [(r[0] or "无名%d" % i,) + r[1:] for i, r in enumerate(rows)]
    rows.insert(4100, dict(name="字典行", owner_id=org.li, stage="opportunity"))
    assert db.insert_many("opportunity", rows, columns=cols) == 5001
    stored = db.find("opportunity")
    assert len(stored) == 5001
    # row 3 (i = 3): name 批量3, customer set, amount NULL (3 % 3 == 0), close set
    r3 = stored[3]
    assert r3.name == "批量3" and r3.customer_id == org.customer.id
    assert r3.amount is None and r3.expected_close == day
    # row 10: amount 0.10, no close (even), customer NULL (10 % 5 == 0)
    r10 = stored[10]
    assert r10.amount == Decimal("0.10") and r10.expected_close is None and r10.customer_id is None
    assert stored[4100].name == "字典行" and stored[4101].name == "批量4100"
    # a refused row in the second batch: named by its place in the whole load
    bad = [("好%d" % i, org.zhang.id, None, "opportunity", None, None, None) for i in range(4200)]
    bad[4150] = ("坏", 999999, None, "opportunity", None, None, None)
    with pytest.raises(kiscrm.NotFound) as e:
        db.insert_many("opportunity", bad, columns=cols)
    assert e.value.message.startswith("row 4150: ")
    assert len(db.find("opportunity")) == 5001
    with pytest.raises(kiscrm.Invalid) as e:
        db.insert_many("opportunity", [("短", org.zhang.id)], columns=cols)
    assert e.value.message.startswith("row 0: 2 values for 7 columns")


def test_csv_round_trip(db):
    org = Org(db)
    db.insert("opportunity", name='带,逗号 "引号"', owner_id=org.zhang, customer_id=org.customer,
              stage="opportunity", amount=Decimal("1234.56"), expected_close="2026-05-01")
    text = db.export_csv("opportunity")
    header = text.splitlines()[0].split(",")
    assert header[0] == "id" and "amount" in header
    assert "1234.56" in text and '"带,逗号 ""引号"""' in text
    with kiscrm.Database(backend="memory") as other:
        Org(other)
        assert other.import_csv("opportunity", data=text, keep_ids=True, raw=True) == 1
        assert other.export_csv("opportunity") == text


def test_csv_import_by_natural_key_and_dry_run(db, tmp_path):
    Org(db)
    data = "name,owner,customer,stage,amount\n项目一,张三,北京甲科技有限公司,opportunity,100.10\n"
    assert db.import_csv("opportunity", data=data, dry_run=True) == 1
    assert db.find("opportunity") == []
    path = tmp_path / "opps.csv"
    path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    assert db.import_csv("opportunity", path) == 1
    o = db.find("opportunity")[0]
    assert (o.name, o.amount, o.owner_id) == ("项目一", Decimal("100.10"), 1)
    out = tmp_path / "out.csv"
    db.export_csv("opportunity", out, owner_id=1)
    assert "项目一" in out.read_text(encoding="utf-8")


def test_csv_gbk(db):
    Org(db)
    data = "name,owner,stage\n国标编码项目,李四,opportunity\n".encode("gbk")
    assert db.import_csv("opportunity", data=data, encoding="gbk") == 1
    assert db.find("opportunity")[0].name == "国标编码项目"


def test_csv_missing_file(db, tmp_path):
    with pytest.raises(kiscrm.NotFound):
        db.import_csv("customer", tmp_path / "absent.csv")


def test_import_rows_fast_path(db):
    org = Org(db)
    n = 20000
    cols = ["name", "owner", "customer_id", "stage", "amount", "expected_close"]
    rows = [("快%d" % i, "张三", org.customer.id, "diagnosis", Decimal("0.01") * i,
             datetime.date(2026, 6, 30)) for i in range(n)]
    t0 = time.perf_counter()
    assert db.import_rows("opportunity", rows, cols) == n
    rate = n / (time.perf_counter() - t0)
    print("import_rows on %s: %.0f opportunities/s" % (db.backend, rate))
    last = db.get("opportunity", n)
    # row n-1 has amount 0.01 * 19999 = 199.99
    assert (last.name, last.amount, last.owner_id) == ("快19999", Decimal("199.99"), org.zhang.id)
    with pytest.raises(kiscrm.CsvImportError) as e:
        db.import_rows("opportunity", [("x", "无此人", None, "diagnosis", None, None)], cols)
    assert e.value.errors[0]["row"] == 2 and e.value.errors[0]["value"] == "无此人"
