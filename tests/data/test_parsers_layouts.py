"""Files read as their authors meant: pandas' index, headers, and time formats (issue 13).

Every file here is written in the exact layout of a classic public file: ``Lynx.csv`` as
``Series.to_csv()`` writes it (header ``,0``, the years as the index), ``Uschange.csv``
with pandas' unnamed 0, 1, 2 … index and quarters as ``1970 Q1``, and the Shampoo sales'
``1-01`` months (year 1, January).
"""

import numpy as np
import pandas as pd

from lnn_core.data.parsers import parse_forecast_csv, parse_long_csv, parse_wide_csv

LYNX = ",0\n1821,269\n1822,321\n1823,585\n1824,871\n1825,1475\n1826,2821\n"
USCHANGE = (
    ",Quarter,Consumption,Income,Production,Savings,Unemployment\n"
    "0,1970 Q1,0.6159,0.9722,-2.4527,4.8103,0.9\n"
    "1,1970 Q2,0.4603,1.1696,-0.5515,7.2879,0.5\n"
    "2,1970 Q3,0.8768,1.5533,-0.3587,7.2899,0.5\n"
    "3,1970 Q4,-0.2742,-0.2555,-2.1858,0.9851,0.7\n"
    "4,1971 Q1,1.8973,1.9871,1.9097,3.6577,-0.1\n"
)
SHAMPOO = "Month,Sales\n1-01,266.0\n1-02,145.9\n1-03,183.1\n1-04,119.3\n"


def test_lynx_layout_is_one_value_column_with_the_years_as_time():
    """Old code: the header was a data row, 2 numeric columns "column 1/2", 1 missing cell,
    and the page forecast the years."""
    table = parse_forecast_csv(LYNX.encode(), name="Lynx.csv")
    assert table.numeric_columns == ["0"]
    assert table.time_column == "column 1"
    np.testing.assert_array_equal(table.time, [1821, 1822, 1823, 1824, 1825, 1826])
    np.testing.assert_array_equal(table.frame["0"], [269, 321, 585, 871, 1475, 2821])
    assert table.n_missing == {"0": 0}
    assert "6 rows" in table.description and "unnamed first column" in table.description


def test_uschange_layout_drops_the_index_and_reads_quarters():
    """Old code: the index was a sixth value column and ``Quarter`` was ignored as text."""
    table = parse_forecast_csv(USCHANGE.encode(), name="Uschange.csv")
    assert table.numeric_columns == ["Consumption", "Income", "Production", "Savings",
                                     "Unemployment"]
    assert table.time_column == "Quarter"
    assert list(table.time) == list(pd.to_datetime(
        ["1970-01-01", "1970-04-01", "1970-07-01", "1970-10-01", "1971-01-01"]))
    assert "unnamed index column (0, 1, 2, …) dropped" in table.description


def test_short_year_months_are_months_not_days():
    """Old code: pandas read "1-02" as 2 January of year 1, so a monthly file looked daily."""
    table = parse_forecast_csv(SHAMPOO.encode(), name="ShampooSales.csv")
    assert table.time_column == "Month"
    assert [(t.year, t.month, t.day) for t in table.time] == [(1, 1, 1), (1, 2, 1), (1, 3, 1),
                                                             (1, 4, 1)]


def test_common_time_formats_are_the_time_column_and_never_a_value():
    files = {
        "Month,Passengers\n1949-01,112\n1949-02,118\n1949-03,132\n":
            ["1949-01-01", "1949-02-01", "1949-03-01"],
        "Month,Sales\n1991 Jul,3.5\n1991 Aug,3.2\n1991 Sep,3.7\n":
            ["1991-07-01", "1991-08-01", "1991-09-01"],
        "Year,Sunspots\n1700,5\n1701,11\n1702,16\n": [1700, 1701, 1702],
    }
    for text, expected in files.items():
        table = parse_forecast_csv(text.encode(), name="f.csv")
        assert len(table.numeric_columns) == 1, text
        assert table.time_column == text.split(",")[0], text
        if isinstance(expected[0], str):
            assert list(table.time) == list(pd.to_datetime(expected)), text
        else:
            np.testing.assert_array_equal(table.time, expected)


def test_iso_times_with_changing_utc_offsets_are_read_in_utc():
    """Summer time starts between rows 2 and 3: the offsets differ, the hours are one apart."""
    text = ("when,load\n2020-03-29T00:00:00+01:00,5.0\n2020-03-29T01:00:00+01:00,5.5\n"
            "2020-03-29T03:00:00+02:00,6.0\n")
    table = parse_forecast_csv(text.encode(), name="load.csv")
    assert table.time_column == "when"
    hours = np.diff(table.time.to_numpy()).astype("timedelta64[m]").astype(int) / 60
    np.testing.assert_array_equal(hours, [1.0, 1.0])


def test_a_shuffled_unnamed_index_is_ignored_not_forecast():
    table = parse_forecast_csv(b",x\n3,1.5\n0,2.5\n2,3.5\n1,4.5\n", name="s.csv")
    assert table.numeric_columns == ["x"] and table.time_column is None
    assert table.ignored_columns == ["column 1"]


def test_a_headerless_numeric_file_keeps_its_first_row():
    table = parse_forecast_csv(b"1,2\n3,4\n5,6\n", name="n.csv")
    assert table.numeric_columns == ["column 1", "column 2"] and len(table.frame) == 3


def test_pandas_index_of_classification_tables_is_dropped():
    long_text = (",id,label,time,value\n0,a,x,0,0.1\n1,a,x,1,0.2\n2,b,y,0,0.3\n3,b,y,1,0.4\n"
                 "4,c,x,0,0.5\n5,c,x,1,0.6\n")
    long = parse_long_csv(long_text.encode(), name="long.csv")
    assert long.channel_names == ("value",)
    np.testing.assert_array_equal(long.X[1].ravel(), [0.3, 0.4])
    wide_text = ",label,0,1,2\n0,a,1.0,2.0,3.0\n1,b,4.0,5.0,6.0\n2,a,7.0,8.0,9.0\n"
    wide = parse_wide_csv(wide_text.encode(), name="wide.csv")
    assert wide.y.tolist() == ["a", "b", "a"]
    np.testing.assert_array_equal(wide.X[1].ravel(), [4.0, 5.0, 6.0])
