"""The Database: opening, transactions, records, reports, CSV, and the domain operations."""

from __future__ import annotations

import ctypes
import datetime as _dt
import os
import random
import time
import weakref
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional, Union

from . import _lib
from . import values as V
from .config import Config
from .errors import Busy, CsvImportError, Invalid, KiscrmError, UnlistedValueWarning
from .record import Record, kind as _kind
from .table import Table

GROUPS = {"business_line": 1, "product_line": 2, "department": 3, "owner": 4, "region": 5,
          "industry": 6, "size_class": 7, "customer": 8, "manager": 9,
          "manager_tree": 10}
PROBABILITY_SOURCES = {"default": 0, "configured": 1, "historical": 2}
DELETE_CASCADE = 0x1
MOVE_REOPEN = 0x1
MOVE_CREATE_CONTRACT = 0x2
IMPORT_KEEP_IDS = 0x1
IMPORT_RAW = 0x2
IMPORT_WARN_UNLISTED = 0x4
PLAN_ALLOW_LESS = 0x1

_FILTER_KEYS = ("owner_id", "department_id", "customer_id", "region", "industry",
                "key_account", "name_contains", "active")
_REPORT_KEYS = ("as_of", "from_", "to", "period", "group_by", "pipeline", "lang",
                "owner_id", "department_id", "attribution")


def _today():
    return _dt.datetime.now(_dt.timezone.utc).date()


def _id(x):
    return x.id if isinstance(x, Record) else int(x or 0)


_OPS = {"=": _lib.OP_EQ, "==": _lib.OP_EQ, "!=": _lib.OP_NE, "<>": _lib.OP_NE,
        "<": _lib.OP_LT, "<=": _lib.OP_LE, ">": _lib.OP_GT, ">=": _lib.OP_GE,
        "~": _lib.OP_CONTAINS, "contains": _lib.OP_CONTAINS}


def _cond(kd, field, op, value, decimals):
    """One kiscrm_filter_cond: field by name, op as text, value converted by the field's
    type as Record fields are (None: NULL). Returns (cond, object to keep alive)."""
    f = kd.field(field)
    if op not in _OPS:
        raise Invalid("unknown filter operator %r on %s.%s (operators: %s)"
                      % (op, kd.name, f.name, " ".join(_OPS)), field=f.name, value=str(op))
    c = _lib.FilterCond()
    c.field, c.op = f.id, _OPS[op]
    keep = None
    if value is None:
        c.type = V.TYPE_NULL
        return c, keep
    c.type = f.type
    t = f.type
    if t == V.TYPE_TEXT:
        keep = str(value).encode("utf-8")
        c.value.s = keep
    elif t == V.TYPE_RATE:
        c.value.r = float(value)
    elif t == V.TYPE_MONEY:
        c.value.i = V.money_from_python(value, decimals)
    elif t == V.TYPE_DATE:
        c.value.i = V.date_from_python(value)
    elif t == V.TYPE_TIME:
        c.value.i = V.time_from_python(value)
    else:
        if isinstance(value, Record):
            value = value.id
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int):
            raise TypeError("%s.%s is an integer field, not %s"
                            % (kd.name, f.name, type(value).__name__))
        c.value.i = value
    return c, keep


def make_filter(kw, kind_=None, decimals=2):
    """kiscrm_filter from keyword arguments (None when there are none).

    Besides the named criteria, ``where={"opportunity_id": 12}`` (equality) and
    ``conditions=[("amount", ">=", 100), ("note", "~", "预付")]`` filter on any field of
    the kind by name; values as for Record fields (money Decimal/int/text, dates
    datetime.date or 'YYYY-MM-DD', None for NULL with = or !=). Operators: = != < <= > >=
    and ~ (text contains)."""
    if not kw:
        return None
    kw = dict(kw)
    where = kw.pop("where", None) or {}
    conditions = list(kw.pop("conditions", None) or [])
    bad = set(kw) - set(_FILTER_KEYS)
    if bad:
        raise TypeError("unknown filter %s (filters: %s, where, conditions)"
                        % (", ".join(sorted(bad)), ", ".join(_FILTER_KEYS)))
    f = _lib.Filter()
    _lib.lib().kiscrm_filter_init(ctypes.byref(f), _lib.Filter.VERSION)
    for k in ("owner_id", "department_id", "customer_id"):
        if kw.get(k) is not None:
            setattr(f, k, _id(kw[k]))
    for k in ("region", "industry", "name_contains"):
        if kw.get(k) is not None:
            setattr(f, k, _lib.enc(kw[k]))
    for k in ("key_account", "active"):
        if kw.get(k) is not None:
            setattr(f, k, 1 if kw[k] else 0)
    conds = [(name, "=", value) for name, value in where.items()] + conditions
    if conds:
        if kind_ is None:
            raise TypeError("where/conditions need the kind of record")
        kd = _kind(kind_)
        arr = (_lib.FilterCond * len(conds))()
        keep = []
        for i, cond in enumerate(conds):
            if len(cond) != 3:
                raise TypeError("a condition is (field, operator, value), not %r" % (cond,))
            arr[i], k = _cond(kd, cond[0], cond[1], cond[2], decimals)
            keep.append(k)
        f.ncond = len(conds)
        f.conds = ctypes.cast(arr, ctypes.POINTER(_lib.FilterCond))
        f._keep = (arr, keep)  # the text values and the array live as long as the filter
    return f


def parse_group_by(group_by):
    """'owner', 'owner,region', ['department', 'owner'] or kiscrm_group ints → list of ints."""
    if group_by is None:
        return []
    if isinstance(group_by, (str, int)):
        group_by = [group_by]
    out = []
    for g in group_by:
        if isinstance(g, str):
            for part in g.split(","):
                part = part.strip()
                if not part:
                    continue
                code = _lib.lib().kiscrm_group_parse(_lib.enc(part))
                if code < 0:
                    raise Invalid("unknown group-by dimension '%s' (%s)"
                                  % (part, ", ".join(GROUPS)), value=part)
                out.append(code)
        else:
            out.append(int(g))
    return out


def make_report_options(as_of=None, from_=None, to=None, period=None, group_by=None,
                        pipeline=None, lang=None, owner_id=None, department_id=None,
                        attribution=None, **extra):
    """kiscrm_report_options from keyword arguments. `from_` may also be given as
    `start`, and `group_by` as `by`. The struct keeps its arrays alive."""
    if "start" in extra:
        from_ = extra.pop("start")
    if "by" in extra:
        group_by = extra.pop("by")
    if extra:
        raise TypeError("unknown report option %s (options: %s)"
                        % (", ".join(sorted(extra)), ", ".join(_REPORT_KEYS)))
    o = _lib.ReportOptions()
    _lib.lib().kiscrm_report_options_init(ctypes.byref(o), _lib.ReportOptions.VERSION)
    if as_of is not None:
        o.as_of = V.date_from_python(as_of)
    if from_ is not None:
        o.from_ = V.date_from_python(from_)
    if to is not None:
        o.to = V.date_from_python(to)
    o.period = V.period_code(period)
    groups = parse_group_by(group_by)
    if groups:
        arr = (ctypes.c_int * len(groups))(*groups)
        o.group_by = ctypes.cast(arr, ctypes.POINTER(ctypes.c_int))
        o.ngroup = len(groups)
        o._keep = arr
    o.pipeline = _lib.enc(pipeline)
    o.lang = _lib.enc(lang)
    o.owner_id = _id(owner_id)
    o.department_id = _id(department_id)
    o.attribution = _lib.enc(attribution)  # report options version 3
    return o


def make_predict_options(start=None, fields=None, smoothing=0.0, by_department=True,
                         tag_min_count=0):
    """kiscrm_predict_options; start is a date, None (configured) or 'all'."""
    o = _lib.PredictOptions()
    _lib.lib().kiscrm_predict_options_init(ctypes.byref(o), _lib.PredictOptions.VERSION)
    if start == "all":
        o.start = _lib.KISCRM_PREDICT_ALL_HISTORY
    elif start is not None:
        o.start = V.date_from_python(start)
    if fields:
        arr = (ctypes.c_char_p * len(fields))(*[_lib.enc(f) for f in fields])
        o.fields = ctypes.cast(arr, ctypes.POINTER(ctypes.c_char_p))
        o.nfields = len(fields)
        o._keep = arr
    o.smoothing = float(smoothing)
    o.by_department = 1 if by_department else 0
    o.tag_min_count = int(tag_min_count)
    return o


def _ids_list(ptr, count):
    try:
        return [ptr[i] for i in range(count.value)]
    finally:
        _lib.lib().kiscrm_ids_free(ptr)


def _ref(obj):
    return None if obj is None else ctypes.byref(obj)


class RecordIterator:
    """Iterates over stored records (copies: safe to keep). Keeps the Database alive."""

    def __init__(self, db, kind_, filter_kw):
        self.db = db
        self.kind = _kind(kind_)
        self._ptr = _lib.IterP()
        flt = make_filter(filter_kw, self.kind, db.money_decimals)
        _lib.lib().kiscrm_iter_new(ctypes.byref(self._ptr), db._handle(), self.kind.code,
                                   _ref(flt))
        db._iters.add(self)

    def __iter__(self):
        return self

    def __next__(self):
        if not self._ptr:
            raise StopIteration
        L = _lib.lib()
        cur = _lib.RecordP()
        if L.kiscrm_iter_next(ctypes.byref(cur), self._ptr) == -10:
            self.close()
            raise StopIteration
        own = _lib.RecordP()
        L.kiscrm_record_dup(ctypes.byref(own), cur)
        return Record._wrap(own, self.db)

    def close(self):
        """Frees the iterator (also done at its end and when the database closes)."""
        ptr, self._ptr = self._ptr, None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_iter_free(ptr)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Database:
    """An open libkiscrm database.

    ``Database("crm.db")`` opens (creating) an SQLite file; ``Database()`` a private
    in-memory SQLite database; ``Database(backend="memory")`` the in-memory backend;
    ``Database(backend="postgresql", path="postgresql:///crm")`` a PostgreSQL database,
    ``path`` being a libpq connection string (doc/postgresql.md).
    ``config_dir`` names a configuration directory (None: built-in defaults). ``today`` is
    the business date (a ``datetime.date``) used where a call leaves a date out — reports
    without ``as_of``, opportunities without ``created``; the library keeps no clock, so it
    defaults to ``datetime.date.today()``; ``today=False`` sets none (leaving such a date
    out is then an error). Use it as a context manager to close it:
    ``with kiscrm.Database("crm.db") as db: ...``.
    """

    def __init__(self, path=None, backend=None, config_dir=None, busy_timeout_ms=0,
                 today=None):
        self._ptr = None
        self._depth = 0  # nesting depth of begin() (to know when a retry is possible)
        self._iters = weakref.WeakSet()
        L = _lib.lib()
        o = _lib.DbOptions()
        L.kiscrm_db_options_init(ctypes.byref(o), _lib.DbOptions.VERSION)
        o.backend = _lib.enc(backend)
        o.path = _lib.enc(os.fspath(path)) if path is not None else None
        o.config_dir = _lib.enc(os.fspath(config_dir)) if config_dir is not None else None
        o.busy_timeout_ms = int(busy_timeout_ms)
        ptr = _lib.DbP()
        L.kiscrm_db_open(ctypes.byref(ptr), ctypes.byref(o))
        self._ptr = ptr
        self.path = path
        self.backend = backend or "sqlite"
        self.money_decimals = L.kiscrm_config_currency_decimals(L.kiscrm_db_config(ptr))
        if today is not False:
            self.today = _dt.date.today() if today is None else today

    @property
    def today(self):
        """The business date (``datetime.date``), or None when none is set."""
        return V.date_to_python(_lib.lib().kiscrm_db_today(self._handle()))

    @today.setter
    def today(self, value):
        _lib.lib().kiscrm_db_set_today(self._handle(), V.date_from_python(value))

    def keep_memory(self, nbytes):
        """Sets how many bytes of report working memory the handle keeps between reports
        (default 256 MiB; 0 frees it and keeps none). See kiscrm_db_keep_memory()."""
        if not isinstance(nbytes, int) or isinstance(nbytes, bool) or nbytes < 0:
            raise Invalid("keep_memory: a number of bytes (int >= 0), got %r" % (nbytes,))
        _lib.lib().kiscrm_db_keep_memory(self._handle(), nbytes)

    # --- lifetime ---------------------------------------------------------------------

    def _handle(self):
        if not self._ptr:
            raise Invalid("the database is closed")
        return self._ptr

    @property
    def closed(self):
        return not self._ptr

    def close(self):
        """Closes the database (rolling back an open transaction). Its open iterators are
        closed first; tables and records read from it stay usable."""
        for it in list(self._iters):
            it.close()
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_db_free(ptr)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        # A connection string may hold a password: not shown.
        where = "(server)" if self.backend == "postgresql" else self.path or "(in memory)"
        return "<kiscrm.Database %s %s%s>" % (self.backend, where,
                                              " closed" if self.closed else "")

    # --- transactions and settings ----------------------------------------------------

    def begin(self):
        """Starts a (nestable) transaction."""
        _lib.lib().kiscrm_db_begin(self._handle())
        self._depth += 1

    def commit(self):
        """Commits the innermost transaction. A failed outermost commit has rolled the
        transaction back and ended it (nothing of it is stored)."""
        try:
            _lib.lib().kiscrm_db_commit(self._handle())
        finally:
            self._depth = self._depth - 1 if self._depth > 1 else 0

    def rollback(self):
        """Rolls back the innermost transaction (and so the outermost)."""
        try:
            _lib.lib().kiscrm_db_rollback(self._handle())
        finally:
            self._depth = max(self._depth - 1, 0)

    @property
    def in_transaction(self):
        """True between begin() and the matching commit() or rollback()."""
        return self._depth > 0

    @staticmethod
    def _pause(attempt, initial_ms=5, max_ms=500):
        """Jittered exponential back-off before retry number ``attempt`` (1, 2 …)."""
        bound = min(max_ms, initial_ms * (2 ** min(attempt - 1, 16)))
        time.sleep(random.uniform(bound / 2, bound) / 1000.0)

    def _retry_busy(self, call, retries):
        """Runs ``call()`` — one whole transaction of the library (an import, a move) or a
        begin — again while it raises Busy, up to ``retries`` more times. Only outside a
        transaction: inside one, the caller's part could not be repeated."""
        for attempt in range(retries + 1):
            try:
                return call()
            except Busy:
                if attempt == retries or self._depth > 0:
                    raise
                self._pause(attempt + 1)

    def _begin(self, retries):
        """begin(), tried again while busy when this opens the outermost transaction."""
        if self._depth == 0 and retries:
            self._retry_busy(self.begin, retries)
        else:
            self.begin()

    @contextmanager
    def transaction(self, retries=0):
        """``with db.transaction():`` commits at the end, rolls back on an exception.

        ``retries=N``: when the database is busy (another process holds the write lock
        longer than the busy timeout), the *begin* is tried again up to N times with a
        jittered back-off. That is where a writer waits: the library takes the write lock
        at begin, so the block itself and its commit then rarely meet a busy database.
        A context manager cannot run its block twice, and a commit that fails has already
        rolled the whole transaction back (nothing of it is stored), so a busy *commit*
        is raised as Busy. To have the whole unit of work rerun on any busy condition —
        begin, inside, or commit — use run_in_transaction(fn, retries=N)."""
        self._begin(retries)
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def run_in_transaction(self, fn, retries=20, initial_backoff_ms=0, max_backoff_ms=0):
        """Runs ``fn(db)`` in a transaction and commits it; returns what fn returned.

        Whenever the database is busy — at begin, in fn (a Busy exception), or at commit —
        the transaction is rolled back and ``fn`` is called again, up to ``retries`` more
        times, after a jittered exponential back-off (kiscrm_db_transact). fn must
        therefore read what it needs through the database each time and keep no effects
        outside it from a failed run. Any other exception rolls back and is raised. Must
        not be called inside a transaction. Backoff times 0 mean the library's defaults."""
        L = _lib.lib()
        o = _lib.TransactOptions()
        L.kiscrm_transact_options_init(ctypes.byref(o), _lib.TransactOptions.VERSION)
        o.max_attempts = int(retries) + 1
        o.initial_backoff_ms = int(initial_backoff_ms)
        o.max_backoff_ms = int(max_backoff_ms)
        state = {}

        def trampoline(_db, _payload):
            state.clear()
            try:
                state["result"] = fn(self)
                return 0
            except KiscrmError as e:
                state["exc"] = e
                return e.code if e.code and e.code < 0 else -1
            except BaseException as e:  # raised again below, after the rollback
                state["exc"] = e
                return errors_user_stop

        errors_user_stop = -15  # KISCRM_EUSER: not retryable, ends the retries
        cb = _lib.TransactFn(trampoline)
        self._depth += 1  # fn's own begin/commit calls nest inside the library's
        try:
            rc = L.kiscrm_db_transact(self._handle(), cb, None, ctypes.byref(o))
        finally:
            self._depth -= 1
        if rc == 0:
            return state.get("result")
        exc = state.get("exc")
        if exc is not None and (rc == errors_user_stop or getattr(exc, "code", None) == rc) \
                and not (rc == Busy.code and retries):
            raise exc
        raise _lib.last_error(rc)

    @property
    def config(self):
        """The configuration the database was opened with (a Config)."""
        return Config(_lib.lib().kiscrm_db_config(self._handle()), owner=self)

    def set_actor(self, staff_id):
        """Staff member recorded as the actor of later changes (0: system)."""
        _lib.lib().kiscrm_db_set_actor(self._handle(), _id(staff_id))

    def set_principal(self, staff_id=0, partner_id=0, role=None):
        """Binds the handle, once, to who is asking (kiscrm_db_set_principal): with a
        partner_id, every read and write sees only that partner's rows, and a foreign id
        is "not found". The staff member becomes the actor; role defaults to theirs."""
        p = _lib.Principal(1, _id(staff_id), _id(partner_id),
                           role.encode() if role is not None else None)
        _lib.lib().kiscrm_db_set_principal(self._handle(), ctypes.byref(p))

    @property
    def principal(self):
        """The bound principal as a dict (staff_id, partner_id, role); zeros when none."""
        p = _lib.Principal()
        _lib.lib().kiscrm_db_principal(self._handle(), ctypes.byref(p))
        return {"staff_id": p.staff_id, "partner_id": p.partner_id,
                "role": p.role.decode() if p.role else None}

    # --- records ----------------------------------------------------------------------

    def new(self, kind_: str, **fields: Any) -> Record:
        """A new record of this database (not stored yet; call .save() or db.insert())."""
        return Record(kind_, db=self, **fields)

    def insert(self, rec_or_kind: Union[Record, str], **fields: Any) -> Record:
        """Stores a new record: ``db.insert(rec)`` or ``db.insert("customer", name=…)``.
        Returns the record (its id set)."""
        if isinstance(rec_or_kind, Record):
            rec = rec_or_kind
            for k, v in fields.items():
                rec.set(k, v)
        else:
            rec = Record(rec_or_kind, db=self, **fields)
        if rec.db is None:
            object.__setattr__(rec, "db", self)
        _lib.lib().kiscrm_record_insert(self._handle(), rec._ptr)
        return rec

    def update(self, rec: Record) -> Record:
        """Validates and replaces a stored record (by id)."""
        _lib.lib().kiscrm_record_update(self._handle(), rec._ptr)
        return rec

    def get(self, kind_: str, id_: int) -> Record:
        """Reads a record (NotFound if there is none)."""
        ptr = _lib.RecordP()
        _lib.lib().kiscrm_record_get(ctypes.byref(ptr), self._handle(), _kind(kind_).code,
                                     _id(id_))
        return Record._wrap(ptr, self)

    def delete(self, kind_: str, id_: int, cascade: bool = False) -> None:
        """Deletes a record (cascade: owned records too, other references cleared)."""
        _lib.lib().kiscrm_record_delete(self._handle(), _kind(kind_).code, _id(id_),
                                        DELETE_CASCADE if cascade else 0)

    def records(self, kind_: str, **filter_kw: Any) -> "RecordIterator":
        """Iterator over the records of a kind in id order. Filters: owner_id,
        department_id, customer_id, region, industry, key_account, name_contains, active;
        and on any field by name: ``where={"opportunity_id": 12}`` (equality) and
        ``conditions=[("amount", ">=", 100), ("due", "<", "2026-01-01")]`` (operators
        = != < <= > >= and ~ for text contains; None compares with NULL)."""
        return RecordIterator(self, kind_, filter_kw)

    def find(self, kind_: str, **filter_kw: Any) -> List[Record]:
        """List of the records of a kind matching the filters."""
        with self.records(kind_, **filter_kw) as it:
            return list(it)

    def insert_many(self, kind_, rows, columns=None, retries=20):
        """Bulk load: inserts many records in ONE transaction (all or nothing).

        ``rows`` are dicts of field → value, or sequences of values in the order of
        ``columns`` (faster: stored in batches of 4,096 rows, one call into the library
        each, kiscrm_record_insert_columns). Values as for Record fields (None: NULL).
        Returns the number of records stored. An error names the row (0-based) and is of
        the class the library raised; nothing is stored then. While the database is busy
        the begin is tried again up to ``retries`` times (rows may be a one-pass iterator,
        so the load itself is not rerun; see run_in_transaction for that)."""
        kd = _kind(kind_)
        db = self._handle()
        dec = self.money_decimals
        raw = _lib.raw
        set_int, set_text = raw("kiscrm_record_set_int"), raw("kiscrm_record_set_text")
        set_rate = raw("kiscrm_record_set_rate")
        new, free = raw("kiscrm_record_new"), raw("kiscrm_record_free")
        insert = raw("kiscrm_record_insert")
        money, date, time_ = V.money_from_python, V.date_from_python, V.time_from_python

        exact, epoch = V._EXACT, V.EPOCH.toordinal()
        Decimal, date_t, enc, Inexact = V.Decimal, _dt.date, _lib.enc, V.Inexact

        # Converters with a fast path for the usual Python type of each field type.
        def c_text(v):
            return enc(v)

        def c_money(v):
            if type(v) is Decimal:
                try:
                    s = v.scaleb(dec, exact)
                    i = int(s)
                    if i == s and -2**63 <= i < 2**63:
                        return i
                except (Inexact, ValueError, OverflowError):
                    pass
            return money(v, dec)

        def c_date(v):
            return v.toordinal() - epoch if type(v) is date_t else date(v)

        def c_int(v):
            return v if type(v) is int else _id(v)

        def conv(f):
            """(C setter, field index, converter) of a field."""
            t = f.type
            if t == V.TYPE_TEXT:
                return set_text, f.id, c_text
            if t == V.TYPE_MONEY:
                return set_int, f.id, c_money
            if t == V.TYPE_DATE:
                return set_int, f.id, c_date
            if t == V.TYPE_TIME:
                return set_int, f.id, time_
            if t == V.TYPE_RATE:
                return set_rate, f.id, float
            return set_int, f.id, c_int

        cache = {}
        if columns is not None:
            col_convs = [conv(kd.field(c)) for c in columns]
            col_types = [kd.field(c).type for c in columns]
        code = kd.code
        ptr = _lib.RecordP()
        pref = ctypes.byref(ptr)
        n = 0
        batch = []
        insert_columns = raw("kiscrm_record_insert_columns")
        stored = ctypes.c_size_t()

        def flush():
            """Stores the batch of sequence rows with one call (kiscrm_record_insert_columns):
            fourteen calls per row through ctypes were close to half of a bulk load."""
            nonlocal n
            rows_ = len(batch)
            if not rows_:
                return
            cols = (_lib.Column * len(col_convs))()
            keep = []
            for k, vals in enumerate(zip(*batch)):
                (_, field, cv), t, c = col_convs[k], col_types[k], cols[k]
                c.field = field
                if None in vals:
                    nulls = (ctypes.c_ubyte * rows_)(*[v is None for v in vals])
                    keep.append(nulls)
                    c.nulls = ctypes.addressof(nulls)
                if t == V.TYPE_TEXT:
                    arr = (ctypes.c_char_p * rows_)(*[None if v is None else cv(v) for v in vals])
                    c.texts = arr
                elif t == V.TYPE_RATE:
                    arr = (ctypes.c_double * rows_)(*[0.0 if v is None else cv(v) for v in vals])
                    c.rates = arr
                else:
                    arr = (ctypes.c_int64 * rows_)(*[0 if v is None else cv(v) for v in vals])
                    c.ints = arr
                keep.append(arr)
            if insert_columns(db, code, cols, len(col_convs), rows_, 0, ctypes.byref(stored)) < 0:
                err = _lib.last_error()
                n += stored.value
                prefix = "row %d: " % stored.value
                if err.message.startswith(prefix):  # the batch's row; the caller's is n
                    err.message = err.message[len(prefix):]
                raise err
            n += rows_
            del batch[:]

        self._begin(retries)
        try:
            for row in rows:
                if columns is not None and not isinstance(row, dict):
                    if len(row) != len(col_convs):
                        n += len(batch)  # the row the message names (nothing is stored)
                        raise Invalid("%d values for %d columns" % (len(row), len(col_convs)))
                    batch.append(row)
                    if len(batch) == 4096:
                        flush()
                    continue
                if batch:
                    flush()
                if new(pref, code) < 0:
                    raise _lib.last_error()
                try:
                    if isinstance(row, dict):
                        pairs = []
                        for k, v in row.items():
                            c = cache.get(k)
                            if c is None:
                                c = cache[k] = conv(kd.field(k))
                            pairs.append((c, v))
                    else:
                        pairs = zip(col_convs, row)
                    for (fn, i, cv), v in pairs:
                        if v is not None and fn(ptr, i, cv(v)) < 0:
                            raise _lib.last_error()
                    if insert(db, ptr) < 0:
                        raise _lib.last_error()
                finally:
                    free(ptr)
                n += 1
            flush()
        except KiscrmError as e:
            self.rollback()
            e.message = "row %d: %s" % (n, e.message)
            e.args = (e.message,)
            raise
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return n

    # --- CSV --------------------------------------------------------------------------

    def import_csv(self, kind_, path=None, data=None, encoding=None, dry_run=False,
                   keep_ids=False, raw=False, max_errors=20, name=None, retries=20,
                   warn_unlisted=False):
        """Imports a CSV file (``path``) or CSV text (``data``: str or bytes) atomically.

        Files saved by Chinese Excel import as they are (``encoding="gbk"``): headers may
        be the fields' display names (客户名称), dates 2026/1/5, amounts ￥1,234.50,
        configured values their display names (华中 → ``central``). A value in no
        configured list is a bad row; with ``warn_unlisted=True`` it is stored as written
        and reported with ``warnings.warn`` (kiscrm.UnlistedValueWarning).

        Outside a transaction the import is its own transaction: while the database is
        busy it is run again whole, up to ``retries`` times (nothing of a busy run is
        stored).

        Returns the number of records imported (or that would be, with dry_run). Bad rows
        raise kiscrm.CsvImportError whose ``errors`` lists dicts row/column/value/reason."""
        L = _lib.lib()
        o = _lib.ImportOptions()
        L.kiscrm_import_options_init(ctypes.byref(o), _lib.ImportOptions.VERSION)
        o.encoding = _lib.enc(encoding)
        o.dry_run = 1 if dry_run else 0
        o.max_errors = int(max_errors)
        o.flags = ((IMPORT_KEEP_IDS if keep_ids else 0) | (IMPORT_RAW if raw else 0) |
                   (IMPORT_WARN_UNLISTED if warn_unlisted else 0))
        count = ctypes.c_size_t()
        errs = _lib.TableP()
        code = _kind(kind_).code
        if (path is None) == (data is None):
            raise Invalid("import_csv needs either path or data")
        if isinstance(data, str):
            data = data.encode("utf-8")

        def run():
            if errs:
                L.kiscrm_table_free(errs)  # of a busy run before this one
                errs.value = None
            if path is not None:
                rc = L.kiscrm_csv_import(ctypes.byref(count), ctypes.byref(errs),
                                         self._handle(), code, _lib.enc(os.fspath(path)),
                                         ctypes.byref(o))
            else:
                rc = L.kiscrm_csv_import_data(ctypes.byref(count), ctypes.byref(errs),
                                              self._handle(), code, data, len(data),
                                              _lib.enc(name), ctypes.byref(o))
            if rc == Busy.code:
                raise _lib.last_error(rc)
            return rc

        try:
            rc = run() if dry_run else self._retry_busy(run, retries)
        except Busy as e:
            rc, busy = Busy.code, e
        else:
            busy = None
        exc = busy or (_lib.last_error(rc) if rc < 0 else None)
        table = Table(errs, self) if errs else None
        if exc is not None:
            if isinstance(exc, CsvImportError) and table is not None:
                exc.errors = table.to_dicts()
            raise exc
        if table is not None:
            import warnings
            for w in table.to_dicts():  # only warnings on success (warn_unlisted)
                warnings.warn("%s:%s: %s" % (name or path or "(data)", w["row"], w["reason"]),
                              UnlistedValueWarning, stacklevel=2)
        return count.value

    def import_rows(self, kind_, rows, columns, dry_run=False, keep_ids=False, raw=False,
                    max_errors=20, retries=20):
        """The fastest bulk load: rows (sequences in the order of ``columns``) are written
        as CSV text in Python and imported by the library in one atomic call
        (kiscrm_csv_import_data), so no C call is made per field. Columns are field names
        or, for references, natural keys (``owner``, ``customer`` …) as in import_csv.
        Decimal, date, datetime, int, float (rates) and str values; None is NULL.
        Texts are written as the library's CSV writers write them (a text starting with
        =, +, -, @, tab or CR gets the leading ' that the import takes away), so every
        str arrives exactly; a str containing NUL raises ValueError.
        Returns the number of records imported; bad rows raise kiscrm.CsvImportError."""
        import csv
        import io
        out = io.StringIO()
        # "\r\n": the csv module quotes only the characters of the line terminator, and a
        # lone CR in a text is a line end to a CSV reader.
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(columns)
        fmt_time = V.format_time

        neutralise = _lib.neutralise_csv_text

        def cell(v):
            if v is None:
                return ""
            t = type(v)
            if t is str:
                return neutralise(v)
            if t is int or t is V.Decimal:
                return v
            if t is _dt.date:
                return v.isoformat()
            if t is _dt.datetime:
                return fmt_time(v)
            if isinstance(v, Record):
                return v.id
            if t is float:
                return repr(v)
            return str(v)

        w.writerows([cell(v) for v in row] for row in rows)
        return self.import_csv(kind_, data=out.getvalue(), dry_run=dry_run,
                               keep_ids=keep_ids, raw=raw, max_errors=max_errors,
                               name="(rows)", retries=retries)

    def export_csv(self, kind_, path=None, raw_cells=False, encoding=None, **filter_kw):
        """Exports the records of a kind as CSV: returns the text, or writes ``path``.

        ``encoding``: "utf-8" (the default without ``path``: a str is returned),
        "utf-8-bom" (the default for a file: Excel recognises UTF-8 by the mark) or "gbk"
        (what Chinese Excel reads by default). Without ``path`` an encoding other than
        "utf-8" returns bytes. A character GBK lacks raises Invalid naming its row and
        column, and nothing is written.

        ``path`` is written to a temporary file next to it and renamed over it once
        complete: on any error it is left as it was. The database's own files (and its
        -wal, -shm, -journal) are refused (Invalid). Texts starting with =, +, -, @, tab
        or CR get a leading ' so that spreadsheets do not run them as formulas (import
        takes it away); ``raw_cells=True`` writes them as they are."""
        L = _lib.lib()
        flt = make_filter(filter_kw, kind_, self.money_decimals)
        code = _kind(kind_).code
        if encoding is None:
            encoding = "utf-8-bom" if path is not None else "utf-8"
        o = _lib.csv_write_options(raw_cells, encoding)
        if path is not None:
            L.kiscrm_csv_export_file(self._handle(), code, _lib.enc(os.fspath(path)),
                                     _ref(flt), ctypes.byref(o))
            return None
        buf = _lib.Buf()
        L.kiscrm_csv_export(ctypes.byref(buf), self._handle(), code, _ref(flt),
                            ctypes.byref(o))
        return _lib.take_buf(buf) if _lib.csv_encoding(encoding) == "utf-8" else _lib.take_bytes(buf)

    def customer_timeline(self, customer_id) -> Table:
        """The 360° view of a customer: contacts, opportunities and their moves, contracts,
        instalments, collections and activities as one dated table."""
        return self._table(_lib.lib().kiscrm_customer_timeline, _id(customer_id))

    def history(self, kind_, record_id) -> Table:
        """The audit log of one record (`kiscrm history KIND ID`): who changed it, when, and
        each changed field's old and new value (column ``changes``, JSON)."""
        return self._table(_lib.lib().kiscrm_audit_history, _kind(kind_).code, _id(record_id))

    def mailing_list(self, campaign=None, region=None, industry=None, leads=False) -> Table:
        """The invitation list, each person once and opted-out people left out: the
        members of market activity `campaign`, or (campaign None) the contacts of the
        customers of `region`/`industry` and, with leads=True, the open leads."""
        o = _lib.MailingOptions()
        o.version = _lib.MailingOptions.VERSION
        o.campaign_id = _id(campaign) if campaign else 0
        o.region = _lib.enc(region)
        o.industry = _lib.enc(industry)
        o.leads = 1 if leads else 0
        return self._table(_lib.lib().kiscrm_campaign_mailing_list, ctypes.byref(o))

    # --- service ----------------------------------------------------------------------

    def service_sla(self, at: _dt.datetime, request=None) -> Table:
        """The SLA of service requests at an instant: deadlines, business minutes used,
        breaches and escalation; one request, or every one not closed by then."""
        return self._table(_lib.lib().kiscrm_service_sla, V.time_from_python(at),
                           _id(request) if request else 0)

    def presales_assign(self) -> int:
        """Assigns the open presales requests without an engineer, by weight, each to the
        presales engineer with the fewest open requests; returns how many."""
        n = ctypes.c_size_t(0)
        _lib.lib().kiscrm_presales_assign(self._handle(), ctypes.byref(n))
        return n.value

    # --- price and contract approval --------------------------------------------------

    def quote_submit(self, quote, at: _dt.datetime) -> int:
        """Submits a quote for price approval (价格审批); returns the pending approval's id."""
        out = _lib.ID(0)
        _lib.lib().kiscrm_quote_submit(ctypes.byref(out), self._handle(), _id(quote), V.time_from_python(at))
        return out.value

    def contract_submit(self, contract, at: _dt.datetime) -> int:
        """Submits a contract for contract approval (合同审批); returns the pending approval's id."""
        out = _lib.ID(0)
        _lib.lib().kiscrm_contract_submit(ctypes.byref(out), self._handle(), _id(contract), V.time_from_python(at))
        return out.value

    def approval_decide(self, approval, decision: str, at: _dt.datetime, comment=None, checklist=None) -> None:
        """Decides a pending approval ("approved" or "rejected") as the actor (set_actor),
        within the limits of their role; a contract is approved only with the whole
        checklist (scope, risk, resources, legal, delivery, key_points — a list or a
        comma-separated string)."""
        if checklist is not None and not isinstance(checklist, str):
            checklist = ",".join(checklist)
        _lib.lib().kiscrm_approval_decide(self._handle(), _id(approval), _lib.enc(decision), _lib.enc(comment),
                                          _lib.enc(checklist), V.time_from_python(at))

    def reopen_request(self, request, at: _dt.datetime, by=0) -> None:
        """Reopens a resolved or closed service request (the only way to reopen a closed one)."""
        _lib.lib().kiscrm_service_request_reopen(self._handle(), _id(request), V.time_from_python(at), _id(by))

    # --- activities -------------------------------------------------------------------

    @staticmethod
    def _activity_query(from_, to, owner=None, customer=None):
        q = _lib.ActivityQuery()
        q.version = _lib.ActivityQuery.VERSION
        q.from_ = V.time_from_python(from_)
        q.to = V.time_from_python(to)
        q.owner_id = _id(owner) if owner else 0
        q.customer_id = _id(customer) if customer else 0
        return q

    def activity_occurrences(self, from_, to, owner=None, customer=None) -> Table:
        """The occurrences of activities starting in [from_, to) (recurring series expanded,
        exceptions applied), optionally of one person or one customer."""
        q = self._activity_query(from_, to, owner, customer)
        return self._table(_lib.lib().kiscrm_activity_occurrences, ctypes.byref(q))

    def activity_overlaps(self, from_, to, owner=None) -> Table:
        """Pairs of one person's occurrences in [from_, to) whose times overlap."""
        q = self._activity_query(from_, to, owner, None)
        return self._table(_lib.lib().kiscrm_activity_overlaps, ctypes.byref(q))

    def activity_ical(self, from_, to, owner=None, customer=None, dtstamp=None) -> str:
        """The activities with an occurrence in [from_, to) as iCalendar text (RFC 5545);
        dtstamp: when the file is made (default: now)."""
        q = self._activity_query(from_, to, owner, customer)
        buf = _lib.Buf()
        _lib.lib().kiscrm_activity_ical(ctypes.byref(buf), self._handle(), ctypes.byref(q),
                                        V.time_from_python(dtstamp))
        return _lib.take_buf(buf)

    # --- reports ----------------------------------------------------------------------

    def _table(self, fn, *args):
        out = _lib.TableP()
        fn(ctypes.byref(out), self._handle(), *args)
        return Table(out, self)

    def report(self, name: str, **opts: Any) -> Table:
        """Runs a report by name (see kiscrm.reports()) and returns a Table.

        Options: as_of, from_ (or start), to, period ('week', 'month', 'quarter',
        'year'), group_by (or by: 'owner', 'department,owner', a list), pipeline, lang
        ('zh' or 'en'), owner_id, department_id, attribution (the market-activity
        reports' model: 'primary', 'first', 'last' or 'even')."""
        o = make_report_options(**opts)
        return self._table(_lib.lib().kiscrm_report_run, _lib.enc(name), ctypes.byref(o))

    def pack(self, name: str = "weekly", format: Optional[str] = None, **opts: Any):
        """A meeting pack: 'weekly' (周例会), 'monthly' or 'quarterly' (kiscrm/doc.h).
        Options as report() (as_of, lang 'zh' or 'en', owner_id, department_id …).
        Returns a Doc, or with format ('text', 'html', 'csv') its rendering as str."""
        from .doc import Doc
        o = make_report_options(**opts)
        ptr = _lib.DocP()
        _lib.lib().kiscrm_pack(ctypes.byref(ptr), self._handle(), _lib.enc(name), ctypes.byref(o))
        doc = Doc(ptr, self)
        return doc.render(format) if format is not None else doc

    def classify_value(self, **opts: Any) -> int:
        """Computes the customers' A/B/C value classes over a window (from_/to or period
        with as_of, as report()) and stores them dated the window's last day; returns
        how many customers were classed. See report('customer-value')."""
        o = make_report_options(**opts)
        n = ctypes.c_size_t(0)
        _lib.lib().kiscrm_customer_value_classify(self._handle(), ctypes.byref(o), ctypes.byref(n))
        return n.value

    # --- pipeline ---------------------------------------------------------------------

    def move(self, opportunity_id: int, stage: str, at: Optional[_dt.datetime] = None,
             reopen: bool = False, create_contract: bool = False) -> None:
        """Moves an opportunity to a stage, recording the move (at: when, default now).
        create_contract: a move to a won stage also creates the contract (unless one refers
        to the opportunity already) and moves the collection plan to it."""
        flags = (MOVE_REOPEN if reopen else 0) | (MOVE_CREATE_CONTRACT if create_contract else 0)
        _lib.lib().kiscrm_opportunity_move(self._handle(), _id(opportunity_id), _lib.enc(stage),
                                           V.time_from_python(at), flags)

    def set_probability(self, opportunity_id: int, percent: Optional[int]) -> None:
        """Sets an opportunity's probability by hand; None follows the stage again."""
        _lib.lib().kiscrm_opportunity_set_probability(
            self._handle(), _id(opportunity_id), -1 if percent is None else int(percent))

    def append_stage_history(self, opportunity_id, from_stage, to_stage, at, by_id=0):
        """Appends a stage move as it happened elsewhere (imports); nothing is checked."""
        _lib.lib().kiscrm_stage_history_append(self._handle(), _id(opportunity_id),
                                               _lib.enc(from_stage), _lib.enc(to_stage),
                                               V.time_from_python(at), _id(by_id))

    def qualify_lead(self, lead_id, customer_id=0, at=None):
        """Qualifies a lead; returns the id of the new opportunity."""
        out = ctypes.c_int64()
        _lib.lib().kiscrm_lead_qualify(ctypes.byref(out), self._handle(), _id(lead_id),
                                       _id(customer_id), V.time_from_python(at))
        return out.value

    # --- organisation and customers ---------------------------------------------------

    def department_subtree(self, department_id):
        """Ids of a department and every department below it."""
        ptr = ctypes.POINTER(ctypes.c_int64)()
        n = ctypes.c_size_t()
        _lib.lib().kiscrm_department_subtree(ctypes.byref(ptr), ctypes.byref(n),
                                             self._handle(), _id(department_id))
        return _ids_list(ptr, n)

    def customer_duplicates(self):
        """Table of customers whose normalised names are equal (group, customer_id …)."""
        return self._table(_lib.lib().kiscrm_customer_duplicates)

    def merge_customers(self, keep_id, duplicate_id):
        """Merges customer duplicate_id into keep_id (one transaction)."""
        _lib.lib().kiscrm_customer_merge(self._handle(), _id(keep_id), _id(duplicate_id))

    def set_customer_attr(self, customer_id, key, value):
        """Sets a custom attribute of a customer (None deletes it)."""
        _lib.lib().kiscrm_customer_attr_set(self._handle(), _id(customer_id), _lib.enc(key),
                                            _lib.enc(value))

    def customer_attr(self, customer_id, key, default=None):
        """A custom attribute's value, default when the customer has none of that key."""
        from .errors import NotFound
        buf = _lib.Buf()
        try:
            _lib.lib().kiscrm_customer_attr_get(ctypes.byref(buf), self._handle(),
                                                _id(customer_id), _lib.enc(key))
        except NotFound:
            _lib.take_buf(buf)
            # A missing customer is NotFound too: that one is raised.
            self.get("customer", customer_id)
            return default
        return _lib.take_buf(buf)

    # --- money flow -------------------------------------------------------------------

    def _money_out(self, fn, *args):
        out = ctypes.c_int64()
        fn(ctypes.byref(out), self._handle(), *args)
        return V.money_to_decimal(out.value, self.money_decimals)

    def contract_collected(self, contract_id):
        """Money collected on a contract."""
        return self._money_out(_lib.lib().kiscrm_contract_collected, _id(contract_id))

    def contract_receivable(self, contract_id):
        """Contract amount − collected."""
        return self._money_out(_lib.lib().kiscrm_contract_receivable, _id(contract_id))

    def contract_overdue(self, contract_id, as_of=None):
        """Instalments due on or before as_of (default today, UTC) not collected."""
        return self._money_out(_lib.lib().kiscrm_contract_overdue, _id(contract_id),
                               V.date_from_python(as_of if as_of is not None else _today()))

    def customer_receivable(self, customer_id):
        """Receivable over all contracts of a customer."""
        return self._money_out(_lib.lib().kiscrm_customer_receivable, _id(customer_id))

    def _plan(self, fn, owner_id, instalments, allow_less):
        n = len(instalments)
        due = (ctypes.c_int32 * max(n, 1))(*[V.date_from_python(d) for d, _ in instalments])
        amt = (ctypes.c_int64 * max(n, 1))(
            *[V.money_from_python(a, self.money_decimals) for _, a in instalments])
        fn(self._handle(), _id(owner_id), due, amt, n, PLAN_ALLOW_LESS if allow_less else 0)

    def plan_instalments(self, contract_id, instalments, allow_less=False):
        """Replaces a contract's collection plan by (due date, amount) pairs, atomically."""
        self._plan(_lib.lib().kiscrm_contract_plan_instalments, contract_id, instalments, allow_less)

    def plan_opportunity_instalments(self, opportunity_id, instalments, allow_less=False):
        """Replaces an open opportunity's collection plan by (due date, amount) pairs,
        atomically; the plan moves to the contract when the opportunity is won."""
        self._plan(_lib.lib().kiscrm_opportunity_plan_instalments, opportunity_id, instalments,
                   allow_less)

    def snapshot(self, as_of=None):
        """Saves the rolling budget of the week containing as_of (default today);
        returns the snapshot id."""
        out = ctypes.c_int64()
        _lib.lib().kiscrm_budget_snapshot(ctypes.byref(out), self._handle(),
                                          V.date_from_python(as_of))
        return out.value

    # --- targets ----------------------------------------------------------------------

    def set_year_target(self, metric, fiscal_year, value, business_line=None,
                        product_line=None, department_id=None, owner_id=None):
        """Sets a yearly target (money Decimal for money metrics, a count otherwise);
        returns its id."""
        L = _lib.lib()
        is_money = L.kiscrm_target_metric_is_money(_lib.enc(metric))
        v = V.money_from_python(value, self.money_decimals) if is_money else int(value)
        d = _lib.TargetDims()
        L.kiscrm_target_dims_init(ctypes.byref(d), _lib.TargetDims.VERSION)
        d.business_line = _lib.enc(business_line)
        d.product_line = _lib.enc(product_line)
        d.department_id = _id(department_id)
        d.owner_id = _id(owner_id)
        out = ctypes.c_int64()
        L.kiscrm_target_set_year(ctypes.byref(out), self._handle(), _lib.enc(metric),
                                 int(fiscal_year), v, ctypes.byref(d))
        return out.value

    def target_split_count(self, target_id, child_period):
        """How many child periods a target splits into."""
        n = ctypes.c_size_t()
        _lib.lib().kiscrm_target_split_count(ctypes.byref(n), self._handle(), _id(target_id),
                                             V.period_code(child_period))
        return n.value

    def split_target_time(self, target_id, child_period, weights):
        """Decomposes a target over time by weights (exact largest-remainder split)."""
        w = (ctypes.c_int64 * len(weights))(*[int(x) for x in weights])
        _lib.lib().kiscrm_target_split_time(self._handle(), _id(target_id),
                                            V.period_code(child_period), w, len(weights))

    def split_target(self, target_id, group, members, weights):
        """Decomposes a target over 'business_line'/'product_line' (members: keys) or
        'department'/'owner' (members: ids) by weights."""
        g = parse_group_by(group)
        if len(g) != 1:
            raise Invalid("split_target needs exactly one dimension, not %r" % (group,))
        n = len(members)
        w = (ctypes.c_int64 * n)(*[int(x) for x in weights]) if len(weights) == n else None
        if w is None:
            raise Invalid("split_target: %d members but %d weights" % (n, len(weights)))
        L = _lib.lib()
        if g[0] in (GROUPS["business_line"], GROUPS["product_line"]):
            keys = (ctypes.c_char_p * n)(*[_lib.enc(k) for k in members])
            L.kiscrm_target_split_dim_keys(self._handle(), _id(target_id), g[0], keys, w, n)
        else:
            ids = (ctypes.c_int64 * n)(*[_id(m) for m in members])
            L.kiscrm_target_split_dim_ids(self._handle(), _id(target_id), g[0], ids, w, n)

    def target_children(self, target_id):
        """Ids of the targets decomposing a target."""
        ptr = ctypes.POINTER(ctypes.c_int64)()
        n = ctypes.c_size_t()
        _lib.lib().kiscrm_target_children(ctypes.byref(ptr), ctypes.byref(n), self._handle(),
                                          _id(target_id))
        if not ptr:
            return []
        return _ids_list(ptr, n)

    # --- prediction -------------------------------------------------------------------

    def predict_probability(self, opportunity_id, **popts):
        """Predicted win probability (percent) of an opportunity (naive Bayes)."""
        o = make_predict_options(**popts)
        out = ctypes.c_double()
        _lib.lib().kiscrm_predict_probability(ctypes.byref(out), self._handle(),
                                              _id(opportunity_id), ctypes.byref(o))
        return out.value

    def predict_explain(self, opportunity_id, **popts):
        """Table explaining a prediction, factor by factor."""
        o = make_predict_options(**popts)
        return self._table(_lib.lib().kiscrm_predict_explain, _id(opportunity_id),
                           ctypes.byref(o))

    def predict_apply(self, **popts):
        """Writes predicted probabilities to open opportunities; returns how many."""
        o = make_predict_options(**popts)
        n = ctypes.c_size_t()
        _lib.lib().kiscrm_predict_apply(ctypes.byref(n), self._handle(), ctypes.byref(o))
        return n.value

    # --- KPI --------------------------------------------------------------------------

    def kpi_score(self, scheme=None, **opts):
        """Person scorecards (the default scheme when scheme is None)."""
        o = make_report_options(**opts)
        if scheme is None:
            return self._table(_lib.lib().kiscrm_report_kpi, ctypes.byref(o))
        return self._table(_lib.lib().kiscrm_kpi_score, scheme._ptr, ctypes.byref(o))

    def kpi_score_departments(self, scheme, **opts):
        """Department scorecards."""
        o = make_report_options(**opts)
        return self._table(_lib.lib().kiscrm_kpi_score_departments, scheme._ptr,
                           ctypes.byref(o))

    def kpi_rollup(self, scheme, **opts):
        """Person scorecards rolled up to departments."""
        o = make_report_options(**opts)
        return self._table(_lib.lib().kiscrm_kpi_rollup, scheme._ptr, ctypes.byref(o))

    def qualification_assess(self, standards, standard, staff_id, as_of=None, lang=None):
        """Assesses a person against a qualification standard (kiscrm_qualification_assess).

        Each row's ``outcome`` is kiscrm.QUAL_PASS, QUAL_FAIL or QUAL_ASSESSOR (borderline,
        the assessor decides, 评审人决定); ``passed`` is 1 only for a pass."""
        o = make_report_options(as_of=as_of, lang=lang)
        return self._table(_lib.lib().kiscrm_qualification_assess, standards._ptr,
                           _lib.enc(standard), _id(staff_id), ctypes.byref(o))

    def kpi_assess(self, standards, standard, staff_id, as_of=None, lang=None):
        """Deprecated name of qualification_assess()."""
        return self.qualification_assess(standards, standard, staff_id, as_of=as_of, lang=lang)

    def kpi_metric(self, key, from_, to, scope="person", staff_id=0, department_id=0,
                   role=None, period=0, as_of=None, scheme=None, indicator=None):
        """Computes one KPI metric: dict(actual, target, note); money as Decimal."""
        from .kpi import metric_unit, value_to_dict, make_context
        ctx = make_context(scope, staff_id, department_id, role, from_, to, period, as_of,
                           scheme, indicator)
        val = _lib.KpiValue()
        _lib.lib().kiscrm_kpi_metric_compute(ctypes.byref(val), self._handle(), _lib.enc(key),
                                             ctypes.byref(ctx))
        return value_to_dict(val, metric_unit(key), self.money_decimals)


# Typed report functions: db.report_<name>(**opts) for every kiscrm_report_<name>.
TYPED_REPORTS = ["funnel", "funnel_diagnosis", "qualification", "invalid_opportunities",
                 "structure", "stqc", "missing_analysis", "win_loss", "win_rate",
                 "stage_win_rates", "rolling_budget", "rolling_gap", "snapshot_diff",
                 "forecast_accuracy", "gap", "sufficiency", "forecast", "year_end",
                 "stage_probabilities", "probability", "targets", "target_check",
                 "receivables", "ageing", "kpi", "qualification_assessment", "campaign_roi",
                 "attribution"]
_EX_REPORTS = {"gap", "forecast", "year_end"}


def _make_typed(name):
    cname = "kiscrm_report_" + name

    def run(self, probability_source=None, **opts):
        o = make_report_options(**opts)
        L = _lib.lib()
        if probability_source is not None:
            if name not in _EX_REPORTS:
                raise TypeError("report_%s takes no probability_source" % name)
            f = _lib.ForecastOptions()
            L.kiscrm_forecast_options_init(ctypes.byref(f), _lib.ForecastOptions.VERSION)
            src = probability_source
            f.probability_source = PROBABILITY_SOURCES[src] if isinstance(src, str) else int(src)
            o.forecast = ctypes.pointer(f)  # report options version 2
        return self._table(getattr(L, cname), ctypes.byref(o))

    run.__name__ = "report_" + name
    run.__doc__ = ("Runs %s() and returns a Table; options as Database.report()%s."
                   % (cname, "; probability_source: 'configured' or 'historical'"
                      if name in _EX_REPORTS else ""))
    return run


for _n in TYPED_REPORTS:
    setattr(Database, "report_" + _n, _make_typed(_n))
del _n
