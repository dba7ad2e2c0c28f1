"""The weekly list's per-tracker outcome worked out for a group of trackers at once
(weekly.group_outcome: one count, one draft run and one Item run per group of trackers that
share their Settings) is, tracker by tracker, what each gives alone (tracker_outcome), and a
folder's list is the same whichever way its trackers are grouped."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from followup_xl import weekly
from followup_xl.reader.table import parse_table
from followup_xl.schema import Settings

AS_OF = dt.date(2026, 11, 25)
WEEK_END = dt.date(2026, 11, 29)
STATUSES = ("Applied", "Interviewing", "On hold", "Rejected", "Offer", "Wishlist", "waiting", None, "",
            "Pending review")
CONTACTS = ("Pat Lee", "Dr. Ana María López", None, "", "   ", "N/A", 42.0, "jo")


def random_tracker(rng: random.Random, name: str, *, contact_column: bool = True) -> object:
    headers = ["Company", "Role", "Interview date", "Last contact", "Follow-ups sent", "Status",
               "Contact email", "Decision expected"]
    if contact_column:
        headers.insert(1, "Contact name")
    rows = [headers]
    for _ in range(rng.randint(0, 30)):
        last = AS_OF - dt.timedelta(days=rng.randint(-3, 40)) if rng.random() < 0.8 else None
        interview = AS_OF - dt.timedelta(days=rng.randint(-5, 60)) if rng.random() < 0.5 else None
        cells = [rng.choice(["Acme", "beta GmbH", "Zeta & Co", None, "Omega"]),
                 rng.choice(["Data Analyst", None, "Engineer"]), interview,
                 last if rng.random() < 0.95 else "soon",  # now and then a problem row
                 rng.choice([None, 0.0, 1.0, 2.0, 3.0]), rng.choice(STATUSES),
                 rng.choice([None, "pat@example.com"]), rng.choice([None, "December", dt.date(2026, 12, 10)])]
        if contact_column:
            cells.insert(1, rng.choice(CONTACTS))
        rows.append(cells)
    data = parse_table(rows, tracker=name, settings=Settings(your_name="Sam Doe"))
    data.name = name
    return data


@pytest.mark.parametrize("seed", range(25))
def test_a_group_gives_each_tracker_what_it_gives_alone(seed):
    rng = random.Random(seed)
    trackers = [random_tracker(rng, f"t{k}.xlsx", contact_column=rng.random() < 0.8)
                for k in range(rng.randint(1, 8))]
    evaluated = weekly.evaluate_group(trackers, AS_OF)
    together = weekly.group_outcome(trackers, evaluated, WEEK_END)
    alone = [weekly.tracker_outcome(t, e, WEEK_END) for t, e in zip(trackers, evaluated)]
    assert together == alone
    assert sum(len(items) for items, _, _ in together) == sum(c["listed"] for _, _, c in together)


def test_no_listed_row_and_no_rows_at_all():
    rng = random.Random(7)
    same = Settings(your_name="Sam Doe")  # a group shares its Settings
    empty = parse_table([["Company", "Last contact"]], tracker="empty.xlsx", settings=same)
    empty.name = "empty.xlsx"
    later = parse_table([["Company", "Last contact"], ["Acme", AS_OF]], tracker="later.xlsx", settings=same)
    later.name = "later.xlsx"  # next contact a week on: not this week
    some = random_tracker(rng, "some.xlsx")
    trackers = [empty, later, some]
    evaluated = weekly.evaluate_group(trackers, AS_OF)
    together = weekly.group_outcome(trackers, evaluated, WEEK_END)
    assert together[0] == ([], [], {k: 0 for k in weekly.COUNT_KEYS})
    assert together[1][0] == [] and together[1][2]["not_due"] == 1
    assert together == [weekly.tracker_outcome(t, e, WEEK_END) for t, e in zip(trackers, evaluated)]


def test_a_folder_list_does_not_depend_on_the_grouping():
    rng = random.Random(3)
    trackers = [random_tracker(rng, f"c{k:02d}.xlsx") for k in range(12)]
    for t in trackers[::3]:  # two groups: Settings of their own
        t.settings = Settings(country="GB", your_name="Kim")
    together = weekly.combine(trackers, as_of=AS_OF)
    one_by_one = [weekly.combine([t], as_of=AS_OF) for t in trackers]
    assert sorted(together.items, key=weekly.sort_key) == together.items
    assert together.items == sorted((i for r in one_by_one for i in r.items), key=weekly.sort_key)
    assert together.problems == [p for r in one_by_one for p in r.problems]
    for key in weekly.COUNT_KEYS:
        assert together.counts[key] == sum(r.counts[key] for r in one_by_one)


def test_an_empty_cell_is_empty_whatever_else_the_column_holds():
    # the no-contact warnings look at a whole group's contact cells at once: a cell's
    # emptiness must not depend on its neighbours (a lone NaN was once taken for a name)
    from followup_xl.cells import empty_mask

    nan = float("nan")
    assert empty_mask([nan, "Pat"]).tolist() == [True, False]
    assert empty_mask([nan, "Pat", None]).tolist() == [True, False, True]
    assert empty_mask(["", "Pat"]).tolist() == [True, False]
