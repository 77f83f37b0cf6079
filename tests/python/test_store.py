"""docs/behaviour.md#store (Store) through the Python API, with a discovery fixture
(docs/behaviour.md#discovery)."""
import pathlib

import pandas as pd
import pandas.testing as pdt
import pytest

from oups.store import OrderedParquetDataset, Store, sublevel, toplevel, write

from conftest import msg


@toplevel
class CityYear:
    city: str
    year: int


@sublevel
class Sampling:
    frequency: str


@toplevel
class Measure:
    quantity: str
    city: str
    sampling: Sampling


@toplevel
class Other:
    city: str
    year: int


@sublevel
class SpaceTime:
    area: str
    season: str


@toplevel
class WeatherEntry:
    capital: str
    quantity: str
    spacetime: SpaceTime


@toplevel(fields_sep=".")
class WeatherEntryDot:
    capital: str
    quantity: str
    spacetime: SpaceTime


def frame(n=3, start=0):
    return pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=n, freq="h")
                         + pd.Timedelta(hours=start), "v": range(start, start + n)})


def test_constructor(tmp_path):
    store = Store(tmp_path / "nope" / "base", CityYear)
    assert store.basepath == (tmp_path / "nope" / "base").resolve()
    assert isinstance(store.basepath, pathlib.Path)
    assert store.indexer is CityYear
    assert not (tmp_path / "nope").exists()
    assert store.keys == [] and len(store) == 0 and list(store) == []
    # The original oups gave repr(store) == "" for an empty store (its repr was the keys
    # joined by newlines). We give an informative repr instead (indexer, base path, number
    # of keys; docs/python.md#reprs): an empty string hides what the object is.
    assert repr(store) == f"Store({str(store.basepath)!r}, CityYear): no key"
    assert Store(str(tmp_path), CityYear).basepath == tmp_path.resolve()


def test_constructor_refuses_non_toplevel(tmp_path):
    with pytest.raises(TypeError, match=msg("Sampling has to be '@toplevel' decorated.")):
        Store(tmp_path, Sampling)

    class Plain:
        pass

    with pytest.raises(TypeError, match=msg("Plain has to be '@toplevel' decorated.")):
        Store(tmp_path, Plain)
    with pytest.raises(TypeError):
        Store(tmp_path, CityYear("berlin", 2023))


def test_get_creates_nothing(tmp_path):
    store = Store(tmp_path / "base", Measure)
    k = Measure("temperature", "berlin", Sampling("1D"))
    opd = store[k]
    assert isinstance(opd, OrderedParquetDataset)
    assert opd.is_newly_initialized and len(opd) == 0
    assert opd.dirpath == (tmp_path / "base" / "temperature-berlin" / "1D").resolve()
    with pytest.raises(ValueError, match=msg("'lock_lifetime' is not supported")):
        store.get(k, lock_lifetime=5)  # docs/behaviour.md#writer-lock: refused, not ignored
    h = store.get(k, ordered_on="ts", lock_timeout=1, lock_lifetime=None)
    assert h.ordered_on == "ts"
    h2 = store[k]  # a second handle does not block
    assert not (tmp_path / "base").exists()
    assert k not in store and len(store) == 0
    h.write(df=frame())
    assert (tmp_path / "base" / "temperature-berlin" / "1D_opdmd").is_file()
    assert k in store and store.keys == [k]
    assert len(h2) == 1


def test_get_wrong_key_class(tmp_path):
    store = Store(tmp_path, CityYear)
    for bad in (Other("berlin", 2023), "berlin-2023", ("berlin", 2023)):
        with pytest.raises(TypeError):
            store[bad]
        with pytest.raises(TypeError):
            store.get(bad)
        assert bad not in store


def test_mapping_interface(tmp_path):
    store = Store(tmp_path / "base", CityYear)
    k1, k2, k3 = CityYear("paris", 2023), CityYear("berlin", 2024), CityYear("berlin", 10)
    store[k1].write(ordered_on="ts", df=frame(4), row_group_target_size=2)
    pdt.assert_frame_equal(store[k1][0].to_pandas(), frame(4).iloc[:2])
    store[k2].write(ordered_on="ts", df=frame())
    assert list(store) == [k2, k1]
    # Direct writes and handles are seen at once (no key cache).
    write(tmp_path / "base" / "berlin-10", ordered_on="ts", df=frame())
    assert store.keys == [k3, k2, k1]  # ints compare numerically
    assert len(store) == 3
    # Original: "berlin-10\nberlin-2024\nparis-2023" (keys joined by newlines); ours names the
    # store, then the same keys in the same order (docs/python.md#reprs).
    assert repr(store) == (f"Store({str(tmp_path / 'base')!r}, CityYear): 3 keys: "
                           "berlin-10, berlin-2024, paris-2023")
    assert k3 in store and CityYear("rome", 1) not in store
    assert Other("berlin", 10) not in store
    OrderedParquetDataset(tmp_path / "base" / "berlin-10").remove_from_disk()
    assert store.keys == [k2, k1]
    keys = store.keys
    keys.append(k3)
    assert store.keys == [k2, k1]
    assert not callable(store.keys) and not hasattr(store, "items")


def test_discovery_ignores_non_datasets(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    for name in ("berlin-2023_opdmd", "_opdmd", "paris-2023", ".tmp-berlin-2023", "rome-x_opdmd",
                 "rome-007_opdmd", "a-b-1_opdmd", "madrid-2023_opdmd.bak", "oslo-1_opdmdx"):
        (base / name).write_bytes(b"")
    (base / "dir-2023_opdmd").mkdir()  # a directory is not a metadata file
    (base / "sub").mkdir()
    (base / "sub" / "lisbon-2023_opdmd").write_bytes(b"")  # too deep
    store = Store(base, CityYear)
    assert store.keys == [CityYear("berlin", 2023)]
    assert repr(store) == f"Store({str(base)!r}, CityYear): 1 key: berlin-2023"  # original: "berlin-2023"


def test_discovery_follows_symlinks(tmp_path):
    real = tmp_path / "real"
    write(real / "temperature-berlin" / "1D", ordered_on="ts", df=frame())
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "temperature-paris").symlink_to(real / "temperature-berlin")
    store = Store(tmp_path / "base", Measure)
    assert store.keys == [Measure("temperature", "paris", Sampling("1D"))]


def test_discovery_reference_fixture(tmp_path):
    base = tmp_path / "store"
    for rel in ("london.temperature/greenwich.summer_opdmd",
                "london.temperature/westminster.winter_dummy",
                "paris.temperature/bastille.summer_opdmd",
                "stockholm.pressure/skansen.fall_opdmd",
                "stockholm.pressure/flemings.spring/innerplace.morning_opdmd"):
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    (base / "paris.temperature" / "forgottendir").mkdir()
    assert len(Store(base, WeatherEntry)) == 0
    assert Store(base, WeatherEntry).keys == []
    store = Store(base, WeatherEntryDot)
    assert len(store) == 3
    # The original's repr was "london.temperature.greenwich.summer\nparis.temperature.bastille.
    # summer\nstockholm.pressure.skansen.fall"; ours lists the same keys in the same order after
    # naming the store (docs/python.md#reprs).
    assert repr(store).endswith(": 3 keys: london.temperature.greenwich.summer, "
                                "paris.temperature.bastille.summer, "
                                "stockholm.pressure.skansen.fall")
    assert "\n".join(str(k) for k in store) == (
        "london.temperature.greenwich.summer\nparis.temperature.bastille.summer\n"
        "stockholm.pressure.skansen.fall")
    assert WeatherEntryDot("london", "temperature", SpaceTime("greenwich", "summer")) in store
    assert WeatherEntryDot("paris", "temperature", SpaceTime("forgottendir", "x")) not in store


def test_delete(tmp_path):
    base = tmp_path / "base"
    store = Store(base, Measure)
    k1 = Measure("temperature", "berlin", Sampling("1D"))
    k2 = Measure("temperature", "berlin", Sampling("1h"))
    k3 = Measure("pressure", "paris", Sampling("1D"))
    for k in (k1, k2, k3):
        store[k].write(ordered_on="ts", df=frame())
    del store[k1]
    assert store.keys == [k3, k2]
    assert (base / "temperature-berlin").is_dir()  # sibling kept
    assert not (base / "temperature-berlin" / "1D").exists()
    assert not (base / "temperature-berlin" / "1D_opdmd").exists()
    with pytest.raises(KeyError) as ei:
        del store[k1]
    assert ei.value.args[0] == "key 'temperature-berlin-1D' not found in store."
    del store[k2]
    assert not (base / "temperature-berlin").exists()  # empty parent pruned
    assert base.is_dir()  # basepath itself kept
    with pytest.raises(TypeError):
        del store[CityYear("a", 1)]
    # Metadata-only dataset.
    write(base / "pressure-rome" / "1D", ordered_on="ts", df=None, key_value_metadata={"a": "b"})
    k4 = Measure("pressure", "rome", Sampling("1D"))
    assert k4 in store
    del store[k4]
    assert k4 not in store and not (base / "pressure-rome").exists()
    assert store.keys == [k3]


def test_delete_then_write_again(tmp_path):
    store = Store(tmp_path / "base", CityYear)
    k = CityYear("berlin", 2023)
    h = store[k]
    h.write(ordered_on="ts", df=frame())
    del store[k]
    assert len(h) == 0 and h.is_newly_initialized
    store[k].write(ordered_on="ts", df=frame(2))
    pdt.assert_frame_equal(store[k].to_pandas(), frame(2))


# ---------------------------------------------------------------------------- the examples of the original's store documentation, asserted

@toplevel
class CityYearIndex:
    city: str
    year: str


def test_seed_write_params_stored_entries(tmp_path):
    store = Store(tmp_path / "data", CityYearIndex)
    key = CityYearIndex("berlin", "2023")
    df = pd.DataFrame({"timestamp": pd.date_range("2023-01-01", periods=2, freq="D"),
                       "temperature": [20, 21]})
    store[key].write(df=df, ordered_on="timestamp", row_group_target_size="1D",
                     duplicates_on=["timestamp"],
                     key_value_metadata={"source": "weather_station", "version": "2.1",
                                         "processed_by": "stateful_loop"})
    new_df = pd.DataFrame({"timestamp": pd.date_range("2023-01-03", periods=1, freq="D"),
                           "temperature": [22]})
    store[key].write(df=new_df, ordered_on="timestamp",
                     key_value_metadata={"version": "2.2", "last_updated": "2023-12-01",
                                         "processed_by": None})
    assert store[key].key_value_metadata == {"source": "weather_station", "version": "2.2",
                                             "last_updated": "2023-12-01"}
    assert list(store[key].to_pandas()["temperature"]) == [20, 21, 22]
    assert len(store[key]) == 3  # "1D": one rg per day, then an appended rg


def test_seed_helper_incremental_and_basic_usage(tmp_path):
    path = tmp_path / "ds"
    df = pd.DataFrame({"timestamp": pd.date_range("2023-01-01", periods=2, freq="D"),
                       "v": [1, 2]})
    write(path, ordered_on="timestamp", df=df, row_group_target_size="1D",
          duplicates_on=["timestamp"])
    assert len(OrderedParquetDataset(path).to_pandas()) == 2
    write(path, ordered_on="timestamp", df=df.assign(timestamp=df.timestamp + pd.Timedelta("2D")))
    pdt.assert_frame_equal(OrderedParquetDataset(path).to_pandas(), pd.DataFrame({
        "timestamp": pd.date_range("2023-01-01", periods=4, freq="D"), "v": [1, 2, 1, 2]}))
    store = Store(tmp_path / "data", CityYearIndex)
    k = CityYearIndex("paris", "2024")
    store[k].write(df=pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=3),
                                    "v": [1, 2, 3]}), ordered_on="timestamp")
    assert len(store[k].to_pandas()) == 3
    assert (tmp_path / "data" / "paris-2024_opdmd").is_file()
    assert (tmp_path / "data" / "paris-2024").is_dir()
