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


# --- issue 17: CSV that Chinese Excel opens, and what it writes imports -----------------

EXCEL_ZH = ("客户名称,区域,行业,员工人数,创建日期\r\n"
            "武汉江城软件有限公司,华中,信息技术,\"1,200\",2026/1/5\r\n")
EXCEL_EN = ("name,region,industry,employees,created\n"
            "武汉江城软件有限公司,central,it,1200,2026-01-05\n")


def test_export_encodings(db, tmp_path):
    db.insert("customer", name="华中精密机械有限公司", region="central")
    text = db.export_csv("customer")
    assert isinstance(text, str) and not text.startswith("\ufeff")
    assert db.export_csv("customer", encoding="utf-8-bom") == b"\xef\xbb\xbf" + text.encode("utf-8")
    gbk = db.export_csv("customer", encoding="gbk")
    assert gbk == text.encode("gbk") and b"\xbb\xaa\xd6\xd0" in gbk  # 华中 in GBK
    path = tmp_path / "c.csv"
    db.export_csv("customer", path=path)  # a file: UTF-8 with the mark by default
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")
    db.export_csv("customer", path=path, encoding="gbk")
    assert path.read_bytes() == gbk
    with pytest.raises(ValueError):
        db.export_csv("customer", encoding="latin1")

    # a character GBK lacks: Invalid naming row and column; the file keeps its bytes
    db.insert("customer", name="笑脸😀贸易")
    with pytest.raises(kiscrm.Invalid, match=r"row 2 \(line 3\), column 'name'.*U\+1F600"):
        db.export_csv("customer", path=path, encoding="gbk")
    assert path.read_bytes() == gbk


def test_table_to_csv_encodings(db, tmp_path):
    t = db.report("funnel", as_of=datetime.date(2026, 1, 5))
    text = t.to_csv(lang="zh")
    assert isinstance(text, str)
    assert t.to_csv(lang="zh", encoding="gbk") == text.encode("gbk")
    assert t.to_csv(lang="zh", encoding="utf-8-bom") == b"\xef\xbb\xbf" + text.encode("utf-8")
    path = tmp_path / "funnel.csv"
    assert t.to_csv(lang="zh", path=path) is None
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")
    assert os.listdir(tmp_path) == ["funnel.csv"]  # no temporary file left


def test_chinese_excel_file_imports_as_its_english_twin(db):
    with kiscrm.Database(backend="memory", today=datetime.date(2026, 1, 5)) as twin:
        assert twin.import_csv("customer", data=EXCEL_EN) == 1
        assert db.import_csv("customer", data=EXCEL_ZH.encode("gbk"), encoding="gbk") == 1
        assert db.export_csv("customer") == twin.export_csv("customer")
    c = db.get("customer", 1)
    assert (c.region, c.industry, c.employees) == ("central", "it", 1200)


def test_unlisted_values(db):
    data = "name,region\n火星贸易,火星\n"
    with pytest.raises(kiscrm.CsvImportError) as e:
        db.import_csv("customer", data=data, name="mars.csv")
    assert e.value.errors[0]["row"] == 2 and e.value.errors[0]["value"] == "火星"
    assert e.value.errors[0]["severity"] == "error"
    with pytest.warns(kiscrm.UnlistedValueWarning, match="火星"):
        assert db.import_csv("customer", data=data, warn_unlisted=True) == 1
    assert db.get("customer", 1).region == "火星"


def test_field_labels_name_real_fields():
    """labels.yaml `fields:` labels name kinds and columns that exist (the configuration
    knows no kinds, so this is where a misspelt field name is caught)."""
    yaml = pytest.importorskip("yaml")
    L = kiscrm._lib.lib()
    path = os.path.join(os.path.dirname(__file__), "..", "..", "data", "labels.yaml")
    with open(path, encoding="utf-8") as f:
        fields = yaml.safe_load(f)["fields"]
    for kind, columns in fields.items():
        k = L.kiscrm_kind_find(kind.encode())
        assert k > 0, kind
        for col in columns:
            ok = L.kiscrm_kind_field_find(k, col.encode()) >= 0 or \
                L.kiscrm_kind_field_find(k, (col + "_id").encode()) >= 0
            assert ok, "%s.%s" % (kind, col)
