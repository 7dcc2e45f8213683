"""Fixtures of the Python binding tests.

Run with: KISCRM_LIBRARY=build/src/libkiscrm.so PYTHONPATH=bindings/python \
          /usr/bin/python3 -m pytest tests/python
(without KISCRM_LIBRARY the bindings look for build/src/libkiscrm.so).
"""

import datetime
import os
import sys
from decimal import Decimal

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))

import kiscrm  # noqa: E402

# The business date of the test databases: results never depend on the day the tests run.
TODAY = datetime.date(2026, 1, 5)


@pytest.fixture(params=["memory", "sqlite"])
def db(request):
    """An empty database on each backend (sqlite: a private in-memory database)."""
    with kiscrm.Database(backend=request.param, today=TODAY) as d:
        yield d


class Org:
    """A department with two sales reps and one customer."""

    def __init__(self, db):
        self.dept = db.insert("department", name="销售一部", code="S1")
        self.zhang = db.insert("staff", name="张三", department_id=self.dept, role="sales_rep")
        self.li = db.insert("staff", name="李四", department_id=self.dept, role="sales_rep")
        self.customer = db.insert("customer", name="北京甲科技有限公司", region="north",
                                  industry="manufacturing")


@pytest.fixture
def org(db):
    return Org(db)


def opp(db, owner, customer, name, amount, stage="opportunity"):
    return db.insert("opportunity", name=name, owner_id=owner, customer_id=customer,
                     stage=stage, amount=Decimal(amount),
                     expected_close=datetime.date(2026, 3, 31))
