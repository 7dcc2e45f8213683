"""Conversions between C values and Python values, and the money/date helpers.

Money is ``decimal.Decimal`` (exactly minor units / 10**decimals), dates are
``datetime.date``, timestamps timezone-aware ``datetime.datetime`` in UTC, rates float,
integers int and text str.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
from decimal import Context, Decimal, Inexact
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from . import _lib
from .errors import Invalid, Overflow

TYPE_NULL, TYPE_INT, TYPE_TEXT, TYPE_MONEY, TYPE_DATE, TYPE_RATE, TYPE_TIME = range(7)
TYPE_NAMES = {TYPE_NULL: "null", TYPE_INT: "int", TYPE_TEXT: "text", TYPE_MONEY: "money",
              TYPE_DATE: "date", TYPE_RATE: "rate", TYPE_TIME: "time"}
TYPE_CODES = {v: k for k, v in TYPE_NAMES.items()}

PERIODS = {"week": 1, "month": 2, "quarter": 3, "year": 4}
PERIOD_NAMES = {v: k for k, v in PERIODS.items()}

EPOCH = _dt.date(1970, 1, 1)
EPOCH_TIME = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
#: What a money argument may be: Decimal (exact), int (major units) or decimal text.
MoneyLike = Union[Decimal, int, str]
#: A date argument: datetime.date (a datetime gives its UTC date), "YYYY-MM-DD", day number.
DateLike = Union[_dt.date, str, int]
#: A time argument: aware or naive (UTC) datetime, date (midnight UTC), ISO text, seconds.
TimeLike = Union[_dt.datetime, _dt.date, str, int]
#: A period: "week", "month", "quarter", "year" or its kiscrm_period number.
PeriodLike = Union[str, int]

# Scaling money must never round: enough digits for any int64, and rounding traps.
_EXACT = Context(prec=64, traps=[Inexact])


# --- money --------------------------------------------------------------------------

def money_to_decimal(minor: int, decimals: int = 2) -> Decimal:
    """Minor units (int) → Decimal, exactly: 123456 with 2 decimals is Decimal('1234.56')."""
    minor = int(minor)
    sign = 1 if minor < 0 else 0
    digits = tuple(int(c) for c in str(abs(minor)))
    return Decimal((sign, digits, -decimals))


def money_from_python(value: MoneyLike, decimals: int = 2) -> int:
    """Decimal, int (major units) or decimal text → minor units, exactly.

    Floats are refused (they cannot hold 0.1 exactly); more decimals than the currency
    has raise Invalid; values outside int64 minor units raise Overflow."""
    if isinstance(value, bool):
        raise TypeError("money must be a Decimal, an int or decimal text, not bool")
    if isinstance(value, int):
        minor = value * 10 ** decimals
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise Invalid("money value '%s' is not a finite number" % value, value=str(value))
        try:
            scaled = value.scaleb(decimals, _EXACT)
        except Inexact:
            scaled = None
        minor = int(scaled) if scaled is not None else None
        if minor is None or minor != scaled:
            raise Invalid("money value '%s' has more than %d decimals" % (value, decimals),
                          value=str(value))
    elif isinstance(value, str):
        out = ctypes.c_int64()
        _lib.lib().kiscrm_money_parse(ctypes.byref(out), _lib.enc(value), decimals)
        return out.value
    elif isinstance(value, float):
        raise TypeError("money must be a Decimal, an int or decimal text, not float "
                        "(%r is not exact); use Decimal(%r)" % (value, str(value)))
    else:
        raise TypeError("money must be a Decimal, an int or decimal text, not %s"
                        % type(value).__name__)
    if not INT64_MIN <= minor <= INT64_MAX:
        raise Overflow("money value '%s' does not fit in 64-bit minor units" % value,
                       value=str(value))
    return minor


def parse_money(text: str, decimals: int = 2) -> Decimal:
    """Decimal text ("1,234.56") → Decimal, by the library's exact parser."""
    return money_to_decimal(money_from_python(str(text), decimals), decimals)


def format_money(value: MoneyLike, decimals: int = 2, thousands: bool = False) -> str:
    """Money (Decimal, int, text) → text such as "1,234.56" (thousands=True)."""
    minor = money_from_python(value, decimals)
    buf = ctypes.create_string_buffer(48)
    n = _lib.lib().kiscrm_money_format(buf, len(buf), minor, decimals, 1 if thousands else 0)
    return buf.raw[:n].decode("ascii")


def money_scale(amount: MoneyLike, num: int, den: int, decimals: int = 2) -> Decimal:
    """amount × num / den rounded half away from zero to the minor unit (Decimal)."""
    out = ctypes.c_int64()
    _lib.lib().kiscrm_money_scale(ctypes.byref(out), money_from_python(amount, decimals),
                                  int(num), int(den))
    return money_to_decimal(out.value, decimals)


def money_split(total: MoneyLike, weights: Sequence[int],
                decimals: int = 2) -> List[Decimal]:
    """Splits total by weights (largest remainder) into parts that add up exactly."""
    n = len(weights)
    if n == 0:
        raise Invalid("money_split needs at least one weight")
    parts = (ctypes.c_int64 * n)()
    w = (ctypes.c_int64 * n)(*[int(x) for x in weights])
    _lib.lib().kiscrm_money_split(parts, money_from_python(total, decimals), w, n)
    return [money_to_decimal(p, decimals) for p in parts]


# --- dates and times ----------------------------------------------------------------

def date_to_python(days: int) -> Optional[_dt.date]:
    """Days since 1970-01-01 → datetime.date (None for KISCRM_DATE_NONE)."""
    if days == _lib.KISCRM_DATE_NONE:
        return None
    return EPOCH + _dt.timedelta(days=days)


def date_from_python(value: Optional[DateLike]) -> int:
    """datetime.date / datetime.datetime (its UTC date) / "YYYY-MM-DD" → days."""
    if value is None:
        return _lib.KISCRM_DATE_NONE
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        value = value.date()
    if isinstance(value, _dt.date):
        return (value - EPOCH).days
    if isinstance(value, str):
        out = ctypes.c_int32()
        _lib.lib().kiscrm_date_parse(ctypes.byref(out), _lib.enc(value))
        return out.value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError("a date must be a datetime.date or 'YYYY-MM-DD' text, not %s"
                    % type(value).__name__)


def time_to_python(seconds: int) -> _dt.datetime:
    """Seconds since the epoch → aware datetime in UTC."""
    return EPOCH_TIME + _dt.timedelta(seconds=seconds)


def time_from_python(value: Optional[TimeLike]) -> int:
    """datetime (naive is read as UTC) / date (midnight UTC) / ISO text / int → seconds."""
    if value is None:
        value = _dt.datetime.now(_dt.timezone.utc)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - EPOCH_TIME
        return delta.days * 86400 + delta.seconds
    if isinstance(value, _dt.date):
        return (value - EPOCH).days * 86400
    if isinstance(value, str):
        out = ctypes.c_int64()
        _lib.lib().kiscrm_time_parse(ctypes.byref(out), _lib.enc(value))
        return out.value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError("a time must be a datetime, a date or ISO-8601 text, not %s"
                    % type(value).__name__)


def period_code(period: Optional[PeriodLike]) -> int:
    """'week' | 'month' | 'quarter' | 'year' | int | None → kiscrm_period (0: none)."""
    if period is None:
        return 0
    if isinstance(period, str):
        try:
            return PERIODS[period]
        except KeyError:
            raise Invalid("unknown period '%s' (week, month, quarter, year)" % period,
                          value=period) from None
    return int(period)


def parse_date(text: str) -> Optional[_dt.date]:
    """'YYYY-MM-DD' → datetime.date, by the library's strict parser."""
    return date_to_python(date_from_python(str(text)))


def format_date(value: DateLike) -> str:
    """date → 'YYYY-MM-DD'."""
    buf = ctypes.create_string_buffer(16)
    n = _lib.lib().kiscrm_date_format(buf, len(buf), date_from_python(value))
    return buf.raw[:n].decode("ascii")


def parse_time(text: str) -> _dt.datetime:
    """ISO timestamp text → aware datetime (UTC)."""
    return time_to_python(time_from_python(str(text)))


def format_time(value: TimeLike) -> str:
    """datetime → 'YYYY-MM-DDTHH:MM:SSZ'."""
    buf = ctypes.create_string_buffer(32)
    n = _lib.lib().kiscrm_time_format(buf, len(buf), time_from_python(value))
    return buf.raw[:n].decode("ascii")


def _d(fn: Callable[..., int], *args: Any) -> Optional[_dt.date]:
    return date_to_python(fn(*args))


def week_start(date: DateLike, first_weekday: int = 1) -> Optional[_dt.date]:
    """First day of the week containing date (weeks starting on first_weekday, 1 = Monday)."""
    return _d(_lib.lib().kiscrm_date_week_start, date_from_python(date), first_weekday)


def month_start(date: DateLike) -> Optional[_dt.date]:
    """First day of date's month."""
    return _d(_lib.lib().kiscrm_date_month_start, date_from_python(date))


def add_months(date: DateLike, months: int) -> Optional[_dt.date]:
    """date + months, clamping the day to the end of the target month."""
    return _d(_lib.lib().kiscrm_date_add_months, date_from_python(date), months)


def weekday(date: DateLike) -> int:
    """ISO weekday: 1 = Monday … 7 = Sunday."""
    return _lib.lib().kiscrm_date_weekday(date_from_python(date))


def days_in_month(year: int, month: int) -> int:
    """28..31, 0 for an invalid month."""
    return _lib.lib().kiscrm_date_days_in_month(year, month)


def iso_week(date: DateLike) -> Tuple[int, int]:
    """(ISO year, ISO week number)."""
    y, w = ctypes.c_int(), ctypes.c_int()
    _lib.lib().kiscrm_date_iso_week(date_from_python(date), ctypes.byref(y), ctypes.byref(w))
    return y.value, w.value


def fiscal_year_start(date: DateLike, fy_start_month: int = 1) -> Optional[_dt.date]:
    """First day of the fiscal year containing date."""
    return _d(_lib.lib().kiscrm_date_fiscal_year_start, date_from_python(date), fy_start_month)


def fiscal_year(date: DateLike, fy_start_month: int = 1) -> int:
    """Fiscal year of date, named by the calendar year it starts in."""
    return _lib.lib().kiscrm_date_fiscal_year(date_from_python(date), fy_start_month)


def fiscal_quarter(date: DateLike, fy_start_month: int = 1) -> int:
    """Fiscal quarter 1..4 of date."""
    return _lib.lib().kiscrm_date_fiscal_quarter(date_from_python(date), fy_start_month)


def period_start(date: DateLike, period: PeriodLike, first_weekday: int = 1,
                 fy_start_month: int = 1) -> Optional[_dt.date]:
    """First day of the period ('week', 'month', 'quarter', 'year') containing date."""
    return _d(_lib.lib().kiscrm_period_start, date_from_python(date), period_code(period),
              first_weekday, fy_start_month)


def period_next(start: DateLike, period: PeriodLike) -> Optional[_dt.date]:
    """First day of the period after the one starting at start."""
    return _d(_lib.lib().kiscrm_period_next, date_from_python(start), period_code(period))


def date_from_ymd(year: int, month: int, day: int) -> Optional[_dt.date]:
    """A date checked by the library (raises Invalid naming the bad part)."""
    out = ctypes.c_int32()
    _lib.lib().kiscrm_date_from_ymd(ctypes.byref(out), year, month, day)
    return date_to_python(out.value)


def date_to_ymd(date: DateLike) -> Tuple[int, int, int]:
    """(year, month, day) of a date, computed by the library."""
    y, m, d = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    _lib.lib().kiscrm_date_to_ymd(date_from_python(date), ctypes.byref(y), ctypes.byref(m),
                                  ctypes.byref(d))
    return y.value, m.value, d.value


def time_date(value: TimeLike) -> Optional[_dt.date]:
    """UTC date of a timestamp."""
    return _d(_lib.lib().kiscrm_time_date, time_from_python(value))


# --- text ---------------------------------------------------------------------------

def utf8_width(text: str) -> int:
    """Terminal columns needed to show text (a CJK character counts 2)."""
    w = _lib.lib().kiscrm_utf8_width(_lib.enc(text))
    if w < 0:
        raise _lib.last_error(w)
    return w


def utf8_validate(data: bytes) -> Optional[int]:
    """None when bytes are well-formed UTF-8, else the offset of the first bad byte."""
    bad = ctypes.c_size_t()
    rc = _lib.lib().kiscrm_utf8_validate(data, len(data), ctypes.byref(bad))
    return None if rc == 0 else bad.value


def normalize_name(name: str) -> str:
    """Normalised company name used for duplicate detection."""
    buf = _lib.Buf()
    _lib.lib().kiscrm_customer_normalize_name(ctypes.byref(buf), _lib.enc(name))
    return _lib.take_buf(buf)

