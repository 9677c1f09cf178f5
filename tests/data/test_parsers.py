"""Upload parsers: exact arrays for every layout, and a DataError for every bad file."""

import io

import numpy as np
import pandas as pd
import pytest

from lnn_core.data.parsers import (
    ParseLimits,
    SequenceDataset,
    combine_train_test,
    decode_text,
    parse_forecast_csv,
    parse_long_csv,
    parse_ts,
    parse_wide_csv,
    prepare_series,
    read_bytes,
    split_dataset,
)
from lnn_core.errors import DataError

TS_HEADER = (
    "# a comment\n"
    "@problemName Toy\n"
    "@timeStamps false\n"
    "@missing {missing}\n"
    "@univariate {univariate}\n"
    "@equalLength {equal}\n"
    "@classLabel true a b\n"
    "@data\n"
)


def ts_file(cases, *, missing="false", univariate="true", equal="true"):
    header = TS_HEADER.format(missing=missing, univariate=univariate, equal=equal)
    return (header + "\n".join(cases) + "\n").encode()


def values_of(ds):
    return [x.tolist() for x in ds.X]


# --------------------------------------------------------------------------- #
# Shared helpers
# --------------------------------------------------------------------------- #
def test_read_bytes_accepts_bytes_rewinds_file_objects_and_paths(tmp_path):
    upload = io.BytesIO(b"abc")
    upload.read()  # a previous rerun consumed it
    assert read_bytes(upload) == b"abc"
    path = tmp_path / "x.csv"
    path.write_bytes(b"xyz")
    assert read_bytes(path) == b"xyz"
    assert read_bytes(bytearray(b"q")) == b"q"


def test_read_bytes_refuses_text_and_oversized_input():
    with pytest.raises(DataError, match="got a str"):
        read_bytes("t,x\n0,1\n")
    with pytest.raises(DataError, match="text mode"):
        read_bytes(io.StringIO("t,x"), name="a.csv")
    with pytest.raises(
        DataError, match=r"big\.csv is larger than the limit of 10 bytes"
    ):
        read_bytes(b"0123456789A", name="big.csv", max_bytes=10)


def test_decode_text_strips_bom_and_explains_encodings():
    assert decode_text("\ufeffé".encode()) == "é"
    with pytest.raises(DataError, match="UTF-16"):
        decode_text("x".encode("utf-16"), name="u.csv")
    with pytest.raises(DataError, match=r"byte 0xE9 at position 4 \(line 2\)"):
        decode_text(b"a,b\n\xe9,1\n", name="latin.csv")


def test_limits_are_validated():
    with pytest.raises(ValueError, match="max_rows"):
        ParseLimits(max_rows=0)


# --------------------------------------------------------------------------- #
# Forecasting tables
# --------------------------------------------------------------------------- #
def test_forecast_with_time_column_and_missing_cells():
    table = parse_forecast_csv(
        b"\xef\xbb\xbft,x,y,note\r\n0,1.5,10,ok\r\n1,,20,ok\r\n2,3.5,NA,ok\r\n",
        name="f.csv",
    )
    assert table.time_column == "t"
    assert table.time.tolist() == [0.0, 1.0, 2.0]
    assert table.numeric_columns == ["x", "y"]
    np.testing.assert_array_equal(table.frame["x"], [1.5, np.nan, 3.5])
    np.testing.assert_array_equal(table.frame["y"], [10.0, 20.0, np.nan])
    assert table.n_missing == {"x": 1, "y": 1}
    assert table.ignored_columns == ["note"]
    assert "2 missing cells" in table.description


def test_forecast_detects_dates_and_headerless_files():
    table = parse_forecast_csv(b"day,load\n2024-01-01,5\n2024-01-02,6\n2024-01-03,7\n")
    assert table.time_column == "day"
    assert table.time.tolist() == list(
        pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])
    )
    assert table.numeric_columns == ["load"]

    bare = parse_forecast_csv(b"1,2\n3,4\n5,6\n")
    assert bare.time is None
    assert bare.numeric_columns == ["column 1", "column 2"]
    np.testing.assert_array_equal(bare.frame.to_numpy(), [[1, 2], [3, 4], [5, 6]])


def test_forecast_semicolon_and_decimal_comma():
    table = parse_forecast_csv(b"a;b\n1,5;2\n3,25;4\n")
    np.testing.assert_array_equal(table.frame.to_numpy(), [[1.5, 2.0], [3.25, 4.0]])


def test_forecast_first_column_t_is_data_when_not_increasing():
    table = parse_forecast_csv(b"t,x\n3,1\n1,2\n")
    assert table.time is None
    assert table.numeric_columns == ["t", "x"]


def test_forecast_time_column_out_of_order_is_an_error():
    with pytest.raises(
        DataError, match=r"time column 'time' must increase strictly.*row 3"
    ):
        parse_forecast_csv(b"time,x\n2,1\n2,2\n3,3\n")


def test_prepare_series_drop_and_interpolate():
    table = parse_forecast_csv(b"u,y\n0,1\n1,\n2,3\n3,4\n")
    inputs, targets = prepare_series(table, "y", input_columns=["u"], missing="drop")
    np.testing.assert_array_equal(inputs, [[0.0], [2.0], [3.0]])
    np.testing.assert_array_equal(targets, [[1.0], [3.0], [4.0]])
    inputs, targets = prepare_series(table, ["y"], missing="interpolate")
    np.testing.assert_array_equal(inputs, [[1.0], [2.0], [3.0], [4.0]])
    assert inputs.dtype == targets.dtype == np.float64
    np.testing.assert_array_equal(targets, inputs)


def test_prepare_series_checks():
    table = parse_forecast_csv(b"u,y\n0,1\n1,\n2,\n", name="g.csv")
    with pytest.raises(
        DataError, match=r"g\.csv has no numeric column 'z'; available: 'u', 'y'"
    ):
        prepare_series(table, "z")
    with pytest.raises(DataError, match="2 of its 3 rows have a missing cell in the chosen "
                                        "columns and dropping them leaves 1; at least 2"):
        prepare_series(table, "y")
    with pytest.raises(DataError, match=r"g\.csv has 3 rows; at least 5 are needed\.$"):
        prepare_series(table, "u", min_rows=5)
    with pytest.raises(ValueError, match="missing must be one of"):
        prepare_series(table, "y", missing="zero")


# --------------------------------------------------------------------------- #
# Long layout
# --------------------------------------------------------------------------- #
def test_long_csv_sorts_by_time_and_groups_interleaved_rows():
    data = (
        b"series_id,step,x,y,label\n"
        b"s1,1,0.2,2.0,walk\n"
        b"s2,0,5.0,6.0,run\n"
        b"s1,0,0.1,1.0,walk\n"
        b"s2,1,7.0,8.0,run\n"
        b"s1,2,0.3,3.0,walk\n"
    )
    ds = parse_long_csv(data, name="l.csv")
    assert values_of(ds) == [
        [[0.1, 1.0], [0.2, 2.0], [0.3, 3.0]],
        [[5.0, 6.0], [7.0, 8.0]],
    ]
    assert ds.y.tolist() == ["walk", "run"]
    assert ds.classes.tolist() == ["run", "walk"]
    assert ds.channel_names == ("x", "y")
    assert all(x.dtype == np.float64 for x in ds.X)
    assert "2 series, 2 channels, lengths 2–3" in ds.description



def test_long_csv_keeps_each_series_times_in_order_and_splits_carry_them():
    data = b"id,time,x,label\n" + b"".join(
        f"{i},{t},{i + t},{'ab'[i % 2]}\n".encode() for i in range(8) for t in (2.5, 0, 1))
    ds = parse_long_csv(data, name="l.csv")
    assert [t.tolist() for t in ds.times] == [[0.0, 1.0, 2.5]] * 8
    assert ds.X[3].ravel().tolist() == [3.0, 4.0, 5.5]
    train, test = split_dataset(ds, test_size=0.25, seed=0)
    assert len(train.times) == 6 and len(test.times) == 2
    assert parse_long_csv(b"id,x,label\n1,0.5,a\n2,0.7,b\n").times is None

def test_long_csv_explicit_roles_and_integer_labels():
    data = b"who,kind,a,b\n7,1,1.0,9\n7,1,2.0,9\n8,0,3.0,9\n"
    ds = parse_long_csv(
        data, series_column="who", label_column="kind", feature_columns=["a"]
    )
    assert values_of(ds) == [[[1.0], [2.0]], [[3.0]]]
    assert ds.y.dtype == np.int64
    assert ds.y.tolist() == [1, 0]


def test_long_csv_ambiguous_roles_ask_to_choose():
    with pytest.raises(
        DataError, match=r"label could be any of 'label', 'class'.*Choose"
    ):
        parse_long_csv(b"id,label,class,x\n1,a,a,1\n2,b,b,2\n")


def test_long_csv_series_with_two_labels():
    with pytest.raises(
        DataError, match=r"series '1' has label 'a' in row 2 but 'b' in row 3"
    ):
        parse_long_csv(b"id,x,label\n1,1,a\n1,2,b\n2,3,b\n")


# --------------------------------------------------------------------------- #
# Wide layout
# --------------------------------------------------------------------------- #
def test_wide_csv_ucr_tab_separated_with_float_labels():
    data = b"1.0000000e+00\t0.5\t0.25\n-1.0000000e+00\t1.5\t2.5\n1.0000000e+00\t3\t4\n"
    ds = parse_wide_csv(data)
    assert ds.y.tolist() == [1, -1, 1]
    assert ds.y.dtype == np.int64
    assert values_of(ds) == [[[0.5], [0.25]], [[1.5], [2.5]], [[3.0], [4.0]]]
    assert ds.channel_names == ("value",)


def test_wide_csv_header_label_column_and_trailing_empty_cells():
    data = b"v1,v2,v3,class\n1,2,3,a\n4,5,,b\n6,NaN,NaN,a\n"
    ds = parse_wide_csv(data)
    assert ds.y.tolist() == ["a", "b", "a"]
    assert values_of(ds) == [[[1.0], [2.0], [3.0]], [[4.0], [5.0]], [[6.0]]]
    assert ds.lengths.tolist() == [3, 2, 1]


def test_wide_csv_label_column_by_position():
    ds = parse_wide_csv(b"1,2,x\n3,4,y\n", label_column=2)
    assert ds.y.tolist() == ["x", "y"]
    assert values_of(ds) == [[[1.0], [2.0]], [[3.0], [4.0]]]


# --------------------------------------------------------------------------- #
# .ts files
# --------------------------------------------------------------------------- #
def test_ts_univariate_equal_length():
    ds = parse_ts(ts_file(["1,2,3:a", "4,5,6:b"]), name="toy.ts")
    assert values_of(ds) == [[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]
    assert ds.y.tolist() == ["a", "b"]
    assert ds.channel_names == ("dim 0",)


def test_ts_multivariate_unequal_length():
    data = ts_file(
        ["1,2,3:10,20,30:a", "4,5:40,50:b"], univariate="false", equal="false"
    )
    ds = parse_ts(data)
    assert values_of(ds) == [[[1, 10], [2, 20], [3, 30]], [[4, 40], [5, 50]]]
    assert ds.n_channels == 2


def test_ts_missing_values_are_interpolated_when_declared():
    ds = parse_ts(ts_file(["1,?,3,?:a", "?,2,2,2:b"], missing="true"))
    assert values_of(ds) == [[[1.0], [2.0], [3.0], [3.0]], [[2.0], [2.0], [2.0], [2.0]]]
    assert "3 missing values interpolated" in ds.description


# --------------------------------------------------------------------------- #
# Splitting and combining
# --------------------------------------------------------------------------- #
def make_dataset(labels, n_channels=1):
    rows = [
        f"{label}," + ",".join(str(k + i) for k in range(3))
        for i, label in enumerate(labels)
    ]
    ds = parse_wide_csv(("\n".join(rows) + "\n").encode(), name="d.csv")
    if n_channels == 1:
        return ds
    return SequenceDataset(
        X=[np.repeat(x, n_channels, axis=1) for x in ds.X],
        y=ds.y,
        classes=ds.classes,
        channel_names=tuple(f"c{k}" for k in range(n_channels)),
        description=ds.description,
    )


def test_split_dataset_is_stratified_and_seeded():
    ds = make_dataset(["a"] * 8 + ["b"] * 4)
    train, test = split_dataset(ds, test_size=0.25, seed=3)
    assert sorted(test.y.tolist()) == ["a", "a", "b"]
    assert len(train.X) == 9
    again = split_dataset(ds, test_size=0.25, seed=3)
    assert [x.tolist() for x in again.test.X] == [x.tolist() for x in test.X]
    all_values = sorted(float(x[0, 0]) for x in train.X + test.X)
    assert all_values == sorted(float(x[0, 0]) for x in ds.X)


def test_split_dataset_names_a_class_with_one_member():
    with pytest.raises(DataError, match="Class 'b' has only 1 series"):
        split_dataset(make_dataset(["a", "a", "a", "b"]))


def test_combine_train_test_checks_channels_and_classes():
    train, test = make_dataset(["a", "b", "a", "b"]), make_dataset(["b", "a"])
    pair = combine_train_test(train, test)
    assert pair.train is train and pair.test is test
    with pytest.raises(DataError, match="has 1 channels but the test file has 2"):
        combine_train_test(train, make_dataset(["a", "b"], n_channels=2))
    with pytest.raises(
        DataError, match="class 'c' that the training file does not have"
    ):
        combine_train_test(train, make_dataset(["a", "c"]))


# --------------------------------------------------------------------------- #
# Limits
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("parse", "data", "limits", "match"),
    [
        (
            parse_forecast_csv,
            b"x\n" + b"1\n" * 6,
            ParseLimits(max_rows=5),
            "max_rows=5",
        ),
        (
            parse_forecast_csv,
            b"a,b,c\n1,2,3\n4,5,6\n",
            ParseLimits(max_channels=2),
            "3 numeric columns; the limit is max_channels=2",
        ),
        (
            parse_wide_csv,
            b"a,1,2,3\nb,1,2,3\n",
            ParseLimits(max_length=2),
            "max_length=2",
        ),
        (parse_wide_csv, b"a,1\nb,2\na,3\n", ParseLimits(max_series=2), "max_series=2"),
        (
            parse_long_csv,
            b"id,x,label\n1,1,a\n1,2,a\n2,3,b\n",
            ParseLimits(max_length=1),
            "series '1' has 2 steps; the limit is max_length=1",
        ),
        (
            parse_ts,
            ts_file(["1,2,3:a", "1,2,3:b"]),
            ParseLimits(max_length=2),
            "max_length=2",
        ),
        (
            parse_ts,
            ts_file(["1:2:a", "1:2:b"], univariate="false"),
            ParseLimits(max_channels=1),
            "max_channels=1",
        ),
        (parse_forecast_csv, b"x\n1\n2\n", ParseLimits(max_bytes=3), "max_bytes=3"),
    ],
)
def test_limits_are_errors_not_truncation(parse, data, limits, match):
    with pytest.raises(DataError, match=match):
        parse(data, limits=limits)


# --------------------------------------------------------------------------- #
# Malformed files: every one is a DataError with a helpful sentence
# --------------------------------------------------------------------------- #
GARBAGE = np.random.default_rng(0).integers(0, 256, size=2000, dtype=np.uint8).tobytes()
LONG_LINE = b"1," * 5_000_000  # 10 MB, one line

MALFORMED = [
    ("forecast-empty", parse_forecast_csv, b"", "is empty"),
    ("long-empty", parse_long_csv, b"  \n\n", "is empty"),
    ("wide-empty", parse_wide_csv, b"", "is empty"),
    ("ts-empty", parse_ts, b"", "is empty"),
    (
        "forecast-header-only",
        parse_forecast_csv,
        b"t,x,y\n",
        "header row but no data rows",
    ),
    (
        "long-header-only",
        parse_long_csv,
        b"id,x,label\n",
        "header row but no data rows",
    ),
    (
        "wide-header-only",
        parse_wide_csv,
        b"label,v1,v2\n",
        "header row but no data rows",
    ),
    (
        "forecast-non-numeric",
        parse_forecast_csv,
        b"x,y\n1,2\n3,abc\n4,5\n",
        r"row 3, column 'y': expected a number, found 'abc'",
    ),
    (
        "long-non-numeric",
        parse_long_csv,
        b"id,x,label\n1,1,a\n1,one,a\n2,3,b\n",
        r"row 3, column 'x': expected a number, found 'one'",
    ),
    (
        "wide-non-numeric",
        parse_wide_csv,
        b"a,1,2\nb,3,x4\n",
        r"row 2, column 'column 3': expected a number, found 'x4'",
    ),
    (
        "ts-non-numeric",
        parse_ts,
        ts_file(["1,2,3:a", "1,zz,3:b"]),
        r"line 10 \(case 2\), channel 1, value 2: expected a number, found 'zz'",
    ),
    (
        "forecast-inf",
        parse_forecast_csv,
        b"x\n1\ninf\n",
        r"row 3, column 'x': expected a finite number, found inf",
    ),
    (
        "long-nan",
        parse_long_csv,
        b"id,x,label\n1,1,a\n1,NaN,a\n2,3,b\n",
        r"row 3, column 'x' is empty or NaN; sequences for classification cannot have gaps",
    ),
    (
        "wide-internal-nan",
        parse_wide_csv,
        b"a,1,NaN,3\nb,1,2,3\n",
        r"row 1, column 'column 3' is missing but more values follow",
    ),
    (
        "wide-inf",
        parse_wide_csv,
        b"a,1,2\nb,-inf,3\n",
        r"row 2, column 'column 2': expected a finite number, found -inf",
    ),
    (
        "ts-inf",
        parse_ts,
        ts_file(["1,inf:a", "1,2:b"]),
        "expected a finite number, found 'inf'",
    ),
    (
        "forecast-one-row",
        parse_forecast_csv,
        b"x,y\n1,2\n",
        "only 1 data row; a time series needs at least 2",
    ),
    (
        "wide-one-row",
        parse_wide_csv,
        b"a,1,2,3\n",
        "needs at least 2 classes, found only 'a'",
    ),
    (
        "long-one-class",
        parse_long_csv,
        b"id,x,label\n1,1,a\n2,2,a\n",
        "needs at least 2 classes, found only 'a'",
    ),
    (
        "wide-one-class",
        parse_wide_csv,
        b"a,1\na,2\n",
        "needs at least 2 classes, found only 'a'",
    ),
    (
        "ts-one-class",
        parse_ts,
        ts_file(["1,2:a", "3,4:a"]),
        "needs at least 2 classes, found only 'a'",
    ),
    (
        "wide-ragged",
        parse_wide_csv,
        b"label,v1,v2\na,1,2\nb,1,2,3\n",
        "row 3 has 4 cells but the header has 3",
    ),
    (
        "forecast-first-row-too-long",
        parse_forecast_csv,
        b"x,y\n1,2,3\n4,5\n",
        r"row 2 has more cells than the header \(2\)",
    ),
    (
        "wide-first-row-too-long",
        parse_wide_csv,
        b"label,v1\na,1,2\nb,3\n",
        r"row 2 has more cells than the header \(2\)",
    ),
    (
        "wide-ragged-no-header",
        parse_wide_csv,
        b"a,1,2\nb,1,2\nc,1,2,3,4\n",
        "row 3 has 5 cells but the first row has 3",
    ),
    (
        "long-missing-label",
        parse_long_csv,
        b"id,t,x\n1,0,1\n2,0,2\n",
        r"cannot tell the column roles: no column is named like a label.*label_column=",
    ),
    (
        "long-missing-series",
        parse_long_csv,
        b"x,label\n1,a\n2,b\n",
        "no column is named like a series id",
    ),
    (
        "long-no-header",
        parse_long_csv,
        b"1,2,3\n4,5,6\n",
        "needs a header row naming its columns",
    ),
    (
        "forecast-bad-date",
        parse_forecast_csv,
        b"date,x\n2024-01-01,1\nsoon,2\n",
        r"row 3: the time column 'date' holds 'soon', which is not a date or a number",
    ),
    ("forecast-garbage", parse_forecast_csv, GARBAGE, "binary file, not text"),
    ("long-garbage", parse_long_csv, GARBAGE, "binary file, not text"),
    ("wide-garbage", parse_wide_csv, GARBAGE, "binary file, not text"),
    ("ts-garbage", parse_ts, GARBAGE, "binary file, not text"),
    (
        "forecast-latin1",
        parse_forecast_csv,
        "température\n1\n2\n".encode("latin-1"),
        r"not UTF-8 text: byte 0xE9 at position 4 \(line 1\)",
    ),
    ("ts-latin1", parse_ts, b"@problemName caf\xe9\n", "not UTF-8 text"),
    (
        "forecast-10mb-line",
        parse_forecast_csv,
        LONG_LINE,
        "5,000,001 columns in its first row",
    ),
    ("long-10mb-line", parse_long_csv, LONG_LINE, "5,000,001 columns in its first row"),
    ("wide-10mb-line", parse_wide_csv, LONG_LINE, "max_length=100,000 plus the label"),
    (
        "ts-10mb-line",
        parse_ts,
        TS_HEADER.format(missing="false", univariate="true", equal="true").encode()
        + LONG_LINE
        + b":a\n",
        "channel 1 has more than max_length=100,000 values",
    ),
    (
        "ts-no-data",
        parse_ts,
        b"@problemName x\n@classLabel true a b\n",
        "no @data line",
    ),
    (
        "ts-wrong-channels",
        parse_ts,
        ts_file(["1,2:3,4:a", "1,2:b"], univariate="false"),
        r"line 10 \(case 2\) has 1 channels; expected 2",
    ),
    (
        "ts-univariate-with-two-channels",
        parse_ts,
        ts_file(["1,2:3,4:a", "1,2:3,4:b"]),
        r"line 9 \(case 1\) has 2 channels; expected 1",
    ),
    (
        "ts-bad-label",
        parse_ts,
        ts_file(["1,2:a", "1,2:z"]),
        r"class label 'z', which @classLabel does not declare \(a, b\)",
    ),
    (
        "ts-missing-undeclared",
        parse_ts,
        ts_file(["1,?:a", "1,2:b"]),
        "found '\\?' \\(a missing value\\) but the header does not say @missing true",
    ),
    (
        "ts-unequal-but-equal-declared",
        parse_ts,
        ts_file(["1,2,3:a", "1,2:b"]),
        "has length 2 but the first case has 3",
    ),
    (
        "ts-regression",
        parse_ts,
        b"@problemName r\n@classLabel false\n@data\n1,2:0.5\n",
        "no class labels",
    ),
    ("ts-no-cases", parse_ts, ts_file([]), "no cases after @data"),
]


@pytest.mark.parametrize(
    ("parse", "data", "match"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_file_raises_data_error(parse, data, match):
    with pytest.raises(DataError, match=match):
        parse(data, name="bad.file")


def test_messages_name_the_file():
    with pytest.raises(DataError, match=r"^sales\.csv, row 3, column 'y'"):
        parse_forecast_csv(io.BytesIO(b"x,y\n1,2\n3,abc\n"), name="sales.csv")


def test_file_objects_give_their_name():
    upload = io.BytesIO(b"x\n1\n")
    upload.name = "/tmp/uploads/mine.csv"
    with pytest.raises(DataError, match=r"^mine\.csv has only 1 data row"):
        parse_forecast_csv(upload)


# --------------------------------------------------------------------------- #
# Random damage: a DataError or a result, never another exception
# --------------------------------------------------------------------------- #
FUZZ_SEEDS = [
    (parse_forecast_csv, b"date,x,y\n2024-01-01,1,2\n2024-01-02,3,4\n2024-01-03,,5\n"),
    (parse_forecast_csv, b"t;a;b\n0;1,5;2\n1;2;3\n"),
    (parse_long_csv, b"id,t,x,label\n1,0,0.5,a\n1,1,0.7,a\n2,0,0.1,b\n2,1,0.3,b\n"),
    (parse_wide_csv, b"label,v1,v2,v3\na,1,2,3\nb,4,5,\na,1,1,1\n"),
    (parse_wide_csv, b"1\t0.5\t0.2\n2\t0.1\t0.3\n"),
    (
        parse_ts,
        ts_file(
            ["1,2,?:3,4,5:a", "1,2:3,4:b"],
            missing="true",
            univariate="false",
            equal="false",
        ),
    ),
]
FUZZ_ALPHABET = b",;\t\n\r:?@ -.e0123456789abNaninf\"'\xff\x00#"


@pytest.mark.parametrize(
    ("parse", "valid"),
    FUZZ_SEEDS,
    ids=[
        "forecast-dates",
        "forecast-semicolon",
        "long",
        "wide-header",
        "wide-tab",
        "ts",
    ],
)
def test_random_damage_raises_only_data_error(parse, valid):
    rng = np.random.default_rng(0)
    for _ in range(40):
        damaged = bytearray(valid)
        for _ in range(int(rng.integers(1, 6))):
            at = int(rng.integers(0, len(damaged)))
            byte = FUZZ_ALPHABET[int(rng.integers(0, len(FUZZ_ALPHABET)))]
            action = int(rng.integers(0, 3))
            if action == 0:
                del damaged[at]
            elif action == 1:
                damaged.insert(at, byte)
            else:
                damaged[at] = byte
        try:
            parse(bytes(damaged))
        except DataError:
            pass


def test_a_forecasting_table_read_as_wide_is_refused_at_once_with_the_reason():
    """600 rows of (t, x, y) read as wide would be 600 'classes' of one series each."""
    rows = "\n".join(f"{k},{np.sin(k / 9):.6f},{np.cos(k / 7):.6f}" for k in range(600))
    with pytest.raises(DataError, match=r"each of its 600 series has a label of its own .*"
                                        r"One row per time step is the forecasting layout"):
        parse_wide_csv(rows.encode(), name="sines.csv")
