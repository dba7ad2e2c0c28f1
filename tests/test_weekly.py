"""The weekly list: every row's outcome against the rules, the counts, the JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, replace

import pytest

from followup_xl import schema
from followup_xl.errors import TrackerError
from followup_xl.schema import Settings
from followup_xl.weekly import COUNT_KEYS, NO_CONTACT, Item, build_weekly, sort_key, weekly_from_table

import oracle
from trackers import ErrorValue, file_hash, write_tracker

D = dt.date
PROBLEM = False
SKIPPED = "skipped"  # a row with something in it but no Company: not an application
AS_OF = D(2026, 11, 25)  # a Wednesday; Thanksgiving (US) is Thursday 2026-11-26
HEADERS = ("Company", "Contact name", "Interview date", "Last contact", "Follow-ups sent",
           "Cadence (days)", "Status")


def row(company, contact="Pat Lee", interview=None, last=None, sent=None, cadence=None, status=None,
        typed=None):
    """A row as cells, and its typed meaning (None = the row must be a problem)."""
    cells = [company, contact, interview, last, sent, cadence, status]
    if typed is None:
        typed = dict(interview_date=interview, last_contact=last, followups_sent=sent, cadence=cadence,
                     status=status)
    elif typed is not PROBLEM and typed is not SKIPPED:  # given: only the dates as they are meant (the rest as in the cells)
        typed = dict(dict(interview_date=interview, last_contact=last, followups_sent=sent, cadence=cadence,
                          status=status), **typed)
    return cells, typed


def expected(rows, settings: Settings, as_of: dt.date, week_of: dt.date | None = None):
    """Items (row -> (due, state, overdue)) and counts computed independently by the tests'
    own day-by-day oracle (tests/oracle.py), not by the rules module the code calls."""
    mask = oracle.weekend_mask(settings.weekend, settings.country)
    off = oracle.days_off(settings.country, settings.subdivision, settings.holidays,
                          range(as_of.year - 1, as_of.year + 2))
    week = week_of or as_of
    sunday = week + dt.timedelta(days=6 - week.weekday())
    counts = {k: 0 for k in COUNT_KEYS}
    items = {}
    for excel_row, (_, typed) in rows.items():
        if typed is PROBLEM:
            counts["problem"] += 1
            continue
        if typed is SKIPPED:
            counts["skipped"] += 1
            continue
        nxt, state, late = oracle.row(
            dates=(typed["last_contact"], typed["interview_date"]), status=typed["status"],
            cadence=typed["cadence"], sent=int(typed["followups_sent"] or 0), as_of=as_of, mask=mask,
            off=off, default_cadence=settings.default_cadence, max_days=settings.max_days,
            on_hold_cadence=settings.on_hold_cadence, limit=settings.max_followups)
        if state == "Closed":
            counts["closed"] += 1
        elif state == "Not applied":
            counts["not_applied"] += 1
        elif state == "Needs date":
            counts["needs_date"] += 1
        elif state == "Limit reached":
            counts["limit_reached"] += 1
        elif nxt <= sunday:
            counts["listed"] += 1
            items[excel_row] = (nxt, state, late)
        else:
            counts["not_due"] += 1
    return items, counts


def scenario():
    """Rows covering every rule branch, written in several cell forms (typed meaning beside)."""
    return [
        row("Acme", last=D(2026, 11, 18)),                                   # +7 = 25th: due today
        row("acme two", last="2026-11-17", typed=dict(last_contact=D(2026, 11, 17))),  # ISO text
        row("Beta", last="18 Nov 2026", cadence=10, typed=dict(last_contact=D(2026, 11, 18))),
        row("Gamma", last="11/16/2026", typed=dict(last_contact=D(2026, 11, 16))),  # numeric, MDY
        row("Delta", interview=46335.0, typed=dict(interview_date=D(2026, 11, 9))),  # a serial
        row("Epsilon", last=dt.datetime(2026, 11, 19, 16, 30), typed=dict(last_contact=D(2026, 11, 19))),
        row("Eps two", last="Nov 19, 2026", sent="1", typed=dict(last_contact=D(2026, 11, 19), followups_sent=1)),
        row("Zeta", last=D(2026, 11, 1)),                                     # long overdue
        row("Eta", last=D(2026, 11, 24)),                                     # next week: not due
        row("Theta", last=D(2026, 11, 10), status="On hold"),                 # +14
        row("Iota", last=D(2026, 11, 10), status="Rejected"),                 # closed
        row("Kappa", status="Applied"),                                       # needs date
        row("Lambda", last=D(2026, 11, 10), sent=3),                          # limit reached (max 3)
        row("Mu", last=D(2026, 11, 10), sent=2, status="Interviewing"),
        row("Nu", contact=None, last=D(2026, 11, 19), status="Pending review"),      # unknown status, no contact
        row("Xi", last="soon", typed=PROBLEM),
        row(None, last=D(2026, 11, 19), typed=SKIPPED),                       # no company: skipped
        row("Sigma", status="Wishlist"),                                      # not applied
        row("Omicron", last=D(2026, 11, 19), cadence="weekly", typed=PROBLEM),
        row("Pi", last=ErrorValue("#N/A"), typed=PROBLEM),
        row("=SUM(A1:A9)", last=D(2026, 11, 20)),                             # formula-like text
        row("Rho", interview=D(2026, 11, 2), last=D(2026, 11, 12), status="waiting"),
        row("Sigma", last=D(2026, 11, 12), status="Wish-list"),               # not applied
        row("Tau", interview=D(2026, 12, 1), last=D(2026, 11, 12)),          # interview to come: not due
    ]


def write_scenario(path, rows, **kwargs):
    cells = [c for c, _ in rows]
    # blank rows sprinkled in: skipped, and the Excel row numbers still line up
    with_blanks = cells[:3] + [[None] * 7] + cells[3:10] + [[None] * 7, [None] * 7] + cells[10:]
    excel_rows = {}
    r = 2 + kwargs.pop("title_rows_count", 0)
    k = 0
    for cellrow in with_blanks:
        if any(v is not None for v in cellrow):
            excel_rows[r] = rows[k]
            k += 1
        r += 1
    write_tracker(path, with_blanks, headers=HEADERS, **kwargs)
    return excel_rows


SETTINGS = {"Country": "US", "MaxFollowups": 3, "AsOf": AS_OF}


def check_against_rules(result, excel_rows, settings, as_of, week_of=None, tracker="t.xlsx"):
    items, counts = expected(excel_rows, settings, as_of, week_of)
    got = {i.row: (i.due_date, i.state, i.days_overdue) for i in result.items if i.tracker == tracker}
    assert got == items
    for k in COUNT_KEYS:
        assert result.counts[k] == counts[k], k
    assert result.total_rows == len(excel_rows)


def test_every_row_against_the_rules(tmp_path):
    path = tmp_path / "t.xlsx"
    rows = scenario()
    excel_rows = write_scenario(path, rows, settings=SETTINGS)
    before = file_hash(path)
    result = build_weekly([path])
    assert file_hash(path) == before  # read only
    assert result.as_of == AS_OF  # the tracker's own AsOf
    assert (result.week_start, result.week_end) == (D(2026, 11, 23), D(2026, 11, 29))
    settings = Settings(max_followups=3, as_of=AS_OF)
    check_against_rules(result, excel_rows, settings, AS_OF)
    c = result.counts
    assert min(c.values()) >= 1  # the scenario reaches every outcome
    # Thanksgiving: +7 from the 19th lands on the holiday, moved to Friday the 27th.
    [eps] = [i for i in result.items if i.company == "Epsilon"]
    assert eps.due_date == D(2026, 11, 27) and eps.weekday == "Friday"


def test_items_carry_the_row(tmp_path):
    path = tmp_path / "t.xlsx"
    write_tracker(path, [["Acme", "Engineer", "Dr. Jane Doe", "jane@acme.test", "+1 555 0100", D(2026, 11, 10),
                          D(2026, 11, 18), 1, None, "Interviewing", "mid December", None, None, None, "n"]],
                  settings={"AsOf": AS_OF})
    [item] = build_weekly([path]).items
    assert item.to_json() == {
        "due_date": "2026-11-25", "weekday": "Wednesday", "state": "Due today", "days_overdue": 0,
        "company": "Acme", "role": "Engineer", "contact_name": "Dr. Jane Doe",
        "contact_email": "jane@acme.test", "contact_phone": "+1 555 0100", "last_contact": "2026-11-18",
        "followups_sent": 1, "status": "Interviewing", "decision_expected": "mid December",
        "tracker": "t.xlsx", "row": 2, "message": item.message, "your_name": None}
    assert list(item.to_json()) == [f.name for f in fields(Item)]  # the spec's field order
    assert "Jane" in item.message and "Acme" in item.message and "Engineer" in item.message


def test_problems_and_warnings(tmp_path):
    path = tmp_path / "t.xlsx"
    excel_rows = write_scenario(path, scenario(), settings=SETTINGS)
    result = build_weekly([path])
    errors = [p for p in result.problems if p.severity == "error"]
    assert sorted({p.row for p in errors}) == sorted(r for r, (_, t) in excel_rows.items() if t is PROBLEM)
    by_company = {t and c[0]: r for r, (c, t) in excel_rows.items()}
    warnings = {(p.row, p.column): p for p in result.problems if p.severity == "warning"}
    nu = by_company["Nu"]
    assert "Pending review" in warnings[(nu, "Status")].message
    assert warnings[(nu, "Contact name")].message == NO_CONTACT
    assert any(i.row == nu for i in result.items)  # warnings keep the row scheduled


def test_json_shape(tmp_path):
    path = tmp_path / "t.xlsx"
    write_scenario(path, scenario(), settings=SETTINGS)
    data = json.loads(json.dumps(build_weekly([path]).to_json()))
    assert list(data) == ["week_start", "week_end", "as_of", "items", "problems", "counts"]
    assert list(data["counts"]) == ["rows", *COUNT_KEYS]
    assert data["counts"]["rows"] == sum(data["counts"][k] for k in COUNT_KEYS)
    assert set(data["items"][0]) == {"due_date", "weekday", "state", "days_overdue", "company", "role",
                                     "contact_name", "contact_email", "contact_phone", "last_contact",
                                     "followups_sent", "status", "decision_expected", "tracker", "row",
                                     "message", "your_name"}
    for p in data["problems"]:
        assert set(p) == {"tracker", "row", "column", "value", "message", "severity"}
        assert p["severity"] in ("error", "warning")
    for i in data["items"]:
        dt.date.fromisoformat(i["due_date"])


def test_sorted_by_date_company_tracker_row(tmp_path):
    a = tmp_path / "a.xlsx"
    b = tmp_path / "b.xlsx"
    same = D(2026, 11, 18)
    write_tracker(a, [["beta", None, None, same], ["Alpha", None, None, same], ["Beta", None, None, same],
                      ["Zed", None, None, D(2026, 11, 11)]], headers=HEADERS[:4])
    write_tracker(b, [["alpha", None, None, same], ["BETA", None, None, same]], headers=HEADERS[:4])
    result = build_weekly([tmp_path], as_of=AS_OF)
    order = [(i.company, i.tracker, i.row) for i in result.items]
    assert order == [("Zed", "a.xlsx", 5), ("Alpha", "a.xlsx", 3), ("alpha", "b.xlsx", 2),
                     ("beta", "a.xlsx", 2), ("Beta", "a.xlsx", 4), ("BETA", "b.xlsx", 3)]
    assert result.items == sorted(result.items, key=sort_key)


def test_each_tracker_on_its_own_calendar(tmp_path):
    # The same row: +7 from Friday 2026-11-20 is Friday the 27th; a closure that day in
    # one tracker moves it there (to Monday the 30th), and an Israeli tracker (Fri-Sat
    # weekend) moves it to Sunday the 29th.
    rows = [["Acme", None, None, D(2026, 11, 20)]]
    write_tracker(tmp_path / "us.xlsx", rows, headers=HEADERS[:4])
    write_tracker(tmp_path / "closed.xlsx", rows, headers=HEADERS[:4], holidays=[D(2026, 11, 27)])
    write_tracker(tmp_path / "il.xlsx", rows, headers=HEADERS[:4], settings={"Country": "IL"})
    result = build_weekly([tmp_path], as_of=AS_OF, week_of=D(2026, 11, 30))
    due = {i.tracker: i.due_date for i in result.items}
    assert due == {"us.xlsx": D(2026, 11, 27), "closed.xlsx": D(2026, 11, 30), "il.xlsx": D(2026, 11, 29)}


def test_week_of_a_later_week(tmp_path):
    path = tmp_path / "t.xlsx"
    excel_rows = write_scenario(path, scenario(), settings=SETTINGS)
    result = build_weekly([path], week_of=D(2026, 12, 2))
    assert (result.week_start, result.week_end, result.as_of) == (D(2026, 11, 30), D(2026, 12, 6), AS_OF)
    check_against_rules(result, excel_rows, Settings(max_followups=3, as_of=AS_OF), AS_OF, D(2026, 12, 2))
    assert any(i.state == schema.UPCOMING for i in result.items)


def test_as_of_choice(tmp_path):
    a = write_tracker(tmp_path / "a.xlsx", [["A", None, None, D(2026, 11, 18)]], headers=HEADERS[:4],
                      settings={"AsOf": AS_OF})
    b = write_tracker(tmp_path / "b.xlsx", [["B", None, None, D(2026, 11, 18)]], headers=HEADERS[:4],
                      settings={"AsOf": D(2026, 12, 1)})
    assert build_weekly([a]).as_of == AS_OF
    assert build_weekly([a], as_of=D(2026, 12, 7)).as_of == D(2026, 12, 7)  # the argument wins
    mixed = build_weekly([a, b])
    assert mixed.as_of == dt.date.today()
    overruled = {p.tracker for p in mixed.problems if p.column == "Settings AsOf"}
    assert overruled == {n for n, d in (("a.xlsx", AS_OF), ("b.xlsx", D(2026, 12, 1))) if d != mixed.as_of}


def test_folder_lock_files_and_broken_files(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    good = write_tracker(folder / "ann.xlsx", [["A", None, None, D(2026, 11, 18)]], headers=HEADERS[:4])
    (folder / "~$ann.xlsx").write_bytes(b"\x00lock")
    (folder / "broken.xlsx").write_text("not a workbook")
    write_tracker(folder / "jobs.xlsx", [["A"]], headers=("Company",), sheet="Jobs")
    (folder / "readme.txt").write_text("ignored: not a workbook name")
    before = {p.name: file_hash(p) for p in folder.iterdir()}
    result = build_weekly([folder], as_of=AS_OF)
    assert result.counts["listed"] == 1 and result.trackers == [str(good)]
    file_level = {p.tracker: p for p in result.problems if p.row is None}
    assert file_level["~$ann.xlsx"].severity == "warning"
    assert file_level["broken.xlsx"].severity == "error" and "broken.xlsx" in file_level["broken.xlsx"].message
    assert file_level["jobs.xlsx"].severity == "error"
    assert {p.name: file_hash(p) for p in folder.iterdir()} == before


def test_nothing_usable_raises(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrackerError, match="empty"):
        build_weekly([tmp_path / "empty"])
    with pytest.raises(TrackerError, match="nope.xlsx"):
        build_weekly([tmp_path / "nope.xlsx"])
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello")
    with pytest.raises(TrackerError, match="bad.xlsx"):
        build_weekly([bad])
    locks = tmp_path / "locks"
    locks.mkdir()
    (locks / "~$a.xlsx").write_bytes(b"x")
    with pytest.raises(TrackerError, match="lock"):
        build_weekly(locks)  # a single path works too


def test_folder_skips_own_outputs_and_mac_metadata(tmp_path):
    write_tracker(tmp_path / "ann.xlsx", [["A", None, None, D(2026, 11, 18)]], headers=HEADERS[:4])
    build = build_weekly([tmp_path], as_of=AS_OF)
    from followup_xl import export

    export.write(build, tmp_path / export.default_name(build, "xlsx"))  # last week's list, in the folder
    (tmp_path / "._ann.xlsx").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = build_weekly([tmp_path], as_of=AS_OF)
    assert result.counts == build.counts
    by_file = {p.tracker: p for p in result.problems}
    assert by_file["followups-2026-W48.xlsx"].severity == "warning"
    assert by_file["._ann.xlsx"].severity == "warning"
    assert by_file["old.xls"].severity == "error"  # an old workbook is refused with a reason


def test_same_file_name_in_two_folders(tmp_path):
    for sub in ("ann", "bob"):
        (tmp_path / sub).mkdir()
        write_tracker(tmp_path / sub / "tracker.xlsx", [[sub, None, None, D(2026, 11, 18)]], headers=HEADERS[:4])
    result = build_weekly([tmp_path / "ann", tmp_path / "bob"], as_of=AS_OF)
    assert len({i.tracker for i in result.items}) == 2


def test_weekly_from_table_matches_the_workbook(tmp_path):
    rows = scenario()
    path = tmp_path / "t.xlsx"
    excel_rows = write_scenario(path, rows, settings=SETTINGS)
    from_file = build_weekly([path])
    # The same table as an Excel range hands it over: None for empty cells, floats, datetimes.
    values = [list(HEADERS)]
    for r in range(2, max(excel_rows) + 1):
        cells = excel_rows[r][0] if r in excel_rows else [None] * 7
        values.append([_as_xlwings(v) for v in cells])
    result = weekly_from_table(values, settings=Settings(max_followups=3), as_of=AS_OF)
    strip = lambda items: [replace(i, tracker="") for i in items]  # noqa: E731
    assert strip(result.items) == strip(from_file.items)
    assert result.counts == from_file.counts


def _as_xlwings(v):
    if isinstance(v, ErrorValue):
        return v.code  # as xlwings hands errors over with err_to_str=True
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, int):
        return float(v)
    return v


def test_weekly_from_table_title_rows_and_no_header():
    values = [["Job search"], [None], ["Employer", "Last follow-up"], ["Acme", dt.datetime(2026, 11, 18)]]
    result = weekly_from_table(values, as_of=AS_OF)
    assert [(i.company, i.row, i.due_date) for i in result.items] == [("Acme", 4, D(2026, 11, 25))]
    with pytest.raises(TrackerError):
        weekly_from_table([["a", "b"], [1, 2]])


def test_counts_add_up_with_title_rows_1904(tmp_path):
    path = tmp_path / "t.xlsx"
    rows = scenario()
    excel_rows = write_scenario(path, rows, settings=SETTINGS, date1904=True,
                                title_rows=[["Tracker of Pat"], []], title_rows_count=2)
    result = build_weekly([path])
    # 46335 typed as a number in a 1904 workbook is a 1904 serial: 2030-11-10, so Delta is not due
    delta_row = next(r for r, (c, _) in excel_rows.items() if c[0] == "Delta")
    excel_rows[delta_row] = (excel_rows[delta_row][0], dict(interview_date=D(2030, 11, 10), last_contact=None,
                                                            followups_sent=None, cadence=None, status=None))
    check_against_rules(result, excel_rows, Settings(max_followups=3, as_of=AS_OF), AS_OF)


def test_template_without_rows_is_empty(tmp_path):
    from followup_xl.template import write_template

    path = write_template(tmp_path / "blank.xlsx")  # formulas in many rows, no data yet
    result = build_weekly([path], as_of=AS_OF)
    assert result.total_rows == 0 and result.items == [] and result.problems == []


def test_sample_recalculated_by_libreoffice_agrees(tmp_path):
    """The sample tracker's own formulas (recalculated by LibreOffice) against the weekly
    list read from the same recalculated file: the same next contact and state per row."""
    from libreoffice import recalc, require_libreoffice
    from python_calamine import CalamineWorkbook

    from followup_xl.template import write_template

    require_libreoffice()
    src = tmp_path / "src"
    src.mkdir()
    path = write_template(src / "sample.xlsx", sample=True, force=True, as_of=AS_OF)
    done = recalc(path, tmp_path / "out")
    result = build_weekly([done])
    assert result.as_of == AS_OF
    grid = CalamineWorkbook.from_path(str(done)).get_sheet_by_name("Tracker").to_python(skip_empty_area=False)
    header_at = next(i for i, r in enumerate(grid) if "Company" in r and "Next contact" in r)
    head = grid[header_at]
    company, nxt, state = (head.index(h) for h in ("Company", "Next contact", "Follow-up state"))
    sunday = D(2026, 11, 29)  # the Sunday of AS_OF's week
    want = {i + 1: (r[nxt], r[state]) for i, r in enumerate(grid) if i > header_at and r[company]
            and isinstance(r[nxt], dt.date) and r[nxt] <= sunday}
    got = {i.row: (i.due_date, i.state) for i in result.items}
    assert got == want and len(got) >= 3
    computed_states = [r[state] for r in grid[header_at + 1:] if r[company]]
    assert result.counts["closed"] == computed_states.count(schema.CLOSED)
    assert result.counts["needs_date"] == computed_states.count(schema.NEEDS_DATE)
    assert result.counts["limit_reached"] == computed_states.count(schema.LIMIT_REACHED)


def test_find_trackers_counts_each_workbook_once_through_links(tmp_path):
    """A link, a linked folder or a folder given twice must not list a file twice (files are
    told apart by device and inode)."""
    from followup_xl.weekly import find_trackers

    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"x")
    (folder / "b.XLSX").write_bytes(b"x")
    (folder / "notes.txt").write_bytes(b"x")
    (folder / "dir.xlsx").mkdir()
    (folder / "link.xlsx").symlink_to(folder / "a.xlsx")
    (folder / "dangling.xlsx").symlink_to(folder / "missing.xlsx")
    (tmp_path / "alias").symlink_to(folder, target_is_directory=True)
    found, problems = find_trackers([folder])
    assert found == [folder / "a.xlsx", folder / "b.XLSX"]
    # a dangling link is named (issue 12: that client's rows would vanish without a word)
    assert [(p.tracker, p.severity) for p in problems] == [("dangling.xlsx", "warning")]
    assert "missing.xlsx, which does not exist" in problems[0].message
    found, _ = find_trackers([folder / "link.xlsx", tmp_path / "alias", folder])
    assert found == [folder / "link.xlsx", tmp_path / "alias" / "b.XLSX"]
    assert [q.resolve() for q in found] == [(folder / "a.xlsx").resolve(), (folder / "b.XLSX").resolve()]
