"""Loading the library, version checks and the prototype table."""

import ctypes
import os
import re

import pytest

import kiscrm
from kiscrm import _lib

HEADERS = os.path.join(os.path.dirname(__file__), "..", "..", "include", "kiscrm")


def test_version_matches_bindings():
    major, minor, patch = kiscrm.version()
    assert (major, minor) == kiscrm.EXPECTED_VERSION
    assert kiscrm.version_string() == "%d.%d.%d" % (major, minor, patch)
    assert kiscrm.schema_version() >= 1
    assert os.path.exists(kiscrm.library_path()) or "libkiscrm" in kiscrm.library_path()


def test_every_public_function_has_a_prototype():
    """Every KISCRM_API function of the headers is in the one prototype table, with a
    restype set for every function that returns something."""
    declared = set()
    for root, _, files in os.walk(HEADERS):
        for f in files:
            if f.endswith(".h"):
                text = re.sub(r"/\*.*?\*/", "", open(os.path.join(root, f), encoding="utf-8").read(),
                              flags=re.S)
                for m in re.finditer(r"KISCRM_API\s+([^;]*?)\(", text, flags=re.S):
                    name = m.group(1).split()[-1].lstrip("*")
                    if name.startswith("kiscrm_"):
                        declared.add(name)
    assert len(declared) > 200
    table = {name: (argtypes, restype) for name, argtypes, restype, _ in _lib.FUNCTIONS}
    assert declared - set(table) == set()
    for name, (argtypes, restype) in table.items():
        assert isinstance(argtypes, list), name
        fn = getattr(_lib.lib(), name)
        assert fn.restype is restype, name


def test_pointer_results_are_not_truncated():
    # A c_void_p subclass restype keeps the whole 64-bit pointer.
    with kiscrm.Database(backend="memory") as db:
        cfg = _lib.lib().kiscrm_db_config(db._ptr)
        assert isinstance(cfg, _lib.ConfigP)
        assert cfg.value == _lib.lib().kiscrm_db_config(db._ptr).value
        assert db.config.currency_decimals == 2


@pytest.fixture
def fresh_library():
    """Lets a test reload the library; restores the normal state afterwards."""
    _lib.reset()
    yield
    _lib.reset()  # the next use loads the real library again, lazily


def test_version_mismatch_is_detected(monkeypatch, fresh_library):
    monkeypatch.setattr(_lib, "EXPECTED_VERSION", (9, 3))
    with pytest.raises(kiscrm.KiscrmVersionError) as e:
        kiscrm.Database(backend="memory")
    assert "9.3" in str(e.value)
    assert "does not match" in str(e.value)
    assert isinstance(e.value, kiscrm.KiscrmError)


def test_minor_version_mismatch_is_detected(monkeypatch, fresh_library):
    major, minor, _ = kiscrm.version()
    _lib.reset()
    monkeypatch.setattr(_lib, "EXPECTED_VERSION", (major, minor + 1))
    with pytest.raises(kiscrm.KiscrmVersionError):
        kiscrm.version()


def test_missing_symbol_is_detected(monkeypatch, fresh_library):
    fake = _lib.FUNCTIONS + [("kiscrm_function_from_the_future", [], ctypes.c_int, None)]
    monkeypatch.setattr(_lib, "FUNCTIONS", fake)
    with pytest.raises(kiscrm.KiscrmVersionError) as e:
        kiscrm.reports()
    assert "kiscrm_function_from_the_future" in str(e.value)


def test_library_not_found(monkeypatch, fresh_library, tmp_path):
    monkeypatch.setenv("KISCRM_LIBRARY", str(tmp_path / "nothing.so"))
    with pytest.raises(kiscrm.LibraryNotFound) as e:
        kiscrm.version()
    assert "nothing.so" in str(e.value)
    assert "KISCRM_LIBRARY" in str(e.value)


def test_not_libkiscrm(monkeypatch, fresh_library):
    import ctypes.util
    libc = ctypes.util.find_library("c")
    monkeypatch.setenv("KISCRM_LIBRARY", libc)
    with pytest.raises(kiscrm.KiscrmVersionError):
        kiscrm.version()


def test_reports_list():
    names = dict(kiscrm.reports())
    assert "win-rate" in names and "funnel" in names and "gap" in names
    assert all(desc for desc in names.values())


def test_strerror():
    assert kiscrm.strerror(-2)
    assert kiscrm.strerror(12345) == "unknown error"
