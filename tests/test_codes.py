from __future__ import annotations

import pandas as pd
import pytest

from territorio.codes import (
    check_known,
    check_unique,
    normalise_code_series,
    normalise_istat_code,
)
from territorio.errors import DuplicateCodeError, InvalidValueError, UnknownCodeError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (15146, "015146"),
        ("15146", "015146"),
        ("015146", "015146"),
        (" 015146 ", "015146"),
        (15146.0, "015146"),
        ("15146.0", "015146"),
        ("15.210", "015210"),
        ("18.34", "018034"),
        (1001, "001001"),
    ],
)
def test_normalise_accepts_the_forms_sources_use(value, expected):
    assert normalise_istat_code(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "1234567", 15146.5, None, True, "0", float("nan")])
def test_normalise_rejects_non_codes(value):
    with pytest.raises(ValueError, match="ISTAT comune code"):
        normalise_istat_code(value)


def test_series_error_names_file_row_and_column():
    values = pd.Series(["015146", "15002", "MI-01"])
    with pytest.raises(InvalidValueError) as info:
        normalise_code_series(values, source="sites.csv", column="com_istat_code")
    message = str(info.value)
    assert "sites.csv" in message and "row 3" in message and "'com_istat_code'" in message
    assert "'MI-01'" in message


def test_series_missing_allowed_only_when_asked():
    values = pd.Series(["15146", None])
    assert normalise_code_series(values, source="f", column="c", allow_missing=True).tolist() == [
        "015146",
        None,
    ]
    with pytest.raises(InvalidValueError, match="row 2"):
        normalise_code_series(values, source="f", column="c")


def test_duplicates_are_reported_with_rows():
    with pytest.raises(DuplicateCodeError) as info:
        check_unique(pd.Series(["015001", "015002", "015001"]), source="x.csv", column="pro_com_t")
    assert "015001 at rows [1, 3]" in str(info.value)


def test_unknown_codes_are_reported_with_first_row():
    with pytest.raises(UnknownCodeError) as info:
        check_known(
            pd.Series(["015001", "099999"]),
            {"015001"},
            source="p.csv",
            column="pro_com_t",
            universe="the CMM comuni",
        )
    assert "099999 (row 2)" in str(info.value) and "p.csv" in str(info.value)
