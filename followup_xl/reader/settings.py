"""The Settings sheet: defined names first, else label/value pairs (SPEC "Sheet Settings")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .. import schema
from ..cells import CellError, cell_text, is_empty
from ..dates import coerce_date
from ..errors import NotADateError, quote
from ..model import Problem
from ..schema import Settings
from .columns import _whole_number
from .wording import raw as _raw
from .wording import sentence as _sentence
from .xml import WorkbookInfo, _cell_index


@dataclass(frozen=True)
class Place:
    """The calendar the command line gives (--country / --subdivision) for a tracker whose
    Settings do not name one; None: FOLLOWUP_XL_COUNTRY / FOLLOWUP_XL_SUBDIVISION, else US."""

    country: str | None = None
    subdivision: str | None = None

    def defaults(self) -> dict[str, Any]:
        """The Country and Subdivision a tracker without them is given."""
        from ..calendar import default_place

        country, subdivision = default_place(self.country, self.subdivision)
        out: dict[str, Any] = {}
        if country is not None and str(country).strip():
            out["Country"] = country
        if subdivision is not None and str(subdivision).strip():
            out["Subdivision"] = subdivision
        return out


# Countries whose public holidays depend on the region (SPEC "Sheet Settings"): used without
# a Subdivision, a tracker gets a warning naming the subdivisions.
REGIONAL_COUNTRIES = ("AU", "BR", "CA", "CH", "DE", "ES", "GB", "IN", "MY", "NZ")


def read_settings(book, info: WorkbookInfo, tracker: str, sheet_names: Sequence[str],
                  place: Place | None = None) -> tuple[Settings, dict[str, Any], list[Problem]]:
    """The Settings values: defined names first, else label/value pairs on the Settings sheet.
    `book`: the workbook's sheets (reader.book.Book)."""
    raw: dict[str, Any] = {}
    by_lower = {s.strip().casefold(): s for s in sheet_names}

    def grid(sheet: str) -> list[list[Any]] | None:
        actual = sheet if sheet in sheet_names else by_lower.get(sheet.strip().casefold())
        return None if actual is None else book.grid(actual)

    for setting in schema.SETTINGS:
        where = info.names.get(setting.name) or next(
            (v for k, v in info.names.items() if k.casefold() == setting.name.casefold()), None)
        if where:
            g = grid(where[0])
            r, c = _cell_index(where[1])
            if g is not None and r < len(g) and c < len(g[r]):
                raw[setting.name] = g[r][c]
    settings_sheet = by_lower.get(schema.SETTINGS_SHEET.casefold())
    if settings_sheet:
        wanted = {schema.normalize_header(s.name): s.name for s in schema.SETTINGS if s.name not in raw}
        for row in grid(settings_sheet) or []:
            for j, v in enumerate(row[:-1]):
                name = wanted.get(schema.normalize_header(v)) if isinstance(v, str) else None
                if name and name not in raw:
                    raw[name] = row[j + 1]
    settings, problems = settings_from_values(raw, tracker, place=place)
    return settings, raw, problems


def _raw_order(raw: dict[str, Any]) -> str:
    """The date order the raw settings ask for (for reading AsOf typed as text)."""
    order = str(raw.get("DateOrder") or "").strip().upper()
    country = raw.get("Country") if isinstance(raw.get("Country"), str) else None
    return schema.default_date_order(country, order if order in schema.DATE_ORDERS else None)


def settings_from_values(raw: dict[str, Any], tracker: str, date1904: bool = False,
                         place: Place | None = None) -> tuple[Settings, list[Problem]]:
    """Settings from name -> cell value; a bad value is a warning and its default is used.
    A tracker whose Settings name no Country takes the place's (the command line's)."""
    if place is not None and is_empty(raw.get("Country")):
        raw = {**raw, **{k: v for k, v in place.defaults().items()
                         if k == "Country" or is_empty(raw.get(k))}}
    from ..calendar import get_calendar, normalize_country, normalize_subdivision, parse_weekend
    from ..errors import CalendarError

    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def warn(name: str, value: Any, reason: str) -> None:
        default = schema.SETTING_BY_NAME[name].default
        shown = "blank" if default is None else str(default)
        problems.append(Problem(tracker, None, f"Settings {name}", _raw(value),
                                f"{_sentence(reason)[:-1]}; the default ({shown}) is used instead.", "warning"))

    for name, value in raw.items():
        if is_empty(value) or isinstance(value, CellError):
            if isinstance(value, CellError):
                warn(name, value, f"the cell shows the error {value}")
            continue
        attr = schema.SETTING_ATTRS[name]
        if name in ("Country",):
            values[attr] = normalize_country(value)
        elif name == "Subdivision":
            values[attr] = normalize_subdivision(value)
        elif name in ("DefaultCadence", "MaxDays", "OnHoldCadence", "MaxFollowups"):
            number = _whole_number(value)
            lo, hi = (schema.CADENCE_MIN, schema.CADENCE_MAX) if "Cadence" in name else (0 if name == "MaxDays" else 1, 3650)
            if number is None or not lo <= number <= hi:
                warn(name, value, f"{quote(value)} is not a whole number from {lo} to {hi}")
            else:
                values[attr] = int(number)
        elif name == "Weekend":
            values[attr] = value
        elif name == "AsOf":
            try:
                values[attr] = coerce_date(value, date1904=date1904, date_order=_raw_order(raw))
            except NotADateError as exc:
                warn(name, value, str(exc))
        elif name == "DateOrder":
            text = str(value).strip().upper()
            if text in schema.DATE_ORDERS:
                values[attr] = text
            else:
                warn(name, value, f"{quote(value)} is not a date order: use MDY or DMY")
        elif name == "YourName":
            values[attr] = cell_text(value)
    # Validate the calendar piece by piece (country, then subdivision, then weekend), so a
    # bad value is named by what was checked, not guessed from the error's wording.
    country = values.get("country", schema.SETTING_BY_NAME["Country"].default)
    try:
        get_calendar(country)
    except CalendarError as exc:
        warn("Country", values.pop("country"), str(exc))
        values.pop("subdivision", None)  # a region of an unknown country means nothing
        country = schema.SETTING_BY_NAME["Country"].default
    if values.get("subdivision"):
        try:
            get_calendar(country, values["subdivision"])
        except CalendarError as exc:
            warn("Subdivision", values.pop("subdivision"), str(exc))
    if values.get("weekend") is not None:
        try:
            values["weekend"] = parse_weekend(values["weekend"], country)
        except CalendarError as exc:
            warn("Weekend", values.pop("weekend"), str(exc))
    if not values.get("subdivision"):
        problems.extend(subdivision_warning(country, tracker))
    return Settings(**values), problems


def subdivision_warning(country: str, tracker: str) -> list[Problem]:
    """The warning for a country whose public holidays depend on the region, used without a
    Subdivision (SPEC "Sheet Settings")."""
    if str(country).upper() not in REGIONAL_COUNTRIES:
        return []
    from ..calendar import _subdivisions

    try:
        codes = _subdivisions(str(country).upper())
    except Exception:  # noqa: BLE001 - an unknown country was warned about above
        return []
    shown = ", ".join(codes[:20]) + (", ..." if len(codes) > 20 else "")
    return [Problem(tracker, None, "Settings Subdivision", None,
                    f"Public holidays in {str(country).upper()} depend on the region and no Subdivision is "
                    f"set, so only the holidays of the whole country are skipped: set Subdivision in "
                    f"Settings, or use --subdivision (one of {shown}).", "warning")]

