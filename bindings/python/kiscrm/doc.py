"""Meeting packs: documents of titled sections (table, notes, chart) built by the
library (kiscrm/doc.h) and rendered by it to text, HTML, CSV or XLSX."""

from __future__ import annotations

import ctypes
import os
from collections import namedtuple
from typing import List, Optional

from . import _lib
from .table import Table

#: kiscrm_chart_kind codes → names.
CHART_KINDS = {0: None, 1: "bar", 2: "hbar", 3: "funnel"}
#: kiscrm_doc_format codes → names.
COLUMN_FORMATS = {0: "plain", 1: "percent", 2: "gap"}
MAX_SERIES = 4

Chart = namedtuple("Chart", "kind label series lines")
Chart.__doc__ = ("A section's chart: kind ('bar', 'hbar', 'funnel'), the label column's "
                 "name, the value columns' names, and per series whether it is drawn as a line.")

Section = namedtuple("Section", "title table notes chart formats")
Section.__doc__ = ("A section: title, table (a Table, or None), notes (list of str), chart "
                   "(a Chart, or None) and formats (per column: 'plain', 'percent' or 'gap').")


class _SectionTable(Table):
    """A table borrowed from its document: the document frees it."""

    def __init__(self, ptr, doc, decimals):
        super().__init__(ptr, None, decimals)
        self.doc = doc  # keeps the document (and so the table) alive

    def __del__(self):
        self._ptr = None


class Doc:
    """A meeting pack: ``title``, ``subtitle``, ``sections`` (list of Section);
    ``render('text'|'html'|'csv')`` and ``write(path, format)`` (xlsx too)."""

    def __init__(self, ptr, db):
        self._ptr = ptr
        self.db = db

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_doc_free(ptr)

    @property
    def title(self) -> str:
        return _lib.lib().kiscrm_doc_title(self._ptr)

    @property
    def subtitle(self) -> str:
        return _lib.lib().kiscrm_doc_subtitle(self._ptr)

    def _chart(self, s, table) -> Optional[Chart]:
        L = _lib.lib()
        label = ctypes.c_size_t()
        series = (ctypes.c_size_t * MAX_SERIES)()
        lines = (ctypes.c_int * MAX_SERIES)()
        n = ctypes.c_size_t()
        kind = L.kiscrm_doc_chart(self._ptr, s, ctypes.byref(label), series, lines, ctypes.byref(n))
        if not kind:
            return None
        names = [c.name for c in table.columns]
        return Chart(CHART_KINDS.get(kind, kind), names[label.value],
                     [names[series[i]] for i in range(n.value)],
                     [bool(lines[i]) for i in range(n.value)])

    @property
    def sections(self) -> List[Section]:
        L = _lib.lib()
        out = []
        decimals = self.db.money_decimals if self.db is not None else 2
        for s in range(L.kiscrm_doc_section_count(self._ptr)):
            ptr = L.kiscrm_doc_section_table(self._ptr, s)
            table = _SectionTable(ptr, self, decimals) if ptr is not None and ptr.value else None
            notes = [L.kiscrm_doc_section_note(self._ptr, s, i)
                     for i in range(L.kiscrm_doc_section_note_count(self._ptr, s))]
            formats = ([COLUMN_FORMATS[L.kiscrm_doc_column_format(self._ptr, s, c)]
                        for c in range(len(table.columns))] if table else [])
            out.append(Section(L.kiscrm_doc_section_title(self._ptr, s), table, notes,
                               self._chart(s, table) if table else None, list(formats)))
        return out

    def render(self, format: str = "text") -> str:
        """The document as 'text' (120 columns), 'html' (self-contained, SVG charts) or
        'csv'."""
        buf = _lib.Buf()
        _lib.lib().kiscrm_doc_render(ctypes.byref(buf), self._ptr, _lib.enc(format))
        return _lib.take_buf(buf)

    def write(self, path, format: Optional[str] = None) -> None:
        """Writes the document to path (through a temporary file renamed into place);
        format: 'text', 'html', 'csv' or 'xlsx' (default: from the file's extension)."""
        path = os.fspath(path)
        if format is None:
            ext = os.path.splitext(path)[1].lower().lstrip(".")
            format = {"txt": "text", "htm": "html"}.get(ext, ext)
        _lib.lib().kiscrm_doc_write_file(self._ptr, _lib.enc(path), _lib.enc(format))
