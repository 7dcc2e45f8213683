"""Where the bindings look for libkiscrm (kiscrm/_lib.py), tested on fake prefixes.

test_install.py installs for real into fresh venvs; these tests cover the places a test
cannot write to (/usr/local, /usr) by pointing the search at temporary prefixes holding a
copy of the library just built, and check the order: KISCRM_LIBRARY overrides, the
package's own places come before the dynamic loader, the standard prefixes after it.
"""
import ctypes.util
import os
import shutil
import sys
import sysconfig

import pytest

import kiscrm
from kiscrm import _lib

SONAME = "libkiscrm.so.1"


@pytest.fixture
def built():
    """Path of the library under test (the one KISCRM_LIBRARY or the build tree gives)."""
    return kiscrm.library_path()


@pytest.fixture
def searching(monkeypatch, built):
    """The installed-package situation: no KISCRM_LIBRARY, no source tree, nothing
    recorded at build time, no prefix of the running Python, no standard prefix; and the
    dynamic loader finds nothing (a missing soname). Each test adds one place."""
    monkeypatch.delenv("KISCRM_LIBRARY", raising=False)
    monkeypatch.setattr(_lib, "_source_tree_library", lambda: None)
    monkeypatch.setattr(_lib, "_recorded_libdirs", lambda: [])
    monkeypatch.setattr(sys, "prefix", "/usr")
    monkeypatch.setattr(sys, "base_prefix", "/usr")
    monkeypatch.setattr(_lib, "STANDARD_PREFIXES", ())
    monkeypatch.setattr(_lib, "SOVERSION", 999)  # libkiscrm.so.999: not in the loader's cache
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    _lib.reset()
    yield
    _lib.reset()  # monkeypatch undoes the rest before the next test loads the real library


def fake_prefix(tmp_path, built, libdir, name="prefix"):
    """A prefix with the built library at PREFIX/LIBDIR/libkiscrm.so.999."""
    prefix = tmp_path / name
    d = prefix / libdir
    d.mkdir(parents=True)
    shutil.copy(built, d / "libkiscrm.so.999")
    return str(prefix), str(d / "libkiscrm.so.999")


def multiarch_libdir():
    m = sysconfig.get_config_var("MULTIARCH")
    return os.path.join("lib", m) if m else "lib"


def test_nothing_found_lists_the_places(searching):
    with pytest.raises(kiscrm.LibraryNotFound) as e:
        kiscrm.version()
    msg = str(e.value)
    assert "libkiscrm not found" in msg and "KISCRM_LIBRARY" in msg
    assert "libkiscrm.so.999" in msg and "doc/install.md" in msg


@pytest.mark.parametrize("libdir", [multiarch_libdir(), "lib64", "lib"])
def test_venv_prefix(searching, monkeypatch, tmp_path, built, libdir):
    """`meson install --prefix "$VIRTUAL_ENV"`: Debian's multiarch libdir, lib64, lib."""
    prefix, path = fake_prefix(tmp_path, built, libdir)
    monkeypatch.setattr(sys, "prefix", prefix)
    assert kiscrm.version()[:2] == _lib.EXPECTED_VERSION
    assert kiscrm.library_path() == path


def test_standard_prefix_after_the_loader(searching, monkeypatch, tmp_path, built):
    """/usr/local without `ldconfig`: found in the standard prefixes, searched last."""
    prefix, path = fake_prefix(tmp_path, built, multiarch_libdir())
    monkeypatch.setattr(_lib, "STANDARD_PREFIXES", (prefix,))
    assert _lib.candidates().index(path) > _lib.candidates().index("libkiscrm.so.999")
    kiscrm.version()
    assert kiscrm.library_path() == path


def test_recorded_at_build_time_first(searching, monkeypatch, tmp_path, built):
    """The directory pkg-config gave when the package was built beats the venv's prefix
    and the standard ones: it is the library the user pointed pip at."""
    rec, rec_path = fake_prefix(tmp_path, built, "lib", "recorded")
    venv, venv_path = fake_prefix(tmp_path, built, "lib", "venv")
    std, std_path = fake_prefix(tmp_path, built, "lib", "usr-local")
    monkeypatch.setattr(_lib, "_recorded_libdirs", lambda: [os.path.join(rec, "lib")])
    monkeypatch.setattr(sys, "prefix", venv)
    monkeypatch.setattr(_lib, "STANDARD_PREFIXES", (std,))
    c = _lib.candidates()
    assert c.index(rec_path) < c.index(venv_path) < c.index(std_path)
    kiscrm.version()
    assert kiscrm.library_path() == rec_path


def test_recorded_directory_missing_is_passed_over(searching, monkeypatch, tmp_path, built):
    """A recorded prefix removed since (or a .pc file's libdir of a staged install):
    the search goes on."""
    venv, venv_path = fake_prefix(tmp_path, built, "lib", "venv")
    monkeypatch.setattr(_lib, "_recorded_libdirs", lambda: [str(tmp_path / "gone" / "lib")])
    monkeypatch.setattr(sys, "prefix", venv)
    kiscrm.version()
    assert kiscrm.library_path() == venv_path


def test_environment_variable_overrides(searching, monkeypatch, tmp_path, built):
    """KISCRM_LIBRARY wins over an installed copy, and only it is tried: a wrong path
    fails instead of silently loading the installed library."""
    venv, venv_path = fake_prefix(tmp_path, built, "lib", "venv")
    monkeypatch.setattr(sys, "prefix", venv)
    other = tmp_path / "elsewhere" / "libkiscrm.so"
    other.parent.mkdir()
    shutil.copy(built, other)
    monkeypatch.setenv("KISCRM_LIBRARY", str(other))
    assert _lib.candidates() == [str(other)]
    kiscrm.version()
    assert kiscrm.library_path() == str(other)
    _lib.reset()
    monkeypatch.setenv("KISCRM_LIBRARY", str(tmp_path / "typo.so"))
    with pytest.raises(kiscrm.LibraryNotFound, match="typo.so"):
        kiscrm.version()


def test_a_library_that_does_not_match_is_passed_over(searching, monkeypatch, built):
    """The first file that loads is not libkiscrm (or another minor version): the next
    candidate that matches is used; with none, the version error is what is raised."""
    libc = ctypes.util.find_library("c") or "libc.so.6"
    monkeypatch.setattr(_lib, "_candidates", lambda: iter([libc, built]))
    kiscrm.version()
    assert kiscrm.library_path() == built
    _lib.reset()
    monkeypatch.setattr(_lib, "_candidates", lambda: iter([libc]))
    with pytest.raises(kiscrm.KiscrmVersionError):
        kiscrm.version()


def test_source_tree_only_in_a_checkout():
    """build/src of a checkout while developing; an installed package has no checkout
    three levels up, so no stray build/ there is picked up."""
    tree = _lib._source_tree_library()
    here = os.path.dirname(os.path.abspath(_lib.__file__))
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    if os.path.isfile(os.path.join(root, "include", "kiscrm.h")):
        assert tree == os.path.join(root, "build", "src", "libkiscrm.so")
    else:
        assert tree is None


def test_search_dirs_standard_layouts(monkeypatch):
    monkeypatch.setattr(_lib, "_recorded_libdirs", lambda: [])
    monkeypatch.setattr(sys, "prefix", "/opt/venv")
    monkeypatch.setattr(sys, "base_prefix", "/usr")
    d = _lib.search_dirs()
    m = sysconfig.get_config_var("MULTIARCH")
    if m:
        assert d[:3] == ["/opt/venv/lib/" + m, "/opt/venv/lib64", "/opt/venv/lib"]
        assert "/usr/local/lib/" + m in d and "/usr/lib/" + m in d
    assert d.index("/opt/venv/lib") < d.index("/usr/local/lib") < d.index("/usr/lib")
