"""Exceptions of the kiscrm bindings, one class per libkiscrm error code."""

from typing import Any, Dict, List, Optional, Tuple, Type

ITEROVER = -10


class KiscrmError(Exception):
    """Base class of every error raised by the bindings.

    Attributes mirror ``kiscrm_error``: ``code`` (a negative ``KISCRM_E*`` value),
    ``message`` (the library's message), ``file``, ``line``, ``column``, ``field`` and
    ``value`` (set for configuration and import errors, else None / 0).
    """

    code = -1

    def __init__(self, message: str, code: Optional[int] = None, file: Optional[str] = None,
                 line: int = 0, column: int = 0, field: Optional[str] = None,
                 value: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.value = value

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += ":%d" % self.line
                if self.column:
                    where += ":%d" % self.column
            where += ": "
        return where + self.message


class NotFound(KiscrmError, LookupError):
    """KISCRM_ENOTFOUND: the record or item does not exist."""
    code = -2


class Exists(KiscrmError):
    """KISCRM_EEXISTS: a record with the same key already exists."""
    code = -3


class Invalid(KiscrmError, ValueError):
    """KISCRM_EINVALID: an argument or field value is invalid."""
    code = -4


class ConfigError(KiscrmError):
    """KISCRM_ECONFIG: a configuration file is invalid (file/line/column/field/value set)."""
    code = -5


class Conflict(KiscrmError):
    """KISCRM_ECONFLICT: the change conflicts with existing data."""
    code = -6


class StorageError(KiscrmError):
    """KISCRM_ESTORAGE: the storage backend failed."""
    code = -7


class Busy(KiscrmError):
    """KISCRM_EBUSY: the database is locked by another writer; retry later."""
    code = -8


class OutOfMemory(KiscrmError, MemoryError):
    """KISCRM_ENOMEM."""
    code = -9


class KiscrmVersionError(KiscrmError):
    """KISCRM_EVERSION, and the bindings' own check: the loaded libkiscrm lacks a symbol
    or its major/minor version differs from the one the bindings were written for."""
    code = -11


class NotSupported(KiscrmError):
    """KISCRM_ENOTSUPPORTED: not supported by this backend or build."""
    code = -12


class Overflow(KiscrmError, OverflowError):
    """KISCRM_EOVERFLOW: a number does not fit its type."""
    code = -13


class CsvImportError(KiscrmError):
    """KISCRM_EIMPORT: an import had bad rows and nothing was written.

    ``errors`` lists the bad rows as dicts with keys row, column, value, reason.
    """
    code = -14

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.errors: List[Dict[str, Any]] = []


class UnlistedValueWarning(UserWarning):
    """An import with ``warn_unlisted=True`` stored a value that is in no configured list
    (a region, industry, business or product line that dimensions.yaml lacks)."""


def deprecated_attribute(module: str, name: str) -> Type["CsvImportError"]:
    """Module ``__getattr__`` of kiscrm and kiscrm.errors: ``ImportError`` is the old name
    of CsvImportError (it shadowed Python's built-in ImportError), kept as an alias that
    warns with DeprecationWarning on each access."""
    if name == "ImportError":
        import warnings
        warnings.warn("kiscrm.ImportError is deprecated (it shadows the built-in "
                      "ImportError); use kiscrm.CsvImportError", DeprecationWarning,
                      stacklevel=3)
        return CsvImportError
    raise AttributeError("module %r has no attribute %r" % (module, name))


def __getattr__(name: str) -> Any:
    return deprecated_attribute(__name__, name)


class UserStop(KiscrmError):
    """KISCRM_EUSER: a callback stopped an iteration."""
    code = -15


class LibraryNotFound(KiscrmError, OSError):
    """libkiscrm could not be found or loaded."""
    code = -1


_CLASSES: Tuple[Type[KiscrmError], ...] = (
    NotFound, Exists, Invalid, ConfigError, Conflict, StorageError, Busy, OutOfMemory,
    KiscrmVersionError, NotSupported, Overflow, CsvImportError, UserStop)
_BY_CODE: Dict[int, Type[KiscrmError]] = {cls.code: cls for cls in _CLASSES}


def error_class(code: int) -> Type[KiscrmError]:
    """The exception class of a libkiscrm return code (KiscrmError for unknown codes)."""
    return _BY_CODE.get(code, KiscrmError)


def make_error(code: int, message: str, **kw: Any) -> KiscrmError:
    """An exception instance for a return code."""
    return error_class(code)(message, code=code, **kw)
