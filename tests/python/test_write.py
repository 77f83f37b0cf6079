"""docs/behaviour.md#writing (write() and its planner) as visible from Python: parameters and defaults,
row-group layouts produced by the n-rows and time-period strategies (reference plans, docs/behaviour.md#merge
checked through the resulting row groups and file ids), duplicates, key-value metadata."""
import datetime

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, write

from conftest import assert_no_dataset, msg, rg_files, write_rgs


def tagged(values, tag, col="a"):
    """Frame with ordered column `col` = values and b = '<tag><value>'."""
    return pd.DataFrame({col: np.asarray(values, dtype="int64"),
                         "b": pd.Series([f"{tag}{v}" for v in values], dtype=object)})


def layout(opd, col="b"):
    """Row groups as lists of `col` values."""
    return [list(rg.to_pandas()[col]) for rg in opd]


def ids(opd):
    return [int(x) for x in opd.row_group_stats["file_ids"]]


def build(path, rgs, tag="o"):
    """Dataset whose rgs hold exactly the given lists of values (ordered column 'a')."""
    flat = [v for rg in rgs for v in rg]
    offsets = np.cumsum([0] + [len(rg) for rg in rgs[:-1]])
    opd = write_rgs(path, tagged(flat, tag), "a", offsets)
    assert [list(rg.to_pandas()["a"]) for rg in opd] == [list(r) for r in rgs]
    assert ids(opd) == list(range(len(rgs)))
    return opd


# ---------------------------------------------------------------------------- regression tests

def test_required_regression_planning_after_dedup(tmp_path):
    # docs/behaviour.md#duplicates: the original lost the new 11 here.
    opd = build(tmp_path / "ds", [[1, 2, 3], [10, 11, 12]])
    new = pd.DataFrame({"a": [2, 2, 11], "b": ["n1", "n2", "n3"]})
    write(tmp_path / "ds", ordered_on="a", df=new, row_group_target_size=3, duplicates_on="a")
    assert layout(opd, "a") == [[1, 2, 3], [10, 11, 12]]
    assert layout(opd) == [["o1", "n2", "o3"], ["o10", "n3", "o12"]]


def test_required_dedup_across_steps(tmp_path):
    # docs/behaviour.md#merge: a duplicate pair split across two steps of a region does not survive.
    path = tmp_path / "ds"
    df = pd.DataFrame({"a": [1, 2, 2, 2, 3, 3], "b": ["p", "y", "q", "y", "r", "s"]})
    opd = write_rgs(path, df, "a", [0, 3])
    assert layout(opd) == [["p", "y", "q"], ["y", "r", "s"]]
    write(path, ordered_on="a", df=None, row_group_target_size=2, duplicates_on="b",
          max_n_off_target_rgs=1)
    assert [list(zip(f.a, f.b)) for f in (rg.to_pandas() for rg in opd)] == \
        [[(1, "p"), (2, "q")], [(2, "y"), (3, "r")], [(3, "s")]]


# ---------------------------------------------------------------------------- merge execution (docs/behaviour.md#merge)

def test_execution_old_before_new_on_ties(tmp_path):
    path = tmp_path / "ds"
    opd = write_rgs(path, pd.DataFrame({"a": [2, 3, 4], "b": ["2x", "3c", "4y"]}), "a", [0])
    new = pd.DataFrame({"a": [1, 2, 4, 5], "b": ["1a", "2b", "4d", "5e"]})
    write(path, ordered_on="a", df=new, row_group_target_size=3)
    assert layout(opd) == [["1a", "2x", "2b"], ["3c", "4y", "4d"], ["5e"]]


def test_execution_untouched_rgs_keep_files(tmp_path):
    # [1a,2x | 3y,4z | 5e,7f | 8g,9h | 10i] + [2b,6c,7d,11i,12j], drop on a, T = 2.
    path = tmp_path / "ds"
    old = pd.DataFrame({"a": [1, 2, 3, 4, 5, 7, 8, 9, 10],
                        "b": ["1a", "2x", "3y", "4z", "5e", "7f", "8g", "9h", "10i"]})
    opd = write_rgs(path, old, "a", [0, 2, 4, 6, 8])
    new = pd.DataFrame({"a": [2, 6, 7, 11, 12], "b": ["2b", "6c", "7d", "11i", "12j"]})
    write(path, ordered_on="a", df=new, row_group_target_size=2, duplicates_on="a")
    # Without coalescing the orphan run [11, 12] forms its own rg after the untouched [10].
    assert layout(opd) == [["1a", "2b"], ["3y", "4z"], ["5e", "6c"], ["7d"], ["8g", "9h"],
                           ["10i"], ["11i", "12j"]]
    got = ids(opd)
    assert got[1] == 1 and got[4] == 3 and got[5] == 4  # untouched rgs [3,4], [8,9], [10]
    assert min(got[i] for i in (0, 2, 3, 6)) >= 5  # the others are new files
    assert len(rg_files(path)) == 7  # replaced files deleted after the commit


# ---------------------------------------------------------------------------- n-rows plans (docs/behaviour.md#merge)

def test_plan_complex(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[1, 2, 3], [3, 4, 6], [8, 9, 10], [11], [12, 13, 14], [14, 14, 14], [14],
                       [19, 22]])
    write(path, ordered_on="a", df=tagged([14, 18, 19, 20, 26], "n"), row_group_target_size=3,
          duplicates_on="a", max_n_off_target_rgs=1)
    assert layout(opd) == [["o1", "o2", "o3"], ["o3", "o4", "o6"], ["o8", "o9", "o10"],
                           ["o11", "o12", "o13"], ["n14", "n18", "n19"], ["n20", "o22", "n26"]]
    assert ids(opd)[:3] == [0, 1, 2]


@pytest.mark.parametrize("new,drop,expect_ids,expect", [
    # islands 1: (0,[(1,2)]), (3,[(4,4)])
    ([3, 4, 13, 14], True, [4, 5, 1, 2, 6],
     [["o0", "o1", "n3", "n4"], ["o5", "o6"], ["o6", "o7", "o8", "o10"],
      ["o11", "o11", "o11", "o12"], ["n13", "n14"]]),
])
def test_plan_islands(tmp_path, new, drop, expect_ids, expect):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1, 5, 6], [6, 7, 8, 10], [11, 11, 11, 12], [13]])
    write(path, ordered_on="a", df=tagged(new, "n"), row_group_target_size=4,
          duplicates_on="a" if drop else None, max_n_off_target_rgs=1)
    assert layout(opd) == expect
    assert ids(opd) == expect_ids


def test_plan_simple_append(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1], [2, 3]])
    write(path, ordered_on="a", df=tagged([3], "n"), row_group_target_size=2,
          max_n_off_target_rgs=2)
    assert layout(opd) == [["o0", "o1"], ["o2", "o3"], ["n3"]]
    assert ids(opd) == [0, 1, 2]


def test_plan_merge_tail_drop(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1, 2], [6, 7, 8], [9]])
    write(path, ordered_on="a", df=tagged([9], "n"), row_group_target_size=3, duplicates_on="a",
          max_n_off_target_rgs=2)
    assert layout(opd) == [["o0", "o1", "o2"], ["o6", "o7", "o8"], ["n9"]]
    assert ids(opd) == [0, 1, 3]


def test_plan_tail_exceeded(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1, 2], [3, 4, 5], [6], [7]])
    write(path, ordered_on="a", df=tagged([8], "n"), row_group_target_size=3,
          max_n_off_target_rgs=4)
    assert layout(opd) == [["o0", "o1", "o2"], ["o3", "o4", "o5"], ["o6", "o7", "n8"]]
    assert ids(opd) == [0, 1, 4]


def test_plan_insert_at_start(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[2, 6], [7, 8], [9], [10]])
    write(path, ordered_on="a", df=tagged([0, 1], "n"), row_group_target_size=2,
          duplicates_on="a", max_n_off_target_rgs=2)
    assert layout(opd) == [["n0", "n1"], ["o2", "o6"], ["o7", "o8"], ["o9"], ["o10"]]
    assert ids(opd) == [4, 0, 1, 2, 3]  # row order no longer equals file-name order


@pytest.mark.parametrize("max_off,expect,expect_ids", [
    (3, [["o11"], ["o12"], ["n12"]], [0, 1, 2, 3, 4]),
    (None, [["o11"], ["o12"], ["n12"]], [0, 1, 2, 3, 4]),
    (2, [["o11", "o12", "n12"]], [0, 1, 4]),
])
def test_plan_max_off(tmp_path, max_off, expect, expect_ids):
    path = tmp_path / "ds"
    opd = build(path, [[0, 2, 4, 6], [7, 8, 9, 10], [11], [12]])
    write(path, ordered_on="a", df=tagged([12], "n"), row_group_target_size=4,
          max_n_off_target_rgs=max_off)
    assert layout(opd)[2:] == expect
    assert ids(opd) == expect_ids


def test_plan_insert_middle(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1], [2, 6], [7, 8], [9], [10]])
    write(path, ordered_on="a", df=tagged([2, 3, 4], "n"), row_group_target_size=2,
          duplicates_on="a", max_n_off_target_rgs=2)
    assert layout(opd) == [["o0", "o1"], ["n2", "n3"], ["n4", "o6"], ["o7", "o8"], ["o9"],
                           ["o10"]]
    got = ids(opd)
    assert got[0] == 0 and got[3:] == [2, 3, 4] and got[1] >= 5 and got[2] == got[1] + 1


def test_plan_insert_before_small(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[0, 1, 2, 2], [6, 7, 8, 8], [11]])
    write(path, ordered_on="a", df=tagged([8, 9], "n"), row_group_target_size=4,
          max_n_off_target_rgs=3)
    assert layout(opd) == [["o0", "o1", "o2", "o2"], ["o6", "o7", "o8", "o8"], ["n8", "n9"],
                           ["o11"]]
    assert ids(opd) == [0, 1, 3, 2]
    path2 = tmp_path / "ds2"
    opd2 = build(path2, [[0, 1, 2], [6, 7, 8], [10]])
    write(path2, ordered_on="a", df=tagged([8, 9], "n"), row_group_target_size=3,
          duplicates_on="a", max_n_off_target_rgs=3)
    assert layout(opd2) == [["o0", "o1", "o2"], ["o6", "o7", "n8"], ["n9", "o10"]]
    assert ids(opd2) == [0, 3, 4]


def test_plan_no_rgs_and_target_never_exceeded(tmp_path):
    opd = OrderedParquetDataset(tmp_path / "ds")
    opd.write(ordered_on="a", df=tagged([4, 8, 12], "n"), row_group_target_size=4)
    assert layout(opd) == [["n4", "n8", "n12"]]
    opd2 = OrderedParquetDataset(tmp_path / "ds2")
    opd2.write(ordered_on="a", df=tagged(range(10), "n"), row_group_target_size=3)
    assert [len(x) for x in layout(opd2)] == [3, 3, 3, 1]
    # Equal values may straddle rgs in n-rows mode.
    opd3 = OrderedParquetDataset(tmp_path / "ds3")
    opd3.write(ordered_on="a", df=tagged([1, 1, 1, 1, 1], "n"), row_group_target_size=2)
    assert [len(x) for x in layout(opd3)] == [2, 2, 1]


def test_plan_resize(tmp_path):
    path = tmp_path / "ds"
    opd = build(path, [[1, 1, 1, 1, 2, 2, 2, 2], [4, 4, 4, 5, 5, 5, 5, 6, 6, 6]])
    write(path, ordered_on="a", df=None, row_group_target_size=4, max_n_off_target_rgs=1)
    assert layout(opd, "a") == [[1, 1, 1, 1], [2, 2, 2, 2], [4, 4, 4, 5], [5, 5, 5, 6], [6, 6]]
    path2 = tmp_path / "ds2"
    opd2 = build(path2, [[1, 1, 2, 2], [4, 5, 5, 6]])
    write(path2, ordered_on="a", df=None, row_group_target_size=4, max_n_off_target_rgs=1)
    assert ids(opd2) == [0, 1]
    # With max_n_off_target_rgs=None (the dataset remembers 1 otherwise) no coalescing at all.
    write(path, ordered_on="a", df=None, row_group_target_size=100, max_n_off_target_rgs=None)
    assert len(opd) == 5


# ---------------------------------------------------------------------------- time-period plans (docs/behaviour.md#time-periods)

def hours(*hm):
    return [pd.Timestamp(f"2024-03-05 {x}") for x in hm]


def build_ts(path, rgs):
    flat = [v for rg in rgs for v in rg]
    df = pd.DataFrame({"ts": flat, "b": [f"o{t:%H%M}" for t in flat]})
    offsets = np.cumsum([0] + [len(rg) for rg in rgs[:-1]])
    return write_rgs(path, df, "ts", offsets)


def new_ts(*hm):
    t = hours(*hm)
    return pd.DataFrame({"ts": t, "b": [f"n{x:%H%M}" for x in t]})


@pytest.mark.parametrize("rgs,new,drop,max_off,expect,expect_ids", [
    ([["08:10", "09:10"], ["10:10"]], ["12:10"], False, 3,
     [["o0810", "o0910"], ["o1010"], ["n1210"]], [0, 1, 2]),
    ([["08:10", "09:10"], ["10:10"]], ["10:10"], False, 3,
     [["o0810", "o0910"], ["o1010"], ["n1010"]], [0, 1, 2]),
    ([["08:10", "09:10"], ["10:10"]], ["10:10"], True, 3,
     [["o0810", "o0910"], ["n1010"]], [0, 2]),
    ([["08:00", "09:00"], ["10:00"], ["11:00"]], ["13:00"], True, 3,
     [["o0800", "o0900"], ["o1000", "o1100"], ["n1300"]], [0, 3, 4]),
    ([["08:00", "09:00"], ["12:00"], ["13:00"]], ["07:30"], True, 2,
     [["n0730"], ["o0800", "o0900"], ["o1200"], ["o1300"]], [3, 0, 1, 2]),
    ([["08:10", "09:10"], ["12:10"], ["13:10"]], ["08:00"], True, 2,
     [["n0800", "o0810", "o0910"], ["o1210", "o1310"]], [3, 4]),
    ([["08:00", "09:00"], ["10:00"], ["11:00"]], ["11:00"], False, 3,
     [["o0800", "o0900"], ["o1000"], ["o1100"], ["n1100"]], [0, 1, 2, 3]),
    ([["08:00", "09:00"], ["10:00"], ["11:00"]], ["11:00"], False, 2,
     [["o0800", "o0900"], ["o1000", "o1100", "n1100"]], [0, 3]),
    ([["08:00", "09:00"], ["12:00"], ["14:00"]], ["10:30"], True, 2,
     [["o0800", "o0900"], ["n1030"], ["o1200"], ["o1400"]], [0, 3, 1, 2]),
    ([["08:00", "09:00"], ["10:00"]], ["23:00"], True, 2,
     [["o0800", "o0900"], ["o1000"], ["n2300"]], [0, 1, 2]),
])
def test_time_period_plans(tmp_path, rgs, new, drop, max_off, expect, expect_ids):
    path = tmp_path / "ds"
    opd = build_ts(path, [hours(*rg) for rg in rgs])
    write(path, ordered_on="ts", df=new_ts(*new), row_group_target_size="2h",
          duplicates_on="ts" if drop else None, max_n_off_target_rgs=max_off)
    assert layout(opd) == expect
    assert ids(opd) == expect_ids


def test_time_period_resize(tmp_path):
    path = tmp_path / "ds"
    opd = build_ts(path, [hours("08:00", "09:00", "10:00", "11:00"),
                          hours("13:00", "15:00", "17:00", "19:00")])
    write(path, ordered_on="ts", df=None, row_group_target_size="2h", duplicates_on="ts",
          max_n_off_target_rgs=1)
    assert layout(opd) == [["o0800", "o0900"], ["o1000", "o1100"], ["o1300"], ["o1500"],
                           ["o1700"], ["o1900"]]
    path2 = tmp_path / "ds2"
    opd2 = build_ts(path2, [hours("08:00", "09:59"), hours("13:00", "13:59")])
    write(path2, ordered_on="ts", df=None, row_group_target_size="2h", duplicates_on="ts",
          max_n_off_target_rgs=1)
    assert ids(opd2) == [0, 1]


def test_one_day_target_from_seed(tmp_path):
    df = pd.DataFrame({"timestamp": pd.date_range("2023-01-01", periods=7, freq="8h"),
                       "temperature": range(7)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="timestamp")
    opd.write(df=df, row_group_target_size="1D")
    assert [len(x) for x in layout(opd, "temperature")] == [3, 3, 1]
    pdt.assert_frame_equal(opd.to_pandas(), df)


@pytest.mark.parametrize("freq", [
    "D", "1D", "24h", "1440min", "23h 60min", "86400 s", pd.Timedelta("1D"), datetime.timedelta(days=1),
    np.timedelta64(1, "D"), pd.offsets.Day(1)])
def test_frequency_spellings_daily(tmp_path, freq):
    df = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 23:59",
                                             "2024-01-02 00:00", "2024-01-04 12:00"]),
                       "v": range(4)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="ts")
    opd.write(df=df, row_group_target_size=freq)
    assert [len(x) for x in layout(opd, "v")] == [2, 1, 1]


@pytest.mark.parametrize("freq,sizes", [
    ("MS", [2, 3, 1]), ("M", [2, 2, 2]), ("h", [6]), ("2D", [2, 1, 3]),
    ("W", [6]), ("YS", [6]), ("QS", [6]), ("90 minutes", [6]), (pd.offsets.MonthBegin(), [2, 3, 1]),
])
def test_calendar_frequencies(tmp_path, freq, sizes):
    # MS on [Jan 1, Jan 1 12:00, Feb 1, Feb 2, Feb 29, Mar 1] -> 0, 2, 5 (docs/behaviour.md#time-periods)
    ts = pd.to_datetime(["2024-01-01", "2024-01-01 12:00", "2024-02-01", "2024-02-02",
                         "2024-02-29", "2024-03-01"], format="ISO8601")
    if freq in ("h", "90 minutes"):
        ts = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:10", "2024-01-01 00:20",
                             "2024-01-01 00:30", "2024-01-01 00:40", "2024-01-01 00:50"])
    if freq in ("W", "YS", "QS"):
        ts = pd.to_datetime(["2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10",
                             "2024-01-11", "2024-01-13"])  # Sunday..Saturday
    if freq == "2D":
        # days since epoch of 2024-01-01 = 19723 (odd): 2D boundaries at even day numbers
        ts = pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-02", "2024-01-04",
                             "2024-01-05", "2024-01-05 10:00"], format="ISO8601")
    df = pd.DataFrame({"ts": ts, "v": range(6)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="ts")
    opd.write(df=df, row_group_target_size=freq)
    assert [len(x) for x in layout(opd, "v")] == sizes


def test_tz_aware_daily_periods_local_midnight(tmp_path):
    # Paris local midnights, across the March DST shift.
    ts = pd.DatetimeIndex(["2024-03-30 23:30", "2024-03-31 00:30", "2024-03-31 03:30",
                           "2024-03-31 23:59", "2024-04-01 00:00"]).tz_localize("Europe/Paris")
    df = pd.DataFrame({"ts": ts, "v": range(5)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="ts")
    opd.write(df=df, row_group_target_size="D")
    assert [len(x) for x in layout(opd, "v")] == [1, 3, 1]
    pdt.assert_frame_equal(opd.to_pandas(), df)


def test_date_ordered_column_periods(tmp_path):
    d = [datetime.date(2024, 1, 30), datetime.date(2024, 1, 31), datetime.date(2024, 2, 1)]
    df = pd.DataFrame({"d": pd.Series(d, dtype=object), "v": range(3)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="d")
    opd.write(df=df, row_group_target_size="MS")
    assert [len(x) for x in layout(opd, "v")] == [2, 1]
    pdt.assert_frame_equal(opd.to_pandas(), df)


@pytest.mark.parametrize("freq", ["B", "SMS", "BMS", "1.5h", "h ", " h", "x", "2W-FOO", "h1",
                                  "MS-JAN", "1h+30min"])
def test_unsupported_frequency(tmp_path, freq):
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=3, freq="h"), "v": range(3)})
    with pytest.raises(ValueError, match=msg(
            f"'row_group_target_size' frequency '{freq}' is not supported.")):
        write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size=freq)
    assert not (tmp_path / "ds_opdmd").exists()


def test_time_period_on_non_temporal_column(tmp_path):
    with pytest.raises(TypeError, match=msg(
            "if 'row_group_target_size' is a pandas 'freqstr', dtype of column a has to be a "
            "timestamp or date type.")):
        write(tmp_path / "ds", ordered_on="a", df=tagged([1, 2], "n"), row_group_target_size="D")
    # Also taken from the stored schema when df is None.
    write(tmp_path / "ds2", ordered_on="a", df=tagged([1, 2], "n"))
    with pytest.raises(TypeError, match=msg("if 'row_group_target_size' is a pandas 'freqstr'")):
        write(tmp_path / "ds2", ordered_on="a", df=None, row_group_target_size="D",
              max_n_off_target_rgs=1)


# ---------------------------------------------------------------------------- parameters (docs/behaviour.md#write-parameters)

def test_write_returns_none_and_defaults(tmp_path):
    df = tagged(range(1000), "n")
    assert write(tmp_path / "ds", "a", df) is None  # positional ordered_on and df
    opd = OrderedParquetDataset(tmp_path / "ds")
    assert len(opd) == 1  # default target 6,345,000 rows
    pdt.assert_frame_equal(opd.to_pandas(), df)
    write(tmp_path / "ds", "a", tagged([1000, 1001], "n"), None)  # None = default target
    assert len(opd) == 2


def test_dirpath_may_be_a_handle(tmp_path):
    opd = OrderedParquetDataset(tmp_path / "ds")
    write(opd, ordered_on="a", df=tagged([1, 2], "n"))
    assert len(opd) == 1 and opd.ordered_on == "a"
    write(opd, ordered_on="a", df=tagged([3], "n"))
    assert len(opd) == 2
    with pytest.raises(ValueError, match=msg(
            "'ordered_on' parameter value 'b' does not match 'a' in record dataset.")):
        write(opd, ordered_on="b", df=tagged([4], "n"))
    h = OrderedParquetDataset(tmp_path / "ds2", ordered_on="a")
    with pytest.raises(ValueError, match=msg(
            "'ordered_on' parameter value 'b' does not match 'a' in record dataset.")):
        write(h, ordered_on="b", df=tagged([4], "n"))


@pytest.mark.parametrize("ordered_on", [1, ["a"], None, b"a", ("a", 1)])
def test_ordered_on_type(tmp_path, ordered_on):
    with pytest.raises((TypeError, ValueError)) as ei:
        write(tmp_path / "ds", ordered_on=ordered_on, df=tagged([1], "n"))
    if ordered_on is None:
        assert ei.type is ValueError
        assert str(ei.value).startswith("'ordered_on' parameter is required.")
    else:
        assert ei.type is TypeError and "ordered_on" in str(ei.value)


@pytest.mark.parametrize("df", [{"a": [1]}, pd.Series([1], name="a"), [1, 2], "a"])
def test_df_type(tmp_path, df):
    with pytest.raises(TypeError):
        write(tmp_path / "ds", ordered_on="a", df=df)
    assert_no_dataset(tmp_path)


def test_metadata_only_write_and_update(tmp_path):
    # docs/behaviour.md#key-value-metadata (metadata-only write, then update).
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=None, key_value_metadata={"a": "b", "ts": "x"})
    opd = OrderedParquetDataset(path)
    assert opd.ordered_on == "a" and opd.key_value_metadata == {"a": "b", "ts": "x"}
    assert len(opd) == 0 and not path.exists() and (tmp_path / "ds_opdmd").is_file()
    write(path, ordered_on="a", df=None, key_value_metadata={"a": "c", "ts": None})
    assert OrderedParquetDataset(path).key_value_metadata == {"a": "c"}


def test_key_value_metadata_rules(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=tagged([1], "n"),
          key_value_metadata={"empty": "", "ordered_on": "zz", "gone": None})
    assert OrderedParquetDataset(path).key_value_metadata == {"empty": "", "ordered_on": "zz"}
    assert OrderedParquetDataset(path).ordered_on == "a"
    write(path, ordered_on="a", df=tagged([2], "n"), key_value_metadata={"ordered_on": None})
    assert OrderedParquetDataset(path).key_value_metadata == {"empty": ""}
    for bad in ({1: "x"}, {"k": 1}, {"k": b"x"}, [("k", "v")], "k=v"):
        with pytest.raises(TypeError):
            write(path, ordered_on="a", df=tagged([3], "n"), key_value_metadata=bad)
    with pytest.raises(TypeError) as ei:
        write(path, ordered_on="a", df=tagged([3], "n"), key_value_metadata={"badkey": 3})
    assert "badkey" in str(ei.value)
    assert len(OrderedParquetDataset(path).to_pandas()) == 2


@pytest.mark.parametrize("size,exc", [(0, ValueError), (-1, ValueError), (True, TypeError),
                                      (1.5, TypeError), (["1D"], TypeError),
                                      (pd.Timedelta(0), ValueError),
                                      (pd.Timedelta("-1h"), ValueError)])
def test_row_group_target_size_invalid(tmp_path, size, exc):
    df = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=3, freq="h"), "v": range(3)})
    with pytest.raises(exc):
        write(tmp_path / "ds", ordered_on="ts", df=df, row_group_target_size=size)
    assert_no_dataset(tmp_path)


def test_row_group_target_size_numpy_int(tmp_path):
    write(tmp_path / "ds", ordered_on="a", df=tagged(range(5), "n"),
          row_group_target_size=np.int64(2))
    assert [len(x) for x in layout(OrderedParquetDataset(tmp_path / "ds"))] == [2, 2, 1]
    write(tmp_path / "ds2", ordered_on="a", df=tagged(range(5), "n"),
          row_group_target_size=np.uint8(3))
    assert [len(x) for x in layout(OrderedParquetDataset(tmp_path / "ds2"))] == [3, 2]


@pytest.mark.parametrize("value,exc", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                       ("2", TypeError)])
def test_max_n_off_target_rgs_invalid(tmp_path, value, exc):
    with pytest.raises(exc) as ei:
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), max_n_off_target_rgs=value)
    if value == 0:
        assert str(ei.value).startswith("'max_n_off_target_rgs' cannot be 0.")


def test_lock_timeout_negative(tmp_path):
    with pytest.raises(ValueError) as ei:
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), lock_timeout=-1)
    assert "lock_timeout" in str(ei.value)
    with pytest.raises(ValueError):
        OrderedParquetDataset(tmp_path / "ds", lock_timeout=-0.5).write(
            ordered_on="a", df=tagged([1], "n"))
    write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), lock_timeout=0)
    write(tmp_path / "ds", ordered_on="a", df=tagged([2], "n"), lock_timeout=1.5)
    assert len(OrderedParquetDataset(tmp_path / "ds").to_pandas()) == 2


@pytest.mark.parametrize("codec", [None, "none", "uncompressed", "snappy", "SNAPPY", "gzip",
                                   "zstd", "lz4", "brotli", "Zstd"])
def test_compression(tmp_path, codec):
    df = tagged(range(200), "n")
    write(tmp_path / "ds", ordered_on="a", df=df, compression=codec)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(), df)


def test_compression_level(tmp_path):
    df = tagged(range(200), "n")
    write(tmp_path / "ds", ordered_on="a", df=df, compression="zstd", compression_level=5)
    write(tmp_path / "ds", ordered_on="a", df=tagged([300], "n"), compression="gzip",
          compression_level=9)
    assert len(OrderedParquetDataset(tmp_path / "ds").to_pandas()) == 201


def test_bad_compression_and_unknown_option(tmp_path):
    with pytest.raises(ValueError) as ei:
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), compression="bogus")
    assert "bogus" in str(ei.value)
    with pytest.raises(TypeError) as ei:
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), row_group_offsets=[0])
    assert "row_group_offsets" in str(ei.value)
    with pytest.raises(TypeError) as ei:
        OrderedParquetDataset(tmp_path / "ds").write(ordered_on="a", df=tagged([1], "n"),
                                                     engine="pyarrow")
    assert "engine" in str(ei.value)
    assert_no_dataset(tmp_path)


def test_unsorted_and_missing_ordered_values(tmp_path):
    for values in ([1.0, 3.0, 2.0], [1.0, np.nan, 2.0], [np.nan, 1.0]):
        df = pd.DataFrame({"a": values, "b": ["x"] * len(values)})
        with pytest.raises(ValueError, match=msg(
                "'df_ordered_on' must be sorted in ascending order.")):
            write(tmp_path / "ds", ordered_on="a", df=df)
    df = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01", None]), "b": ["x", "y"]})
    with pytest.raises(ValueError, match=msg("'df_ordered_on' must be sorted")):
        write(tmp_path / "ds", ordered_on="ts", df=df)
    df = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["x", "y"]})
    with pytest.raises(ValueError, match=msg("'df_ordered_on' must be sorted")):
        write(tmp_path / "ds", ordered_on="a", df=df)
    assert_no_dataset(tmp_path)
    # Equal values anywhere are fine, nullable int without missing value is a valid ordered col.
    df = pd.DataFrame({"a": pd.array([1, 1, 2], dtype="Int64"), "b": ["x", "y", "z"]})
    write(tmp_path / "ds", ordered_on="a", df=df)
    pdt.assert_frame_equal(OrderedParquetDataset(tmp_path / "ds").to_pandas(), df)


def test_ordered_column_missing(tmp_path):
    df = tagged([1, 2], "n").set_index("a")
    with pytest.raises(KeyError) as ei:
        write(tmp_path / "ds", ordered_on="a", df=df)
    assert "a" in str(ei.value)
    assert_no_dataset(tmp_path)


@pytest.mark.parametrize("values", [
    [True, False], pd.Categorical(["a", "b"]), [b"a", b"b"], [{"x": 1}, {"y": 2}],
    [datetime.timedelta(1), datetime.timedelta(2)]])
def test_ordered_column_type_not_orderable(tmp_path, values):
    df = pd.DataFrame({"o": values, "v": [1, 2]})
    with pytest.raises(TypeError) as ei:
        write(tmp_path / "ds", ordered_on="o", df=df)
    assert "o" in str(ei.value)


def test_input_frame_and_lists_not_modified(tmp_path):
    df = pd.DataFrame({"b": ["x", "y", "z", "w"], "a": [3, 1, 1, 2]},
                      index=[10, 11, 12, 13]).iloc[1:]
    before = df.copy(deep=True)
    subset = ["b"]
    write(tmp_path / "ds", ordered_on="a", df=df, duplicates_on=subset)
    pdt.assert_frame_equal(df, before)
    assert subset == ["b"]
    out = OrderedParquetDataset(tmp_path / "ds").to_pandas()
    # Column order as written; the (non-range) index stored and restored, as pyarrow.
    pdt.assert_frame_equal(out, before)


# ---------------------------------------------------------------------------- duplicates

def test_duplicates_on_forms(tmp_path):
    df = pd.DataFrame({"a": [1, 1, 1, 2, 2], "b": ["x", "x", "y", "x", "x"],
                       "c": [1, 2, 3, 4, 4]})
    cases = {
        "none": (None, [1, 1, 1, 2, 2], [1, 2, 3, 4, 4]),
        "all": ([], [1, 1, 1, 2], [1, 2, 3, 4]),
        "list": (["b"], [1, 1, 2], [2, 3, 4]),          # + ordered column
        "label": ("b", [1, 1, 2], [2, 3, 4]),
        "ordered": ("a", [1, 2], [3, 4]),
        "list_with_ordered": (["a", "c"], [1, 1, 1, 2], [1, 2, 3, 4]),
    }
    for name, (dup, a, c) in cases.items():
        opd = OrderedParquetDataset(tmp_path / name, ordered_on="a")
        opd.write(df=df, duplicates_on=dup)
        out = opd.to_pandas()
        assert list(out.a) == a and list(out.c) == c, name


def test_duplicates_on_absent_labels(tmp_path):
    with pytest.raises(KeyError) as ei:
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), duplicates_on=["zz", "b"])
    assert "zz" in str(ei.value)
    with pytest.raises(KeyError):
        write(tmp_path / "ds", ordered_on="a", df=tagged([1], "n"), duplicates_on="zz")
    assert_no_dataset(tmp_path)


def test_duplicates_new_wins_and_missing_values_equal(tmp_path):
    path = tmp_path / "ds"
    old = pd.DataFrame({"a": [1, 2, 2, 3], "k": ["p", None, None, "q"], "v": [1, 2, 3, 4]})
    write(path, ordered_on="a", df=old)  # no dedup: both (2, None) kept
    assert len(OrderedParquetDataset(path).to_pandas()) == 4
    new = pd.DataFrame({"a": [2, 2, 3], "k": [None, None, "r"], "v": [10, 11, 12]})
    write(path, ordered_on="a", df=new, duplicates_on="k")
    out = OrderedParquetDataset(path).to_pandas()
    assert list(out.a) == [1, 2, 3, 3]
    assert list(out.v) == [1, 11, 4, 12]


def test_duplicates_untouched_rgs_keep_theirs(tmp_path):
    path = tmp_path / "ds"
    opd = write_rgs(path, pd.DataFrame({"a": [1, 1, 5, 5], "b": ["x", "x", "y", "y"]}), "a", [0, 2])
    write(path, ordered_on="a", df=pd.DataFrame({"a": [5], "b": ["y"]}), duplicates_on=[],
          row_group_target_size=2)
    assert layout(opd, "a") == [[1, 1], [5]]


# ---------------------------------------------------------------------------- schema (docs/behaviour.md#schema)

def test_schema_recorded_by_first_write_even_zero_rows(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=tagged([], "n"))
    with pytest.raises(ValueError) as ei:
        write(path, ordered_on="a", df=pd.DataFrame({"a": [1], "c": [1.0]}))
    assert "b" in str(ei.value) and "c" in str(ei.value)
    with pytest.raises(TypeError) as ei:
        write(path, ordered_on="a", df=pd.DataFrame({"a": [1], "b": [1.0]}))
    assert "b" in str(ei.value)
    write(path, ordered_on="a", df=pd.DataFrame({"b": ["z"], "a": [1]}))  # order normalised
    out = OrderedParquetDataset(path).to_pandas()
    assert list(out.columns) == ["a", "b"]


def test_schema_mismatch_leaves_data_intact(tmp_path):
    path = tmp_path / "ds"
    write(path, ordered_on="a", df=tagged([1, 2], "n"))
    files = rg_files(path)
    with pytest.raises(TypeError):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [3], "b": [3]}))
    with pytest.raises(ValueError):
        write(path, ordered_on="a", df=pd.DataFrame({"a": [3]}))
    assert rg_files(path) == files
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), tagged([1, 2], "n"))


def test_column_labels_must_be_str_and_unique(tmp_path):
    with pytest.raises(TypeError):
        write(tmp_path / "ds", ordered_on="a", df=pd.DataFrame({"a": [1], 3: [2]}))
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError):
        write(tmp_path / "ds", ordered_on="a", df=df)
    assert_no_dataset(tmp_path)


@pytest.mark.parametrize("freq,values,sizes", [
    ("W-MON", ["2024-01-07", "2024-01-08", "2024-01-14", "2024-01-15"], [1, 2, 1]),
    ("W", ["2024-01-06", "2024-01-07", "2024-01-13", "2024-01-14"], [1, 2, 1]),
    ("QS-FEB", ["2024-01-31", "2024-02-01", "2024-04-30", "2024-05-01"], [1, 2, 1]),
    ("2YS", ["2023-06-01", "2024-01-01", "2025-12-31", "2026-01-01"], [1, 2, 1]),
    ("QE", ["2024-03-30", "2024-03-31", "2024-06-29", "2024-06-30"], [1, 2, 1]),
    ("ME", ["2024-01-30", "2024-01-31", "2024-02-28", "2024-02-29"], [1, 2, 1]),
    ("YE-JUN", ["2024-06-29", "2024-06-30", "2025-06-29", "2025-06-30"], [1, 2, 1]),
    ("2D", ["1970-01-01", "1970-01-02 23:59", "1970-01-03", "1970-01-04"], [2, 2]),
    ("2h", ["2024-01-01 01:59", "2024-01-01 02:00", "2024-01-01 03:59", "2024-01-01 04:00"],
     [1, 2, 1]),
    ("1h30min", ["1970-01-01 01:29", "1970-01-01 01:30", "1970-01-01 02:59",
                 "1970-01-01 03:00"], [1, 2, 1]),
])
def test_calendar_anchors(tmp_path, freq, values, sizes):
    df = pd.DataFrame({"ts": pd.to_datetime(values, format="ISO8601"), "v": range(len(values))})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="ts")
    opd.write(df=df, row_group_target_size=freq)
    assert [len(x) for x in layout(opd, "v")] == sizes
    pdt.assert_frame_equal(opd.to_pandas(), df)


def test_tz_aware_periods_across_backward_shift(tmp_path):
    # Paris, 2024-10-27: 02:00-03:00 local is read twice; "h" periods start at both 02:00.
    utc = pd.to_datetime(["2024-10-27 00:10", "2024-10-27 00:50", "2024-10-27 01:10",
                          "2024-10-27 01:50", "2024-10-27 02:10"], utc=True)
    df = pd.DataFrame({"ts": utc.tz_convert("Europe/Paris"), "v": range(5)})
    opd = OrderedParquetDataset(tmp_path / "ds", ordered_on="ts")
    opd.write(df=df, row_group_target_size="h")
    assert [len(x) for x in layout(opd, "v")] == [2, 2, 1]
    # "D" on the same rows: one local day.
    opd2 = OrderedParquetDataset(tmp_path / "ds2", ordered_on="ts")
    opd2.write(df=df, row_group_target_size="D")
    assert [len(x) for x in layout(opd2, "v")] == [5]
    # Forward shift (2024-03-31 02:00 -> 03:00): the skipped boundary is at the shift instant.
    utc = pd.to_datetime(["2024-03-31 00:30", "2024-03-31 00:59", "2024-03-31 01:00",
                          "2024-03-31 01:30"], utc=True)
    df = pd.DataFrame({"ts": utc.tz_convert("Europe/Paris"), "v": range(4)})
    opd3 = OrderedParquetDataset(tmp_path / "ds3", ordered_on="ts")
    opd3.write(df=df, row_group_target_size="2h")
    # local 01:30, 01:59 | 03:00, 03:30: 2h boundaries at even local hours; 02:00 is skipped,
    # so the period starting at 02:00 starts at the shift instant (03:00 local).
    assert [len(x) for x in layout(opd3, "v")] == [2, 2]


ISLANDS = [[0, 1, 5, 6], [6, 7, 8, 10], [11, 11, 11, 12], [13]]
MANY_SMALL = [[0, 1], [1, 1], [2, 3], [4, 5], [5, 6], [6, 7], [8, 9], [10, 11]]


@pytest.mark.parametrize("rgs,new,target,drop,max_off,expect,expect_ids", [
    # islands 2: (0,[(2,2)]), (3,[(4,4)]), NO_SPLIT {1}
    (ISLANDS, [3, 6, 13, 14], 4, True, 1,
     [["o0", "o1", "n3", "o5"], ["n6", "o7", "o8", "o10"], ["o11", "o11", "o11", "o12"],
      ["n13", "n14"]], [4, 5, 2, 6]),
    # islands 3: same plan without de-duplication (old before new on ties)
    (ISLANDS, [3, 6, 13, 14], 4, False, 1,
     [["o0", "o1", "n3", "o5"], ["o6", "o6", "n6", "o7"], ["o8", "o10"],
      ["o11", "o11", "o11", "o12"], ["o13", "n13", "n14"]], [4, 5, 6, 2, 7]),
    # islands 4: (1,[(2,2)]), (3,[(4,4)])
    (ISLANDS, [6, 7, 13, 14], 4, False, 1,
     [["o0", "o1", "o5", "o6"], ["o6", "n6", "o7", "n7"], ["o8", "o10"],
      ["o11", "o11", "o11", "o12"], ["o13", "n13", "n14"]], [0, 4, 5, 2, 6]),
    # many small, no drop: (0,[(2,0),(4,1),(6,1),(7,2),(8,4)])
    (MANY_SMALL, [1, 9, 13, 14], 4, False, 2,
     [["o0", "o1", "o1", "o1"], ["n1", "o2", "o3", "o4"], ["o5", "o5", "o6", "o6"],
      ["o7", "o8", "o9", "n9"], ["o10", "o11", "n13", "n14"]], [8, 9, 10, 11, 12]),
    # many small, drop: (0,[(2,1),(4,1),(6,1),(8,4)]), NO_SPLIT {1}
    (MANY_SMALL, [1, 9, 13, 14], 4, True, 2,
     [["o0", "n1", "o2", "o3"], ["o4", "o5", "o6", "o7"], ["o8", "n9", "o10", "o11"],
      ["n13", "n14"]], [8, 9, 10, 11]),
])
def test_plan_reference_rows(tmp_path, rgs, new, target, drop, max_off, expect, expect_ids):
    path = tmp_path / "ds"
    opd = build(path, rgs)
    write(path, ordered_on="a", df=tagged(new, "n"), row_group_target_size=target,
          duplicates_on="a" if drop else None, max_n_off_target_rgs=max_off)
    assert layout(opd) == expect
    assert ids(opd) == expect_ids


def test_row_group_target_size_beyond_int64_is_a_clear_error(tmp_path):
    """GitHub issue 11, point 12: 2**70 gave pybind11's 'incompatible function arguments'."""
    for size in (2**70, 2**63, np.uint64(2**63)):
        with pytest.raises(OverflowError, match=msg(
                "'row_group_target_size' must be at most 9223372036854775807 (a 64-bit row "
                f"count), not {int(size)}.")):
            write(tmp_path / "ds", ordered_on="a", df=tagged([1, 2], "n"),
                  row_group_target_size=size)
        assert_no_dataset(tmp_path)
    write(tmp_path / "ds", ordered_on="a", df=tagged([1, 2], "n"),
          row_group_target_size=2**63 - 1)
    assert len(OrderedParquetDataset(tmp_path / "ds")) == 1
