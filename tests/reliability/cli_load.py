"""No busy error reaches a CLI user under load (issue 10, item 2).

While this test holds the database's write lock for longer than the CLI's busy timeout
(5 s), it starts concurrent `kiscrm add`, `move` and `import` processes, plus a bulk
import of BULK opportunities. Every one of them first waits the whole busy timeout and
gets KISCRM_EBUSY; kiscrm_db_transact then reruns its unit of work after a pause, and it
succeeds once the lock is released. Without the retry each would exit 1 with "database
is locked". Afterwards all exited 0, no "locked"/"busy" text was printed, and the totals
are exact, checked with sqlite3 directly:

  customers     = 1 (fixture) + ADDERS + IMPORTED_CUSTOMERS        = 1 + 6 + 50   = 57
  opportunities = MOVERS (fixture) + BULK                          = 4 + 3000     = 3004
  sum(amount)   = MOVERS × 10.00 + BULK × 1.00, in minor units     = 4000 + 300000 = 304000
  in diagnosis  = MOVERS                                           = 4

usage: cli_load.py KISCRM_BINARY
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

ADDERS = 6
MOVERS = 4
IMPORTED_CUSTOMERS = 50
BULK = 3000
HOLD_SECONDS = 5.5  # longer than the CLI's busy timeout of 5 s


def main():
    kiscrm = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "crm.db")

        def run(*args):
            return subprocess.run([kiscrm, "--db", db, *args], capture_output=True, text=True)

        def ok(*args):
            r = run(*args)
            if r.returncode != 0:
                sys.exit("setup failed: kiscrm %s: %s" % (" ".join(args), r.stderr))
            return r.stdout.strip()

        ok("init")
        ok("add", "department", "name=Sales")
        ok("add", "staff", "name=Ann", "department_id=1", "role=department_manager")
        ok("add", "customer", "name=Fixture Co")
        opps = [ok("add", "opportunity", "name=o%d" % i, "owner_id=1", "customer_id=1",
                   "stage=opportunity", "amount=10.00", "created=2026-11-01",
                   "expected_close=2026-12-31")
                for i in range(MOVERS)]

        bulk = os.path.join(d, "bulk.csv")
        with open(bulk, "w", encoding="utf-8") as f:
            f.write("name,owner_id,customer_id,stage,amount,expected_close\n")
            for i in range(BULK):
                f.write("bulk %d,1,1,opportunity,1.00,2026-12-31\n" % i)
        custs = os.path.join(d, "customers.csv")
        with open(custs, "w", encoding="utf-8") as f:
            f.write("name\n")
            for i in range(IMPORTED_CUSTOMERS):
                f.write("导入客户 %d\n" % i)

        holder = sqlite3.connect(db, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")  # other writers now wait, then get busy
        base = [kiscrm, "--db", db]
        cmds = [base + ["add", "customer", "name=Added %d" % i] for i in range(ADDERS)]
        cmds += [base + ["move", o, "diagnosis", "--at", "2026-11-02T10:00:00Z"] for o in opps]
        cmds += [base + ["import", "customer", custs], base + ["import", "opportunity", bulk]]
        procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in cmds]
        time.sleep(HOLD_SECONDS)
        holder.execute("COMMIT")
        holder.close()
        for c, p in zip(cmds, procs):
            out, err = p.communicate(timeout=120)
            if p.returncode != 0 or "locked" in err or "busy" in err.lower():
                failures.append("%s: exit %d: %s" % (" ".join(c[3:5]), p.returncode, err.strip()))

        con = sqlite3.connect(db)
        q = lambda sql: con.execute(sql).fetchone()[0]
        figures = {
            "customers": (q("SELECT count(*) FROM customer"), 57),
            "opportunities": (q("SELECT count(*) FROM opportunity"), 3004),
            "sum of amounts": (q("SELECT sum(amount) FROM opportunity"), 304000),
            "in diagnosis": (q("SELECT count(*) FROM opportunity WHERE stage = 'diagnosis'"), 4),
        }
        con.close()
        for name, (got, want) in figures.items():
            if got != want:
                failures.append("%s: %s, expected %s" % (name, got, want))
    print("%d concurrent CLI writers (%d add, %d move, 2 import incl. %d rows) behind a lock "
          "held %.1f s: %d failed" % (len(cmds), ADDERS, MOVERS, BULK, HOLD_SECONDS, len(failures)))
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
