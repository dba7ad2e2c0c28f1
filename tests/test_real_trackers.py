"""The trackers people already have (SPEC "The tracker"), read as they are.

tests/data/real_trackers.json holds the header rows of real, public tracker templates and
where each came from. Each layout is rebuilt here as a file written by code (a workbook
whose sheet is not named Tracker, sometimes below a title block, with the furniture such
templates carry: N/A placeholders, check boxes, drop-down defaults, a legend under the
table, formulas in columns of their own; or a .csv for the layouts published as CSV), and
read with nothing renamed. The outcomes are known by hand (the comments give the
arithmetic), not computed by the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from followup_xl import schema
from followup_xl.model import COUNT_KEYS
from followup_xl.reader.header import map_columns
from followup_xl.weekly import build_weekly

DATA = json.loads((Path(__file__).parent / "data" / "real_trackers.json").read_text("utf-8"))
LAYOUTS = DATA["trackers"]
D = dt.date
AS_OF = D(2026, 11, 25)  # a Wednesday; Thursday the 26th is Thanksgiving (US)

# The applications every layout holds: (company, date, status, expected outcome). The date
# goes into the layout's Applied date column, else its Last contact, else its Interview date
# (the base is the latest of the three, so any one of them gives the same answer).
#   Acme:    16 Nov (Mon) + 7 = Mon 23 Nov, a working day -> overdue by 2 days on the 25th.
#   Beta:    19 Nov (Thu) + 7 = Thu 26 Nov, Thanksgiving -> Fri 27 Nov (8 days <= 10): due this week.
#   Zeta:    24 Nov + 7 = Tue 1 Dec -> next week: not due.
#   Delta:   no date -> needs a date.
#   Gamma:   Rejected -> closed (only where the layout has a Status column).
#   Epsilon: Wishlist, no date -> not applied (only with a Status column).
ROWS = [
    ("Acme Corp", D(2026, 11, 16), "Applied", ("listed", D(2026, 11, 23), "Overdue", 2)),
    ("Beta Labs", D(2026, 11, 19), "Interviewing", ("listed", D(2026, 11, 27), "Due this week", 0)),
    ("Zeta Inc", D(2026, 11, 24), "Applied", ("not_due", None, None, None)),
    ("Delta LLC", None, "Applied", ("needs_date", None, None, None)),
    ("Gamma GmbH", D(2026, 11, 10), "Rejected", ("closed", None, None, None)),
    ("Epsilon SA", None, "Wishlist", ("not_applied", None, None, None)),
]
NEEDS_STATUS = {"Gamma GmbH", "Epsilon SA"}
DATE_PREFERENCE = ("applied_date", "last_contact", "interview_date")
VALUES = {"role": "Data Analyst", "contact_name": "Pat Lee", "contact_email": "pat@example.com",
          "contact_phone": "+1 555 0100", "notes": "sent portfolio", "followups_sent": 0}


def _keys(layout) -> dict[str, str]:
    return {**layout["expect"], **layout.get("duplicates", {})}


def test_at_least_25_real_layouts_with_their_sources():
    assert len(LAYOUTS) >= 25
    assert len({tuple(t["headers"]) for t in LAYOUTS}) == len(LAYOUTS)  # all different
    for t in LAYOUTS:
        assert t["source"] and t["headers"] and set(t["expect"]) <= set(t["headers"]), t["name"]
        assert "company" in t["expect"].values(), t["name"]
        assert set(t["expect"].values()) & set(DATE_PREFERENCE), t["name"]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[t["name"] for t in LAYOUTS])
def test_each_header_becomes_the_column_a_person_means(layout):
    cmap, duplicates = map_columns(layout["headers"])
    got = {cmap.headers[k]: k for k in cmap.cols}
    assert got == layout["expect"]
    assert {text: why for _, text, why in duplicates}.keys() == layout.get("duplicates", {}).keys()
    ignored = {h for _, h, _ in cmap.ignored}
    assert ignored == set(layout["headers"]) - set(layout["expect"])


def _cells(layout, company, day, status, *, as_text: bool) -> list:
    keys = _keys(layout)
    date_key = next(k for k in DATE_PREFERENCE if k in layout["expect"].values())
    row = []
    for h in layout["headers"]:
        key = keys.get(h)
        if h in layout.get("duplicates", {}):
            value = None
        elif key == "company":
            value = company
        elif key == date_key:
            value = day.isoformat() if (as_text and day) else day
        elif key == "status":
            value = status
        elif key in VALUES:
            value = VALUES[key]
        elif h in layout.get("checkboxes", ()):
            value = True
        elif key is not None:  # another column of ours (a second date, cadence): left empty
            value = None
        else:
            value = None if as_text else "=LEN(\"x\")"  # a formula of the template's own (no stored result)
        row.append(value)
    return row


def _furniture(layout, *, as_text: bool) -> list[list]:
    """Rows a template leaves under the table: placeholders, unticked check boxes, a status
    drop-down's default, and a legend line (the legend is not an application: skipped)."""
    keys = _keys(layout)
    date_key = next(k for k in DATE_PREFERENCE if k in layout["expect"].values())
    unused, legend = [], []
    for h in layout["headers"]:
        key = keys.get(h)
        unused.append("N/A" if key == "role" else False if key == date_key and not as_text
                      else "FALSE" if key == date_key else "Not started" if key == "status"
                      else "-" if key in ("contact_name", "contact_email") else None)
        legend.append(None)
    by_key = {keys.get(h): j for j, h in reversed(list(enumerate(layout["headers"]))) if keys.get(h)}
    target = next(by_key[k] for k in ("role", "contact_name", "contact_email", date_key) if k in by_key)
    legend[target] = "Legend: green = offer, red = rejected"
    return [unused, unused, [None] * len(legend), legend]


def _expected(layout):
    has_status = "status" in layout["expect"].values()
    rows = [r for r in ROWS if has_status or r[0] not in NEEDS_STATUS]
    counts = {k: 0 for k in COUNT_KEYS}
    for _, _, _, (outcome, *_rest) in rows:
        counts[outcome] += 1
    counts["skipped"] = 1  # the legend
    return rows, counts


def write_layout(layout, folder: Path, k: int) -> Path:
    """The layout as its owner keeps it: CSV when published as a CSV header, else a workbook."""
    rows, _ = _expected(layout)
    if layout["form"].startswith("csv") and k % 2 == 0:
        path = folder / f"{layout['name']}.csv"
        with open(path, "w", newline="", encoding="utf-8-sig" if k % 4 == 0 else "utf-8") as fh:
            w = csv.writer(fh, delimiter=";" if k % 3 == 0 else ",")
            w.writerow(layout["headers"])
            for company, day, status, _ in rows:
                w.writerow(["" if v is None else v for v in _cells(layout, company, day, status, as_text=True)])
            for r in _furniture(layout, as_text=True):
                w.writerow(["" if v is None else v for v in r])
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = ("Sheet1", "Job Applications", "My job search", "Applications 2026")[k % 4]
    if k % 3 == 1:  # a title block above the header row
        ws.append([f"{layout['name']} - job search 2026"])
        ws.append([])
    ws.append(layout["headers"])
    for company, day, status, _ in rows:
        ws.append(_cells(layout, company, day, status, as_text=False))
    for r in _furniture(layout, as_text=False):
        ws.append(r)
    if k % 5 == 2:
        tips = wb.create_sheet("Tips")
        tips.append(["Follow up a week after applying."])
    wb.save(folder / f"{layout['name']}.xlsx")
    return folder / f"{layout['name']}.xlsx"


@pytest.mark.parametrize("k,layout", list(enumerate(LAYOUTS)), ids=[t["name"] for t in LAYOUTS])
def test_each_real_layout_is_read_as_it_is(tmp_path, k, layout):
    path = write_layout(layout, tmp_path, k)
    before = path.read_bytes()
    result = build_weekly([path], as_of=AS_OF, country="US")
    assert path.read_bytes() == before  # only read
    rows, counts = _expected(layout)
    assert {k2: result.counts[k2] for k2 in COUNT_KEYS} == counts
    assert result.total_rows == sum(counts.values()) == len(rows) + 1
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors == []  # none from the template's furniture
    listed = {i.company: (i.due_date, i.state, i.days_overdue) for i in result.items}
    assert listed == {c: (due, state, late) for c, _, _, (o, due, state, late) in rows if o == "listed"}
    [skip] = [p for p in result.problems if "without a Company" in p.message]
    assert skip.severity == "warning" and skip.row is None


def test_a_folder_of_real_layouts_counts_every_row_once(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    for k, layout in enumerate(LAYOUTS):
        write_layout(layout, folder, k)
    result = build_weekly([folder], as_of=AS_OF, country="US")
    assert len(result.trackers) == len(LAYOUTS)
    total = sum(sum(_expected(t)[1].values()) for t in LAYOUTS)
    assert result.total_rows == sum(result.counts[k] for k in COUNT_KEYS) == total
    assert not [p for p in result.problems if p.severity == "error"]


def test_an_interview_still_to_come_schedules_after_the_interview(tmp_path):
    """Applied 16 Nov, interview on Tue 1 Dec (still to come on the 25th): the base is the
    interview, so the next contact is 1 Dec + 7 = Tue 8 Dec, not 23 Nov."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Job hunt"
    ws.append(["Company", "Date Applied", "Interview Date", "Status"])
    ws.append(["Acme Corp", D(2026, 11, 16), D(2026, 12, 1), "Interview scheduled"])
    wb.save(tmp_path / "t.xlsx")
    now = build_weekly([tmp_path / "t.xlsx"], as_of=AS_OF, country="US")
    assert now.items == [] and now.counts["not_due"] == 1
    later = build_weekly([tmp_path / "t.xlsx"], as_of=AS_OF, week_of=D(2026, 12, 7), country="US")
    [item] = later.items
    assert (item.due_date, item.state) == (D(2026, 12, 8), schema.UPCOMING)
