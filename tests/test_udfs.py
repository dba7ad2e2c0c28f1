"""The Excel functions, run through xlwings' real Windows UDF machinery (tests/xlwings_harness.py):
registration as Import Functions does it, the VBA it generates, arguments in the shapes COM
hands over, answers compared with hand-worked answers and with a day-by-day oracle of the tests' own
(tests/oracle.py), and bad inputs answering a message instead of raising."""

from __future__ import annotations

import datetime as dt
import re
import sys

import holidays as holidays_lib
import numpy as np
import pytest
from conftest import d
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import oracle
from xlwings_harness import MISSING, UTC, ComRange, Harness, TimeType, from_com

from followup_xl import messages
from followup_xl.calendar import holidays_in_year
from followup_xl.dates import date_to_serial
from followup_xl.weekly import weekly_from_table

CALENDAR = ["country", "subdivision", "holidays", "weekend"]
NAMES = {  # the spec's functions: (required args, optional args)
    "FOLLOWUP_NEXT": (["base"], ["cadence_days", "max_days", *CALENDAR]),
    "FOLLOWUP_STATE": (["next_contact"], ["status", "as_of", "followups_sent", "max_followups", "statuses"]),
    "FOLLOWUP_DAYS_OVERDUE": (["next_contact"], ["status", "as_of", "statuses"]),
    "FOLLOWUP_WORKDAY": (["start_date", "days"], CALENDAR),
    "FOLLOWUP_NETWORKDAYS": (["start_date", "end_date"], CALENDAR),
    "FOLLOWUP_IS_WORKDAY": (["date_value"], CALENDAR),
    "FOLLOWUP_HOLIDAYS": (["year"], ["country", "subdivision"]),
    "FOLLOWUP_WEEK": (["tracker"], ["week_of", "as_of"]),
    "FOLLOWUP_MESSAGE": (["contact_name", "company"], ["role", "interview_date"]),
}
# VBA keywords cannot name a parameter: the generated module would not compile.
VBA_RESERVED = set("""and as boolean byref byte byval call case cbool cbyte ccur cdate cdbl cdec
cint clng clnglng clngptr const csng cstr currency cvar cverr date decimal declare defbool defbyte
defcur defdate defdbl defdec defint deflng deflnglng deflngptr defobj defsng defstr defvar dim do
double each else elseif empty end endif enum eqv erase error event exit false for friend function
get global gosub goto if imp implements in integer is let like long longlong longptr loop lset me
mod new next not nothing null on optional or paramarray preserve private property public raiseevent
redim rem resume return rset select set single static step stop string sub then to true type typeof
until variant wend while with withevents xor""".split())  # noqa: SIM905
MESSAGE = re.compile(r"^#(DATE\?|CALENDAR\?|VALUE\?) \S")
NA = -2146826246  # an #N/A cell as COM hands it over
QUIET = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@pytest.fixture(scope="module")
def xl():
    with Harness() as harness:
        yield harness


def test_harness_leaves_plain_xlwings_behind():
    from followup_xl import udfs

    with Harness() as harness:
        assert isinstance(harness.cell("FOLLOWUP_NEXT", d("2026-11-20")), dt.date)
        assert isinstance(harness.call_raw("FOLLOWUP_NEXT", 46346.0)[0][0], dt.datetime)
    assert not getattr(sys.modules.get("pythoncom"), "__harness_stub__", False)
    assert udfs.FOLLOWUP_NEXT(d("2026-11-20")) == [[d("2026-11-27")]]  # Python values again


def column(values):
    return ComRange([[v] for v in values])


def flat(grid):
    return [v for row in grid for v in row]


# ------------------------------------------------------------------ registration

def test_all_nine_functions_registered_with_category_docs_and_spec_arguments(xl):
    funcs = xl.functions()
    assert set(funcs) == set(NAMES)
    for name, (required, optional) in NAMES.items():
        info = funcs[name]
        assert info["category"] == "followup-xl"
        assert not info["sub"] and info["async_mode"] is None
        doc = info["ret"]["doc"]
        assert 20 < len(doc) <= 255 and "\n" not in doc, name  # MacroOptions keeps 255 chars
        args = info["args"]
        assert [a["name"] for a in args] == required + optional
        assert [a["name"] for a in args if "optional" in a] == optional
        for a in args:
            assert not a["doc"].startswith("Positional argument"), (name, a["name"])
            assert 10 < len(a["doc"]) <= 255
            assert a["name"].lower() not in VBA_RESERVED
        assert info["ret"]["options"]["convert"] == "raw"
        assert "expand" not in info["ret"]["options"]  # native dynamic arrays spill by themselves


def test_import_functions_registers_each_function_in_excel(xl):
    book = xl.import_functions("tracker.xlsm")
    funcs = xl.functions()
    assert set(book.macro_options) == set(NAMES)
    for name, options in book.macro_options.items():
        assert options["Category"] == "followup-xl"
        assert options["Description"] == funcs[name]["ret"]["doc"]
        assert options["ArgumentDescriptions"] == [a["doc"] for a in funcs[name]["args"]]
    (vba,) = book.imported_vba
    assert vba.startswith('Attribute VB_Name = "xlwings_udfs"')
    assert vba == "".join(vba.splitlines(keepends=True)[:3]) + xl.vba_wrapper("tracker.xlsm")


def test_vba_wrapper_declares_every_function(xl):
    vba = xl.vba_wrapper()
    for name, (required, optional) in NAMES.items():
        params = ", ".join(required + [f"Optional {o}" for o in optional])
        assert f"Function {name}({params})\n" in vba
        args = ", ".join(required + optional)
        assert (f'{name} = XLPy.CallUDF("followup_xl.udfs", "{name}", Array({args}), '
                "ThisWorkbook, Application.Caller)") in vba
        block = vba.split(f"Function {name}(")[1].split("End Function")[0]
        volatile = name in ("FOLLOWUP_STATE", "FOLLOWUP_DAYS_OVERDUE", "FOLLOWUP_WEEK")
        assert ("Application.Volatile" in block) == volatile
    assert "ActiveWorkbook" in xl.vba_wrapper("followup.xlam")  # add-ins call on the active book


# ------------------------------------------------------------------ COM shapes

def test_date_cell_float_serial_and_text_give_the_same_answer(xl):
    expected = d("2026-11-27")  # Friday 20 Nov + 7: a working day (Thanksgiving is the 26th)
    assert xl.cell("FOLLOWUP_NEXT", ComRange(d("2026-11-20"))) == expected  # a date cell
    assert xl.cell("FOLLOWUP_NEXT", ComRange(dt.datetime(2026, 11, 20, 15, 45))) == expected
    assert xl.cell("FOLLOWUP_NEXT", 46346.0) == expected  # =FOLLOWUP_NEXT(DATE(2026,11,20))
    assert xl.cell("FOLLOWUP_NEXT", 46346.6) == expected  # a date-time serial
    assert xl.cell("FOLLOWUP_NEXT", "2026-11-20") == expected
    assert xl.cell("FOLLOWUP_NEXT", ComRange("Nov 20, 2026")) == expected


def test_answers_go_back_as_excel_dates(xl):
    (cell,), = xl.call_raw("FOLLOWUP_NEXT", ComRange(d("2026-11-20")))
    assert isinstance(cell, dt.datetime) and cell.tzinfo is not None  # what pywin32 needs
    assert cell == dt.datetime(2026, 11, 27, tzinfo=UTC)


def test_range_answers_in_the_same_shape_with_blanks(xl):
    column_in = [d("2026-11-20"), None, d("2026-12-18"), "", d("2027-01-04")]
    got = xl.call("FOLLOWUP_NEXT", column(column_in))
    # 18 Dec + 7 = Christmas (Friday): the Monday after, 10 days after the base
    assert got == [[d("2026-11-27")], [None], [d("2026-12-28")], [None], [d("2027-01-11")]]
    row = xl.call("FOLLOWUP_NEXT", ComRange([[d("2026-11-20"), None, d("2026-12-18")]]))
    assert len(row) == 1 and len(row[0]) == 3 and row[0][1] is None
    block = xl.call("FOLLOWUP_IS_WORKDAY", ComRange([[d("2026-11-26"), d("2026-11-27")],
                                                     [d("2026-11-28"), None]]))
    assert block == [[False, True], [False, None]]  # Thanksgiving, Friday, Saturday, blank


def test_omitted_and_blank_optional_arguments_take_the_defaults(xl):
    base = ComRange(d("2026-12-18"))
    default = xl.cell("FOLLOWUP_NEXT", base)
    assert xl.cell("FOLLOWUP_NEXT", base, MISSING, MISSING, MISSING) == default
    assert xl.cell("FOLLOWUP_NEXT", base, ComRange(None), ComRange(None), ComRange(None)) == default
    assert xl.cell("FOLLOWUP_NEXT", base, 7.0, 10.0, "US") == default


def test_per_row_cadence_range(xl):
    bases = [d("2026-11-02"), d("2026-11-03"), d("2026-11-04")]
    cadences = [7, None, 30]
    got = flat(xl.call("FOLLOWUP_NEXT", column(bases), column(cadences)))
    assert got == [d("2026-11-09"), d("2026-11-10"), d("2026-12-04")]  # Mon, Tue (blank = 7), Fri
    assert flat(xl.call("FOLLOWUP_NEXT", column(bases), column([7, 8])))[0].startswith("#VALUE? ")


def test_holidays_range_with_blanks_and_weekend_forms(xl):
    base = ComRange(d("2026-11-20"))  # +7 = Friday 27 Nov
    closures = ComRange([[d("2026-11-27")], [None], [""], [d("2026-11-30")]])
    # 27th closed, then the weekend, the 30th closed: 10 Dec is past the window, so back
    # to Wednesday the 25th (Thanksgiving is the 26th)
    assert xl.cell("FOLLOWUP_NEXT", base, MISSING, MISSING, MISSING, MISSING, closures) == d("2026-11-25")
    for weekend in (7.0, "7", "0000110"):  # Friday-Saturday off
        assert xl.cell("FOLLOWUP_NEXT", base, MISSING, MISSING, MISSING, MISSING, MISSING,
                       weekend) == d("2026-11-29")  # Sunday
    bad = xl.cell("FOLLOWUP_NEXT", base, MISSING, MISSING, MISSING, MISSING, MISSING, "0000012")
    assert bad.startswith("#CALENDAR? Weekend '0000012' is not valid")
    bad = xl.cell("FOLLOWUP_NEXT", base, MISSING, MISSING, MISSING, MISSING,
                  ComRange([[d("2026-11-27")], ["next Friday"]]))
    assert bad.startswith("#DATE? Holidays: 'next Friday' is not a date")


def test_country_from_the_environment(xl, monkeypatch):
    gb = holidays_lib.country_holidays("GB", years=2026)
    us = holidays_lib.country_holidays("US", years=2026)
    day = next(x for x in sorted(gb) if x not in us and x.weekday() < 5)
    assert xl.cell("FOLLOWUP_IS_WORKDAY", ComRange(day)) is True
    monkeypatch.setenv("FOLLOWUP_XL_COUNTRY", "GB")
    assert xl.cell("FOLLOWUP_IS_WORKDAY", ComRange(day)) is False
    assert xl.cell("FOLLOWUP_IS_WORKDAY", ComRange(day), "US") is True
    monkeypatch.setenv("FOLLOWUP_XL_COUNTRY", "US")
    monkeypatch.setenv("FOLLOWUP_XL_SUBDIVISION", "CA")
    cesar = d("2026-03-31")  # Cesar Chavez Day, California only
    assert xl.cell("FOLLOWUP_IS_WORKDAY", ComRange(cesar)) is False
    assert xl.cell("FOLLOWUP_IS_WORKDAY", ComRange(cesar), "US") is True  # explicit country


# ------------------------------------------------------------------ bad inputs

@pytest.mark.parametrize("value,start", [
    ("soon", "#DATE? 'soon' is not a date"),
    ("31/31/2026", "#DATE? '31/31/2026' is not a date"),
    (True, "#DATE? True is not a date"),
    (-5.0, "#DATE? -5.0 is not a date"),
])
def test_bad_date_cell_answers_a_message_in_that_cell(xl, value, start):
    got = flat(xl.call("FOLLOWUP_NEXT", column([d("2026-11-20"), value, None])))
    assert got[0] == d("2026-11-27") and got[2] is None
    assert got[1].startswith(start) and MESSAGE.match(got[1])


def test_time_only_serial_zero_and_error_cells(xl):
    time_only = TimeType(1899, 12, 30, 9, 30, tzinfo=UTC)  # a cell holding 09:30
    got = flat(xl.call("FOLLOWUP_NEXT", ComRange([[0.0], [time_only]])))
    assert got[0] is None  # =IF(...) of an empty cell: serial 0, blank
    assert got[1] == "#DATE? 09:30 is not a date: it is a time of day only."

    class ErrorCell(ComRange):
        @property
        def Value(self):
            return ((NA,), (TimeType(2026, 11, 20, tzinfo=UTC),))

    assert flat(xl.call("FOLLOWUP_NEXT", ErrorCell([[0], [0]]))) == ["#N/A", d("2026-11-27")]
    # a message from another function is passed on unchanged
    upstream = xl.cell("FOLLOWUP_NEXT", "soon")
    assert xl.cell("FOLLOWUP_STATE", ComRange(upstream)) == upstream


@pytest.mark.parametrize("name,args,start", [
    ("FOLLOWUP_NEXT", (d("2026-11-20"), "soon"), "#VALUE? Cadence 'soon' is not a number"),
    ("FOLLOWUP_NEXT", (d("2026-11-20"), 91.0), "#VALUE? Cadence 91 is not valid: use a whole number of days from 1 to 90."),
    ("FOLLOWUP_NEXT", (d("2026-11-20"), 7.0, -1.0), "#VALUE? Max days -1 is not valid"),
    ("FOLLOWUP_NEXT", (d("2026-11-20"), MISSING, MISSING, "XX"), "#CALENDAR? Unknown country code 'XX'"),
    ("FOLLOWUP_NEXT", (d("2026-11-20"), MISSING, MISSING, "US", "ZZ"), "#CALENDAR? Unknown subdivision 'ZZ'"),
    ("FOLLOWUP_WORKDAY", (d("2026-11-20"), "two"), "#VALUE? Days 'two' is not a number"),
    ("FOLLOWUP_WORKDAY", (d("2026-11-20"), 1e9), "#VALUE? Days 1000000000 is too large"),
    ("FOLLOWUP_NETWORKDAYS", (d("2026-11-20"), "later"), "#DATE? 'later' is not a date"),
    ("FOLLOWUP_STATE", (d("2026-11-20"), "Waiting", "today"), "#DATE? As of: 'today' is not a date"),
    ("FOLLOWUP_STATE", (d("2026-11-20"), MISSING, MISSING, "x"), "#VALUE? Follow-ups sent 'x' is not a number"),
    ("FOLLOWUP_STATE", (d("2026-11-20"), MISSING, MISSING, MISSING, 1.5), "#VALUE? Max follow-ups 1.5 is not valid"),
    ("FOLLOWUP_HOLIDAYS", (1850.0,), "#VALUE? Year 1850 is not valid"),
    ("FOLLOWUP_HOLIDAYS", ("this year",), "#VALUE? Year 'this year' is not a number"),
    ("FOLLOWUP_MESSAGE", ("Dana", "Acme", MISSING, "soon"), "#DATE? 'soon' is not a date"),
    ("FOLLOWUP_WEEK", (ComRange([["a", "b"], [1, 2]]),), "#VALUE? (range): no header row with a Company column"),
    ("FOLLOWUP_WEEK", (ComRange([["Company"], ["Acme"]]), "soon"), "#DATE? Week of: 'soon' is not a date"),
])
def test_bad_arguments_answer_a_message(xl, name, args, start):
    args = tuple(ComRange(a) if isinstance(a, dt.date) else a for a in args)
    got = xl.cell(name, *args)
    assert isinstance(got, str) and got.startswith(start), got


CELL = st.one_of(
    st.none(), st.just(""), st.booleans(), st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12).map(float),
    st.sampled_from([NA, -2146826281]),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1899, 12, 30), dt.datetime(9999, 12, 31)),
)
GRID = st.one_of(CELL, st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=3)
                 .map(ComRange), st.just(MISSING))


@settings(max_examples=150, **QUIET)
@given(name=st.sampled_from(sorted(NAMES)), args=st.lists(GRID, min_size=1, max_size=7))
def test_any_input_answers_cells_never_an_exception(xl, name, args):
    required, optional = NAMES[name]
    args = (args + [None] * len(required))[:len(required) + len(optional)]
    args = [a if a != MISSING or i >= len(required) else None for i, a in enumerate(args)]
    if name == "FOLLOWUP_WEEK" and not isinstance(args[0], ComRange):
        args[0] = ComRange([["Company", "Last contact"], [args[0], args[-1] if len(args) > 1 else None]])
    raw = xl.call_raw(name, *args)
    assert isinstance(raw, list) and raw and all(isinstance(r, list) for r in raw)
    assert len({len(r) for r in raw}) == 1
    for cell in flat(raw):
        assert cell is None or isinstance(cell, (str, bool, int, float, dt.datetime)), cell
        if isinstance(cell, str) and cell.startswith("#"):
            assert not cell.startswith("#ERROR! followup-xl"), cell  # a bug, not a bad input


# ------------------------------------------------------------------ parity with an oracle

DAY = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
WEEKEND = st.one_of(st.none(), st.sampled_from(sorted(oracle.WEEKEND_DAYS)).map(float),
                    st.sampled_from(["0000011", "0000110", "1000001", "0000000", "0101010"]))
COUNTRY = st.sampled_from(["US", "GB", "DE", "IL", "FR", "JP"])


def as_cell(day, form):
    """A date as a cell may hold it: a date cell, a date-time, a serial number, ISO text."""
    if day is None or form == "date":
        return day
    if form == "datetime":
        return dt.datetime.combine(day, dt.time(14, 30))
    if form == "serial":
        return float(date_to_serial(day)) + 0.25
    return day.isoformat()


@settings(max_examples=60, **QUIET)
@given(bases=st.lists(st.one_of(DAY, st.none()), min_size=1, max_size=25),
       forms=st.lists(st.sampled_from(["date", "datetime", "serial", "text"]), min_size=25,
                      max_size=25),
       cadence=st.integers(1, 90), max_days=st.integers(0, 30), country=COUNTRY,
       weekend=WEEKEND, extra=st.lists(DAY, max_size=6))
def test_next_matches_the_oracle(xl, bases, forms, cadence, max_days, country, weekend, extra):
    closures = ComRange([[x] for x in extra] + [[None]])
    cells = [as_cell(b, f) for b, f in zip(bases, forms)]
    got = flat(xl.call("FOLLOWUP_NEXT", column(cells), float(cadence), float(max_days), country,
                       MISSING, closures, MISSING if weekend is None else weekend))
    mask = oracle.weekend_mask(weekend, country)
    off = oracle.days_off(country, None, extra, range(2019, 2033))
    for base, cell in zip(bases, got):
        if base is None:
            assert cell is None
        else:
            assert cell == oracle.next_contact(base, cadence, max_days, mask, off)


@settings(max_examples=40, **QUIET)
@given(starts=st.lists(DAY, min_size=1, max_size=12), n=st.integers(-40, 40),
       ends=st.lists(DAY, min_size=1, max_size=12), country=COUNTRY, weekend=WEEKEND,
       extra=st.lists(DAY, max_size=4))
def test_workday_networkdays_is_workday_match_oracle(xl, starts, n, ends, country, weekend, extra):
    k = min(len(starts), len(ends))
    starts, ends = starts[:k], ends[:k]
    cal_args = (country, MISSING, ComRange([[x] for x in extra] + [[None]]),
                MISSING if weekend is None else weekend)
    mask = oracle.weekend_mask(weekend, country)
    off = oracle.days_off(country, None, extra, range(2019, 2033))
    assert flat(xl.call("FOLLOWUP_WORKDAY", column(starts), float(n), *cal_args)) == \
        [oracle.workday(s, n, mask, off) for s in starts]
    ends = [e if abs((e - s).days) < 400 else s + dt.timedelta(days=(e - s).days % 400)
            for s, e in zip(starts, ends)]
    assert flat(xl.call("FOLLOWUP_NETWORKDAYS", column(starts), column(ends), *cal_args)) == \
        [oracle.networkdays(s, e, mask, off) for s, e in zip(starts, ends)]
    assert flat(xl.call("FOLLOWUP_IS_WORKDAY", column(starts), *cal_args)) == \
        [oracle.working(s, mask, off) for s in starts]


# Built-in statuses spelt as people do, and ones no list knows (active).
STATUS = st.one_of(st.none(), st.sampled_from(["Applied", "Interviewing", "Waiting", "On hold",
                                               "Offer", "Accepted", "Rejected", "Withdrawn",
                                               "on HOLD ", "rejected", "Banana", "Ghosted", "wish-list",
                                               "On-hold", "Rej*"]))


@settings(max_examples=60, **QUIET)
@given(rows=st.lists(st.tuples(st.one_of(DAY, st.none()), STATUS, st.one_of(st.none(), st.integers(0, 6))),
                     min_size=1, max_size=15),
       as_of=DAY, limit=st.one_of(st.none(), st.integers(0, 5)))
def test_state_and_days_overdue_match_the_oracle(xl, rows, as_of, limit):
    nexts, statuses, sent = (column([r[i] for r in rows]) for i in range(3))
    states = flat(xl.call("FOLLOWUP_STATE", nexts, statuses, ComRange(as_of), sent,
                          MISSING if limit is None else float(limit)))
    overdue = flat(xl.call("FOLLOWUP_DAYS_OVERDUE", nexts, statuses, ComRange(as_of)))
    for (day, status, count), state, late in zip(rows, states, overdue):
        if day is None and status is None and count is None:
            assert state is None and late is None
            continue
        assert state == oracle.state(day, status, as_of, count or 0, limit)
        if day is None and status is None:
            assert late is None
        else:
            assert late == oracle.days_overdue(day, status, as_of)
    sunday = as_of + dt.timedelta(days=6 - as_of.weekday())
    for (day, status, count), state in zip(rows, states):  # the spec's order, checked directly
        if day and not oracle.is_closed(status) and not oracle.is_not_applied(status) and \
                (limit is None or (count or 0) < limit):
            assert state == ("Overdue" if day < as_of else "Due today" if day == as_of
                             else "Due this week" if day <= sunday else "Upcoming")


def test_state_reads_statuses_by_meaning_and_a_statuses_range(xl):
    """Statuses as the command line reads them; the workbook's own (Status, Meaning) first."""
    wed = d("2026-12-02")
    nexts = column([d("2026-11-27")] * 6)
    typed = column(["Ghosted", "On-hold", "wish\u00a0list", "Rej*", "En  attente", "Offer"])
    assert flat(xl.call("FOLLOWUP_STATE", nexts, typed, ComRange(wed))) == [
        "Closed", "Overdue", "Not applied", "Overdue", "Overdue", "Overdue"]
    own = ComRange([["Status", "Meaning"], ["En attente", "On hold"], ["Offer", "closed"],
                    ["Odd", "perhaps"], [None, None]])
    assert flat(xl.call("FOLLOWUP_STATE", nexts, typed, ComRange(wed), MISSING, MISSING, own)) == [
        "Closed", "Overdue", "Not applied", "Overdue", "Overdue", "Closed"]
    assert flat(xl.call("FOLLOWUP_DAYS_OVERDUE", nexts, typed, ComRange(wed), own)) == [0, 5, 0, 5, 5, 0]
    bad = xl.cell("FOLLOWUP_STATE", ComRange(wed), "Offer", ComRange(wed), MISSING, MISSING,
                  ComRange([["Offer", "closed", "x"]]))
    assert bad.startswith("#VALUE? statuses must be two columns")


# ------------------------------------------------------------------ spilled lists and messages

def test_holidays_spill_date_and_name(xl):
    got = xl.call("FOLLOWUP_HOLIDAYS", 2026.0, "US", "CA")
    assert got == [[day, name] for day, name in holidays_in_year(2026, "US", "CA")]
    assert [d("2026-03-31"), "Cesar Chavez Day"] in got
    both = xl.call("FOLLOWUP_HOLIDAYS", ComRange([[2026, 2027]]), "GB")
    assert both == [list(r) for y in (2026, 2027) for r in holidays_in_year(y, "GB")]


def test_week_spills_the_weekly_list_with_headers(xl):
    table = [["Follow-ups 2026"], [None],
             ["Company", "Role", "Contact name", "Last contact", "Status", "Cadence (days)"],
             ["Acme", "Data Analyst", "Dana Levi", d("2026-11-20"), "Waiting", None],
             ["Beta", None, None, d("2026-11-01"), None, 14],
             ["Gamma", None, "Bo Chen", d("2026-11-27"), "Rejected", None],
             [None, None, None, None, None, None],
             ["Delta", None, "Al", "soon", None, None]]
    width = 6
    table = [row + [None] * (width - len(row)) for row in table]
    got = xl.call("FOLLOWUP_WEEK", ComRange(table), MISSING, ComRange(d("2026-11-30")))
    expected = weekly_from_table(table, as_of=d("2026-11-30"))
    header = got[0]
    assert header[:4] == ["Due date", "Weekday", "State", "Days overdue"]
    assert "Tracker" not in header and header[-2:] == ["Row", "Message"]
    items = got[1:1 + len(expected.items)]
    assert [r[header.index("Company")] for r in items] == [i.company for i in expected.items]
    assert [r[0] for r in items] == [i.due_date for i in expected.items]
    assert [r[header.index("Row")] for r in items] == [i.row for i in expected.items]
    assert items[0][header.index("Message")] == expected.items[0].message
    problem = got[-1]
    assert problem[header.index("State")] == "Problem" and problem[header.index("Row")] == 8
    assert "'soon' is not a date" in problem[header.index("Message")]
    assert len({len(r) for r in got}) == 1


def test_message_is_the_draft_for_each_row(xl):
    names, companies = column(["Dana Levi", "bo chen", None]), column(["Acme", "Beta", None])
    got = flat(xl.call("FOLLOWUP_MESSAGE", names, companies, "Data Analyst", ComRange(d("2026-11-20"))))
    assert got[0] == messages.draft("Dana Levi", "Acme", "Data Analyst", d("2026-11-20"))
    assert got[1] == messages.draft("bo chen", "Beta", "Data Analyst", d("2026-11-20"))
    assert got[2] is None
    assert "Acme" in got[0] and "Dana" in got[0]


def test_message_range_is_the_draft_of_each_cell_around_errors_and_blanks(xl):
    """A column of rows written at once (messages.drafts) gives each cell what draft gives
    it alone; a bad date and blank rows keep their own answers in place."""
    rows = [("Dana Levi", "Acme", "Data Analyst", d("2026-11-20")),
            (None, None, None, None),                      # blank: no draft
            ("bo chen", 3.0, None, d("2026-11-21")),         # a Saturday; a company typed as a number
            ("Dr. Ana López", "Beta", "Engineer", "soon"),   # not a date: #DATE?
            ("Pat", "Gamma", "Analyst", None),
            ("Sam", "Delta", None, d("2026-11-26")),
            (None, "Omega", None, None),                     # no contact: a draft all the same
            ("Kim", "Acme", "Data Analyst", d("2026-11-20"))]
    got = flat(xl.call("FOLLOWUP_MESSAGE", *(column(list(col)) for col in zip(*rows))))
    assert got[1] is None
    assert got[3].startswith("#DATE?")
    for i, (name, company, role, day) in enumerate(rows):
        if i not in (1, 3):
            company = "3" if company == 3.0 else company
            assert got[i] == messages.draft(name, company, role, day), i


# ------------------------------------------------------------------ docs/excel-functions.md

def test_docs_examples_are_the_functions_answers(monkeypatch):
    """The reference's results, checked by running its Python block (outside Excel)."""
    import doctest
    from pathlib import Path

    import xlwings

    monkeypatch.setattr(xlwings.engines, "engines", [e for e in xlwings.engines if e.name != "excel"])
    doc = Path(__file__).resolve().parents[1] / "docs" / "excel-functions.md"
    result = doctest.testfile(str(doc), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20 and result.failed == 0


# ------------------------------------------------------------------ fast paths (benchmarks/udfs.py)

EDGE_SERIALS = st.sampled_from([0.0, -0.0, 0.5, 1.0, 59.0, 59.9, 60.0, 60.5, 61.0, 61.99, -1.0,
                                2958465.0, 2958465.5, 2958466.0, 1e300])
SERIAL_COLUMN = st.lists(st.one_of(st.none(), EDGE_SERIALS,
                                   st.floats(allow_nan=True, allow_infinity=True),
                                   st.floats(-5, 100), st.integers(-5, 3_000_000).map(float)),
                         min_size=1, max_size=30)
ANY_CELL = st.one_of(
    st.none(), st.just(""), st.just(" "), st.just(0.0), st.just(-0.0), st.booleans(),
    st.text(max_size=8), st.sampled_from([NA, "#N/A"]), EDGE_SERIALS,
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-5, 100),
    st.integers(-10, 3_000_000).map(float), st.integers(-5, 70),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.datetime(1899, 12, 30), dt.datetime(1899, 12, 30, 9, 15),
                     dt.date(1899, 12, 30), dt.date(1, 1, 1)]),
)
DATE_COLUMN = st.lists(st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                                 st.sampled_from([dt.datetime(1899, 12, 30, 9, 15),
                                                  dt.datetime(1899, 12, 30), dt.date(1, 1, 1)])),
                       min_size=1, max_size=30)


@settings(max_examples=200, **QUIET)
@given(cells=st.one_of(DATE_COLUMN, SERIAL_COLUMN, st.lists(ANY_CELL, min_size=1, max_size=30)),
       com=st.booleans())
def test_reading_a_column_matches_reading_each_cell(xl, cells, com):
    """to_days' vectorised passes (date cells and blanks, serials and blanks) and its
    fallback give each cell what cell_date gives that cell alone, message included."""
    udfs = xl.module
    values = [TimeType(v.year, v.month, v.day, getattr(v, "hour", 0), getattr(v, "minute", 0),
                       tzinfo=UTC) if com and isinstance(v, dt.date) else v for v in cells]
    arg = udfs.grid(tuple((v,) for v in values)) if com else values
    days, ok, errors = udfs.to_days(arg, "MDY")
    assert days.shape == ok.shape == (len(values),)
    for i, v in enumerate(values):
        try:
            want = udfs.cell_date(v, "MDY")
        except (udfs.FollowupError, udfs.PassThrough) as exc:
            assert errors.get(i) == udfs.message(exc) and not ok[i], (v, errors.get(i))
            continue
        assert i not in errors, (v, errors[i])
        if want is None:
            assert not ok[i] and np.isnat(days[i]), v
        else:
            assert ok[i] and days[i].item() == want, (v, days[i])


def test_a_column_of_serials_answers_like_a_column_of_date_cells(xl):
    days = [d("2026-11-20") + dt.timedelta(days=k) for k in range(0, 400, 7)] + [None]
    serials = [None if x is None else float(date_to_serial(x)) for x in days]
    assert xl.call("FOLLOWUP_NEXT", column(serials)) == xl.call("FOLLOWUP_NEXT", column(days))


def test_column_answer_rows_are_not_shared_across_calls_or_with_python_callers(xl, monkeypatch):
    """Under Excel a one-column answer's rows are one list per distinct value, made afresh
    on each call: changing an answer does not change the next one."""
    bases = column([d("2026-11-20"), d("2026-11-20"), None, d("2026-11-27")])
    want = [[d("2026-11-27")], [d("2026-11-27")], [None], [d("2026-12-04")]]
    first = xl.call_raw("FOLLOWUP_NEXT", bases)
    assert first[0] is first[1]  # the same date, one row list
    first[0][0] = "changed"
    again = xl.call_raw("FOLLOWUP_NEXT", bases)
    assert all(a is not b for a in again for b in first)
    assert [[from_com(v) for v in row] for row in again] == want

    import xlwings

    monkeypatch.setattr(xlwings.engines, "engines", [e for e in xlwings.engines if e.name != "excel"])
    plain = xl.module.FOLLOWUP_NEXT(tuple((b,) for b in flat(want)))
    assert plain[0] is not plain[1] and plain[0] == plain[1]


def test_one_cell_cadence_over_a_range_and_its_message(xl):
    bases = column([d("2026-11-20"), None, d("2026-11-23")])
    got = flat(xl.call("FOLLOWUP_NEXT", bases, 3.0))
    # 20 Nov + 3 = Monday 23; 23 Nov + 3 = Thanksgiving: the Friday after
    assert got == [d("2026-11-23"), None, d("2026-11-27")]
    bad = flat(xl.call("FOLLOWUP_NEXT", bases, "weekly"))
    assert bad[1] is None and bad[0] == bad[2] and bad[0].startswith("#VALUE? Cadence 'weekly'")


def test_workday_nan_days_is_a_message_not_a_traceback():
    """Hypothesis once found FOLLOWUP_WORKDAY(None, nan) answering '#ERROR! ... ValueError'."""
    from followup_xl.udfs import FOLLOWUP_WORKDAY

    answer = FOLLOWUP_WORKDAY("2026-11-30", float("nan"))
    text = str(answer[0][0] if isinstance(answer, list) and answer and isinstance(answer[0], list) else answer)
    assert "not a number" in text and "ValueError" not in text and "#ERROR" not in text
