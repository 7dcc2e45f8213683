"""Files and text at the edge of the bindings: the CSV export never destroys the database
and is atomic, formula-looking texts are neutralised on CSV output and come back exact,
NUL characters raise ValueError instead of being cut, and kiscrm.ImportError is a
deprecated alias."""

import datetime
import os
import sqlite3
from decimal import Decimal

import pytest

import kiscrm

FORMULAS = ["=1+1", "+86 138", "-5", "@x", "\tx", "'=already", "\rx", "=SUM(A1,B1)", "'plain"]


@pytest.fixture
def filedb(tmp_path):
    path = tmp_path / "crm.db"
    with kiscrm.Database(path) as d:
        d.insert("customer", name="长沙湘江物流有限责任公司")
        yield d, path


def test_export_refuses_the_database(filedb, tmp_path):
    db, path = filedb
    before = path.read_bytes()
    files = sorted(os.listdir(tmp_path))
    with pytest.raises(kiscrm.Invalid, match="open database"):
        db.export_csv("customer", path=path)
    for suffix in ("-wal", "-shm", "-journal"):
        with pytest.raises(kiscrm.Invalid, match="refusing to write"):
            db.export_csv("customer", path=str(path) + suffix)
    with pytest.raises(kiscrm.Invalid):
        db.export_csv("customer", path=tmp_path / "." / "crm.db")
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == files
    assert [c.name for c in db.records("customer")] == ["长沙湘江物流有限责任公司"]


def test_failed_export_leaves_the_target(tmp_path):
    path = tmp_path / "crm.db"
    with kiscrm.Database(path) as db:
        c = db.insert("customer", name="甲")
        db.insert("contact", customer_id=c, name="王总", birthday=datetime.date(1980, 2, 29))
    # Year 12921: stored behind the library's back, no YYYY-MM-DD can show it.
    con = sqlite3.connect(path)
    con.execute("UPDATE contact SET birthday = 4000000")
    con.commit()
    con.close()
    target = tmp_path / "contacts.csv"
    target.write_text("precious\n")
    files = sorted(os.listdir(tmp_path))
    with kiscrm.Database(path) as db:
        with pytest.raises(kiscrm.Invalid, match="outside 1..9999"):
            db.export_csv("contact", path=target)
        with pytest.raises(kiscrm.Invalid):
            db.export_csv("contact", path=tmp_path / "new.csv")
        assert target.read_text() == "precious\n"
        db.export_csv("customer", path=target)
    assert sorted(os.listdir(tmp_path)) == files
    assert target.read_text().splitlines()[1].startswith("1,甲,")


def test_export_into_unwritable_directory(tmp_path):
    """Nothing is created; as root (who may write anywhere) the export runs in a child
    that has become nobody."""
    ro = tmp_path / "readonly"
    ro.mkdir(mode=0o555)
    ro.chmod(0o555)
    tmp_path.chmod(0o755)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            with kiscrm.Database(backend="memory") as db:
                try:
                    db.export_csv("department", path=ro / "d.csv")
                except kiscrm.StorageError as e:
                    code = 0 if str(ro / "d.csv") in str(e) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert os.listdir(ro) == []


def test_formula_round_trip(db, tmp_path):
    c = db.insert("customer", name="Acme")
    for i, v in enumerate(FORMULAS):
        db.insert("contact", customer_id=c, name="c%d" % i, title=v)
    text = db.export_csv("contact")
    assert "\n1,1,c0,'=1+1," in text
    assert "\n3,1,c2,'-5," in text
    assert "\n6,1,c5,''=already," in text
    assert "\n9,1,c8,'plain," in text
    raw = db.export_csv("contact", raw_cells=True)
    assert "\n1,1,c0,=1+1," in raw and "\n6,1,c5,'=already," in raw
    with kiscrm.Database(backend=db.backend) as fresh:
        fresh.import_csv("customer", data=db.export_csv("customer"), keep_ids=True, raw=True)
        fresh.import_csv("contact", data=text, keep_ids=True, raw=True)
        assert [r.title for r in fresh.records("contact")] == FORMULAS
    # import_rows writes its CSV the way the library does, so every str arrives exact.
    n = db.import_rows("contact", [(c, "r%d" % i, v) for i, v in enumerate(FORMULAS)],
                       ["customer_id", "name", "title"])
    assert n == len(FORMULAS)
    got = [r.title for r in db.records("contact") if r.name.startswith("r")]
    assert got == FORMULAS


def test_report_csv_neutralised(org, db):
    evil = db.insert("staff", name="@evil", department_id=org.dept, role="sales_rep")
    db.insert("opportunity", name="=x", owner_id=evil, stage="opportunity",
              customer_id=org.customer, amount=Decimal("100.00"))
    t = db.report("structure", group_by="owner")
    # One open opportunity of 100.00: the owner's row and the total, share 1.
    assert t.to_csv() == "owner,count,amount,share\n'@evil,1,100.00,1\n,1,100.00,1\n"
    assert t.to_csv(raw_cells=True) == "owner,count,amount,share\n@evil,1,100.00,1\n,1,100.00,1\n"


def test_nul_raises_value_error(db):
    with pytest.raises(ValueError, match="NUL"):
        db.insert("customer", name="a\x00b")
    assert list(db.records("customer")) == []
    rec = kiscrm.Customer(name="ok")
    with pytest.raises(ValueError):
        rec.name = "a\x00b"
    with pytest.raises(ValueError):
        db.insert_many("customer", [("x\x00y",)], ["name"])
    with pytest.raises(ValueError):
        db.import_rows("customer", [("x\x00y",)], ["name"])
    with pytest.raises(ValueError):
        list(db.records("customer", name_contains="a\x00"))
    with pytest.raises(ValueError):
        kiscrm.parse_money("1\x002", 2)
    assert list(db.records("customer")) == []
    # A NUL inside CSV data is the importer's error, naming line and column.
    with pytest.raises(kiscrm.CsvImportError) as e:
        db.import_csv("customer", data="name\nA\nB\x00\n", name="c.csv")
    assert e.value.line == 3 and e.value.column == 1 and "NUL" in str(e.value)
