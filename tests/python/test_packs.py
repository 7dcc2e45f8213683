"""Meeting packs from Python: the same document as the C library builds, its renderings,
and the XLSX workbook read back cell by cell (python3-openpyxl)."""

import datetime
from decimal import Decimal

import pytest

import kiscrm
from conftest import TODAY, Org

LAST_WEEK = datetime.datetime(2025, 12, 30, 9, 0, tzinfo=datetime.timezone.utc)


def scenario(db):
    """As of Monday 2026-01-05: 张三 won A (1,000.00) and lost C (300.00) last week; contract
    HT-1 of 80,000.00 with an instalment of 80,000.00 due 2025-12-01 of which 20,000.00 was
    received: 60,000.00 receivable, all of it overdue."""
    org = Org(db)
    for name, amount, outcome in (("A", "1000.00", "won"), ("C", "300.00", "lost")):
        db.insert("opportunity", name=name, owner_id=org.zhang, customer_id=org.customer,
                  stage="opportunity", amount=Decimal(amount), created=datetime.date(2025, 12, 1),
                  expected_close=datetime.date(2026, 3, 31)).move(outcome, at=LAST_WEEK)
    c = db.insert("contract", number="HT-1", customer_id=org.customer, owner_id=org.zhang,
                  signed=datetime.date(2025, 11, 1), amount=Decimal("80000.00"))
    db.insert("collection_plan", contract_id=c, due=datetime.date(2025, 12, 1), amount=Decimal("80000.00"))
    db.insert("collection", contract_id=c, received=datetime.date(2025, 12, 10), amount=Decimal("20000.00"))
    return org


def section(doc, prefix):
    for s in doc.sections:
        if s.title.startswith(prefix):
            return s
    raise AssertionError("no section " + prefix)


def test_weekly_pack(db):
    scenario(db)
    doc = db.pack("weekly", as_of=TODAY, lang="zh")
    assert doc.title == "周例会 · 2026 年第 2 周"
    s = section(doc, "上周赢单与输单（2025-12-29 至 2026-01-04）")
    assert [r[0] for r in s.table.rows] == ["赢单", "输单"]
    assert s.notes == ["赢单 1 个，1,000.00 元；输单 1 个，300.00 元"]
    s = section(doc, "逾期金额最大的合同")
    row = s.table.to_dicts()[0]
    assert row["合同号"] == "HT-1" and row["应收"] == Decimal("60000.00") and row["逾期"] == Decimal("60000.00")
    gap = section(doc, "本季度目标缺口")
    assert gap.chart is None or gap.chart.kind == "hbar"
    weeks = section(doc, "未来八周")
    assert weeks.chart.kind == "bar" and weeks.chart.lines == [False, False, True, True]
    assert "gap" in weeks.formats
    # the renderings are the library's
    text = doc.render("text")
    assert "■ 逾期金额最大的合同" in text and all(kiscrm.utf8_width(l) <= 120 for l in text.splitlines())
    assert db.pack("weekly", format="html", as_of=TODAY, lang="zh") == doc.render("html")
    assert "HT-1,北京甲科技有限公司,张三,2025-11-01,60000.00,60000.00" in doc.render("csv")


def test_unknown_pack_and_format(db):
    with pytest.raises(kiscrm.NotFound):
        db.pack("daily", as_of=TODAY)
    doc = db.pack("monthly", as_of=TODAY, lang="en")
    assert doc.title == "Monthly review · 2026-01"
    with pytest.raises(kiscrm.Invalid):
        doc.render("xlsx")


def test_xlsx_read_back(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    scenario(db)
    doc = db.pack("weekly", as_of=TODAY, lang="zh")
    path = tmp_path / "pack.xlsx"
    try:
        doc.write(path)
    except kiscrm.NotSupported:
        pytest.skip("this libkiscrm was built without libxlsxwriter")
    assert [p.name for p in tmp_path.iterdir()] == ["pack.xlsx"]  # no temporary file left
    wb = openpyxl.load_workbook(path)
    sections = doc.sections
    assert len(wb.sheetnames) == len(sections)
    i = next(k for k, s in enumerate(sections) if s.title == "逾期金额最大的合同")
    ws = wb[wb.sheetnames[i]]
    assert wb.sheetnames[i] == "%d 逾期金额最大的合同" % (i + 1)
    assert ws["A1"].value == "逾期金额最大的合同"
    assert ws.freeze_panes == "A3"
    assert [c.value for c in ws[2]] == ["合同号", "客户", "负责人", "签约日", "应收", "逾期"]
    row = [c for c in ws[3]]
    assert row[0].value == "HT-1" and row[1].value == "北京甲科技有限公司" and row[2].value == "张三"
    assert row[3].value == datetime.datetime(2025, 11, 1) and row[3].number_format == "yyyy-mm-dd"
    assert row[4].value == 60000 and row[5].value == 60000
    assert row[4].number_format == "#,##0.00"
    # every cell of every table, read back, is the document's value
    for k, s in enumerate(sections):
        if s.table is None or not s.table.rows:
            continue
        ws = wb[wb.sheetnames[k]]
        for r, values in enumerate(s.table.rows):
            for c, v in enumerate(values):
                got = ws.cell(row=3 + r, column=1 + c).value
                if v is None:
                    assert got is None
                elif isinstance(v, Decimal):
                    assert Decimal(str(got)).quantize(Decimal("0.01")) == v, (s.title, r, c)
                elif isinstance(v, datetime.date):
                    assert got.date() == v
                elif isinstance(v, float):
                    assert abs(got - v) < 1e-9
                else:
                    assert got == v, (s.title, r, c, got, v)
    # the percentage and gap formats
    weeks = wb[wb.sheetnames[next(k for k, s in enumerate(sections) if s.title.startswith("未来八周"))]]
    assert weeks.cell(row=2, column=6).value == "签约缺口"
    for r in range(3, 11):
        cell = weeks.cell(row=r, column=6)
        assert cell.value is None or "超额" in cell.number_format
