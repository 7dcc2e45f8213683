"""Reports as Tables: a hand-computed win-rate scenario, Table API, parents kept alive."""

import datetime
import gc
import json
from decimal import Decimal

import pytest

import kiscrm
from conftest import Org, opp

CLOSE = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone.utc)
WINDOW = dict(from_="2026-01-01", to="2026-07-01")


def scenario(db):
    """张三: A 1000.00 won, B 2500.50 won, C 300.00 lost;
    李四: D 4000.00 lost, E 100.00 still open."""
    org = Org(db)
    for owner, name, amount, stage in [(org.zhang, "A", "1000.00", "won"),
                                       (org.zhang, "B", "2500.50", "won"),
                                       (org.zhang, "C", "300.00", "lost"),
                                       (org.li, "D", "4000.00", "lost"),
                                       (org.li, "E", "100.00", None)]:
        o = opp(db, owner, org.customer, name, amount)
        if stage:
            o.move(stage, at=CLOSE)
    return org


def test_win_rate_by_owner(db):
    scenario(db)
    t = db.report("win-rate", group_by="owner", **WINDOW)
    assert t.name == "win-rate"
    assert t.columns == [("owner", "text"), ("won_count", "int"), ("lost_count", "int"),
                         ("won_amount", "money"), ("win_rate", "rate")]
    rows = {r["owner"]: r for r in t.to_dicts()}
    # 张三: won A + B = 1000.00 + 2500.50 = 3500.50; lost C; rate 2 / (2 + 1) = 0.6667
    z = rows["张三"]
    assert (z["won_count"], z["lost_count"]) == (2, 1)
    assert z["won_amount"] == Decimal("3500.50")
    assert z["win_rate"] == pytest.approx(2 / 3)
    # 李四: won nothing, lost D; rate 0 / (0 + 1) = 0; E is open and not counted
    li = rows["李四"]
    assert (li["won_count"], li["lost_count"], li["won_amount"]) == (0, 1, Decimal("0.00"))
    assert li["win_rate"] == 0.0


def test_column_labels(db):
    scenario(db)
    t = db.report("win-rate", group_by="owner", **WINDOW)
    assert t.labels("zh") == ["负责人", "赢单数", "输单数", "赢单金额", "赢单率"]
    assert t.labels("en") == ["Owner", "Won", "Lost", "Won amount", "Win rate"]
    assert t.to_csv(lang="zh").splitlines()[0] == "负责人,赢单数,输单数,赢单金额,赢单率"
    assert t.to_csv().splitlines()[0] == "owner,won_count,lost_count,won_amount,win_rate"
    assert "赢单金额" in t.to_text(lang="zh")
    with pytest.raises(kiscrm.Invalid):
        t.to_csv(lang="fr")
    assert t.to_csv().splitlines()[0].startswith("owner,")  # a failed call leaves names
    own = kiscrm.Table.build("mine", [("x", "int")])
    assert own.labels("zh") == ["x"]


def test_win_rate_company_total_and_typed_function(db):
    scenario(db)
    # All owners: won 2, lost 2, won amount 3500.50, rate 2 / 4 = 0.5
    t = db.report_win_rate(**WINDOW)
    assert t.rows == [[2, 2, Decimal("3500.50"), 0.5]]
    assert t.row_kinds == ["detail"]


def test_window_excludes_other_closes(db):
    scenario(db)
    t = db.report("win-rate", from_="2026-03-01", to="2026-04-01")
    # No close in March: counts are 0 and the rate is NULL (None).
    assert t.rows == [[0, 0, Decimal("0.00"), None]]


def test_group_by_list_and_string(db):
    scenario(db)
    a = db.report("win-rate", group_by=["department", "owner"], **WINDOW)
    b = db.report("win-rate", by="department,owner", **WINDOW)
    assert a.column_names[:2] == ["department", "owner"]
    assert a.rows == b.rows
    assert {r[1] for r in a.rows} == {"张三", "李四"}
    with pytest.raises(kiscrm.Invalid) as e:
        db.report("win-rate", group_by="colour")
    assert "colour" in e.value.message


def test_unknown_report(db):
    with pytest.raises(kiscrm.NotFound) as e:
        db.report("no-such-report")
    assert "win-rate" in e.value.message  # the message lists the names


def test_bad_report_option(db):
    with pytest.raises(TypeError):
        db.report("win-rate", colour="red")
    with pytest.raises(kiscrm.Invalid):
        db.report("win-rate", period="fortnight")


def test_table_outputs(db):
    scenario(db)
    t = db.report("win-rate", group_by="owner", **WINDOW)
    js = json.loads(t.to_json())
    assert js["columns"][3] == {"name": "won_amount", "type": "money"}
    assert ["张三", 2, 1, "3500.50"] == js["rows"][[r[0] for r in js["rows"]].index("张三")][:4]
    csv = t.to_csv()
    assert csv.splitlines()[0] == "owner,won_count,lost_count,won_amount,win_rate"
    assert "3500.50" in csv
    text = t.to_text()
    assert "3,500.50" in text and "张三" in text
    assert str(t) == text
    assert len(t) == 2 and t[0] == t.rows[0] and list(t) == t.rows
    assert t.column("won_count") in ([2, 0], [0, 2])
    with pytest.raises(KeyError):
        t.column("nope")
    assert "win-rate" in repr(t)


def test_other_reports_run(db):
    scenario(db)
    for name in ("funnel", "win-loss", "structure", "stage-win-rates"):
        t = db.report(name, as_of="2026-03-01", **WINDOW)
        assert isinstance(t, kiscrm.Table)
        assert t.columns
    f = db.report_funnel(as_of="2026-03-01", lang="zh")
    assert f.columns and isinstance(f.rows, list)


def test_gap_with_target(db):
    """Target 2026 contract_amount 10,000.00; 张三's wins A + B = 3,500.50 achieved in Q1;
    E (100.00 at diagnosis 30 %, expected 2026-03-31) weighs 30.00.
    Year window: gap = 10000.00 - 3500.50 - 30.00 = 6469.50."""
    org = scenario(db)
    e = db.find("opportunity", owner_id=org.li, name_contains="E")[0]
    e.move("diagnosis", at=CLOSE)
    db.set_year_target("contract_amount", 2026, Decimal("10000.00"))
    t = db.report("gap", as_of="2026-03-01", period="year")
    row = t.to_dicts()[0]
    assert row["target"] == Decimal("10000.00")
    assert row["achieved"] == Decimal("3500.50")
    assert row["expected"] == Decimal("30.00")
    assert row["gap"] == Decimal("6469.50")
    assert row["pipeline"] == Decimal("100.00")
    hist = db.report_gap(as_of="2026-03-01", period="year", probability_source="historical")
    assert hist.columns == t.columns


def test_table_keeps_database_alive(db):
    scenario(db)
    t = db.report("win-rate", group_by="owner", **WINDOW)
    it = db.records("opportunity")
    rec = db.get("staff", 1)
    del db
    gc.collect()
    assert len(t.to_dicts()) == 2
    assert len(list(it)) == 5  # the iterator's database is still open
    rec.email = "a@b.c"
    rec.save()  # and the record's
    assert not t.db.closed


def test_close_closes_iterators_and_keeps_tables(tmp_path):
    db = kiscrm.Database(backend="memory", today=datetime.date(2026, 1, 5))
    scenario(db)
    t = db.report("win-rate", **WINDOW)
    it = db.records("opportunity")
    db.close()
    assert list(it) == []  # closed with the database, not a crash
    assert t.rows == [[2, 2, Decimal("3500.50"), 0.5]]


def test_build_table():
    t = kiscrm.Table.build("demo", [("name", "text"), ("amount", "money"), ("day", "date"),
                                    ("rate", "rate"), ("n", "int")],
                           [["甲", Decimal("1.50"), datetime.date(2026, 1, 2), 0.25, 3],
                            ("total", ["合计", Decimal("1.50"), None, None, 3])])
    assert t.rows[0] == ["甲", Decimal("1.50"), datetime.date(2026, 1, 2), 0.25, 3]
    assert t.row_kinds == ["detail", "total"]
    assert t.to_csv().splitlines()[1] == "甲,1.50,2026-01-02,0.25,3"


def _money_table():
    return kiscrm.Table.build("demo", [("name", "text"), ("amount", "money")],
                              [["甲", Decimal("1.50")], ["乙", Decimal("0.25")],
                               ("subtotal", ["小计", Decimal("1.75")]),
                               ("total", ["合计", Decimal("1.75")])])


def test_to_dicts_details_only():
    t = _money_table()
    assert len(t.to_dicts()) == 4
    assert t.to_dicts(details_only=True) == [{"name": "甲", "amount": Decimal("1.50")},
                                             {"name": "乙", "amount": Decimal("0.25")}]


def test_to_pandas_money_option_checked_first():
    with pytest.raises(ValueError, match="'decimal' or 'fen'"):
        _money_table().to_pandas(money="float")


def test_to_pandas_without_pandas_says_so():
    try:
        import pandas  # noqa: F401
        pytest.skip("pandas is installed")
    except ImportError:
        pass
    with pytest.raises(ImportError, match="needs pandas"):
        _money_table().to_pandas()


def test_to_pandas_exact_money():
    pytest.importorskip("pandas")
    # More digits than a float holds: exact only as Decimal or integer fen.
    big = Decimal("12345678901234.57")
    t = kiscrm.Table.build("demo", [("name", "text"), ("amount", "money")],
                           [["甲", big], ["乙", None], ("total", ["合计", big])])
    f = t.to_pandas(details_only=True)
    assert list(f.columns) == ["name", "amount"]
    assert f["amount"][0] == big and isinstance(f["amount"][0], Decimal)
    assert f["amount"][1] is None
    fen = t.to_pandas(money="fen")
    assert str(fen["amount"].dtype) == "Int64"
    assert int(fen["amount"][0]) == 1234567890123457
    assert fen["amount"].isna().tolist() == [False, True, False]
    assert list(fen["row_kind"]) == ["detail", "detail", "total"]


def test_qualification_assess_outcomes(db):
    """The default standards, worked by hand from data/qualification.yaml: Zhang is a
    sales_rep (marketing_l2) with marketing 0.45 < 0.5 and other_department 1.2 > 1 —
    slightly below the main bound with reference experience above its own, so the
    experience row is the assessor's (passed 0, outcome QUAL_ASSESSOR); he has no
    successful project, so that row fails; the overall row fails."""
    org = Org(db)
    q = kiscrm.QualStandards.load_dir(None)
    assert q.keys == ["marketing_l2", "sales_manager"]
    db.insert("experience", staff_id=org.zhang, kind="marketing", years=0.45)
    db.insert("experience", staff_id=org.zhang, kind="other_department", years=1.2)
    rows = {r["key"]: r for r in db.qualification_assess(q, "marketing_l2", org.zhang).to_dicts()}
    assert rows["experience"]["passed"] == 0
    assert rows["experience"]["outcome"] == kiscrm.QUAL_ASSESSOR
    assert "评审人决定" in rows["experience"]["reasons"]
    assert rows["successful_project"]["outcome"] == kiscrm.QUAL_FAIL
    assert rows["overall"]["outcome"] == kiscrm.QUAL_FAIL
    assert rows["overall"]["reasons"].endswith("assessor decides: experience")
    assert kiscrm.QUAL_OUTCOMES[kiscrm.QUAL_PASS] == "pass"


def test_keep_memory(db):
    """Whatever working memory the handle keeps, a report gives the same table: 张三's
    win rate is 2 / 3 with nothing kept, and again after the limit is raised."""
    scenario(db)
    db.keep_memory(0)
    first = db.report("win-rate", group_by="owner", **WINDOW).to_dicts()
    db.keep_memory(64 * 1024 * 1024)
    again = db.report("win-rate", group_by="owner", **WINDOW).to_dicts()
    assert first == again
    assert {r["owner"]: r["win_rate"] for r in first}["张三"] == pytest.approx(2 / 3)
    for bad in (-1, 1.5, "1", True):
        with pytest.raises(kiscrm.Invalid):
            db.keep_memory(bad)
