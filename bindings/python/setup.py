"""Build step of the kiscrm package (metadata: pyproject.toml).

At build time, records the library directory that pkg-config reports for libkiscrm
(`pkg-config --variable=libdir libkiscrm`, honouring PKG_CONFIG_PATH) in
kiscrm/_install_paths.py, so that an installed package finds a library installed in any
prefix. Nothing is recorded when pkg-config or the .pc file is missing; the package then
searches the standard places at import time.
"""

import os
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py


def pkg_config_libdir():
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "libkiscrm"],
                             capture_output=True, text=True, check=False)
    except OSError:
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


class BuildWithPaths(build_py):
    def run(self):
        super().run()
        libdir = pkg_config_libdir()
        target = os.path.join(self.build_lib, "kiscrm", "_install_paths.py")
        with open(target, "w", encoding="utf-8") as f:
            f.write('"""Written by setup.py at build time: where pkg-config found libkiscrm."""\n')
            f.write("LIBDIRS = %r\n" % ([libdir] if libdir else []))


setup(cmdclass={"build_py": BuildWithPaths})
