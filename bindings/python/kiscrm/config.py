"""Configuration: calendar, currency, dimensions, roles and pipelines (read-only)."""

import ctypes
from collections import namedtuple

from . import _lib

DIMENSIONS = {"business_line": 1, "product_line": 2, "region": 3, "industry": 4}

Stage = namedtuple("Stage", "key name name_en probability forecast_category terminal exit_fields")
Pipeline = namedtuple("Pipeline", "key stages")
Role = namedtuple("Role", "key name name_en max_discount_bp max_contract approves_budget")
DimensionEntry = namedtuple("DimensionEntry", "key name name_en")

TERMINAL = {0: "open", 1: "won", 2: "lost"}


def _dim(dim):
    if isinstance(dim, str):
        try:
            return DIMENSIONS[dim]
        except KeyError:
            from .errors import Invalid
            raise Invalid("unknown dimension '%s' (%s)" % (dim, ", ".join(DIMENSIONS)),
                          value=dim) from None
    return int(dim)


class Config:
    """A kiscrm_config. ``db.config`` borrows the database's configuration (and keeps the
    database alive); ``Config.load(dir)`` and ``Config.default()`` own theirs."""

    def __init__(self, ptr, owner=None, owned=False):
        self._ptr = ptr
        self._owner = owner  # the Database whose configuration this is
        self._owned = owned

    @classmethod
    def default(cls):
        """The built-in default configuration."""
        ptr = _lib.ConfigP()
        _lib.lib().kiscrm_config_load_default(ctypes.byref(ptr))
        return cls(ptr, owned=True)

    @classmethod
    def load(cls, directory):
        """Loads a configuration directory (ConfigError names file, line and key)."""
        ptr = _lib.ConfigP()
        _lib.lib().kiscrm_config_load(ctypes.byref(ptr), _lib.enc(str(directory)))
        return cls(ptr, owned=True)

    def __del__(self):
        if getattr(self, "_owned", False) and self._ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_config_free(self._ptr)
            self._ptr = None

    @property
    def _p(self):
        if self._owner is not None:
            self._owner._handle()  # raises when the database was closed
        return self._ptr

    @property
    def directory(self):
        """Directory the configuration was loaded from, None for the built-in defaults."""
        return _lib.lib().kiscrm_config_dir(self._p)

    @property
    def week_start(self):
        """Weekday weeks start on (1 = Monday … 7)."""
        return _lib.lib().kiscrm_config_week_start(self._p)

    @property
    def fiscal_year_start(self):
        """Month the fiscal year starts in (1..12)."""
        return _lib.lib().kiscrm_config_fiscal_year_start(self._p)

    @property
    def currency(self):
        """Currency code, e.g. 'CNY'."""
        return _lib.lib().kiscrm_config_currency(self._p)

    @property
    def currency_decimals(self):
        """Minor-unit digits of the currency (2 for CNY)."""
        return _lib.lib().kiscrm_config_currency_decimals(self._p)

    def dimension(self, dim, lang="zh"):
        """Entries of a dimension list ('business_line', 'product_line', 'region',
        'industry') as DimensionEntry(key, name (in lang), name_en)."""
        L, p, d = _lib.lib(), self._p, _dim(dim)
        lang_b = _lib.enc(lang)
        return [DimensionEntry(L.kiscrm_config_dim_key(p, d, i),
                               L.kiscrm_config_dim_name(p, d, i, lang_b),
                               L.kiscrm_config_dim_name(p, d, i, b"en"))
                for i in range(L.kiscrm_config_dim_count(p, d))]

    def dimension_keys(self, dim):
        """The keys of a dimension list."""
        return [e.key for e in self.dimension(dim)]

    def dimension_find(self, dim, key):
        """Index of a key in a dimension list, or None."""
        i = _lib.lib().kiscrm_config_dim_find(self._p, _dim(dim), _lib.enc(key))
        return None if i < 0 else i

    def dimension_strict(self, dim):
        """Whether values must be one of the configured keys."""
        return bool(_lib.lib().kiscrm_config_dim_strict(self._p, _dim(dim)))

    @property
    def roles(self):
        """Roles with their authority limits (max_contract Decimal, None when unlimited)."""
        from .values import money_to_decimal
        L, p = _lib.lib(), self._p
        out = []
        dec = self.currency_decimals
        for i in range(L.kiscrm_config_role_count(p)):
            bp = L.kiscrm_config_role_max_discount_bp(p, i)
            mc = L.kiscrm_config_role_max_contract(p, i)
            out.append(Role(L.kiscrm_config_role_key(p, i),
                            L.kiscrm_config_role_name(p, i, b"zh"),
                            L.kiscrm_config_role_name(p, i, b"en"),
                            None if bp < 0 else bp,
                            None if mc < 0 else money_to_decimal(mc, dec),
                            bool(L.kiscrm_config_role_approves_budget(p, i))))
        return out

    def role_max_discount_bp(self, role, product_line=None):
        """Discount limit of a role (key or index) on a product line in basis points
        (max_discount_by_line, else max_discount); None when unlimited."""
        i = self.role_find(role) if isinstance(role, str) else role
        if i is None:
            return 0
        bp = _lib.lib().kiscrm_config_role_max_discount_line_bp(self._p, i, _lib.enc(product_line))
        return None if bp < 0 else bp

    def role_find(self, key):
        """Index of a role, or None."""
        i = _lib.lib().kiscrm_config_role_find(self._p, _lib.enc(key))
        return None if i < 0 else i

    @property
    def pipelines(self):
        """Configured pipelines (the first is the default) with their stages."""
        L, p = _lib.lib(), self._p
        out = []
        for pi in range(L.kiscrm_config_pipeline_count(p)):
            stages = []
            for s in range(L.kiscrm_config_stage_count(p, pi)):
                exits = [L.kiscrm_config_stage_exit_field(p, pi, s, i)
                         for i in range(L.kiscrm_config_stage_exit_count(p, pi, s))]
                stages.append(Stage(L.kiscrm_config_stage_key(p, pi, s),
                                    L.kiscrm_config_stage_name(p, pi, s, b"zh"),
                                    L.kiscrm_config_stage_name(p, pi, s, b"en"),
                                    L.kiscrm_config_stage_probability(p, pi, s),
                                    L.kiscrm_config_stage_forecast_category(p, pi, s),
                                    TERMINAL.get(L.kiscrm_config_stage_terminal(p, pi, s),
                                                 "open"),
                                    exits))
            out.append(Pipeline(L.kiscrm_config_pipeline_key(p, pi), stages))
        return out

    def pipeline(self, key=None):
        """A pipeline by key (None: the default one)."""
        i = _lib.lib().kiscrm_config_pipeline_find(self._p, _lib.enc(key))
        if i < 0:
            from .errors import NotFound
            raise NotFound("unknown pipeline '%s'" % key, value=key)
        return self.pipelines[i]

    def stage_index(self, stage, pipeline=None):
        """Index of a stage key in a pipeline, or None."""
        L = _lib.lib()
        pi = L.kiscrm_config_pipeline_find(self._p, _lib.enc(pipeline))
        if pi < 0:
            return None
        i = L.kiscrm_config_stage_find(self._p, pi, _lib.enc(stage))
        return None if i < 0 else i
