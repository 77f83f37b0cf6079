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
