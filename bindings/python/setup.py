"""Installs the pure-Python kiscrm bindings: ``pip install ./bindings/python``.

Deliberately a plain setup.py without pyproject.toml, so that pip builds it with the
setuptools already installed (Debian's python3-setuptools) and needs no network.
"""

from setuptools import setup

setup(
    name="kiscrm",
    version="0.2.0",
    description="Python bindings (ctypes) for libkiscrm, a CRM / sales-management library",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="MIT",
    packages=["kiscrm"],
    python_requires=">=3.7",
    classifiers=[
        "Programming Language :: Python :: 3",
        "License :: OSI Approved :: MIT License",
        "Natural Language :: Chinese (Simplified)",
    ],
)
