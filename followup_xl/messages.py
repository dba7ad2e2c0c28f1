"""Follow-up message drafts: short, warm, never pushy (SPEC: "Who it is for").

The advice: still interested, available to meet again, curious where things stand.
The same text feeds the weekly list, the exports (mailto: links, calendar events) and
the Excel function FOLLOWUP_MESSAGE, so it lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from .dates import coerce_date

# Honorifics dropped before picking a first name ("Dr. Jane Smith" -> "Jane").
_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof professor sir madam madame mme mlle m herr frau sr sra srta "
    "rev fr hon".split()
)
# Suffixes that never are a first name ("Smith, Jr., John" is rare; "Jr." after a name is not).
_SUFFIXES = frozenset("jr sr ii iii iv phd md esq mba".split())

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NEUTRAL_GREETING = "Hello,"


_LETTER = re.compile(r"[^\W\d_]")
_WORD_EDGES = re.compile(r"^[\W\d_]+|[^\w.]+$")
_INITIAL = re.compile(r"[^\W\d_]\.?")
_ROLE_NOUN = re.compile(r"\b(role|position|job|opening|post|vacancy)$", re.IGNORECASE)
_PLACEHOLDERS = frozenset({"n/a", "na", "tbd", "unknown", "none", "hr", "recruiter"})


def clean_text(value: Any) -> str:
    """One line of trimmed text: blanks, tabs and line breaks collapse to single spaces."""
    if value is None:
        return ""
    # str.split() splits on exactly the characters the regex \s matches (Py_UNICODE_ISSPACE)
    return " ".join(str(value).split())


def _word_key(word: str) -> str:
    return word.rstrip(".").casefold()


def _nice_case(word: str) -> str:
    """Capitalise a name typed all lower or all upper case; leave mixed case (McKay) alone."""
    if word.islower() or word.isupper():
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
    return word


def first_name(contact_name: Any) -> str:
    """The name to greet: the first name, or "Dr. Smith" when only a title and surname exist.

    Handles "Dr. Jane Smith", "Smith, Jane", "jane", "JANE SMITH"; "" when there is no
    usable name (blank, an e-mail address, a placeholder like "?" or "n/a").
    """
    text = clean_text(contact_name)
    if not text or "@" in text or not _LETTER.search(text):
        return ""
    if text.casefold() in _PLACEHOLDERS:
        return ""
    if "," in text:  # "Smith, Jane" (a trailing ", Jr." is a suffix, not a first name)
        surname, _, rest = text.partition(",")
        rest_words = [w for w in rest.split() if _word_key(w) not in _SUFFIXES]
        text = " ".join(rest_words + [surname]) if rest_words else surname
    # a word is kept from its first letter to its last letter or dot ("=Jane!" -> "Jane")
    words = [_WORD_EDGES.sub("", w) for w in text.split() if _LETTER.search(w)]
    titles = []
    while words and _word_key(words[0]) in _HONORIFICS and len(words) > 1:
        titles.append(words.pop(0))
    words = [w for w in words if _word_key(w) not in _SUFFIXES] or words
    if not words:
        return ""
    if titles and len(words) == 1:  # "Dr. Smith": keep the courtesy title with the surname
        title = titles[-1]
        title = _nice_case(title.rstrip(".")) + ("." if title.endswith(".") else "")
        return f"{title} {_nice_case(words[0])}"
    if len(words) > 1 and _INITIAL.fullmatch(words[0]):  # "J. R. Smith": no first name
        return " ".join(_nice_case(w) for w in words)
    return _nice_case(words[0])


def greeting(contact_name: Any) -> str:
    """ "Hi Jane," or a neutral "Hello," when there is no name to greet."""
    name = first_name(contact_name)
    return f"Hi {name}," if name else NEUTRAL_GREETING


def month_first(country: Any) -> bool:
    """True where dates are written month first (the US: November 30), else day first
    (30 November): the same choice as the DateOrder setting's default."""
    from .schema import default_date_order

    return default_date_order(str(country) if country else None) == "MDY"


def natural_date(day: dt.date, country: Any = "US", weekday: bool = True) -> str:
    """ "Thursday, November 19" (US) or "Thursday 19 November" (most other countries);
    without the weekday when weekday is False. Locale-independent, as people write it."""
    month = MONTHS[day.month - 1]
    if month_first(country):
        text = f"{month} {day.day}"
        return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text
    text = f"{day.day} {month}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def _role_phrase(role: str) -> str:
    """ "Data Analyst" -> "the Data Analyst role"; "Analyst position" stays as typed."""
    if _ROLE_NOUN.search(role):
        return f"the {role}"
    return f"the {role} role"


def _position(company: str, role: str) -> str:
    """ "the Data Analyst role at Acme", "the position at Acme", "the Data Analyst role"."""
    if role and company:
        return f"{_role_phrase(role)} at {company}"
    if company:
        return f"the position at {company}"
    if role:
        return _role_phrase(role)
    return "the position"


# The situations a draft is written for (SPEC: "Message drafts"), first match wins.
OFFER, ON_HOLD, AFTER_INTERVIEW, CHECK_IN, APPLIED, APPLIED_CHECK_IN = (
    "offer", "on hold", "after interview", "check-in", "applied", "applied check-in")
# Statuses (built in, active) that mean an offer is on the table: the draft asks about next steps.
OFFER_STATUSES = frozenset(s.casefold() for s in ("Offer", "Offer received", "Negotiating"))


def situation(*, interviewed: bool, followups_sent: Any = 0, status: Any = None,
              meaning: Any = None) -> str:
    """Which draft a row gets: an offer; on hold; the first follow-up after an interview; a
    later check-in; or, with no interview yet, an application follow-up (first or later).
    `meaning` is the status's meaning ("on hold", ...) when the caller knows it (a
    workbook's own statuses), else it is looked up from the built-in statuses."""
    from .schema import ON_HOLD, is_on_hold, normalize_header

    words = normalize_header(status) if status else ""
    if words and any(normalize_header(o) == words for o in OFFER_STATUSES):
        return OFFER
    if (str(meaning).strip().casefold() == ON_HOLD) if meaning else (bool(status) and is_on_hold(status)):
        return ON_HOLD
    sent = _count(followups_sent)
    if interviewed:
        return CHECK_IN if sent >= 1 else AFTER_INTERVIEW
    return APPLIED_CHECK_IN if sent >= 1 else APPLIED


def _count(followups_sent: Any) -> int:
    """Follow-ups sent as a count (blank, NaN and anything not a number: 0)."""
    try:
        number = float(followups_sent or 0)
    except (TypeError, ValueError):
        return 0
    if number != number or number < 1:  # NaN, 0, negative
        return 0
    return int(min(number, 1 << 30))  # "many": infinity counts as a later follow-up too


def sentence(text: str) -> str:
    """text ending in one full stop: "at Acme Inc." stays as it is, never "Acme Inc..";
    a trailing "!" or "?" is kept."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _signature(your_name: Any) -> list[str]:
    name = clean_text(your_name)
    return ["Best regards,"] + ([name] if name else [])


def _body(kind: str, position: str, when: str, first: bool) -> list[str]:
    """The paragraphs of a draft. `when`: "our conversation on <date>" after an interview,
    else "" (and then nothing says "meet again"). Only put the position and `when` into the
    text as they are: `drafts` writes this once per situation with stand-ins for them."""
    again = "meet again" if when else "talk"
    if kind == OFFER and not first:
        return [sentence(f"I hope all is well. A short note about the offer for {position}"),
                "Could you let me know where things stand and what the next steps are? I am happy "
                "to talk at a time that suits you."]
    if kind == OFFER:
        return [sentence(f"Thank you again for the offer for {position}"),
                "I am very pleased and would like to understand the next steps. Could you let me know "
                "what you need from me and when you would like my answer? I am happy to talk it "
                "through at a time that suits you."]
    if kind == ON_HOLD:
        return [sentence(f"I hope you are doing well. I understand the hiring for {position} is on hold "
                         "for now, and I wanted to say that I remain interested"),
                f"I would be glad to {again} once things move. If it helps, just let me know when "
                "it would make sense for me to check in again."]
    if kind == AFTER_INTERVIEW:
        return [sentence(f"Thank you again for {when} about {position}") + " I enjoyed learning more "
                "about the team, and I am still very interested in the opportunity. I would be glad to "
                "meet again if that would be helpful.",
                "Could you let me know where things stand when you have a moment? I understand these "
                "decisions can take time."]
    if kind == CHECK_IN:
        return [sentence(f"I hope all is well. A short note to check in on {position}") + " I remain very "
                "interested and happy to meet again or to send anything that would help.",
                "Is there any news on the timing? Thank you for keeping me posted."]
    if kind == APPLIED:
        return [sentence(f"I hope you are doing well. I wanted to follow up on my application for {position}")
                + " I am still very interested in the opportunity and would be glad to share anything "
                "else that would help.",
                "Could you let me know where things stand when you have a moment? I understand these "
                "decisions can take time."]
    return [sentence(f"I hope all is well. A short note to check in on my application for {position}")
            + " I remain very interested in the role.",
            "Is there any news on the timing? Thank you for keeping me posted."]


def _when(day: dt.date, country: Any, working: bool) -> str:
    """What the first draft after an interview thanks for: "our conversation on <date>"."""
    return f"our conversation on {natural_date(day, country, weekday=working)}"


def _compose(greeting_line: str, paragraphs: list[str], signature: list[str]) -> str:
    """The e-mail body: the greeting, each paragraph, the signature, a blank line between."""
    lines = [greeting_line, ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    return "\n".join(lines + signature)


def draft(contact_name: Any, company: Any, role: Any = None, interview_date: Any = None, *,
          followups_sent: Any = 0, status: Any = None, meaning: Any = None, your_name: Any = None,
          country: Any = "US", calendar: Any = None) -> str:
    """A polite follow-up e-mail body addressed to the contact person's first name.

    Short and warm, never pushy: still interested, glad to meet again, curious where things
    stand. It differs by situation (see `situation`): the first follow-up after an interview
    thanks for it (naming its date), a later one is a shorter check-in, on hold acknowledges
    the pause, no interview yet never says "meet again", an offer asks about next steps.
    Signed with your_name when given; dates written the country's way; the interview's
    weekday named only when it was a working day (of `calendar` when given, else Monday to
    Friday). `drafts` writes many at once, the same text.
    """
    company_text, role_text = clean_text(company), clean_text(role)
    position = _position(company_text, role_text)
    day = coerce_date(interview_date)  # blank/NaN/NaT -> None; bad text raises NotADateError
    kind = situation(interviewed=day is not None, followups_sent=followups_sent, status=status,
                     meaning=meaning)
    when = ""
    if day is not None:
        working = calendar.is_workday(day) if calendar is not None else day.weekday() < 5
        when = _when(day, country, working)
    paragraphs = _body(kind, position, when, _count(followups_sent) == 0)
    return _compose(greeting(contact_name), paragraphs, _signature(your_name))


def drafts(contact_names: Sequence[Any], companies: Sequence[Any], roles: Sequence[Any],
           interview_dates: Sequence[Any], followups_sent: Sequence[Any], statuses: Sequence[Any],
           meanings: Sequence[Any], *, your_name: Any = None, country: Any = "US",
           calendar: Any = None) -> list[str]:
    """`draft` for many rows of one tracker at once, given as columns of equal length (cell
    values: text, numbers, dates, None); your_name, country and calendar are the tracker's.

    Each text equals draft(contact_names[k], companies[k], roles[k], interview_dates[k],
    followups_sent=followups_sent[k], status=statuses[k], meaning=meanings[k], ...). Faster
    for a long list: the interview days' working-day flags come in one calendar look-up,
    and the greeting, the position, the situation, the date and the body are worked out
    once per distinct value (many rows share them).
    """
    column = None  # the dates as datetime64[D] when given so (a reader's column): NaT blank
    if getattr(interview_dates, "dtype", None) is not None and interview_dates.dtype.kind == "M":
        column = interview_dates.astype("datetime64[D]")
        interview_dates = column.tolist()  # NaT -> None
    days = [v if type(v) is dt.date else coerce_date(v) for v in interview_dates]
    working = _working_flags(days, calendar, column)
    signature = _signature(your_name)
    greetings: dict[Any, str] = {}
    positions: dict[tuple, str] = {}
    kinds: dict[tuple, tuple[str, bool]] = {}
    whens: dict[dt.date, str] = {}
    templates: dict[tuple, str] = {}
    out = []
    for name, company, role, day, work, sent, status, meaning in zip(
            contact_names, companies, roles, days, working, followups_sent, statuses, meanings):
        key = _key(name)
        hello = greetings.get(key)
        if hello is None:
            hello = greetings[key] = greeting(name)
        key = (_key(company), _key(role))
        position = positions.get(key)
        if position is None:
            position = positions[key] = _position(clean_text(company), clean_text(role))
        key = (_key(status), _key(meaning), day is None, sent)  # sent counts only through _count
        kind, first = kinds.get(key) or kinds.setdefault(key, (
            situation(interviewed=day is not None, followups_sent=sent, status=status, meaning=meaning),
            _count(sent) == 0))
        when = ""
        if day is not None:
            when = whens.get(day)  # a day's working flag is the same in every row
            if when is None:
                when = whens[day] = _when(day, country, work)
        out.append(hello + _filled(templates, kind, first, position, when, signature))
    return out


# Stand-ins for the position and the date in a body template (a control character no
# wording holds; a text that holds one is written directly).
_POSITION, _WHEN = "\x00", "\x01"


def _filled(templates: dict, kind: str, first: bool, position: str, when: str,
            signature: list[str]) -> str:
    """All of a draft but the greeting: _body's text for the situation, written once with
    stand-ins and filled in per row. The stand-in for the position ends in the position's
    own last character, so `sentence` adds a full stop exactly where it would for it."""
    end = position[-1:]
    if not end or end.isspace() or _POSITION in position or _WHEN in position:
        return _compose("", _body(kind, position, when, first), signature)
    key = (kind, first, bool(when), end)
    template = templates.get(key)
    if template is None:
        template = templates[key] = _compose(
            "", _body(kind, _POSITION + end, _WHEN if when else "", first), signature)
    text = template.replace(_POSITION + end, position)
    return text.replace(_WHEN, when) if when else text


def _key(value: Any) -> Any:
    """A cache key that tells 1, 1.0 and True apart (equal in a dict, not in a draft)."""
    return value if value is None or type(value) is str else (type(value), value)


def _working_flags(days: list[dt.date | None], calendar: Any, column: Any = None) -> list[bool]:
    """Whether each day (None: no interview) is a working day: of the calendar when given,
    in one look-up (on `column`, the same days as datetime64[D], when at hand: quicker than
    converting the dates); else Monday to Friday."""
    if calendar is None:
        return [day is not None and day.weekday() < 5 for day in days]
    import numpy as np

    if column is None:
        column = np.array(days, dtype="datetime64[D]")
    return calendar.is_workday_many(column).tolist()


def subject(company: Any, role: Any = None) -> str:
    """A short e-mail / calendar subject: "Following up: Data Analyst at Acme"."""
    company_text, role_text = clean_text(company), clean_text(role)
    if role_text and company_text:
        return f"Following up: {role_text} at {company_text}"
    if company_text or role_text:
        return f"Following up: {company_text or role_text}"
    return "Following up on my application"
