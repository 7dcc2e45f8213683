"""Build step of the kiscrm package (metadata: pyproject.toml).

1. Records where pkg-config finds libkiscrm at build time in kiscrm/_install_paths.py,
   so that the installed package finds a library installed in any prefix without
   environment variables at import time (kiscrm/_lib.py has the whole search order):
   - the directory above the one holding libkiscrm.pc (``pcfiledir``): lib/<multiarch>
     for lib/<multiarch>/pkgconfig. It is where the files really are even when the prefix
     was staged with DESTDIR, copied or moved after `meson install`;
   - ``libdir`` as the .pc file states it (the prefix given to meson).
   Each is tried only if the library is there. Nothing is recorded without pkg-config or
   the .pc file (PKG_CONFIG_PATH is honoured); the package then searches the standard
   places.
2. Builds wheels offline on Debian 12: its setuptools (66) needs the `wheel` package for
   that, which a fresh venv lacks and `pip install --no-index` cannot fetch. Debian ships
   it as /usr/share/python-wheels/wheel-*.whl (python3-wheel-whl); a wheel is a zip that
   Python imports from, so that file is used when `wheel` is not installed.
"""

import glob
import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGE = "libkiscrm"
DEBIAN_WHEELS = "/usr/share/python-wheels"


def pkg_config_variable(name):
    try:
        out = subprocess.run(["pkg-config", "--variable=" + name, PACKAGE],
                             capture_output=True, text=True, check=False)
    except OSError:
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value else None


def recorded_libdirs():
    dirs = []
    pcfiledir = pkg_config_variable("pcfiledir")
    if pcfiledir:
        dirs.append(os.path.dirname(os.path.normpath(pcfiledir)))
    libdir = pkg_config_variable("libdir")
    if libdir:
        dirs.append(os.path.normpath(libdir))
    return list(dict.fromkeys(dirs))


class BuildWithPaths(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "kiscrm", "_install_paths.py")
        with open(target, "w", encoding="utf-8") as f:
            f.write('"""Written by setup.py at build time: where pkg-config found libkiscrm."""\n')
            f.write("LIBDIRS = %r\n" % (recorded_libdirs(),))


def bdist_wheel_command():
    """The bdist_wheel command: setuptools' own (70.1 and later), the `wheel` package's,
    or the one in Debian's wheel-*.whl; None leaves setuptools to report it missing."""
    try:
        from setuptools.command.bdist_wheel import bdist_wheel
        return bdist_wheel
    except ImportError:
        pass
    try:
        from wheel.bdist_wheel import bdist_wheel
        return bdist_wheel
    except ImportError:
        pass
    for whl in sorted(glob.glob(os.path.join(DEBIAN_WHEELS, "wheel-*.whl")), reverse=True):
        sys.path.append(whl)
        try:
            from wheel.bdist_wheel import bdist_wheel
            return bdist_wheel
        except ImportError:
            sys.path.remove(whl)
    return None


commands = {"build_py": BuildWithPaths}
bdist_wheel = bdist_wheel_command()
if bdist_wheel is not None:
    commands["bdist_wheel"] = bdist_wheel

setup(cmdclass=commands)
