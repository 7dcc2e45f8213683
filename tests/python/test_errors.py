"""Every error code maps to its exception class, carrying the library's message."""

import ctypes
import datetime
import threading
from decimal import Decimal

import pytest

import kiscrm
from kiscrm import _lib

CLASSES = {
    -1: kiscrm.KiscrmError, -2: kiscrm.NotFound, -3: kiscrm.Exists, -4: kiscrm.Invalid,
    -5: kiscrm.ConfigError, -6: kiscrm.Conflict, -7: kiscrm.StorageError, -8: kiscrm.Busy,
    -9: kiscrm.OutOfMemory, -11: kiscrm.KiscrmVersionError, -12: kiscrm.NotSupported,
    -13: kiscrm.Overflow, -14: kiscrm.CsvImportError, -15: kiscrm.UserStop,
}


@pytest.mark.parametrize("code,cls", sorted(CLASSES.items()))
def test_error_class_table(code, cls):
    assert kiscrm.error_class(code) is cls
    assert issubclass(cls, kiscrm.KiscrmError)
    # The message set by the library travels into the exception (backend_error sets it).
    rc = _lib.lib().kiscrm_backend_error(code, b"message of code %d" % code)
    assert rc == code
    exc = _lib.last_error(code)
    assert type(exc) is cls
    assert exc.code == code and exc.message == "message of code %d" % code


def test_import_error_is_not_the_builtin():
    assert not issubclass(kiscrm.CsvImportError, ImportError)
    assert "ImportError" not in kiscrm.__dict__  # `from kiscrm import *` shadows nothing
    # The old name still works, with a DeprecationWarning on every access.
    with pytest.warns(DeprecationWarning, match="CsvImportError"):
        assert kiscrm.ImportError is kiscrm.CsvImportError
    with pytest.warns(DeprecationWarning):
        assert kiscrm.errors.ImportError is kiscrm.CsvImportError
    with pytest.raises(AttributeError):
        kiscrm.NoSuchError  # noqa: B018


def test_python_hierarchy():
    assert issubclass(kiscrm.NotFound, LookupError)
    assert issubclass(kiscrm.Invalid, ValueError)
    assert issubclass(kiscrm.Overflow, OverflowError)


def test_not_found(db):
    with pytest.raises(kiscrm.NotFound) as e:
        db.get("customer", 4242)
    assert e.value.code == -2
    assert "4242" in e.value.message


def test_invalid_missing_required_field(db, org):
    with pytest.raises(kiscrm.Invalid) as e:
        db.insert("opportunity", owner_id=org.zhang, stage="opportunity")
    assert "name" in e.value.message


def test_invalid_money_decimals():
    with pytest.raises(kiscrm.Invalid) as e:
        kiscrm.Record("opportunity", amount=Decimal("1.005"))
    assert "1.005" in e.value.message


def test_money_float_refused():
    with pytest.raises(TypeError):
        kiscrm.Record("opportunity", amount=12.5)


def test_overflow():
    with pytest.raises(kiscrm.Overflow):
        kiscrm.Record("opportunity", amount=Decimal("1e30"))
    with pytest.raises(kiscrm.Overflow):
        kiscrm.parse_money("99999999999999999999")


def test_exists(db):
    # A table cannot have two columns of one name.
    with pytest.raises(kiscrm.Exists) as e:
        kiscrm.Table.build("t", [("a", "int"), ("a", "text")])
    assert "a" in e.value.message


def test_conflict_delete_referenced(db, org):
    with pytest.raises(kiscrm.Conflict) as e:
        db.delete("department", org.dept.id)
    assert e.value.code == -6
    assert "staff" in e.value.message
    o = db.insert("opportunity", name="X", owner_id=org.zhang, customer_id=org.customer,
                  stage="opportunity")
    with pytest.raises(kiscrm.Conflict):
        org.customer.delete()
    org.customer.delete(cascade=True)  # the opportunity is owned by the customer
    with pytest.raises(kiscrm.NotFound):
        db.get("opportunity", o.id)


def test_conflict_move_to_current_stage(db, org):
    o = db.insert("opportunity", name="X", owner_id=org.zhang, stage="opportunity")
    with pytest.raises(kiscrm.Conflict):
        o.move("opportunity")


def test_exit_criteria_named(db, org):
    o = db.insert("opportunity", name="X", owner_id=org.zhang, stage="opportunity")
    with pytest.raises(kiscrm.Invalid) as e:
        o.move("design")
    assert "customer_id" in e.value.message


def test_config_error_has_location(tmp_path):
    (tmp_path / "settings.yaml").write_text("calendar:\n  week_start: 9\n", encoding="utf-8")
    with pytest.raises(kiscrm.ConfigError) as e:
        kiscrm.Config.load(tmp_path)
    err = e.value
    assert err.code == -5
    assert err.file and err.file.endswith("settings.yaml")
    assert err.line >= 1
    assert err.message
    assert "settings.yaml" in str(err)


def test_config_dir_missing(tmp_path):
    with pytest.raises(kiscrm.NotFound):
        kiscrm.Config.load(tmp_path / "absent")


def test_storage_error(tmp_path):
    with pytest.raises(kiscrm.StorageError):
        kiscrm.Database(tmp_path / "no" / "such" / "dir" / "x.db")


def test_busy(tmp_path):
    path = tmp_path / "busy.db"
    with kiscrm.Database(path, busy_timeout_ms=50) as a, \
            kiscrm.Database(path, busy_timeout_ms=50) as b:
        a.begin()
        a.insert("department", name="A")
        with pytest.raises(kiscrm.Busy):
            with b.transaction():
                b.insert("department", name="B")
        a.commit()


def test_version_error_from_library():
    o = _lib.ReportOptions()
    with pytest.raises(kiscrm.KiscrmVersionError):
        _lib.lib().kiscrm_report_options_init(ctypes.byref(o), 999)


def test_import_error_lists_rows(db, org):
    data = "name,owner,stage,amount\nA,张三,opportunity,1.00\nB,王五,opportunity,2.00\nC,张三,opportunity,1.234\n"
    with pytest.raises(kiscrm.CsvImportError) as e:
        db.import_csv("opportunity", data=data, name="opps.csv")
    err = e.value
    assert err.code == -14
    rows = [r["row"] for r in err.errors]
    assert rows == [3, 4]
    assert err.errors[0]["value"] == "王五"
    assert err.errors[1]["value"] == "1.234"
    assert err.file == "opps.csv"
    assert db.find("opportunity") == []  # atomic: nothing imported


def test_closed_database_is_an_error():
    db = kiscrm.Database(backend="memory")
    db.close()
    with pytest.raises(kiscrm.Invalid):
        db.get("customer", 1)
    db.close()  # closing twice is harmless


def test_errors_are_per_thread(db):
    seen = []

    def other():
        try:
            kiscrm.parse_date("2026-02-30")
        except kiscrm.Invalid as e:
            seen.append(e.message)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    with pytest.raises(kiscrm.NotFound):
        db.get("staff", 99)
    assert seen and "2026-02-30" in seen[0]


def test_str_of_date_error():
    with pytest.raises(kiscrm.Invalid) as e:
        kiscrm.parse_date("2026-2-3")
    assert "2026-2-3" in str(e.value)
    assert kiscrm.parse_date("2026-02-03") == datetime.date(2026, 2, 3)
