"""The HTML export: one self-contained page, a printed page a day, every text escaped."""

from __future__ import annotations

import datetime as dt
import html
import re
from operator import attrgetter
from typing import Any

from ..errors import quote
from ..model import Item, WeeklyResult
from . import batch
from .mailto import mailtos
from .sections import (Group, clients, groups, iso_week, long_date, short_date, state_text,
                       summary_line)

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:2em;}
h1{font-size:1.5em;margin:0 0 .2em} h2{font-size:1.2em;border-bottom:2px solid #3a6ea5;padding-bottom:.2em}
.meta{color:#555;margin:0 0 1.5em}
table{border-collapse:collapse;width:100%;margin:0 0 1em;font-size:.92em}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#eef3f9} tr.draft td{background:#fafafa;border-top:none}
.overdue h2{border-color:#b22222;color:#b22222}
pre.msg{white-space:pre-wrap;font-family:inherit;margin:0}
section.day{break-after:page;page-break-after:always}
section.day:last-of-type{break-after:auto;page-break-after:auto}
section.client{break-after:page;page-break-after:always}
section.client:last-of-type{break-after:auto;page-break-after:auto}
h3{font-size:1.05em;margin:1em 0 .3em} .overdue h3{color:#b22222}
.problems li{margin:.2em 0} .warning{color:#8a6d00} .error{color:#b22222}
@media print{body{margin:0} a{color:inherit;text-decoration:none}}
""".strip()


_HTML_SPECIAL = re.compile("[&<>\"']")


def _h(value: Any) -> str:
    """Escaped text (html.escape, quotes included); one search first, as most cells hold
    nothing to escape (measured: a third of the html export's time went to html.escape)."""
    if value is None:
        return ""
    text = value if type(value) is str else value.isoformat() if isinstance(value, dt.date) else str(value)
    return html.escape(text) if _HTML_SPECIAL.search(text) else text


def _escape_all(texts: list[str]) -> list[str]:
    """html.escape of each text, in one pass over all of them joined (where none holds the
    separator): five str.replace over a column rather than five for each of its cells."""
    joined = batch.joined(texts)
    if joined is None:
        return [html.escape(t) for t in texts]
    if not _HTML_SPECIAL.search(joined):
        return texts
    return html.escape(joined).split(batch.SEP)


def _column(values: list[Any]) -> list[str]:
    """_h of each value of a column."""
    return _escape_all([v if type(v) is str else _h(v) for v in values])


def _html_rows(items: list[Item]) -> str:
    """The table rows of items (a row of fields, then a row with the draft, for each), each
    column escaped at once (the cells of a column are text, None or dates)."""
    days = {day: short_date(day) for day in {i.due_date for i in items}}
    columns = [_column([days[i.due_date] for i in items]), _column(list(map(state_text, items)))]
    columns += [_column(list(map(attrgetter(key), items)))
                for key in ("company", "role", "contact_name", "contact_email", "contact_phone",
                            "last_contact", "status", "tracker")]
    links = mailtos(items)
    hrefs = iter(_escape_all([link for link in links if link is not None]))
    emails = [f'<a href="{next(hrefs)}">{email}</a>' if link is not None else email
              for link, email in zip(links, columns[5])]
    messages = _column([i.message for i in items])
    return "\n".join([
        f"<tr><td>{due}</td><td>{state}</td><td>{company}</td><td>{role}</td><td>{contact}</td>"
        f"<td>{email}</td><td>{phone}</td><td>{last}</td><td>{status}</td><td>{tracker} row {i.row}</td></tr>"
        f'\n<tr class="draft"><td colspan="10"><pre class="msg">{message}</pre></td></tr>'
        for i, (due, state, company, role, contact, _, phone, last, status, tracker), email, message
        in zip(items, zip(*columns), emails, messages)])


_CHUNK = 4096  # items written at a time: the intermediate texts stay small


def _html_group(group: Group, kind: str = "day", heading: str = "h2") -> list[str]:
    cls = f"{kind} overdue" if group.day is None else kind
    out = [f'<section class="{cls}">', f"<{heading}>{_h(group.title)}</{heading}>", "<table>",
           "<thead><tr><th>Due</th><th>State</th><th>Company</th><th>Role</th><th>Contact</th>"
           "<th>Email</th><th>Phone</th><th>Last contact</th><th>Status</th><th>Tracker</th>"
           "</tr></thead>", "<tbody>"]
    for k in range(0, len(group.items), _CHUNK):
        out.append(_html_rows(group.items[k:k + _CHUNK]))
    out += ["</tbody>", "</table>", "</section>"]
    return out


def render_html(result: WeeklyResult, group_by: str | None = None) -> bytes:
    """One self-contained page (inline CSS, no external resources), one printed page a day;
    with group_by="tracker", a section (and a printed page) per client holding its days."""
    title = f"Follow-ups for the week of {long_date(result.week_start)} ({iso_week(result.week_start)})"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_h(title)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>",
           f"<h1>{_h(title)}</h1>",
           f'<p class="meta">As of {_h(long_date(result.as_of))}. {_h(summary_line(result))}</p>']
    if not result.items:
        out.append("<p>Nothing to follow up this week.</p>")
    elif group_by:
        for client in clients(result):
            out += ['<section class="client">', f"<h2>{_h(client.title)}</h2>"]
            for group in groups(result, client.items):
                out += _html_group(group, "client-day", "h3")
            out.append("</section>")
    else:
        for group in groups(result):
            out += _html_group(group)
    if result.problems:
        out += [f'<section class="problems"><h2>Problems ({len(result.problems)})</h2>', "<ul>"]
        for p in result.problems:
            value = "" if p.value is None else f" — value <code>{_h(quote(p.to_json()['value']))}</code>"
            out.append(f'<li><span class="{_h(p.severity)}">{_h(p.severity)}</span>: '
                       f"{_h(p.where)}{value}: {_h(p.message)}</li>")
        out += ["</ul>", "</section>"]
    out += ["</body>", "</html>", ""]
    # Encoded a piece at a time, each piece let go once encoded: the page is never held as
    # one str (two bytes a character once a title holds an em dash) beside its bytes.
    out.reverse()
    data = []
    while out:
        data.append(out.pop().encode("utf-8"))
    return b"\n".join(data)

