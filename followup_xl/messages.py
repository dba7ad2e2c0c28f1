"""Follow-up message drafts: short, warm, never pushy (SPEC: "Who it is for").

The advice: still interested, available to meet again, curious where things stand.
The same text feeds the weekly list, the exports (mailto: links, calendar events) and
the Excel function FOLLOWUP_MESSAGE, so it lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
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


def natural_date(day: dt.date) -> str:
    """ "Thursday, November 19" — locale-independent, as people write it in a note."""
    return f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1]} {day.day}"


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


def draft(contact_name: Any, company: Any, role: Any = None, interview_date: Any = None) -> str:
    """A polite follow-up e-mail body addressed to the contact person's first name.

    Short and warm, never pushy: still interested, glad to meet again, curious where
    things stand. interview_date (a date) is mentioned when given.
    """
    company_text, role_text = clean_text(company), clean_text(role)
    position = _position(company_text, role_text)
    day = coerce_date(interview_date)  # blank/NaN/NaT -> None; bad text raises NotADateError
    about = f"our conversation on {natural_date(day)} about" if day else "my application for"
    lines = [
        greeting(contact_name),
        "",
        (f"I hope you are doing well. I wanted to follow up on {about} {position}. "
         "I am still very interested in the opportunity and would be glad to meet again "
         "if that would be helpful."),
        "",
        ("Could you let me know where things stand when you have a moment? "
         "I understand these decisions can take time."),
        "",
        "Best regards,",
    ]
    return "\n".join(lines)


def subject(company: Any, role: Any = None) -> str:
    """A short e-mail / calendar subject: "Following up: Data Analyst at Acme"."""
    company_text, role_text = clean_text(company), clean_text(role)
    if role_text and company_text:
        return f"Following up: {role_text} at {company_text}"
    if company_text or role_text:
        return f"Following up: {company_text or role_text}"
    return "Following up on my application"
