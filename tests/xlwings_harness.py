"""xlwings' Windows UDF machinery, run on Linux.

On Windows, "Import Functions" runs `xlwings.udfs.import_udfs`, which writes a VBA module
(one wrapper per `@xw.func`, from `generate_vba_wrapper`) and registers each function with
`Application.MacroOptions` (description, category, argument descriptions). A formula then
calls its VBA wrapper, which hands the arguments over COM to `xlwings.udfs.call_udf`:
range arguments as Range objects (their `.Value` is a scalar or a tuple of row tuples),
date cells as pywintypes date-times, numbers as floats, empty cells as None, omitted
optional arguments as the DISP_E_PARAMNOTFOUND code. call_udf converts them with
`xlwings.conversion.read`, calls the function, converts the answer with
`xlwings.conversion.write` and returns it to Excel.

This harness runs that real code (`xlwings.udfs`: xlfunc/xlarg/xlret, import_udfs,
generate_vba_wrapper, call_udf, and `xlwings.conversion`) on Linux. What stands in:
- pywin32: only the names xlwings.udfs touches (pythoncom, pywintypes, win32com.client,
  win32timezone), with pywintypes.TimeType a datetime subclass as in pywin32;
- `xlwings._xlwindows`: its value conversion (Engine.clean_value_data and
  prepare_xl_data_element, _com_time_to_datetime, _datetime_to_com_time, cell_errors,
  is_range_instance) is xlwings' own source, taken from _xlwindows.py with `ast` and
  executed here; only the COM object model (Range -> Sheet -> Book -> App) is a minimal
  fake, registered as the "excel" engine;
- COM objects: `ComRange` (a range argument) and `FakeWorkbook` (records the VBA module
  Import Functions imports and the MacroOptions calls).
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import importlib.util
import io
import sys
import types
from pathlib import Path
from typing import Any

MISSING = -2147352572  # what COM hands over for an omitted optional argument
RANGE_IID = "{00020846-0000-0000-C000-000000000046}"  # Excel.Range's interface id
UTC = dt.timezone.utc

# Names taken verbatim from xlwings/_xlwindows.py (the Windows engine's value conversion).
_XLWINDOWS_NAMES = {
    "time_types", "cell_errors", "is_range_instance", "_com_time_to_datetime",
    "_datetime_to_com_time", "_clean_value_data_element", "Engine", "missing",
}


# --------------------------------------------------------------------------- pywin32 stand-ins

class TimeType(dt.datetime):
    """pywintypes.TimeType: pywin32's date-time, a datetime subclass (tz-aware over COM)."""


class ComError(Exception):
    """pywintypes.com_error."""


def _not_on_linux(*_args: Any, **_kwargs: Any) -> Any:
    raise NotImplementedError("COM threading is not available in the Linux harness")


def _module(name: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__harness_stub__ = True
    return mod


def _install_pywin32_stubs() -> None:
    if importlib.util.find_spec("pythoncom") is not None:  # real pywin32 (Windows)
        return
    tz = types.SimpleNamespace(utc=lambda: UTC)
    stubs = {
        "pythoncom": _module("pythoncom", CoInitialize=lambda: None, IID_IDispatch=None,
                             CoMarshalInterThreadInterfaceInStream=_not_on_linux,
                             CoGetInterfaceAndReleaseStream=_not_on_linux),
        "pywintypes": _module("pywintypes", TimeType=TimeType, com_error=ComError,
                              IID=lambda text: text),
        "win32com": _module("win32com"),
        "win32com.client": _module("win32com.client", Dispatch=_not_on_linux),
        "win32timezone": _module("win32timezone", TimeZoneInfo=tz),
    }
    for name, mod in stubs.items():
        sys.modules.setdefault(name, mod)
    sys.modules["win32com"].client = sys.modules["win32com.client"]


# --------------------------------------------------------------------------- Windows engine

def _xlwindows_source() -> str:
    import xlwings

    return (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")


def _assigned(node: ast.stmt) -> set[str]:
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        names.add(node.name)
    return names


class _Impl:
    """The COM object model chain ConversionContext walks: range.sheet.book.app.engine."""

    max_cells_per_read = None
    max_cells_per_write = None
    pid = 0  # App.pid

    def __init__(self, xl: Any = None, engine: Any = None):
        self.xl = xl
        self.engine = engine
        self.options: dict = {}

    def __len__(self) -> int:  # a real range holds a cell at least: xlwings 0.37.0 tests `if rng`
        return 1

    @property
    def sheet(self) -> _Impl:
        return self

    @property
    def book(self) -> _Impl:
        return self

    @property
    def app(self) -> _Impl:
        return self

    @property
    def raw_value(self) -> Any:  # _xlwindows.Range.raw_value
        return None if self.xl is None else self.xl.Value


def _build_xlwindows() -> types.ModuleType:
    """A `xlwings._xlwindows` stand-in running xlwings' own conversion code."""
    import numpy as np
    import pandas as pd
    import pywintypes
    import win32timezone
    from xlwings.utils import np_datetime_to_datetime

    tree = ast.parse(_xlwindows_source())
    body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
            and _assigned(n) & _XLWINDOWS_NAMES]
    found = set().union(*(_assigned(n) for n in body))
    if not _XLWINDOWS_NAMES <= found:
        raise RuntimeError(f"xlwings/_xlwindows.py no longer defines {_XLWINDOWS_NAMES - found}")
    mod = _module("xlwings._xlwindows", dt=dt, np=np, pd=pd, pywintypes=pywintypes,
                  win32timezone=win32timezone, np_datetime_to_datetime=np_datetime_to_datetime,
                  BOOK_CALLER=None)
    code = compile(ast.Module(body=body, type_ignores=[]), "xlwings/_xlwindows.py", "exec")
    exec(code, mod.__dict__)  # noqa: S102 - xlwings' own source, see the module docstring
    engine = mod.Engine()
    mod.engine = engine
    mod.Range = lambda xl: _Impl(xl, engine)
    return mod


# --------------------------------------------------------------------------- COM values

def to_com(value: Any) -> Any:
    """A Python cell value as COM hands it to Python (dates tz-aware, numbers as floats)."""
    if isinstance(value, dt.datetime):
        return TimeType(value.year, value.month, value.day, value.hour, value.minute,
                        value.second, tzinfo=UTC)
    if isinstance(value, dt.date):
        return TimeType(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def from_com(value: Any) -> Any:
    """A value the UDF handed back to Excel as a cell shows it: dates as dates, '' blank."""
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, "pywin32 needs tz-aware date-times"
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date()
        return value.replace(tzinfo=None)
    if value == "":
        return None
    return value


class _OleObj:
    class _TypeInfo:
        def GetTypeAttr(self) -> Any:
            return types.SimpleNamespace(iid=RANGE_IID)

    def GetTypeInfo(self) -> Any:
        return self._TypeInfo()


class ComRange:
    """A Range argument: `.Value` is what pywin32 returns for Range.Value."""

    def __init__(self, rows: Any):
        if not isinstance(rows, (list, tuple)):
            rows = [[rows]]
        elif rows and not isinstance(rows[0], (list, tuple)):
            rows = [[v] for v in rows]  # a flat list is a column
        self.rows = [list(r) for r in rows]
        self._oleobj_ = _OleObj()

    @property
    def Value(self) -> Any:
        com = tuple(tuple(to_com(v) for v in row) for row in self.rows)
        return com[0][0] if len(com) == 1 and len(com[0]) == 1 else com

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])


class FakeWorkbook:
    """The workbook Import Functions works on: records the VBA module and MacroOptions."""

    def __init__(self, name: str = "tracker.xlsm"):
        self.Name = name
        self.imported_vba: list[str] = []
        self.macro_options: dict[str, dict] = {}
        book = self

        class _Components:
            def __call__(self, name: str) -> Any:
                raise ComError(f"no component {name}")

            def Remove(self, component: Any) -> None:
                pass

            def Import(self, path: str) -> None:
                book.imported_vba.append(Path(path).read_text())

        class _Application:
            Version = "16.0"

            def MacroOptions(self, macro: str, **kwargs: Any) -> None:
                book.macro_options[macro.split("!", 1)[1]] = kwargs

        self.VBProject = types.SimpleNamespace(VBComponents=_Components())
        self.Application = _Application()


# --------------------------------------------------------------------------- the harness

class Harness:
    """Loads a UDF module the way the xlwings add-in does and calls its functions."""

    def __init__(self, module_name: str = "followup_xl.udfs"):
        _install_pywin32_stubs()
        import xlwings

        self._engine = None
        xlwindows = sys.modules.get("xlwings._xlwindows")
        if xlwindows is None:  # Linux: the stand-in, registered as the "excel" engine
            xlwindows = _build_xlwindows()
            sys.modules["xlwings._xlwindows"] = xlwindows
            xlwings._xlwindows = xlwindows
            sys.modules.setdefault("xlwings.com_server", _module("xlwings.com_server", loop=None))
            self._engine = xlwings.Engine(impl=xlwindows.engine)
            xlwings.engines.add(self._engine)
        self.xlwindows = xlwindows
        from xlwings import udfs

        self.udfs = udfs
        self.module_name = module_name
        self.module = self._import_decorated(module_name)

    def close(self) -> None:
        """Unregister the stand-ins: other tests see plain Linux xlwings again (the UDFs
        then answer Python values, not COM values)."""
        import xlwings

        if self._engine is not None:
            xlwings.engines.engines.remove(self._engine)
            xlwings.engines.engines_by_name.pop("excel", None)
            self._engine = None
            for name in ("xlwings._xlwindows", "xlwings.com_server", "pythoncom", "pywintypes",
                         "win32com", "win32com.client", "win32timezone"):
                if getattr(sys.modules.get(name), "__harness_stub__", False):
                    del sys.modules[name]
            if getattr(getattr(xlwings, "_xlwindows", None), "__harness_stub__", False):
                del xlwings._xlwindows

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _import_decorated(self, module_name: str) -> types.ModuleType:
        """Import the module with xw.func/arg/ret being xlwings' Windows decorators."""
        import xlwings

        saved = xlwings.func, xlwings.arg, xlwings.ret
        xlwings.func, xlwings.arg, xlwings.ret = self.udfs.xlfunc, self.udfs.xlarg, self.udfs.xlret
        try:
            sys.modules.pop(module_name, None)
            module = importlib.import_module(module_name)
        finally:
            xlwings.func, xlwings.arg, xlwings.ret = saved
        self.udfs.udf_modules.pop(module_name, None)
        return module

    # ----------------------------------------------------------------- registration
    def functions(self) -> dict[str, dict]:
        """name -> __xlfunc__ of every function Import Functions would register."""
        return {getattr(self.module, a).__xlfunc__["name"]: getattr(self.module, a).__xlfunc__
                for a in dir(self.module) if hasattr(getattr(self.module, a), "__xlfunc__")}

    def vba_wrapper(self, book: str = "tracker.xlsm") -> str:
        out = io.StringIO()
        self.udfs.generate_vba_wrapper(self.module_name, self.module, out, FakeWorkbook(book))
        return out.getvalue()

    def import_functions(self, book: str = "tracker.xlsm") -> FakeWorkbook:
        """Run xlwings' own import_udfs (the ribbon's Import Functions) on a fake workbook."""
        self.udfs.get_udf_module(self.module_name, None)
        wb = FakeWorkbook(book)
        self.udfs.import_udfs(self.module_name, wb)
        return wb

    # ----------------------------------------------------------------- calls
    def call_raw(self, name: str, *args: Any) -> Any:
        """What call_udf returns to Excel for =NAME(args...); omitted args are MISSING."""
        n = len(getattr(self.module, name).__xlfunc__["args"])
        com_args = [a if isinstance(a, ComRange) or a == MISSING else to_com(a) for a in args]
        com_args += [MISSING] * (n - len(com_args))
        caller = ComRange([[None]])
        return self.udfs.call_udf(self.module_name, name, tuple(com_args), None, caller)

    def call(self, name: str, *args: Any) -> list[list[Any]]:
        """The cells =NAME(args...) fills, as Python values (dates, numbers, text, None)."""
        raw = self.call_raw(name, *args)
        if not isinstance(raw, (list, tuple)):
            raw = [[raw]]
        return [[from_com(v) for v in row] for row in raw]

    def cell(self, name: str, *args: Any) -> Any:
        """The single cell =NAME(args...) fills."""
        grid = self.call(name, *args)
        assert len(grid) == 1 and len(grid[0]) == 1, grid
        return grid[0][0]
