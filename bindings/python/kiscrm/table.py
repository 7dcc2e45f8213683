"""Report results: a ``Table`` of named, typed columns and rows of Python values."""

from __future__ import annotations

import ctypes
import os
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List,
                    NamedTuple, Optional, Sequence, Tuple, Union)

from . import _lib
from . import values as V

if TYPE_CHECKING:  # only for the annotations: pandas stays an optional dependency
    import pandas  # type: ignore  # no stubs needed to use the bindings


class Column(NamedTuple):
    """A column: its name and its type ('text', 'int', 'money', 'date', 'rate', 'time')."""
    name: str
    type: str


ROW_KINDS = {0: "detail", 1: "subtotal", 2: "total"}
ROW_KIND_CODES = {v: k for k, v in ROW_KINDS.items()}


class Table:
    """A kiscrm_table: ``columns`` (list of Column), ``rows`` (list of lists of Python
    values), ``row_kinds`` ('detail', 'subtotal' or 'total' per row) and ``to_dicts()``.

    A table keeps the Database it came from alive (``self.db``).
    """

    def __init__(self, ptr: _lib.TableP, db: Any = None, decimals: Optional[int] = None) -> None:
        self._ptr: Optional[_lib.TableP] = ptr
        self.db = db
        if decimals is None:
            decimals = db.money_decimals if db is not None else 2
        self.money_decimals = decimals
        self._columns: Optional[List[Column]] = None
        self._rows: Optional[List[List[Any]]] = None

    @classmethod
    def build(cls, name: str, columns: Sequence[Tuple[str, Union[str, int]]],
              rows: Iterable[Any] = (), decimals: int = 2) -> "Table":
        """A table made in Python, e.g. to print it with to_text() or to_csv().

        ``columns`` are (name, type) pairs; ``rows`` sequences of Python values, or
        (kind, values) pairs with kind 'detail', 'subtotal' or 'total'."""
        L = _lib.lib()
        ptr = _lib.TableP()
        L.kiscrm_table_new(ctypes.byref(ptr), _lib.enc(name))
        t = cls(ptr, None, decimals)
        L.kiscrm_table_set_money_decimals(ptr, decimals)
        for cname, ctype in columns:
            code = V.TYPE_CODES[ctype] if isinstance(ctype, str) else int(ctype)
            L.kiscrm_table_add_column(ptr, _lib.enc(cname), code)
        types = [V.TYPE_CODES[c] if isinstance(c, str) else int(c) for _, c in columns]
        for row in rows:
            kind = 0
            if (len(row) == 2 and isinstance(row[0], str) and row[0] in ROW_KIND_CODES
                    and isinstance(row[1], (list, tuple))):
                kind, row = ROW_KIND_CODES[row[0]], row[1]
            r = L.kiscrm_table_add_row(ptr, kind)
            for c, (v, ty) in enumerate(zip(row, types)):
                t._set(r, c, ty, v)
        return t

    def _set(self, r: int, c: int, ty: int, v: Any) -> None:
        L = _lib.lib()
        p = self._ptr
        if v is None:
            L.kiscrm_table_set_null(p, r, c)
        elif ty == V.TYPE_TEXT:
            L.kiscrm_table_set_text(p, r, c, _lib.enc(v))
        elif ty == V.TYPE_RATE:
            L.kiscrm_table_set_rate(p, r, c, float(v))
        elif ty == V.TYPE_MONEY:
            L.kiscrm_table_set_int(p, r, c, V.money_from_python(v, self.money_decimals))
        elif ty == V.TYPE_DATE:
            L.kiscrm_table_set_int(p, r, c, V.date_from_python(v))
        elif ty == V.TYPE_TIME:
            L.kiscrm_table_set_int(p, r, c, V.time_from_python(v))
        else:
            L.kiscrm_table_set_int(p, r, c, int(v))

    def __del__(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_table_free(ptr)

    @property
    def name(self) -> str:
        """The report name, e.g. 'win-rate'."""
        return _lib.lib().kiscrm_table_name(self._ptr)

    @property
    def columns(self) -> List[Column]:
        """List of Column(name, type)."""
        if self._columns is None:
            L = _lib.lib()
            n = L.kiscrm_table_column_count(self._ptr)
            self._columns = [Column(L.kiscrm_table_column_name(self._ptr, i),
                                    V.TYPE_NAMES.get(L.kiscrm_table_column_type(self._ptr, i),
                                                     "null"))
                             for i in range(n)]
        return self._columns

    @property
    def column_names(self) -> List[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    def labels(self, lang: str = "en") -> List[str]:
        """Display names of the columns in 'zh' or 'en' (labels.yaml); a column without
        a label (a table built in Python) gives its name."""
        L = _lib.lib()
        code = _lib.enc(lang)
        return [L.kiscrm_table_column_label(self._ptr, i, code)
                for i in range(len(self.columns))]

    @property
    def notes(self) -> List[str]:
        """The report's notes (e.g. why snapshot-diff is empty), in its language."""
        L = _lib.lib()
        return [L.kiscrm_table_note(self._ptr, i)
                for i in range(L.kiscrm_table_note_count(self._ptr))]

    def _cell(self, L: Any, r: int, c: int, ty: str) -> Any:
        p = self._ptr
        if L.kiscrm_table_is_null(p, r, c):
            return None
        if ty == "text":
            return L.kiscrm_table_text(p, r, c).decode("utf-8")
        if ty == "rate":
            return L.kiscrm_table_rate(p, r, c)
        v = L.kiscrm_table_int(p, r, c)
        if ty == "money":
            return V.money_to_decimal(v, self.money_decimals)
        if ty == "date":
            return V.date_to_python(v)
        if ty == "time":
            return V.time_to_python(v)
        return v

    @property
    def rows(self) -> List[List[Any]]:
        """List of rows, each a list of Python values (None for NULL)."""
        if self._rows is None:
            L = _lib.lib()
            types = [c.type for c in self.columns]
            n = L.kiscrm_table_row_count(self._ptr)
            self._rows = [[self._cell(L, r, c, ty) for c, ty in enumerate(types)]
                          for r in range(n)]
        return self._rows

    @property
    def row_kinds(self) -> List[str]:
        """'detail', 'subtotal' or 'total' for every row."""
        L = _lib.lib()
        return [ROW_KINDS.get(L.kiscrm_table_row_kind(self._ptr, r), "detail")
                for r in range(len(self))]

    def to_dicts(self, details_only: bool = False) -> List[Dict[str, Any]]:
        """Rows as dicts keyed by column name; with ``details_only`` without the subtotal
        and total rows (what a program summing the rows itself wants)."""
        names = self.column_names
        rows = self.rows
        if details_only:
            rows = [r for r, k in zip(rows, self.row_kinds) if k == "detail"]
        return [dict(zip(names, row)) for row in rows]

    def to_pandas(self, details_only: bool = False, money: str = "decimal") -> "pandas.DataFrame":
        """The table as a pandas DataFrame (pandas must be installed).

        Money stays exact: ``money="decimal"`` gives :class:`decimal.Decimal` values (an
        object column), ``money="fen"`` integers in minor units (an Int64 column). Dates are
        ``datetime.date``; NULL is ``None``/``<NA>``. A ``row_kind`` column is added unless
        ``details_only``."""
        if money not in ("decimal", "fen"):
            raise ValueError("money must be 'decimal' or 'fen', not %r" % (money,))
        try:
            import pandas
        except ImportError:
            raise ImportError("Table.to_pandas() needs pandas (pip install pandas)") from None
        records = self.to_dicts(details_only)
        money_cols = [c.name for c in self.columns if c.type == "money"]
        if money == "fen":
            for r in records:
                for c in money_cols:
                    if r[c] is not None:  # Decimal → minor units, exactly (never a float)
                        r[c] = V.money_from_python(r[c], self.money_decimals)
        frame = pandas.DataFrame.from_records(records, columns=self.column_names)
        if money == "fen":
            for c in money_cols:
                frame[c] = frame[c].astype("Int64")
        if not details_only:
            frame["row_kind"] = self.row_kinds
        return frame

    def column(self, name: str) -> List[Any]:
        """All values of one column."""
        i = self.column_index(name)
        return [row[i] for row in self.rows]

    def column_index(self, name: str) -> int:
        """Index of a column; KeyError if there is none of that name."""
        i = _lib.lib().kiscrm_table_column_index(self._ptr, _lib.enc(name))
        if i < 0:
            raise KeyError("table '%s' has no column '%s' (columns: %s)"
                           % (self.name, name, ", ".join(self.column_names)))
        return i

    def __len__(self) -> int:
        return _lib.lib().kiscrm_table_row_count(self._ptr)

    def __iter__(self) -> Iterator[List[Any]]:
        return iter(self.rows)

    def __getitem__(self, i: int) -> List[Any]:
        return self.rows[i]

    def _write(self, fn: Callable[[Any, Any], Any], lang: Optional[str] = None,
               as_bytes: bool = False) -> Any:
        buf = _lib.Buf()
        L = _lib.lib()
        if lang is not None:
            L.kiscrm_table_set_header_lang(self._ptr, _lib.enc(lang))
        try:
            fn(ctypes.byref(buf), self._ptr)
        finally:
            if lang is not None:
                L.kiscrm_table_set_header_lang(self._ptr, None)
        return _lib.take_bytes(buf) if as_bytes else _lib.take_buf(buf)

    def to_csv(self, lang: Optional[str] = None, raw_cells: bool = False,
               encoding: str = "utf-8",
               path: Union[str, "os.PathLike[str]", None] = None) -> Union[str, bytes, None]:
        """RFC 4180 CSV text (money exact, dates ISO). Headers are the column names, or
        the labels of lang ('zh' or 'en'). Texts starting with =, +, -, @, tab or CR get
        a leading ' (spreadsheets would run them as formulas); raw_cells=True writes them
        as they are.

        ``encoding`` "utf-8" returns a str; "utf-8-bom" (UTF-8 with the mark Excel needs)
        and "gbk" (what Chinese Excel reads by default) return bytes. A character GBK
        lacks raises Invalid naming its row and column. With ``path`` the bytes are
        written to that file instead (complete or not at all: a temporary file renamed
        over it) and None is returned; a file's encoding defaults to "utf-8-bom"."""
        if path is not None and encoding == "utf-8":
            encoding = "utf-8-bom"
        o = _lib.csv_write_options(raw_cells, encoding)
        write = _lib.lib().kiscrm_table_write_csv_with
        if _lib.csv_encoding(encoding) == "utf-8" and path is None:
            return self._write(lambda buf, t: write(buf, t, ctypes.byref(o)), lang)
        data = self._write(lambda buf, t: write(buf, t, ctypes.byref(o)), lang, as_bytes=True)
        if path is None:
            return data
        import tempfile
        path = os.fspath(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                   prefix="." + os.path.basename(path) + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        return None

    def to_json(self) -> str:
        """JSON text {"columns":[{"name","type"}],"rows":[[…]]} (money as exact strings)."""
        return self._write(_lib.lib().kiscrm_table_write_json)

    def to_text(self, lang: Optional[str] = None) -> str:
        """Aligned text for a terminal (CJK characters are two columns wide); headers as
        for to_csv()."""
        return self._write(_lib.lib().kiscrm_table_write_text, lang)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return "<kiscrm.Table %r: %d columns, %d rows>" % (self.name, len(self.columns),
                                                            len(self))
