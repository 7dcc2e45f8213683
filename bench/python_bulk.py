"""The Python bindings' bulk path for bench/run: Database.insert_many() of N opportunities
(in one transaction) into a fresh SQLite file, after a small organisation and customer
base. Prints one JSON job object on stdout. Usage: python_bulk.py N [DIR]"""
import datetime
import decimal
import json
import os
import random
import sys
import tempfile
import time

import kiscrm


def main():
    n = int(sys.argv[1])
    rnd = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="kiscrm-pybench-", dir=sys.argv[2] if len(sys.argv) > 2 else None) as d:
        with kiscrm.Database(os.path.join(d, "py.db")) as db:
            db.insert_many("department", [("Sales Dept %02d" % i,) for i in range(1, 21)], columns=["name"])
            db.insert_many("staff", [("Staff %04d" % s, (s - 1) // 25 + 1, "sales_rep") for s in range(1, 501)],
                           columns=["name", "department_id", "role"])
            ncust = max(100, min(50000, n // 20))
            db.insert_many("customer", [("Customer %06d Trading Co., Ltd." % c,) for c in range(1, ncust + 1)],
                           columns=["name"])
            base = datetime.date(2025, 6, 15)
            lines = ("direct", "distribution", "service")
            products = ("professional", "mini", "standard", "commerce", "new_products")
            sources = ("grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound")
            rows = []
            for i in range(n):
                owner = rnd.randrange(1, 501)
                created = base + datetime.timedelta(days=rnd.randrange(335))
                rows.append(("Opportunity %07d" % (i + 1), rnd.randrange(1, ncust + 1), owner, (owner - 1) // 25 + 1,
                             lines[rnd.randrange(3)], products[rnd.randrange(5)],
                             decimal.Decimal(rnd.randrange(5000, 300000)), created + datetime.timedelta(days=90),
                             "opportunity", sources[rnd.randrange(7)], created))
            cols = ["name", "customer_id", "owner_id", "department_id", "business_line", "product_line",
                    "amount", "expected_close", "stage", "source", "created"]
            t0 = time.perf_counter()
            stored = db.insert_many("opportunity", rows, columns=cols)
            secs = time.perf_counter() - t0
    print(json.dumps({"job": "load_opportunities", "backend": "python", "n": n, "skipped": False,
                      "seconds": secs, "rate": n / secs, "ratio_vs_sqlite": None, "ratio_vs_limit": None,
                      "rows": stored,
                      "note": "Database.insert_many() on SQLite, 1 opportunity + its creation entry each; "
                              "target >= 50000/s"}))


if __name__ == "__main__":
    main()
