"""The Python package installs and finds an installed library (no environment variables).

The library under test is installed with `meson install` — the build meson is testing,
not a second one, so the test takes seconds, not a rebuild. A test must not write to
/usr/local, and a prefix cannot be changed after `meson setup`, so it is staged the way
packagers do: `meson install --destdir ROOT` puts every file where `meson install` puts
it, below ROOT (ROOT/usr/local/lib/x86_64-linux-gnu/libkiscrm.so.1 on Debian). The
library holds no path of its prefix, so a staged prefix is a working one.

Then, in fresh venvs, `pip install --no-build-isolation --no-index` of a copy of
bindings/python — offline: the venv's setuptools, and setup.py takes `wheel` from Debian's
python3-wheel-whl — and `import kiscrm` must work with KISCRM_LIBRARY, LD_LIBRARY_PATH and
PYTHONPATH unset, in both ways an installed library is found:

  A. the venv IS the prefix: created at ROOT/<prefix>, so that the library sits in
     <venv>/lib/<multiarch>, Debian's libdir — `meson install --prefix "$VIRTUAL_ENV"`;
  B. the library is in another prefix that pkg-config knew when the package was built
     (PKG_CONFIG_PATH at install time only; nothing at import time).

Each venv opens a database, stores a customer with a Chinese name and reads it back. The
places a test cannot install to (/usr/local, /usr) are covered by test_search.py.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BINDINGS = os.path.join(ROOT, "bindings", "python")

PROBE = r"""
import kiscrm, sys
assert kiscrm.__file__.startswith(sys.prefix), kiscrm.__file__
with kiscrm.Database(backend="memory", today=False) as db:
    cid = db.insert("customer", name="深圳市金桥软件有限公司")
    assert db.get("customer", cid)["name"] == "深圳市金桥软件有限公司"
print(kiscrm.library_path(), kiscrm.version_string())
"""


def clean_env(**extra):
    """The environment of a user who set nothing: no library path, no package path, no
    pkg-config path, no pip wheel directory of this machine (PIP_FIND_LINKS)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KISCRM_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH", "PKG_CONFIG_PATH",
                        "PKG_CONFIG_LIBDIR", "VIRTUAL_ENV", "PYTHONHOME", "PIP_FIND_LINKS",
                        "DESTDIR")}
    env.update(extra)
    return env


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert res.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(cmd), res.stdout, res.stderr)
    return res.stdout


def build_dir():
    """The meson build under test: KISCRM_BUILD_DIR (tests/python/meson.build sets it), else
    the one holding KISCRM_LIBRARY (BUILD/src/libkiscrm.so), else ./build."""
    d = os.environ.get("KISCRM_BUILD_DIR")
    if not d and os.environ.get("KISCRM_LIBRARY"):
        d = os.path.dirname(os.path.dirname(os.path.abspath(os.environ["KISCRM_LIBRARY"])))
    d = d or os.path.join(ROOT, "build")
    if not os.path.isfile(os.path.join(d, "meson-private", "install.dat")):
        pytest.skip("no meson build directory to install from (KISCRM_BUILD_DIR)")
    return d


def make_venv(path):
    res = subprocess.run([sys.executable, "-m", "venv", path], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip("python3 -m venv does not work here (Debian: python3-venv): " + res.stderr)
    return os.path.join(path, "bin", "python")


def pip_install(python, src, env):
    run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index", src],
        env=env, cwd="/")


def installed_files(python):
    out = run([python, "-c", "import kiscrm, os; print(os.path.dirname(kiscrm.__file__))"],
              env=clean_env(), cwd="/")
    return sorted(os.listdir(out.strip()))


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    if not shutil.which("meson") or not shutil.which("pkg-config"):
        pytest.skip("meson and pkg-config are needed to install the library")
    build = build_dir()
    tmp = tmp_path_factory.mktemp("install")
    root = str(tmp / "root")
    run(["meson", "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", root],
        env=clean_env())
    opts = {o["name"]: o["value"] for o in json.loads(
        run(["meson", "introspect", build, "--buildoptions"], env=clean_env()))}
    prefix = os.path.join(root, opts["prefix"].lstrip("/"))
    libdir = opts["libdir"]
    libdir = (os.path.join(root, libdir.lstrip("/")) if os.path.isabs(libdir)
              else os.path.join(prefix, libdir))
    assert os.path.exists(os.path.join(libdir, "libkiscrm.so.1")), libdir
    assert os.path.exists(os.path.join(libdir, "pkgconfig", "libkiscrm.pc")), libdir
    # pip builds in the source directory (setuptools' build/, *.egg-info): use a copy, so
    # that the tree stays clean and parallel runs do not share a build directory.
    src = str(tmp / "bindings")
    shutil.copytree(BINDINGS, src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", "_install_paths.py"))
    # An empty pkg-config search path: the system's own .pc files (a libkiscrm installed on
    # this machine) must not decide what these tests find.
    no_pc = str(tmp / "no-pkgconfig")
    os.mkdir(no_pc)
    return tmp, prefix, libdir, src, no_pc


def test_venv_is_the_prefix(staged):
    tmp, prefix, libdir, src, no_pc = staged
    python = make_venv(prefix)
    pip_install(python, src, clean_env(PKG_CONFIG_LIBDIR=no_pc))
    out = run([python, "-c", PROBE], env=clean_env(), cwd="/")
    assert out.split()[0] == os.path.join(libdir, "libkiscrm.so.1"), out
    assert "py.typed" in installed_files(python)
    # KISCRM_LIBRARY overrides: a wrong path is an error, not a quiet fall-back.
    res = subprocess.run([python, "-c", "import kiscrm; kiscrm.version()"], capture_output=True,
                         text=True, env=clean_env(KISCRM_LIBRARY="/nonexistent/libkiscrm.so"),
                         cwd="/")
    assert res.returncode != 0 and "/nonexistent/libkiscrm.so" in res.stderr, res.stderr


def test_prefix_found_by_pkg_config_at_build_time(staged):
    tmp, prefix, libdir, src, no_pc = staged
    python = make_venv(str(tmp / "venv-b"))
    pip_install(python, src, clean_env(PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig"),
                                       PKG_CONFIG_LIBDIR=no_pc))
    out = run([python, "-c", PROBE], env=clean_env(), cwd="/")
    assert out.split()[0] == os.path.join(libdir, "libkiscrm.so.1"), out


def test_without_the_library_a_clear_error_then_the_variable(staged):
    tmp, prefix, libdir, src, no_pc = staged
    python = make_venv(str(tmp / "venv-c"))
    pip_install(python, src, clean_env(PKG_CONFIG_LIBDIR=no_pc))
    res = subprocess.run([python, "-c", "import kiscrm; kiscrm.version()"],
                         capture_output=True, text=True, env=clean_env(), cwd="/")
    if res.returncode == 0:
        pytest.skip("a libkiscrm is installed system-wide on this machine")
    assert "libkiscrm not found" in res.stderr and "KISCRM_LIBRARY" in res.stderr, res.stderr
    # The last resort for a library in no searched place: the variable.
    lib = os.path.join(libdir, "libkiscrm.so.1")
    out = run([python, "-c", PROBE], env=clean_env(KISCRM_LIBRARY=lib), cwd="/")
    assert out.split()[0] == lib, out
