"""Keys built from a store listing (issue 13: 100,000 keys within a second): the fields are
set directly from the listed values, the core key is made when first needed; they must be
indistinguishable from keys built by the constructor."""
import pickle

import pandas as pd

from oups import Store, sublevel, toplevel


@sublevel
class Freq:
    freq: str


@toplevel
class Sym:
    symbol: str
    year: int
    freq: Freq


@toplevel
class Checked:
    name: str

    def __post_init__(self):
        Checked.seen.append(self.name)


Checked.seen = []


def df(n=3):
    return pd.DataFrame({"ts": range(n), "v": [1.0] * n})


def test_listed_keys_equal_constructed_keys(tmp_path):
    store = Store(tmp_path, Sym)
    made = [Sym("BTC", 2025, Freq("1min")), Sym("ETH", 2024, Freq("1h")), Sym("BTC", 2024, Freq("1D"))]
    for k in made:
        store[k].write(df=df(), ordered_on="ts")
    listed = store.keys
    assert listed == sorted(made)
    assert len(store) == 3 and list(store) == listed
    for k in listed:
        twin = Sym(k.symbol, k.year, Freq(k.freq.freq))
        assert k == twin and hash(k) == hash(twin)
        assert str(k) == str(twin) and k.to_path() == twin.to_path() and repr(k) == repr(twin)
        assert k in store
        assert len(store[k].to_pandas()) == 3
        assert pickle.loads(pickle.dumps(k)) == twin
    del store[listed[0]]
    assert store.keys == listed[1:]


def test_a_user_post_init_still_runs_for_listed_keys(tmp_path):
    store = Store(tmp_path, Checked)
    store[Checked("a")].write(df=df(), ordered_on="ts")
    Checked.seen.clear()
    assert store.keys == [Checked("a")]
    assert Checked.seen == ["a", "a"]  # the listed key, then the one compared with


def test_keys_under_a_prefix_lists_one_directory(tmp_path):
    """store.keys_under(prefix): the keys below leading levels, sorted as store.keys; the
    same keys as filtering store.keys; errors for what is not a prefix."""
    import pytest

    store = Store(tmp_path / "s", Sym)
    for symbol in ("AAA", "BBB"):
        for year in (2023, 2024):
            for freq in ("1D", "1h"):
                store[Sym(symbol, year, Freq(freq))].write(ordered_on="ts")
    under = store.keys_under("AAA-2024")
    assert under == [Sym("AAA", 2024, Freq("1D")), Sym("AAA", 2024, Freq("1h"))]
    assert under == [k for k in store.keys if k.to_path().parent.as_posix() == "AAA-2024"]
    assert under[0] == Sym("AAA", 2024, Freq("1D")) and under[0] in store
    assert store.keys_under(Sym("BBB", 2023, Freq("1D")).to_path().parent) == \
        [Sym("BBB", 2023, Freq("1D")), Sym("BBB", 2023, Freq("1h"))]
    assert store.keys_under("AAA-2025") == []
    assert store.keys_under("AAA-2024/") == under
    for bad in ("", "/", "AAA-2024/1D", "../AAA-2024", "AAA-2024//x"):
        with pytest.raises(ValueError):
            store.keys_under(bad)
    with pytest.raises(TypeError):
        store.keys_under(2024)
    del store[Sym("AAA", 2024, Freq("1h"))]
    assert store.keys_under("AAA-2024") == [Sym("AAA", 2024, Freq("1D"))]
