"""Whole-transaction retry: db.run_in_transaction (kiscrm_db_transact), transaction(retries=),
and the imports' retry while another connection holds the database."""

import sqlite3
import threading

import pytest

import kiscrm


def customers(db):
    return len(db.find("customer"))


@pytest.fixture
def mem():
    with kiscrm.Database(backend="memory") as d:
        yield d


def test_run_in_transaction_commits_and_returns(mem):
    got = mem.run_in_transaction(lambda db: db.insert("customer", name="甲").id)
    assert got == 1
    assert customers(mem) == 1
    assert not mem.in_transaction


def test_busy_inside_fn_reruns_whole_unit(mem):
    calls = []

    def work(db):
        calls.append(1)
        db.insert("customer", name="乙 %d" % len(calls))
        if len(calls) < 3:
            raise kiscrm.Busy("database is locked (raised by the test)")
        return "done"

    assert mem.run_in_transaction(work, retries=5, initial_backoff_ms=1, max_backoff_ms=2) == "done"
    # two busy runs were rolled back: only the third run's customer is stored
    assert len(calls) == 3
    assert [c.name for c in mem.find("customer")] == ["乙 3"]


def test_busy_retries_exhausted(mem):
    def work(db):
        raise kiscrm.Busy("database is locked (raised by the test)")

    with pytest.raises(kiscrm.Busy, match="gave up after 3 attempts"):
        mem.run_in_transaction(work, retries=2, initial_backoff_ms=1, max_backoff_ms=1)


def test_other_errors_roll_back_and_propagate(mem):
    calls = []

    def work(db):
        calls.append(1)
        db.insert("customer", name="丙")
        raise ValueError("not a database error")

    with pytest.raises(ValueError, match="not a database error"):
        mem.run_in_transaction(work, retries=5)
    assert len(calls) == 1 and customers(mem) == 0

    def bad(db):
        calls.append(1)
        db.insert("customer")  # no name: refused, not retried

    with pytest.raises(kiscrm.Invalid, match="customer.name is required"):
        mem.run_in_transaction(bad, retries=5)
    assert len(calls) == 2 and customers(mem) == 0


def test_refused_inside_a_transaction(mem):
    with mem.transaction():
        with pytest.raises(kiscrm.Invalid, match="inside an open transaction"):
            mem.run_in_transaction(lambda db: None)


class Holder(threading.Thread):
    """Holds the write lock of an SQLite file with its own connection until released."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.locked, self.release = path, threading.Event(), threading.Event()

    def run(self):
        con = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        con.execute("BEGIN IMMEDIATE")
        self.locked.set()
        self.release.wait(30)
        con.execute("COMMIT")
        con.close()


@pytest.fixture
def shared(tmp_path):
    """A database file, a second handle on it with a 10 ms busy timeout, and a holder."""
    path = tmp_path / "crm.db"
    kiscrm.Database(path).close()
    with kiscrm.Database(path, busy_timeout_ms=10) as d:
        yield d, Holder(path)


def test_busy_database_without_retry_raises(shared):
    db, holder = shared
    holder.start()
    holder.locked.wait(30)
    try:
        with pytest.raises(kiscrm.Busy, match="gave up after 1 attempt"):
            db.run_in_transaction(lambda d: d.insert("customer", name="丁"), retries=0)
        with pytest.raises(kiscrm.Busy):
            with db.transaction():
                pass
        assert not db.in_transaction
    finally:
        holder.release.set()
        holder.join()
    assert customers(db) == 0


def test_retries_wait_for_the_lock(shared):
    db, holder = shared
    holder.start()
    holder.locked.wait(30)
    results = {}

    def writer():
        # each call retries until the holder lets go (up to about 100 × 50 ms)
        w = kiscrm.Database(db.path, busy_timeout_ms=10)
        try:
            results["run"] = w.run_in_transaction(
                lambda d: d.insert("customer", name="戊").id, retries=100,
                initial_backoff_ms=5, max_backoff_ms=50)
            with w.transaction(retries=100):
                w.insert("customer", name="己")
            results["import"] = w.import_csv("customer", data="name\n庚\n辛\n", retries=100)
        except Exception as e:  # reported below
            results["error"] = e
        finally:
            w.close()

    t = threading.Thread(target=writer)
    t.start()
    threading.Event().wait(0.3)  # the writer meets the held lock first
    holder.release.set()
    holder.join()
    t.join(60)
    assert "error" not in results, results.get("error")
    assert results["import"] == 2
    assert sorted(c.name for c in db.find("customer")) == sorted(["戊", "己", "庚", "辛"])
