"""Python bindings (ctypes) for libkiscrm, the CRM / sales-management library.

    import kiscrm
    with kiscrm.Database("crm.db") as db:
        print(db.report("win-rate", group_by="owner").to_dicts())

The shared library is found without environment variables wherever `meson install`
put it (the venv's prefix, the prefix pkg-config knew when the package was built, the
dynamic loader, /usr/local, /usr); KISCRM_LIBRARY, when set, overrides the search. The
order is in kiscrm/_lib.py. A library of another major/minor version raises
KiscrmVersionError.
"""

from typing import Any, List, Optional, Tuple

from . import _lib
from ._lib import EXPECTED_VERSION, library_path
from .config import Config, DimensionEntry, Pipeline, Role, Stage
from .db import (GROUPS, TYPED_REPORTS, Database, RecordIterator, make_report_options)
from .errors import (Busy, Conflict, ConfigError, CsvImportError, Exists, Invalid,
                     KiscrmError, KiscrmVersionError, LibraryNotFound, NotFound, NotSupported,
                     OutOfMemory, Overflow, StorageError, UnlistedValueWarning, UserStop,
                     error_class)
from .kpi import KpiScheme, QualStandards
from .kpi import QUAL_ASSESSOR, QUAL_FAIL, QUAL_OUTCOMES, QUAL_PASS
from .kpi import metrics as kpi_metrics
from .kpi import register_metric as register_kpi_metric
from .kpi import unregister_metric as unregister_kpi_metric
from .record import (ENTITY_CLASSES, Activity, ActivityException, Collection, Competitor, OpportunityCompetitor,
                     SwotEntry, SwotStrategy, WorkItem, WorkLog, GridCell,
                     Campaign, CampaignCost, CampaignMember, CampaignTouch, ServiceRequest,
                     ServiceEvent, SatisfactionSurvey, PresalesRequest, Milestone,
                     Partner, PartnerTarget, Registration, Product, Quote, QuoteLine, Approval, AuditEntry,
                     CollectionPlan, Contact, Contract, Customer,
                     CustomerAttr, Department, Evidence, ExamResult, Experience, Kind, KeyAccountEvent,
                     KpiScore, Lead, Opportunity, Record, Snapshot, SnapshotLine, Staff,
                     StageHistory, Target, Training, ValueClass, kind, kind_names)
from .doc import Chart, Doc, Section
from .table import Column, Table
from .values import (add_months, date_from_ymd, date_to_ymd, days_in_month, fiscal_quarter,
                     fiscal_year, fiscal_year_start, format_date, format_money, format_time,
                     iso_week, money_scale, money_split, month_start, normalize_name,
                     parse_date, parse_money, parse_time, period_next, period_start,
                     time_date, utf8_validate, utf8_width, week_start, weekday)

from . import errors as _errors

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    """``kiscrm.ImportError``: deprecated alias of CsvImportError (see errors.py)."""
    return _errors.deprecated_attribute(__name__, name)


def version() -> Tuple[int, int, int]:
    """(major, minor, patch) of the loaded libkiscrm."""
    import ctypes
    a, b, c = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    _lib.lib().kiscrm_version(ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
    return a.value, b.value, c.value


def version_string() -> str:
    """Version of the loaded libkiscrm as text, e.g. '0.2.0'."""
    return _lib.lib().kiscrm_version_string()


def schema_version() -> int:
    """Highest database schema version the loaded library reads and writes."""
    return _lib.lib().kiscrm_schema_version()


def strerror(code: int) -> Optional[str]:
    """English text of a return code."""
    return _lib._s(_lib.lib().kiscrm_strerror(code))


def reports() -> List[Tuple[str, str]]:
    """[(name, description)] of every report Database.report() runs by name."""
    L = _lib.lib()
    return [(L.kiscrm_report_name(i), L.kiscrm_report_description(i))
            for i in range(L.kiscrm_report_count())]


def metric_is_money(metric: str) -> bool:
    """True for a money target metric, False for a count metric (Invalid if unknown)."""
    return _lib.lib().kiscrm_target_metric_is_money(_lib.enc(metric)) == 1


def load_library() -> Optional[str]:
    """Loads and checks libkiscrm now (it is otherwise loaded on first use)."""
    _lib.lib()
    return _lib.library_path()
