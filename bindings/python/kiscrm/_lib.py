"""Loading libkiscrm and declaring every C function it exports (ctypes).

All prototypes are data: ``FUNCTIONS`` is one table of
``(name, argtypes, restype, errcheck)`` in the manner of libclang's cindex.py. ``lib()``
loads the library once, checks its version against ``EXPECTED_VERSION`` and registers the
whole table; a missing symbol or another major/minor version raises
:class:`~kiscrm.errors.KiscrmVersionError`.

The library is searched in this order, the most specific place first (``candidates()``
lists the paths, ``search_dirs()`` the directories); the first library that loads and
matches these bindings is used:

1. the environment variable ``KISCRM_LIBRARY`` (a file path) — when set, only it. The
   issue asked for it last, as the fallback for a library in no standard place; we keep
   it first because an explicit variable must be able to choose one library among
   several (the meson tests load the library just built even where an older one is
   installed; bisecting; a second build tree), and a variable that lost to any installed
   copy could not. Unset, it plays no part, so nothing below needs it;
2. ``build/src/libkiscrm.so`` of the source checkout these bindings live in, only when
   they do (``PYTHONPATH=bindings/python`` while developing);
3. the directories recorded when the package was built (``kiscrm/_install_paths.py``,
   written by setup.py from pkg-config: the directory of ``libkiscrm.pc``'s parent and its
   ``libdir``) — a library in any prefix, found as ``pip install`` saw it;
4. the prefixes of the running Python (``sys.prefix``: a venv you ran
   ``meson install --prefix "$VIRTUAL_ENV"`` into; ``sys.base_prefix``), unless standard,
   each in ``lib/<multiarch>`` (Debian's libdir, e.g. ``lib/x86_64-linux-gnu``), ``lib64``
   and ``lib``;
5. the dynamic loader with the soname ``libkiscrm.so.1`` (``LD_LIBRARY_PATH``, the
   ``ldconfig`` cache, ``/lib`` and ``/usr/lib`` with their multiarch directories — the
   library a C program linked with ``-lkiscrm`` gets), then
   ``ctypes.util.find_library("kiscrm")``;
6. the standard prefixes ``/usr/local`` and ``/usr`` in the same three libdirs: a
   ``meson install`` without ``ldconfig`` afterwards, which the loader does not see yet.

A library that loads but does not match (another minor version earlier on the path) is
passed over; if no candidate matches, its :class:`~kiscrm.errors.KiscrmVersionError` is
raised, and if none loads, :class:`~kiscrm.errors.LibraryNotFound` lists every path tried.
"""

import ctypes
import ctypes.util
import glob
import os
import platform
import sys
import sysconfig
import threading
from typing import Iterator, List, Optional, Tuple
from ctypes import (CFUNCTYPE, POINTER, Structure, Union, c_char_p, c_double, c_int, c_int32,
                    c_int64, c_size_t, c_uint, c_void_p)

from . import errors

#: (major, minor) of libkiscrm these bindings were written for.
EXPECTED_VERSION = (0, 2)

KISCRM_DATE_NONE = -2**31
KISCRM_PREDICT_ALL_HISTORY = -2**31 + 1


# --- Opaque handles: c_void_p subclasses so that pointers are never truncated to int ----

class DbP(c_void_p):
    """kiscrm_db *"""


class ConfigP(c_void_p):
    """kiscrm_config *"""


class RecordP(c_void_p):
    """kiscrm_record *"""


class IterP(c_void_p):
    """kiscrm_iter *"""


class TableP(c_void_p):
    """kiscrm_table *"""


class BackendP(c_void_p):
    """kiscrm_backend *"""


class KpiSchemeP(c_void_p):
    """kiscrm_kpi_scheme *"""


class QualStandardsP(c_void_p):
    """kiscrm_qual_standards *"""


class DocP(c_void_p):
    """kiscrm_doc *"""


kiscrm_id = c_int64
kiscrm_money = c_int64
kiscrm_time = c_int64
kiscrm_date = c_int32


# --- Structs (fields only ever appended in C; versions checked by the library) --------

class Error(Structure):
    _fields_ = [("code", c_int), ("message", c_char_p), ("file", c_char_p), ("line", c_int),
                ("column", c_int), ("field", c_char_p), ("value", c_char_p)]


class Buf(Structure):
    _fields_ = [("ptr", c_void_p), ("size", c_size_t), ("asize", c_size_t)]


class DbOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("backend", c_char_p), ("path", c_char_p),
                ("config_dir", c_char_p), ("custom_backend", BackendP),
                ("busy_timeout_ms", c_int)]


class Column(Structure):
    """kiscrm_column: one field's values of a batch (kiscrm_record_insert_columns)."""
    _fields_ = [("field", c_int), ("ints", POINTER(c_int64)), ("rates", POINTER(c_double)),
                ("texts", POINTER(c_char_p)), ("nulls", c_void_p)]


class CondValue(Union):
    _fields_ = [("i", c_int64), ("r", c_double), ("s", c_char_p)]


class Principal(Structure):
    _fields_ = [("version", c_uint), ("staff_id", c_int64), ("partner_id", c_int64),
                ("role", c_char_p)]


class FilterCond(Structure):
    """kiscrm_filter_cond: field, operator (KISCRM_OP_*), value type and value."""
    _fields_ = [("field", c_int), ("op", c_int), ("type", c_int), ("value", CondValue)]


# kiscrm_op
OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_CONTAINS = range(1, 8)


class TransactOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("max_attempts", c_int), ("initial_backoff_ms", c_int),
                ("max_backoff_ms", c_int)]


#: kiscrm_transact_fn: int (*)(kiscrm_db *db, void *payload)
TransactFn = CFUNCTYPE(c_int, DbP, c_void_p)


class Filter(Structure):
    VERSION = 2
    _fields_ = [("version", c_uint), ("owner_id", kiscrm_id), ("department_id", kiscrm_id),
                ("customer_id", kiscrm_id), ("region", c_char_p), ("industry", c_char_p),
                ("key_account", c_int), ("name_contains", c_char_p), ("active", c_int),
                ("ncond", c_size_t), ("conds", POINTER(FilterCond))]


class ForecastOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("probability_source", c_int)]


class ReportOptions(Structure):
    VERSION = 3
    _fields_ = [("version", c_uint), ("as_of", kiscrm_date), ("from_", kiscrm_date),
                ("to", kiscrm_date), ("period", c_int), ("group_by", POINTER(c_int)),
                ("ngroup", c_size_t), ("pipeline", c_char_p), ("lang", c_char_p),
                ("owner_id", kiscrm_id), ("department_id", kiscrm_id),
                ("forecast", POINTER(ForecastOptions)), ("attribution", c_char_p)]


class MailingOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("campaign_id", kiscrm_id), ("region", c_char_p),
                ("industry", c_char_p), ("leads", c_int)]


class ActivityQuery(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("from_", kiscrm_time), ("to", kiscrm_time),
                ("owner_id", kiscrm_id), ("customer_id", kiscrm_id)]


class ImportOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("encoding", c_char_p), ("dry_run", c_int),
                ("max_errors", c_size_t), ("flags", c_uint)]


class CsvWriteOptions(Structure):
    VERSION = 2
    RAW_CELLS = 0x1
    _fields_ = [("version", c_uint), ("flags", c_uint), ("encoding", c_char_p)]


class PredictOptions(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("start", kiscrm_date), ("fields", POINTER(c_char_p)),
                ("nfields", c_size_t), ("smoothing", c_double), ("by_department", c_int),
                ("tag_min_count", c_int)]


class TargetDims(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("business_line", c_char_p), ("product_line", c_char_p),
                ("department_id", kiscrm_id), ("owner_id", kiscrm_id)]


class KpiContext(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("scope", c_int), ("staff_id", kiscrm_id),
                ("department_id", kiscrm_id), ("role", c_char_p), ("from_", kiscrm_date),
                ("to", kiscrm_date), ("period", c_int), ("as_of", kiscrm_date),
                ("scheme", c_char_p), ("indicator", c_char_p)]


class KpiValue(Structure):
    _fields_ = [("has_actual", c_int), ("actual", c_double), ("actual_money", kiscrm_money),
                ("has_target", c_int), ("target", c_double), ("target_money", kiscrm_money),
                ("note", c_char_p)]


KpiMetricFn = CFUNCTYPE(c_int, POINTER(KpiValue), DbP, POINTER(KpiContext), c_void_p)


class KpiMetric(Structure):
    VERSION = 1
    _fields_ = [("version", c_uint), ("key", c_char_p), ("zh", c_char_p), ("en", c_char_p),
                ("unit", c_int), ("target_metric", c_char_p), ("compute", KpiMetricFn),
                ("user", c_void_p)]


# --- errcheck helpers --------------------------------------------------------------------

def _s(b):
    return None if b is None else b.decode("utf-8", "replace")


def last_error(code=None):
    """The calling thread's last error as an exception instance (not raised)."""
    e = _LIB.kiscrm_error_last().contents
    c = e.code if code is None else code
    msg = _s(e.message) or _s(_LIB.kiscrm_strerror(c)) or "error %d" % c
    if code is not None and e.code != code:
        # The library returned a code without setting the error: use its generic text.
        msg = _s(_LIB.kiscrm_strerror(c))
        return errors.make_error(c, msg)
    return errors.make_error(c, msg, file=_s(e.file), line=e.line, column=e.column,
                             field=_s(e.field), value=_s(e.value))


def check_rc(result, func, args):
    """Raise the mapped exception for a negative return code."""
    if result < 0:
        raise last_error(result)
    return result


def check_iter(result, func, args):
    """As check_rc, but KISCRM_ITEROVER is the normal end of an iteration."""
    if result < 0 and result != errors.ITEROVER:
        raise last_error(result)
    return result


def to_str(result, func, args):
    """const char * result → str (None for NULL)."""
    return _s(result)


def _void(result, func, args):
    return result


# Short names for the table below.
I, U, Z, D, DT = c_int, c_uint, c_size_t, c_double, kiscrm_date
ID, M, T, I64, S = kiscrm_id, kiscrm_money, kiscrm_time, c_int64, c_char_p
P = POINTER
REPORT = ([P(TableP), DbP, P(ReportOptions)], I, check_rc)

#: Every function of the public C API: (name, argtypes, restype, errcheck).
FUNCTIONS = [
    # version.h, errors.h, types.h
    ("kiscrm_version", [P(I), P(I), P(I)], None, None),
    ("kiscrm_version_string", [], S, to_str),
    ("kiscrm_schema_version", [], I, None),
    ("kiscrm_error_last", [], P(Error), None),
    ("kiscrm_error_clear", [], None, None),
    ("kiscrm_strerror", [I], S, None),
    ("kiscrm_error_is_retryable", [I], I, None),
    ("kiscrm_buf_dispose", [P(Buf)], None, None),
    # db.h
    ("kiscrm_db_options_init", [P(DbOptions), U], I, check_rc),
    ("kiscrm_db_open", [P(DbP), P(DbOptions)], I, check_rc),
    ("kiscrm_db_free", [DbP], None, None),
    ("kiscrm_db_begin", [DbP], I, check_rc),
    ("kiscrm_db_commit", [DbP], I, check_rc),
    ("kiscrm_db_rollback", [DbP], I, check_rc),
    ("kiscrm_db_config", [DbP], ConfigP, None),
    ("kiscrm_db_set_actor", [DbP, ID], I, check_rc),
    ("kiscrm_db_set_principal", [DbP, POINTER(Principal)], I, check_rc),
    ("kiscrm_db_principal", [DbP, POINTER(Principal)], I, check_rc),
    ("kiscrm_db_set_today", [DbP, c_int32], I, check_rc),
    ("kiscrm_db_today", [DbP], c_int32, None),
    ("kiscrm_db_keep_memory", [DbP, c_size_t], I, check_rc),
    ("kiscrm_transact_options_init", [P(TransactOptions), U], I, check_rc),
    ("kiscrm_db_transact", [DbP, TransactFn, c_void_p, P(TransactOptions)], I, None),
    # config.h
    ("kiscrm_config_load_default", [P(ConfigP)], I, check_rc),
    ("kiscrm_config_load", [P(ConfigP), S], I, check_rc),
    ("kiscrm_config_free", [ConfigP], None, None),
    ("kiscrm_config_dir", [ConfigP], S, to_str),
    ("kiscrm_config_week_start", [ConfigP], I, None),
    ("kiscrm_config_fiscal_year_start", [ConfigP], I, None),
    ("kiscrm_config_currency", [ConfigP], S, to_str),
    ("kiscrm_config_currency_decimals", [ConfigP], I, None),
    ("kiscrm_config_dim_count", [ConfigP, I], Z, None),
    ("kiscrm_config_dim_key", [ConfigP, I, Z], S, to_str),
    ("kiscrm_config_dim_name", [ConfigP, I, Z, S], S, to_str),
    ("kiscrm_config_dim_find", [ConfigP, I, S], I, None),
    ("kiscrm_config_dim_strict", [ConfigP, I], I, None),
    ("kiscrm_config_role_count", [ConfigP], Z, None),
    ("kiscrm_config_role_key", [ConfigP, Z], S, to_str),
    ("kiscrm_config_role_name", [ConfigP, Z, S], S, to_str),
    ("kiscrm_config_role_find", [ConfigP, S], I, None),
    ("kiscrm_config_role_max_discount_bp", [ConfigP, Z], I, None),
    ("kiscrm_config_role_max_discount_line_bp", [ConfigP, Z, S], I, None),
    ("kiscrm_config_role_max_contract", [ConfigP, Z], M, None),
    ("kiscrm_config_role_approves_budget", [ConfigP, Z], I, None),
    # pipeline.h
    ("kiscrm_config_pipeline_count", [ConfigP], Z, None),
    ("kiscrm_config_pipeline_key", [ConfigP, Z], S, to_str),
    ("kiscrm_config_pipeline_find", [ConfigP, S], I, None),
    ("kiscrm_config_stage_count", [ConfigP, Z], Z, None),
    ("kiscrm_config_stage_key", [ConfigP, Z, Z], S, to_str),
    ("kiscrm_config_stage_name", [ConfigP, Z, Z, S], S, to_str),
    ("kiscrm_config_stage_probability", [ConfigP, Z, Z], I, None),
    ("kiscrm_config_stage_forecast_category", [ConfigP, Z, Z], S, to_str),
    ("kiscrm_config_stage_terminal", [ConfigP, Z, Z], I, None),
    ("kiscrm_config_stage_find", [ConfigP, Z, S], I, None),
    ("kiscrm_config_reason_category_count", [ConfigP], Z, None),
    ("kiscrm_config_reason_category_key", [ConfigP, Z], S, to_str),
    ("kiscrm_config_reason_category_name", [ConfigP, Z, S], S, to_str),
    ("kiscrm_config_reason_category_find", [ConfigP, S], I, None),
    ("kiscrm_config_activity_type_count", [ConfigP], Z, None),
    ("kiscrm_config_activity_type_key", [ConfigP, Z], S, to_str),
    ("kiscrm_config_activity_type_name", [ConfigP, Z, S], S, to_str),
    ("kiscrm_config_activity_type_find", [ConfigP, S], I, None),
    # activity.h
    ("kiscrm_activity_occurrences", [P(TableP), DbP, P(ActivityQuery)], I, check_rc),
    ("kiscrm_activity_overlaps", [P(TableP), DbP, P(ActivityQuery)], I, check_rc),
    ("kiscrm_activity_ical", [P(Buf), DbP, P(ActivityQuery), kiscrm_time], I, check_rc),
    ("kiscrm_config_stage_exit_count", [ConfigP, Z, Z], Z, None),
    ("kiscrm_config_stage_exit_field", [ConfigP, Z, Z, Z], S, to_str),
    ("kiscrm_opportunity_move", [DbP, ID, S, T, U], I, check_rc),
    ("kiscrm_opportunity_set_probability", [DbP, ID, I], I, check_rc),
    ("kiscrm_stage_history_append", [DbP, ID, S, S, T, ID], I, check_rc),
    ("kiscrm_lead_qualify", [P(ID), DbP, ID, ID, T], I, check_rc),
    # record.h
    ("kiscrm_record_new", [P(RecordP), I], I, check_rc),
    ("kiscrm_record_free", [RecordP], None, None),
    ("kiscrm_record_dup", [P(RecordP), RecordP], I, check_rc),
    ("kiscrm_record_kind", [RecordP], I, None),
    ("kiscrm_record_id", [RecordP], ID, None),
    ("kiscrm_record_set_int", [RecordP, I, I64], I, check_rc),
    ("kiscrm_record_set_text", [RecordP, I, S], I, check_rc),
    ("kiscrm_record_set_rate", [RecordP, I, D], I, check_rc),
    ("kiscrm_record_set_null", [RecordP, I], I, check_rc),
    ("kiscrm_record_set_from_text", [RecordP, I, S, I], I, check_rc),
    ("kiscrm_record_is_null", [RecordP, I], I, None),
    ("kiscrm_record_int", [RecordP, I], I64, None),
    ("kiscrm_record_text", [RecordP, I], S, None),
    ("kiscrm_record_rate", [RecordP, I], D, None),
    ("kiscrm_record_field_to_text", [P(Buf), RecordP, I, I], I, check_rc),
    ("kiscrm_kind_name", [I], S, to_str),
    ("kiscrm_kind_find", [S], I, None),
    ("kiscrm_kind_field_count", [I], I, None),
    ("kiscrm_kind_field_name", [I, I], S, to_str),
    ("kiscrm_kind_field_type", [I, I], I, None),
    ("kiscrm_kind_field_ref", [I, I], I, None),
    ("kiscrm_kind_field_find", [I, S], I, None),
    ("kiscrm_kind_field_id", [I, I], I, None),
    ("kiscrm_record_insert", [DbP, RecordP], I, check_rc),
    ("kiscrm_record_insert_flags", [DbP, RecordP, U], I, check_rc),
    ("kiscrm_record_insert_columns", [DbP, I, P(Column), Z, Z, U, P(Z)], I, check_rc),
    ("kiscrm_record_update", [DbP, RecordP], I, check_rc),
    ("kiscrm_record_get", [P(RecordP), DbP, I, ID], I, check_rc),
    ("kiscrm_record_delete", [DbP, I, ID, U], I, check_rc),
    ("kiscrm_filter_init", [P(Filter), U], I, check_rc),
    ("kiscrm_iter_new", [P(IterP), DbP, I, P(Filter)], I, check_rc),
    ("kiscrm_record_count", [DbP, I, P(Filter), P(I64)], I, check_rc),
    ("kiscrm_iter_next", [P(RecordP), IterP], I, check_iter),
    ("kiscrm_iter_free", [IterP], None, None),
    # table.h
    ("kiscrm_table_new", [P(TableP), S], I, check_rc),
    ("kiscrm_table_free", [TableP], None, None),
    ("kiscrm_table_add_column", [TableP, S, I], I, check_rc),
    ("kiscrm_table_add_row", [TableP, I], I, check_rc),
    ("kiscrm_table_set_int", [TableP, Z, Z, I64], I, check_rc),
    ("kiscrm_table_set_text", [TableP, Z, Z, S], I, check_rc),
    ("kiscrm_table_set_rate", [TableP, Z, Z, D], I, check_rc),
    ("kiscrm_table_set_null", [TableP, Z, Z], I, check_rc),
    ("kiscrm_table_name", [TableP], S, to_str),
    ("kiscrm_table_column_count", [TableP], Z, None),
    ("kiscrm_table_row_count", [TableP], Z, None),
    ("kiscrm_table_column_name", [TableP, Z], S, to_str),
    ("kiscrm_table_column_type", [TableP, Z], I, None),
    ("kiscrm_table_column_label", [TableP, Z, S], S, to_str),
    ("kiscrm_table_set_header_lang", [TableP, S], I, check_rc),
    ("kiscrm_table_column_index", [TableP, S], I, None),
    ("kiscrm_table_row_kind", [TableP, Z], I, None),
    ("kiscrm_table_is_null", [TableP, Z, Z], I, None),
    ("kiscrm_table_int", [TableP, Z, Z], I64, None),
    ("kiscrm_table_text", [TableP, Z, Z], S, None),
    ("kiscrm_table_rate", [TableP, Z, Z], D, None),
    ("kiscrm_table_set_money_decimals", [TableP, I], I, check_rc),
    ("kiscrm_table_note_count", [TableP], Z, None),
    ("kiscrm_table_note", [TableP, Z], S, to_str),
    ("kiscrm_table_write_csv", [P(Buf), TableP], I, check_rc),
    ("kiscrm_table_write_json", [P(Buf), TableP], I, check_rc),
    ("kiscrm_table_write_text", [P(Buf), TableP], I, check_rc),
    # report.h
    ("kiscrm_report_options_init", [P(ReportOptions), U], I, check_rc),
    ("kiscrm_report_count", [], Z, None),
    ("kiscrm_report_name", [Z], S, to_str),
    ("kiscrm_report_description", [Z], S, to_str),
    ("kiscrm_report_run", [P(TableP), DbP, S, P(ReportOptions)], I, check_rc),
    ("kiscrm_group_parse", [S], I, None),
    # doc.h
    ("kiscrm_pack", [P(DocP), DbP, S, P(ReportOptions)], I, check_rc),
    ("kiscrm_doc_free", [DocP], None, None),
    ("kiscrm_doc_title", [DocP], S, to_str),
    ("kiscrm_doc_subtitle", [DocP], S, to_str),
    ("kiscrm_doc_section_count", [DocP], Z, None),
    ("kiscrm_doc_section_title", [DocP, Z], S, to_str),
    ("kiscrm_doc_section_table", [DocP, Z], TableP, None),
    ("kiscrm_doc_section_note_count", [DocP, Z], Z, None),
    ("kiscrm_doc_section_note", [DocP, Z, Z], S, to_str),
    ("kiscrm_doc_column_format", [DocP, Z, Z], I, check_rc),
    ("kiscrm_doc_chart", [DocP, Z, P(Z), P(Z), P(I), P(Z)], I, check_rc),
    ("kiscrm_doc_render", [P(Buf), DocP, S], I, check_rc),
    ("kiscrm_doc_write_file", [DocP, S, S], I, check_rc),
    # csv.h
    ("kiscrm_import_options_init", [P(ImportOptions), U], I, check_rc),
    ("kiscrm_csv_import", [P(Z), P(TableP), DbP, I, S, P(ImportOptions)], I, None),
    ("kiscrm_csv_import_data", [P(Z), P(TableP), DbP, I, c_void_p, Z, S, P(ImportOptions)],
     I, None),
    ("kiscrm_csv_export", [P(Buf), DbP, I, P(Filter), P(CsvWriteOptions)], I, check_rc),
    ("kiscrm_csv_export_file", [DbP, I, S, P(Filter), P(CsvWriteOptions)], I, check_rc),
    ("kiscrm_csv_write_options_init", [P(CsvWriteOptions), U], I, check_rc),
    ("kiscrm_table_write_csv_with", [P(Buf), TableP, P(CsvWriteOptions)], I, check_rc),
    ("kiscrm_csv_write_row", [P(Buf), P(S), Z, P(CsvWriteOptions)], I, check_rc),
    ("kiscrm_csv_reader_new", [P(c_void_p), S, Z, S, S], I, check_rc),
    ("kiscrm_csv_reader_next", [c_void_p], I, check_iter),
    ("kiscrm_csv_reader_field_count", [c_void_p], Z, None),
    ("kiscrm_csv_reader_field", [c_void_p, Z], S, None),
    ("kiscrm_csv_reader_line", [c_void_p], I, None),
    ("kiscrm_csv_reader_free", [c_void_p], None, None),
    # money.h, date.h, text.h
    ("kiscrm_money_parse", [P(M), S, I], I, check_rc),
    ("kiscrm_money_format", [c_char_p, Z, M, I, U], I, check_rc),
    ("kiscrm_money_scale", [P(M), M, I64, I64], I, check_rc),
    ("kiscrm_money_split", [P(M), M, P(I64), Z], I, check_rc),
    ("kiscrm_date_from_ymd", [P(DT), I, I, I], I, check_rc),
    ("kiscrm_date_to_ymd", [DT, P(I), P(I), P(I)], None, None),
    ("kiscrm_date_parse", [P(DT), S], I, check_rc),
    ("kiscrm_date_format", [c_char_p, Z, DT], I, check_rc),
    ("kiscrm_date_days_in_month", [I, I], I, None),
    ("kiscrm_date_weekday", [DT], I, None),
    ("kiscrm_date_week_start", [DT, I], DT, None),
    ("kiscrm_date_iso_week", [DT, P(I), P(I)], None, None),
    ("kiscrm_date_month_start", [DT], DT, None),
    ("kiscrm_date_add_months", [DT, I], DT, None),
    ("kiscrm_date_fiscal_year_start", [DT, I], DT, None),
    ("kiscrm_date_fiscal_year", [DT, I], I, None),
    ("kiscrm_date_fiscal_quarter", [DT, I], I, None),
    ("kiscrm_period_start", [DT, I, I, I], DT, None),
    ("kiscrm_period_next", [DT, I], DT, None),
    ("kiscrm_time_parse", [P(T), S], I, check_rc),
    ("kiscrm_time_format", [c_char_p, Z, T], I, check_rc),
    ("kiscrm_time_date", [T], DT, None),
    ("kiscrm_utf8_validate", [c_void_p, Z, P(Z)], I, None),
    ("kiscrm_utf8_width", [S], I, None),
    # org.h, customer.h
    ("kiscrm_department_subtree", [P(P(ID)), P(Z), DbP, ID], I, check_rc),
    ("kiscrm_ids_free", [P(ID)], None, None),
    ("kiscrm_customer_normalize_name", [P(Buf), S], I, check_rc),
    ("kiscrm_customer_duplicates", [P(TableP), DbP], I, check_rc),
    ("kiscrm_customer_merge", [DbP, ID, ID], I, check_rc),
    ("kiscrm_customer_attr_set", [DbP, ID, S, S], I, check_rc),
    ("kiscrm_customer_attr_get", [P(Buf), DbP, ID, S], I, check_rc),
    # money_flow.h
    ("kiscrm_contract_collected", [P(M), DbP, ID], I, check_rc),
    ("kiscrm_contract_receivable", [P(M), DbP, ID], I, check_rc),
    ("kiscrm_contract_overdue", [P(M), DbP, ID, DT], I, check_rc),
    ("kiscrm_customer_receivable", [P(M), DbP, ID], I, check_rc),
    ("kiscrm_contract_plan_instalments", [DbP, ID, P(DT), P(M), Z, U], I, check_rc),
    ("kiscrm_opportunity_plan_instalments", [DbP, ID, P(DT), P(M), Z, U], I, check_rc),
    ("kiscrm_report_receivables",) + REPORT,
    ("kiscrm_report_ageing",) + REPORT,
    # target.h
    ("kiscrm_target_metric_is_money", [S], I, check_rc),
    ("kiscrm_target_dims_init", [P(TargetDims), U], I, check_rc),
    ("kiscrm_target_set_year", [P(ID), DbP, S, I, M, P(TargetDims)], I, check_rc),
    ("kiscrm_target_split_count", [P(Z), DbP, ID, I], I, check_rc),
    ("kiscrm_target_split_time", [DbP, ID, I, P(I64), Z], I, check_rc),
    ("kiscrm_target_split_dim_keys", [DbP, ID, I, P(S), P(I64), Z], I, check_rc),
    ("kiscrm_target_split_dim_ids", [DbP, ID, I, P(ID), P(I64), Z], I, check_rc),
    ("kiscrm_target_children", [P(P(ID)), P(Z), DbP, ID], I, check_rc),
    ("kiscrm_report_targets",) + REPORT,
    ("kiscrm_report_target_check",) + REPORT,
    # budget.h
    ("kiscrm_report_rolling_budget",) + REPORT,
    ("kiscrm_report_rolling_summary",) + REPORT,
    ("kiscrm_report_rolling_gap",) + REPORT,
    ("kiscrm_budget_snapshot", [P(ID), DbP, DT], I, check_rc),
    ("kiscrm_report_snapshot_diff",) + REPORT,
    ("kiscrm_report_forecast_accuracy",) + REPORT,
    # funnel.h
    ("kiscrm_report_funnel",) + REPORT,
    ("kiscrm_report_funnel_diagnosis",) + REPORT,
    ("kiscrm_report_qualification",) + REPORT,
    ("kiscrm_report_invalid_opportunities",) + REPORT,
    ("kiscrm_report_structure",) + REPORT,
    ("kiscrm_report_stqc",) + REPORT,
    ("kiscrm_report_missing_analysis",) + REPORT,
    ("kiscrm_report_win_loss",) + REPORT,
    ("kiscrm_report_win_rate",) + REPORT,
    ("kiscrm_report_top_customers",) + REPORT,
    ("kiscrm_report_lifecycle",) + REPORT,
    ("kiscrm_report_lifecycle_movements",) + REPORT,
    ("kiscrm_report_care_compliance",) + REPORT,
    ("kiscrm_report_care_people",) + REPORT,
    ("kiscrm_report_care_due",) + REPORT,
    ("kiscrm_report_customer_value",) + REPORT,
    ("kiscrm_report_value_movements",) + REPORT,
    ("kiscrm_report_idic",) + REPORT,
    ("kiscrm_report_competitors",) + REPORT,
    ("kiscrm_report_work_review",) + REPORT,
    ("kiscrm_report_grid",) + REPORT,
    ("kiscrm_report_campaign_roi",) + REPORT,
    ("kiscrm_report_attribution",) + REPORT,
    ("kiscrm_report_service_sla",) + REPORT,
    ("kiscrm_report_complaints",) + REPORT,
    ("kiscrm_report_satisfaction",) + REPORT,
    ("kiscrm_report_service_catalogue",) + REPORT,
    ("kiscrm_report_service_renewals",) + REPORT,
    ("kiscrm_report_renewal_rate",) + REPORT,
    ("kiscrm_report_presales_queue",) + REPORT,
    ("kiscrm_report_presales_projects",) + REPORT,
    ("kiscrm_report_milestones",) + REPORT,
    ("kiscrm_report_partner_results",) + REPORT,
    ("kiscrm_report_partner_layout",) + REPORT,
    ("kiscrm_report_registrations",) + REPORT,
    ("kiscrm_report_registrations_expiring",) + REPORT,
    ("kiscrm_report_registration_conflicts",) + REPORT,
    # presales.h
    ("kiscrm_presales_assign", [DbP, P(ctypes.c_size_t)], I, check_rc),
    # pricing.h
    ("kiscrm_quote_submit", [P(ID), DbP, ID, kiscrm_time], I, check_rc),
    ("kiscrm_contract_submit", [P(ID), DbP, ID, kiscrm_time], I, check_rc),
    ("kiscrm_approval_decide", [DbP, ID, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, kiscrm_time], I,
     check_rc),
    # campaign.h
    ("kiscrm_campaign_mailing_list", [P(TableP), DbP, P(MailingOptions)], I, check_rc),
    # service.h
    ("kiscrm_service_request_reopen", [DbP, ID, kiscrm_time, ID], I, check_rc),
    ("kiscrm_service_sla", [P(TableP), DbP, kiscrm_time, ID], I, check_rc),
    ("kiscrm_report_key_projects",) + REPORT,
    ("kiscrm_report_swot",) + REPORT,
    # value.h
    ("kiscrm_customer_value_classify", [DbP, P(ReportOptions), P(ctypes.c_size_t)], I, check_rc),
    ("kiscrm_customer_timeline", [P(TableP), DbP, ID], I, check_rc),
    ("kiscrm_audit_history", [P(TableP), DbP, I, ID], I, check_rc),
    ("kiscrm_report_stage_win_rates",) + REPORT,
    # forecast.h
    ("kiscrm_forecast_options_init", [P(ForecastOptions), U], I, check_rc),
    ("kiscrm_report_gap",) + REPORT,
    ("kiscrm_report_sufficiency",) + REPORT,
    ("kiscrm_report_forecast",) + REPORT,
    ("kiscrm_report_year_end",) + REPORT,
    ("kiscrm_report_stage_probabilities",) + REPORT,
    # predict.h
    ("kiscrm_predict_options_init", [P(PredictOptions), U], I, check_rc),
    ("kiscrm_predict_probability", [P(D), DbP, ID, P(PredictOptions)], I, check_rc),
    ("kiscrm_predict_explain", [P(TableP), DbP, ID, P(PredictOptions)], I, check_rc),
    ("kiscrm_report_probability",) + REPORT,
    ("kiscrm_predict_apply", [P(Z), DbP, P(PredictOptions)], I, check_rc),
    # kpi.h
    ("kiscrm_kpi_register_metric", [P(KpiMetric)], I, check_rc),
    ("kiscrm_kpi_unregister_metric", [S], I, check_rc),
    ("kiscrm_kpi_metric_count", [], Z, None),
    ("kiscrm_kpi_metric_at", [Z], P(KpiMetric), None),
    ("kiscrm_kpi_metric_find", [S], P(KpiMetric), None),
    ("kiscrm_kpi_metric_compute", [P(KpiValue), DbP, S, P(KpiContext)], I, check_rc),
    ("kiscrm_kpi_scheme_load", [P(KpiSchemeP), S], I, check_rc),
    ("kiscrm_kpi_scheme_load_text", [P(KpiSchemeP), S, c_void_p, Z], I, check_rc),
    ("kiscrm_kpi_scheme_load_dir", [P(KpiSchemeP), S], I, check_rc),
    ("kiscrm_kpi_scheme_load_default", [P(KpiSchemeP), DbP], I, check_rc),
    ("kiscrm_kpi_scheme_free", [KpiSchemeP], None, None),
    ("kiscrm_kpi_scheme_key", [KpiSchemeP], S, to_str),
    ("kiscrm_kpi_scheme_indicator_count", [KpiSchemeP], Z, None),
    ("kiscrm_kpi_scheme_indicator_key", [KpiSchemeP, Z], S, to_str),
    ("kiscrm_kpi_scheme_indicator_weight", [KpiSchemeP, Z], I, None),
    ("kiscrm_kpi_score", [P(TableP), DbP, KpiSchemeP, P(ReportOptions)], I, check_rc),
    ("kiscrm_kpi_score_departments", [P(TableP), DbP, KpiSchemeP, P(ReportOptions)], I,
     check_rc),
    ("kiscrm_kpi_rollup", [P(TableP), DbP, KpiSchemeP, P(ReportOptions)], I, check_rc),
    ("kiscrm_report_kpi",) + REPORT,
    ("kiscrm_qual_standard_load", [P(QualStandardsP), S], I, check_rc),
    ("kiscrm_qual_standard_load_dir", [P(QualStandardsP), S], I, check_rc),
    ("kiscrm_qual_standards_free", [QualStandardsP], None, None),
    ("kiscrm_qual_standard_count", [QualStandardsP], Z, None),
    ("kiscrm_qual_standard_key", [QualStandardsP, Z], S, to_str),
    ("kiscrm_qualification_assess", [P(TableP), DbP, QualStandardsP, S, ID, P(ReportOptions)], I,
     check_rc),
    ("kiscrm_report_qualification_assessment",) + REPORT,
    # sys/backend.h (for completeness; custom backends are not wrapped in Python)
    ("kiscrm_backend_init", [BackendP, U], I, check_rc),
    ("kiscrm_backend_sqlite_new", [P(BackendP), S, I], I, check_rc),
    ("kiscrm_backend_memory_new", [P(BackendP)], I, check_rc),
    ("kiscrm_backend_error", [I, S], I, None),
    ("kiscrm_query_match", [c_void_p, c_void_p, c_void_p], I, None),
]

_LIB = None
_PATH = None
_LOCK = threading.Lock()


#: The ABI number in the soname (libkiscrm.so.1) these bindings were written for.
SOVERSION = 1

#: The standard prefixes, searched after the dynamic loader: `meson install` puts the
#: library in /usr/local/lib/<multiarch> on Debian, a directory the loader only knows
#: once `ldconfig` has run.
STANDARD_PREFIXES = ("/usr/local", "/usr")


def _lib_filename() -> str:
    system = platform.system()
    if system == "Darwin":
        return "libkiscrm.dylib"
    if system == "Windows":
        return "kiscrm.dll"
    return "libkiscrm.so"


def _soname() -> str:
    """The file name an installed library is found by: the soname, which ``meson install``
    always creates (the unversioned ``libkiscrm.so`` link comes only with the headers)."""
    return "libkiscrm.so.%d" % SOVERSION if platform.system() == "Linux" else _lib_filename()


def _source_tree_library() -> Optional[str]:
    """build/src/libkiscrm.so when these bindings are the ones of a source checkout.

    Only when the directory three levels up really is the checkout (its meson.build and
    include/kiscrm.h): for an installed package those levels are lib/python3.X of some
    prefix, where a stray build/ must not be picked up."""
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    if not (os.path.isfile(os.path.join(repo, "meson.build"))
            and os.path.isfile(os.path.join(repo, "include", "kiscrm.h"))):
        return None
    return os.path.join(repo, "build", "src", _lib_filename())


def _recorded_libdirs() -> List[str]:
    try:
        from . import _install_paths  # type: ignore[attr-defined]  # written by setup.py
    except ImportError:  # a source tree: nothing recorded
        return []
    return [str(d) for d in getattr(_install_paths, "LIBDIRS", [])]


def _libdirs_of(prefix: str) -> List[str]:
    """Where `meson install --prefix PREFIX` may have put the library: Debian's multiarch
    libdir (lib/x86_64-linux-gnu, meson's default there), lib64 (Fedora), lib."""
    lib = os.path.join(prefix, "lib")
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch:
        dirs = [os.path.join(lib, multiarch)]
    elif platform.system() == "Linux":
        # A Python built outside Debian (pyenv, python.org) does not know the triplet that
        # meson, asking the system compiler, still uses: look for any.
        dirs = sorted(glob.glob(os.path.join(lib, "*-linux-gnu*")))
    else:
        dirs = []
    return dirs + [os.path.join(prefix, "lib64"), lib]


def _own_dirs() -> List[str]:
    """The directories searched before the dynamic loader: those recorded when the package
    was built, then the prefixes of the running Python (a venv, pyenv's …) unless they are
    standard ones."""
    dirs = _recorded_libdirs()
    for prefix in dict.fromkeys([sys.prefix, sys.base_prefix]):
        if os.path.normpath(prefix) not in STANDARD_PREFIXES:
            dirs += _libdirs_of(prefix)
    return list(dict.fromkeys(os.path.normpath(d) for d in dirs))


def _standard_dirs() -> List[str]:
    return [d for prefix in STANDARD_PREFIXES for d in _libdirs_of(prefix)]


def search_dirs() -> List[str]:
    """The directories searched for the library file, in order; the dynamic loader is
    asked between the last of the running Python's prefix and the first of /usr/local."""
    return list(dict.fromkeys(_own_dirs() + _standard_dirs()))


def _candidates() -> Iterator[str]:
    """The library paths to try, in order, lazily: ctypes.util.find_library starts
    processes (ldconfig, gcc), so it runs only when nothing before it loaded."""
    env = os.environ.get("KISCRM_LIBRARY")
    if env:
        # An explicit choice is the only one: a typo must not silently load another copy.
        yield env
        return
    tree = _source_tree_library()
    if tree:
        yield tree
    soname = _soname()
    for d in _own_dirs():
        yield os.path.join(d, soname)
    yield soname  # the dynamic loader: LD_LIBRARY_PATH, the ldconfig cache, /lib, /usr/lib
    found = ctypes.util.find_library("kiscrm")
    if found:
        yield found
    for d in _standard_dirs():
        yield os.path.join(d, soname)


def candidates() -> List[str]:
    """The library paths tried, in order (see the module description)."""
    return list(dict.fromkeys(_candidates()))


def _open() -> Tuple[ctypes.CDLL, str]:
    """The first candidate that loads and matches these bindings (version and symbols).

    A library that loads but does not match (another minor version first on the path) is
    passed over for a later one that does; if none does, its KiscrmVersionError is raised,
    since it says more than "not found"."""
    tried = []
    mismatch = None
    seen = set()
    for path in _candidates():
        if path in seen:
            continue
        seen.add(path)
        if os.sep in path and not os.path.exists(path):
            tried.append("%s (no such file)" % path)
            continue
        try:
            cdll = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        try:
            register(cdll, path)
        except errors.KiscrmVersionError as e:
            mismatch = mismatch or e
            tried.append("%s (%s)" % (path, e))
            continue
        return cdll, path
    if mismatch is not None:
        raise mismatch
    raise errors.LibraryNotFound(
        "libkiscrm not found; tried: %s. Build it (meson setup build && ninja -C build), "
        "install it (meson install; see doc/install.md), or set KISCRM_LIBRARY to the path "
        "of libkiscrm.so" % "; ".join(tried))


def register(cdll, path="libkiscrm", functions=None, expected=None):
    """Checks the version of ``cdll`` and declares every prototype on it.

    Raises KiscrmVersionError naming every missing symbol, or the version found."""
    expected = EXPECTED_VERSION if expected is None else expected
    functions = FUNCTIONS if functions is None else functions
    try:
        ver = cdll.kiscrm_version
    except AttributeError:
        raise errors.KiscrmVersionError(
            "%s is not libkiscrm (no kiscrm_version symbol)" % path) from None
    ver.argtypes, ver.restype = [P(c_int), P(c_int), P(c_int)], None
    major, minor, patch = c_int(), c_int(), c_int()
    ver(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
    if (major.value, minor.value) != tuple(expected):
        raise errors.KiscrmVersionError(
            "libkiscrm %d.%d.%d at %s does not match these Python bindings, written for "
            "%d.%d.x; install the bindings of the same version as the library (or point "
            "KISCRM_LIBRARY at a matching libkiscrm)"
            % (major.value, minor.value, patch.value, path, expected[0], expected[1]))
    missing = []
    for entry in functions:
        name, argtypes, restype, errcheck = entry
        try:
            fn = getattr(cdll, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.argtypes = argtypes
        fn.restype = restype
        if errcheck is not None:
            fn.errcheck = errcheck
    if missing:
        raise errors.KiscrmVersionError(
            "libkiscrm %d.%d.%d at %s lacks %s required by these bindings; the library and "
            "the bindings do not match" % (major.value, minor.value, patch.value, path,
                                          ", ".join(missing)))
    return (major.value, minor.value, patch.value)


def lib():
    """The loaded, checked library (loaded on first use)."""
    global _LIB, _PATH
    if _LIB is not None:
        return _LIB
    with _LOCK:
        if _LIB is None:
            cdll, path = _open()  # registered already
            _PATH = path
            _LIB = cdll
    return _LIB


def reset():
    """Forgets the loaded library so that the next lib() loads and checks it again
    (for tests and for switching KISCRM_LIBRARY)."""
    global _LIB, _PATH
    with _LOCK:
        _LIB = None
        _PATH = None


def library_path():
    """Path of the loaded library."""
    lib()
    return _PATH


def raw(name):
    """A second, unchecked function object for a symbol (same prototype, no errcheck):
    for hot loops that test the return code themselves."""
    L = lib()
    fn = L[name]
    proto = getattr(L, name)
    fn.argtypes, fn.restype = proto.argtypes, proto.restype
    return fn


def take_buf(buf):
    """Text of a kiscrm_buf filled by the library, which is then disposed."""
    try:
        if not buf.ptr:
            return ""
        return ctypes.string_at(buf.ptr, buf.size).decode("utf-8")
    finally:
        _LIB.kiscrm_buf_dispose(ctypes.byref(buf))


def take_bytes(buf):
    """Bytes of a kiscrm_buf filled by the library (CSV in GBK …), which is then disposed."""
    try:
        return ctypes.string_at(buf.ptr, buf.size) if buf.ptr else b""
    finally:
        _LIB.kiscrm_buf_dispose(ctypes.byref(buf))


CSV_ENCODINGS = ("utf-8", "utf-8-bom", "gbk")


def csv_encoding(encoding):
    """The CSV output encoding name the library takes ("utf-8", "utf-8-bom", "gbk")."""
    e = str(encoding).lower()
    if e not in CSV_ENCODINGS:
        raise ValueError("CSV encoding %r is not one of %s" % (encoding, ", ".join(CSV_ENCODINGS)))
    return e


def enc(s):
    """str → UTF-8 bytes for const char * (None stays None).

    A NUL character raises ValueError: C would silently cut the text there."""
    if s is None:
        return None
    b = s if isinstance(s, bytes) else str(s).encode("utf-8")
    if b"\0" in b:
        raise ValueError("text contains a NUL character, which libkiscrm cannot store: %r"
                         % (s if len(s) <= 60 else s[:57] + "..."))
    return b


def csv_write_options(raw_cells=False, encoding=None):
    """A kiscrm_csv_write_options: formula-looking text neutralised unless raw_cells;
    encoding "utf-8" (None), "utf-8-bom" or "gbk"."""
    o = CsvWriteOptions()
    _LIB.kiscrm_csv_write_options_init(ctypes.byref(o), CsvWriteOptions.VERSION)
    o.flags = CsvWriteOptions.RAW_CELLS if raw_cells else 0
    o.encoding = enc(csv_encoding(encoding)) if encoding is not None else None
    return o


_FORMULA_START = frozenset("=+-@\t\r")


def neutralise_csv_text(s):
    """The text as the library's CSV writers write a text cell (kiscrm/csv.h): one more
    leading ' when, after its leading quotes, it starts with =, +, -, @, tab or CR — the
    exact prefix the library's CSV import takes away again. NUL raises ValueError."""
    if "\0" in s:
        raise ValueError("text contains a NUL character, which libkiscrm cannot store: %r"
                         % (s if len(s) <= 60 else s[:57] + "..."))
    rest = s.lstrip("'")
    return "'" + s if rest and rest[0] in _FORMULA_START else s
