"""A1 column letters: known answers, and the round trip over Excel's whole column range."""

import pytest
from hypothesis import given, strategies as st

from followup_xl.a1 import column_letter, column_number


@pytest.mark.parametrize("n, letters", [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"),
                                        (702, "ZZ"), (703, "AAA"), (16384, "XFD")])
def test_known_columns(n, letters):
    assert column_letter(n) == letters
    assert column_number(letters) == column_number(letters.lower()) == column_number(letters.encode()) == n


def test_zero_has_no_letters():
    assert column_letter(0) == ""


@given(st.integers(min_value=1, max_value=16384))
def test_round_trip(n):
    assert column_number(column_letter(n)) == n
