"""KPI schemes, qualification standards and the KPI metrics registry."""

import ctypes
from collections import namedtuple

from . import _lib
from . import values as V

SCOPES = {"person": 1, "department": 2, "company": 3}
UNITS = {1: "money", 2: "count", 3: "ratio", 4: "days", 5: "score"}
UNIT_CODES = {v: k for k, v in UNITS.items()}

Metric = namedtuple("Metric", "key zh en unit target_metric")

# kiscrm_qual_outcome (kiscrm/qualification.h): the ``outcome`` column of a qualification
# assessment. QUAL_ASSESSOR is a borderline case the assessor decides (评审人决定); its
# ``passed`` is 0, so code reading only ``passed`` never takes it for a pass.
QUAL_FAIL, QUAL_PASS, QUAL_ASSESSOR = 0, 1, 2
QUAL_OUTCOMES = {QUAL_FAIL: "fail", QUAL_PASS: "pass", QUAL_ASSESSOR: "assessor"}

# Python metric callbacks must outlive their registration.
_CALLBACKS = {}


class KpiScheme:
    """A loaded, validated KPI scheme (kiscrm_kpi_scheme)."""

    def __init__(self, ptr):
        self._ptr = ptr

    @classmethod
    def _load(cls, fn, *args):
        ptr = _lib.KpiSchemeP()
        fn(ctypes.byref(ptr), *args)
        return cls(ptr)

    @classmethod
    def load(cls, path):
        """From a YAML file (ConfigError names file, line, key and value)."""
        return cls._load(_lib.lib().kiscrm_kpi_scheme_load, _lib.enc(str(path)))

    @classmethod
    def load_text(cls, text, name="(text)"):
        """From YAML text."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        return cls._load(_lib.lib().kiscrm_kpi_scheme_load_text, _lib.enc(name), data,
                         len(data))

    @classmethod
    def load_dir(cls, directory):
        """From a configuration directory (its kpi.yaml, else the default)."""
        return cls._load(_lib.lib().kiscrm_kpi_scheme_load_dir, _lib.enc(str(directory)))

    @classmethod
    def default(cls, db):
        """The scheme of the database's configuration."""
        s = cls._load(_lib.lib().kiscrm_kpi_scheme_load_default, db._handle())
        s.db = db
        return s

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_kpi_scheme_free(ptr)

    @property
    def key(self):
        return _lib.lib().kiscrm_kpi_scheme_key(self._ptr)

    @property
    def indicators(self):
        """(key, weight percent) of every indicator, in order."""
        L = _lib.lib()
        return [(L.kiscrm_kpi_scheme_indicator_key(self._ptr, i),
                 L.kiscrm_kpi_scheme_indicator_weight(self._ptr, i))
                for i in range(L.kiscrm_kpi_scheme_indicator_count(self._ptr))]


class QualStandards:
    """Loaded qualification standards (kiscrm_qual_standards)."""

    def __init__(self, ptr):
        self._ptr = ptr

    @classmethod
    def load(cls, path):
        ptr = _lib.QualStandardsP()
        _lib.lib().kiscrm_qual_standard_load(ctypes.byref(ptr), _lib.enc(str(path)))
        return cls(ptr)

    @classmethod
    def load_dir(cls, directory=None):
        """qualification.yaml of a configuration directory; None: the built-in defaults."""
        ptr = _lib.QualStandardsP()
        _lib.lib().kiscrm_qual_standard_load_dir(
            ctypes.byref(ptr), None if directory is None else _lib.enc(str(directory)))
        return cls(ptr)

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_qual_standards_free(ptr)

    @property
    def keys(self):
        L = _lib.lib()
        return [L.kiscrm_qual_standard_key(self._ptr, i)
                for i in range(L.kiscrm_qual_standard_count(self._ptr))]


def _metric(m):
    s = _lib._s
    return Metric(s(m.key), s(m.zh), s(m.en), UNITS.get(m.unit, m.unit), s(m.target_metric))


def metrics():
    """Every registered KPI metric."""
    L = _lib.lib()
    return [_metric(L.kiscrm_kpi_metric_at(i).contents) for i in range(L.kiscrm_kpi_metric_count())]


def metric_unit(key):
    p = _lib.lib().kiscrm_kpi_metric_find(_lib.enc(key))
    return UNITS.get(p.contents.unit) if p else None


def make_context(scope, staff_id, department_id, role, from_, to, period, as_of, scheme,
                 indicator):
    c = _lib.KpiContext()
    c.version = _lib.KpiContext.VERSION
    c.scope = SCOPES[scope] if isinstance(scope, str) else int(scope)
    c.staff_id = int(getattr(staff_id, "id", staff_id) or 0)
    c.department_id = int(getattr(department_id, "id", department_id) or 0)
    c.role = _lib.enc(role)
    c.from_ = V.date_from_python(from_)
    c.to = V.date_from_python(to)
    c.period = V.period_code(period)
    c.as_of = V.date_from_python(as_of if as_of is not None else to)
    c.scheme = _lib.enc(scheme)
    c.indicator = _lib.enc(indicator)
    return c


def value_to_dict(val, unit, decimals):
    money = unit == "money"
    actual = target = None
    if val.has_actual:
        actual = V.money_to_decimal(val.actual_money, decimals) if money else val.actual
    if val.has_target:
        target = V.money_to_decimal(val.target_money, decimals) if money else val.target
    return {"actual": actual, "target": target, "note": _lib._s(val.note)}


def register_metric(key, compute, unit="count", zh=None, en=None, target_metric=None,
                    decimals=2):
    """Registers a KPI metric computed in Python.

    ``compute(ctx)`` gets a dict (scope, staff_id, department_id, role, from, to, period,
    as_of, scheme, indicator) and returns the actual value, ``(actual, target)``, or None
    for no data. Money metrics return Decimal. An exception stops the scoring with a
    KiscrmError naming the metric."""
    unit_code = UNIT_CODES[unit] if isinstance(unit, str) else int(unit)
    L = _lib.lib()

    def trampoline(out, dbp, ctxp, user):
        try:
            c = ctxp.contents
            inv = {v: k for k, v in SCOPES.items()}
            ctx = {"scope": inv.get(c.scope, c.scope), "staff_id": c.staff_id,
                   "department_id": c.department_id, "role": _lib._s(c.role),
                   "from": V.date_to_python(c.from_), "to": V.date_to_python(c.to),
                   "period": V.PERIOD_NAMES.get(c.period), "as_of": V.date_to_python(c.as_of),
                   "scheme": _lib._s(c.scheme), "indicator": _lib._s(c.indicator)}
            res = compute(ctx)
            if res is None:
                return 0
            target = None
            if isinstance(res, tuple):
                res, target = res
            o = out.contents
            for val, has, dbl, mon in ((res, "has_actual", "actual", "actual_money"),
                                       (target, "has_target", "target", "target_money")):
                if val is None:
                    continue
                setattr(o, has, 1)
                if unit_code == 1:
                    minor = V.money_from_python(val, decimals)
                    setattr(o, mon, minor)
                    setattr(o, dbl, minor / 10 ** decimals)
                else:
                    setattr(o, dbl, float(val))
            return 0
        except Exception as e:  # noqa: BLE001 - reported through the library's error
            msg = "KPI metric '%s' failed in Python: %s: %s" % (key, type(e).__name__, e)
            return L.kiscrm_backend_error(-1, msg.encode("utf-8"))

    fn = _lib.KpiMetricFn(trampoline)
    m = _lib.KpiMetric()
    m.version = _lib.KpiMetric.VERSION
    m.key = _lib.enc(key)
    m.zh = _lib.enc(zh or key)
    m.en = _lib.enc(en or key)
    m.unit = unit_code
    m.target_metric = _lib.enc(target_metric)
    m.compute = fn
    L.kiscrm_kpi_register_metric(ctypes.byref(m))
    _CALLBACKS[key] = fn


def unregister_metric(key):
    """Removes a metric registered before."""
    _lib.lib().kiscrm_kpi_unregister_metric(_lib.enc(key))
    _CALLBACKS.pop(key, None)
