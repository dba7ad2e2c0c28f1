"""The holidays package's countries are loaded one at a time (calendar._countries_on_demand):
the calendars are the very ones the package gives when it loads all its countries, only the
country asked for is imported, and whatever else asks for the countries package gets all of it.

Each case runs in a fresh interpreter: the test session has loaded the package long before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Every country, subdivision and year's holidays (names included), as a dict of lists.
_ALL_CALENDARS = """
import json, sys
{setup}
out = {{}}
for code, subdivisions in sorted(lib.list_supported_countries().items()):
    for sub in [None, *subdivisions[:3]]:
        try:
            h = lib.country_holidays(code, subdiv=sub, years=[2026, 2027])
        except NotImplementedError:
            continue
        out[f"{{code}}/{{sub}}"] = sorted((d.isoformat(), n) for d, n in h.items())
sys.stdout.write(json.dumps(out))
"""
_OURS = "from followup_xl.calendar import _holidays_lib\nlib = _holidays_lib()"
_PLAIN = "import holidays as lib\nimport holidays.countries"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_country_gives_the_same_holidays_as_the_whole_package():
    ours = json.loads(_run(_ALL_CALENDARS.format(setup=_OURS)))
    plain = json.loads(_run(_ALL_CALENDARS.format(setup=_PLAIN)))
    assert len(plain) > 100  # countries and some of their subdivisions (more in newer versions)
    assert ours == plain


def test_only_the_country_asked_for_is_imported():
    loaded = json.loads(_run("""
        import json, sys
        from followup_xl.calendar import get_calendar, holidays_in_year
        cal = get_calendar("US", "CA", None, None)
        assert holidays_in_year(2026, "US", "CA"), "no holidays"
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("holidays.countries."))))
    """))
    assert loaded == ["holidays.countries.united_states"]


def test_another_country_loads_only_itself_and_its_calendar_is_right():
    from followup_xl.calendar import holidays_in_year

    loaded, dates = json.loads(_run("""
        import json, sys
        from followup_xl.calendar import holidays_in_year
        days = sorted(d.isoformat() for d, _ in holidays_in_year(2026, "DE", "BY"))
        print(json.dumps([sorted(m for m in sys.modules if m.startswith("holidays.countries.")), days]))
    """))
    assert loaded == ["holidays.countries.germany"]
    assert dates == sorted(d.isoformat() for d, _ in holidays_in_year(2026, "DE", "BY"))
    assert "2026-01-06" in dates  # Epiphany: Bavaria's, not all of Germany's


def test_the_rest_of_the_package_is_there_when_asked_for():
    out = _run("""
        import sys
        from followup_xl.calendar import get_calendar
        get_calendar("GB", "ENG", None, None)
        import holidays
        from holidays.countries import Germany, UnitedStates   # the package's own __init__ runs now
        from holidays.countries import *                        # its names, as always
        assert Japan.__name__ == "Japan"
        assert holidays.countries.France.__name__ == "France"
        assert UnitedStates is holidays.countries.united_states.UnitedStates
        from pathlib import Path
        every = {f"holidays.countries.{p.stem}" for p in Path(holidays.countries.__file__).parent.glob("*.py")}
        assert every - {"holidays.countries.__init__"} <= set(sys.modules)
        try:
            holidays.countries.NoSuchCountry
        except AttributeError:
            print("ok")
    """)
    assert out.strip() == "ok"


def test_a_package_loaded_already_is_left_as_it_is():
    out = _run("""
        import holidays.countries
        before = holidays.countries
        from followup_xl.calendar import get_calendar
        get_calendar("FR", None, None, None)
        import sys
        assert sys.modules["holidays.countries"] is before and hasattr(before, "Afghanistan")
        print("ok")
    """)
    assert out.strip() == "ok"


def test_an_unknown_country_is_still_refused_in_one_sentence():
    out = _run("""
        from followup_xl.calendar import get_calendar
        from followup_xl.errors import CalendarError
        try:
            get_calendar("XX", None, None, None)
        except CalendarError as exc:
            print(exc)
    """)
    assert out.startswith("Unknown country code")
