"""--group-by tracker: a section per client in html, md and xlsx (SPEC: "Many trackers"),
a usage error for csv, json and ics; and the clients in the terminal summary."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import openpyxl
import pytest

from followup_xl import cli, exports
from followup_xl.errors import UsageError
from test_export import make_result
from test_hostile import AS_OF, good_tracker


def coach_result():
    """ana.xlsx (YourName Ana Lopez: 2 items), bob.xlsx (no YourName: 2), carol.xlsx (1)."""
    result = make_result()
    for item in result.items:
        item.your_name = {"ana.xlsx": "Ana Lopez", "carol.xlsx": " Carol\nKing "}.get(item.tracker)
    return result


def test_clients_are_named_by_your_name_else_the_file():
    names = [(c.name, c.tracker, len(c.items)) for c in exports.clients(coach_result())]
    assert names == [("Ana Lopez", "ana.xlsx", 2), ("bob.xlsx", "bob.xlsx", 2),
                     ("Carol King", "carol.xlsx", 1)]


def test_two_trackers_with_one_your_name_are_told_apart():
    result = coach_result()
    for item in result.items:
        item.your_name = "Sam"
    assert [c.name for c in exports.clients(result)] == ["Sam (ana.xlsx)", "Sam (bob.xlsx)",
                                                         "Sam (carol.xlsx)"]


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen, self._tag = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3"):
            self._tag = tag
        if tag == "section":
            self.seen.append(("section", dict(attrs).get("class")))

    def handle_data(self, data):
        if self._tag:
            self.seen.append((self._tag, data))
            self._tag = None


def test_html_a_section_per_client_holding_its_days():
    parser = Headings()
    parser.feed(exports.render(coach_result(), "html", group_by="tracker").decode())
    heads = [x for x in parser.seen if x[0] != "section"]
    assert heads[:5] == [("h2", "Ana Lopez — 2 follow-ups, 2 overdue"), ("h3", "Overdue — 2 follow-ups"),
                         ("h2", "bob.xlsx — 2 follow-ups"),
                         ("h3", "Monday, November 30, 2026 (today) — 1 follow-up"),
                         ("h3", "Wednesday, December 2, 2026 — 1 follow-up")]
    assert heads[5:7] == [("h2", "Carol King — 1 follow-up"), ("h3", "Wednesday, December 2, 2026 — 1 follow-up")]
    assert [c for t, c in parser.seen if t == "section"].count("client") == 3


def test_md_a_section_per_client():
    text = exports.render(coach_result(), "md", group_by="tracker").decode()
    lines = [line for line in text.splitlines() if line.startswith("#")]
    assert lines[1:] == ["## Ana Lopez — 2 follow-ups, 2 overdue", "### Overdue — 2 follow-ups",
                         "## bob.xlsx — 2 follow-ups",
                         "### Monday, November 30, 2026 (today) — 1 follow-up",
                         "### Wednesday, December 2, 2026 — 1 follow-up",
                         "## Carol King — 1 follow-up", "### Wednesday, December 2, 2026 — 1 follow-up",
                         "## Problems (4)"], lines


def test_xlsx_a_heading_row_per_client(tmp_path):
    result = coach_result()
    path = exports.write(result, tmp_path / "w.xlsx", group_by="tracker")
    ws = openpyxl.load_workbook(path)["Follow-ups"]
    firsts = [row[0].value for row in ws.iter_rows(min_row=2)]
    companies = [row[4].value for row in ws.iter_rows(min_row=2)]
    assert firsts[0] == "Ana Lopez — 2 follow-ups, 2 overdue" and firsts[1].startswith("Overdue")
    assert firsts.index("bob.xlsx — 2 follow-ups") == 4 and firsts.index("Carol King — 1 follow-up") == 9
    # every item once, under its client
    listed = [c for c in companies if c]
    assert sorted(listed) == sorted(i.company for i in result.items)
    assert ws.cell(2, 1).fill.fgColor.rgb == "FF1F4E78"  # the client heading's style


def test_without_group_by_nothing_changes():
    assert exports.render(coach_result(), "md") == exports.render(make_result(), "md")


@pytest.mark.parametrize("fmt", ["csv", "json", "ics"])
def test_group_by_is_a_usage_error_for_flat_formats(fmt, tmp_path):
    with pytest.raises(UsageError, match="html, md and xlsx"):
        exports.write(coach_result(), tmp_path / f"w.{fmt}", group_by="tracker")
    assert list(tmp_path.iterdir()) == []


def test_cli_group_by_with_csv_exits_2_before_reading(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["weekly", "missing.xlsx", "--group-by", "tracker", "-o", "w.csv"])
    err = capsys.readouterr().err
    assert code == 2 and "--group-by tracker" in err and len(err.strip().splitlines()) == 1


def test_cli_group_by_and_the_clients_in_the_summary(tmp_path, monkeypatch, capsys):
    good_tracker(tmp_path / "a.xlsx")
    good_tracker(tmp_path / "b.xlsx")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["weekly", ".", "--as-of", AS_OF.isoformat(), "--group-by", "tracker", "-o", "w.md"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Clients:\n  a.xlsx: 2 to contact\n  b.xlsx: 2 to contact\n" in err
    text = (tmp_path / "w.md").read_text()
    assert "## a.xlsx — 2 follow-ups" in text and "## b.xlsx — 2 follow-ups" in text


def test_one_tracker_lists_no_clients(tmp_path, monkeypatch, capsys):
    good_tracker(tmp_path / "a.xlsx")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["weekly", "a.xlsx", "--as-of", AS_OF.isoformat(), "-o", "w.json"]) == 0
    assert "Clients:" not in capsys.readouterr().err


def test_csv_drops_control_characters():
    result = make_result()
    result.items[0].company = "Ac\x00me\x1b[31m\x07 Inc"
    result.items[0].role = "=\x00cmd"
    rows = list(csv.reader(io.StringIO(exports.render(result, "csv").decode("utf-8-sig"))))
    row = rows[1]
    assert "Acme[31m Inc" in row and "'=cmd" in row
    text = exports.render(result, "csv").decode("utf-8-sig")
    assert not any(c in text for c in "\x00\x07\x1b")
    assert "\r\n" in text and "\n" in result.items[0].message  # line breaks in drafts kept
