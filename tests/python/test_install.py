"""The Python package installs and finds an installed library (no environment variables).

The library is built from this source tree and installed with meson into a temporary
prefix, as a user would (`meson setup --prefix P && meson install`). Then, in fresh venvs,
`pip install --no-build-isolation --no-index ./bindings/python` (offline: the venv's own
setuptools, and `wheel` from Debian's python3-wheel-whl, which pip would otherwise
download into its build environment) and `import kiscrm` must work with KISCRM_LIBRARY, LD_LIBRARY_PATH and
PYTHONPATH unset, in both ways a prefix is found:

  A. the venv IS the prefix (libkiscrm in <venv>/lib/<multiarch>, Debian's libdir);
  B. the library is in another prefix that pkg-config knew when the package was built
     (PKG_CONFIG_PATH at install time only; nothing at import time).

Each venv opens a database, stores a customer with a Chinese name and reads it back.
"""
import os
import shutil
import subprocess
import sys
import sysconfig

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
print(kiscrm._lib._PATH if hasattr(kiscrm._lib, "_PATH") else "", kiscrm.version_string())
"""


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("KISCRM_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH", "PKG_CONFIG_PATH",
                        "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(extra)
    return env


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert res.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(cmd), res.stdout, res.stderr)
    return res.stdout


def make_venv(path):
    res = subprocess.run([sys.executable, "-m", "venv", path], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip("python3 -m venv does not work here (Debian: python3-venv): " + res.stderr)
    return os.path.join(path, "bin", "python")


WHEELS = "/usr/share/python-wheels"


def pip_install(python, env):
    if not (os.path.isdir(WHEELS) and any(f.startswith("wheel-") for f in os.listdir(WHEELS))):
        pytest.skip("offline builds need wheel from %s (Debian: python3-wheel-whl)" % WHEELS)
    run([python, "-m", "pip", "install", "-q", "--no-index", "--find-links", WHEELS, "wheel"],
        env=env, cwd="/")
    run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index",
         BINDINGS], env=env, cwd="/")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not shutil.which("meson") or not shutil.which("pkg-config"):
        pytest.skip("meson and pkg-config are needed to install the library")
    tmp = tmp_path_factory.mktemp("install")
    prefix = str(tmp / "venv-a")
    python_a = make_venv(prefix)
    build = str(tmp / "build")
    run(["meson", "setup", build, ROOT, "--prefix=" + prefix, "-Dtests=disabled",
         "-Dexamples=disabled", "-Ddocs=disabled", "-Dbench=disabled", "--buildtype=plain"],
        env=clean_env())
    run(["meson", "install", "-C", build, "--quiet"], env=clean_env())
    multiarch = sysconfig.get_config_var("MULTIARCH")
    libdir = os.path.join(prefix, "lib", multiarch) if multiarch else os.path.join(prefix, "lib")
    if not os.path.exists(os.path.join(libdir, "libkiscrm.so.1")):
        libdir = os.path.join(prefix, "lib")
    assert os.path.exists(os.path.join(libdir, "libkiscrm.so.1")), os.listdir(prefix)
    return tmp, prefix, python_a, libdir


def test_venv_is_the_prefix(installed):
    tmp, prefix, python_a, libdir = installed
    pip_install(python_a, clean_env())
    out = run([python_a, "-c", PROBE], env=clean_env(), cwd="/")
    assert libdir in out and "0.2.0" in out


def test_prefix_found_by_pkg_config_at_build_time(installed):
    tmp, prefix, python_a, libdir = installed
    python_b = make_venv(str(tmp / "venv-b"))
    pip_install(python_b, clean_env(PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig")))
    out = run([python_b, "-c", PROBE], env=clean_env(), cwd="/")
    assert libdir in out and "0.2.0" in out


def test_without_the_library_a_clear_error(installed):
    tmp, prefix, python_a, libdir = installed
    python_c = make_venv(str(tmp / "venv-c"))
    pip_install(python_c, clean_env())
    res = subprocess.run([python_c, "-c", "import kiscrm; kiscrm.version()"],
                         capture_output=True, text=True, env=clean_env(), cwd="/")
    if res.returncode == 0:
        pytest.skip("a libkiscrm is installed system-wide on this machine")
    assert "libkiscrm not found" in res.stderr and "KISCRM_LIBRARY" in res.stderr
