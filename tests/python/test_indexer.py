"""docs/behaviour.md#keys (Indexer) and the indexer rows of docs/behaviour.md#errors, through
oups.store."""
import dataclasses
import os
import pathlib
import pickle

import pytest

import oups
from oups.store import is_toplevel, sublevel, toplevel

from conftest import msg


@sublevel
class SubLevel2:
    ou: str
    n1: int
    n2: int


@sublevel
class SubLevel1:
    a: int
    b: str
    sub: SubLevel2


@toplevel
class TopLevel:
    s: str
    i: int
    sub: SubLevel1


@sublevel
class Sub2Fields:
    a: int
    b: str


@toplevel
class TopTwoLevels:
    s: str
    sub: Sub2Fields


@sublevel
class Sub:
    x: str


@toplevel
class AhSub:
    s: str
    i: int
    sub: Sub


@toplevel(fields_sep=".")
class Dotted:
    i: int
    s: str


@toplevel
class Flat:
    a: str
    b: str


@sublevel
class Sampling:
    frequency: str


@toplevel
class Measure:
    quantity: str
    city: str
    sampling: Sampling


@toplevel(field_sep="_")
class Under:
    s: str
    i: int


@toplevel
class StrStrSub:
    a: str
    b: str
    sub: Sub


# ---------------------------------------------------------------------------- decorators (docs/behaviour.md#keys)

def test_decorator_bare_called_and_keywords():
    @toplevel
    class A:
        x: str

    @toplevel()
    class B:
        x: str

    @toplevel(fields_sep=":")
    class C:
        x: str
        y: str

    @toplevel(field_sep=":")
    class D:
        x: str
        y: str

    assert A.field_sep == "-" and B.field_sep == "-"
    assert C.field_sep == ":" and C.fields_sep == ":"
    assert D.field_sep == ":" and D.fields_sep == ":"
    assert str(C("p", "q")) == "p:q" and str(D("p", "q")) == "p:q"
    assert A("v").to_path() == pathlib.Path("v")


def test_decorator_both_separator_spellings_is_type_error():
    with pytest.raises(TypeError):
        @toplevel(field_sep="-", fields_sep="-")
        class A:
            x: str


@pytest.mark.parametrize("sep", ["", "/", "a/b"])
def test_separator_validated_at_decoration(sep):
    with pytest.raises(ValueError):
        @toplevel(fields_sep=sep)
        class A:
            x: str


def test_separator_not_str_is_refused():
    with pytest.raises(ValueError):
        @toplevel(fields_sep=3)
        class A:
            x: str


def test_dot_separator_is_valid():
    k = Dotted(3, "oh")
    assert k.to_path() == pathlib.Path("3.oh")
    assert str(k) == "3.oh"
    assert Dotted.from_str("3.oh") == k


def test_toplevel_is_frozen_ordered_dataclass():
    k = Flat("a", "b")
    assert dataclasses.is_dataclass(k)
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.a = "z"
    assert Flat("a", "b") < Flat("a", "c")


def test_field_sep_and_depth_properties_read_only():
    assert TopLevel.depth == 3 and TopLevel.field_sep == "-" and TopLevel.fields_sep == "-"
    k = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    assert k.depth == 3 and k.field_sep == "-" and k.fields_sep == "-"
    for name in ("field_sep", "fields_sep", "depth"):
        with pytest.raises(AttributeError):
            setattr(TopLevel, name, 4)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(k, name, 4)
    assert TopLevel.depth == 3 and TopLevel.field_sep == "-"


def test_fields_and_asdict_expose_only_user_fields():
    k = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    assert [f.name for f in dataclasses.fields(k)] == ["s", "i", "sub"]
    assert dataclasses.asdict(k) == {
        "s": "aha", "i": 2, "sub": {"a": 5, "b": "oh", "sub": {"ou": "ou", "n1": 3, "n2": 7}}}


def test_pickle_round_trip():
    keys = [TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7))), Dotted(3, "oh"),
            Measure("temperature", "berlin", Sampling("1D")), Under("x", -3)]
    for k in keys:
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(k, protocol=proto))
            assert back == k and type(back) is type(k) and hash(back) == hash(k)
    # A key pickles as "rebuild with from_str(str(key))": its string form is the payload.
    reduced = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7))).__reduce__()
    assert "aha-2-5-oh-ou-3-7" in reduced[1]


def test_cloudpickle_round_trip():
    cloudpickle = pytest.importorskip("cloudpickle")
    k = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    assert cloudpickle.loads(cloudpickle.dumps(k)) == k

    # A class defined in a function is pickled by value by cloudpickle (as for the workers of a
    # process pool): the copy is a key of an equivalent class, with the same fields and paths.
    @sublevel
    class LocalSub:
        n: int

    @toplevel(fields_sep=".")
    class Local:
        s: str
        sub: LocalSub

    local = Local("x", LocalSub(3))
    back = cloudpickle.loads(cloudpickle.dumps(local))
    assert str(back) == "x.3" and back.to_path() == local.to_path()
    assert dataclasses.astuple(back) == dataclasses.astuple(local)
    assert type(back).from_str("y.4").sub.n == 4


def test_sublevel_is_plain_frozen_ordered_dataclass():
    s = Sub2Fields(1, "x")
    assert dataclasses.is_dataclass(s)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.a = 3
    assert Sub2Fields(1, "x") < Sub2Fields(2, "a")
    assert not hasattr(s, "to_path") and not hasattr(Sub2Fields, "from_path")
    # No validation of its own: values are only validated inside a toplevel instance.
    Sub2Fields(1, "a/b.c")
    Sub("")


def test_is_toplevel():
    assert is_toplevel(TopLevel) and is_toplevel(TopLevel("a", 1, SubLevel1(2, "b",
                                                                          SubLevel2("c", 3, 4))))
    assert not is_toplevel(SubLevel1) and not is_toplevel(Sub("x"))
    assert not is_toplevel(int) and not is_toplevel("x") and not is_toplevel(None)

    class DuckTyped:
        field_sep = "-"

        @classmethod
        def from_path(cls, p):
            return None

    class NotCallable:
        field_sep = "-"
        from_path = "nope"

    assert is_toplevel(DuckTyped)
    assert not is_toplevel(NotCallable)


def test_package_exports():
    import oups.store as st
    for name in ("toplevel", "sublevel", "is_toplevel", "OrderedParquetDataset", "write",
                 "Store", "check_cmidx", "conform_cmidx"):
        assert callable(getattr(st, name)), name
    for name in ("OrderedParquetDataset", "Store", "conform_cmidx", "is_toplevel", "sublevel",
                 "toplevel"):
        assert getattr(oups, name) is getattr(st, name), name
    assert isinstance(oups.__version__, str) and oups.__version__


# ---------------------------------------------------------------------------- validation (docs/behaviour.md#keys)

@sublevel
class Rec:
    x: str


@toplevel
class RecFirst:
    r: Rec
    s: str


@toplevel
class OnlyRec:
    r: Rec


@toplevel
class TwoRecs:
    s: str
    r1: Rec
    r2: Rec


@toplevel
class Any2:
    a: str
    b: str


@toplevel
class AnyInt:
    i: int


@sublevel
class SubOnlyRec:
    r: Rec


@toplevel
class NestedOnlyRec:
    s: str
    sub: SubOnlyRec


def test_record_at_position_zero():
    with pytest.raises(TypeError, match=msg("a dataclass instance cannot be the only field of a "
                                            "level.")):
        RecFirst(Rec("a"), "b")
    with pytest.raises(TypeError, match=msg("a dataclass instance cannot be the only field of a "
                                            "level.")):
        OnlyRec(Rec("a"))
    # Also in a nested level.
    with pytest.raises(TypeError, match=msg("a dataclass instance cannot be the only field of a "
                                            "level.")):
        NestedOnlyRec("s", SubOnlyRec(Rec("x")))


def test_record_not_last():
    with pytest.raises(TypeError, match=msg("a dataclass instance is only possible in last "
                                            "position.")):
        TwoRecs("s", Rec("a"), Rec("b"))
    with pytest.raises(TypeError, match=msg("a dataclass instance is only possible in last "
                                            "position.")):
        TwoRecs("s", Rec("a"), "b")


def test_record_not_last_positions():
    # Rec at position 1 of 2 is last: allowed (a nested level).
    k = Any2("s", Rec("a"))
    assert str(k) == "s-a" and k.to_path() == pathlib.Path("s/a")


@pytest.mark.parametrize("value", ["6/2", "6-2", "a.b", 1.5, -3])
def test_forbidden_characters(value):
    with pytest.raises(ValueError, match=msg(
            f"use of a forbidden character among ('-', '/', '.') is not possible in {value}.")):
        Any2("ok", value) if not isinstance(value, (int, float)) else AnyInt(value)


def test_forbidden_characters_custom_separator_applies_to_nested_levels():
    @sublevel
    class S:
        y: str

    @toplevel(fields_sep=":")
    class T:
        x: str
        s: S

    T("a-b", S("c-d"))  # '-' is fine with ':'
    with pytest.raises(ValueError, match=msg(
            "use of a forbidden character among (':', '/', '.') is not possible in c:d.")):
        T("a", S("c:d"))
    with pytest.raises(ValueError, match=msg(
            "use of a forbidden character among (':', '/', '.') is not possible in c.d.")):
        T("a", S("c.d"))


def test_empty_string():
    with pytest.raises(ValueError, match=msg("empty string is not possible as a field value.")):
        Any2("a", "")
    with pytest.raises(ValueError, match=msg("empty string is not possible as a field value.")):
        AhSub("a", 1, Sub(""))


@pytest.mark.parametrize("value", [True, {"a": 1}, None, b"x", ["x"]])
def test_field_type_not_possible(value):
    with pytest.raises(TypeError, match=msg("field type ")) as ei:
        Any2("a", value)
    assert "not possible." in str(ei.value)
    assert type(value).__name__ in str(ei.value)


def test_str_subclass_refused():
    class MyStr(str):
        pass

    with pytest.raises(TypeError, match=msg("field type ")):
        Any2("a", MyStr("b"))


def test_int_64_bits():
    AnyInt(2**63 - 1)
    Under("x", -2**63)
    with pytest.raises(ValueError) as ei:
        AnyInt(2**63)
    assert str(2**63) in str(ei.value)
    with pytest.raises(ValueError) as ei:
        Under("x", -2**63 - 1)
    assert str(-2**63 - 1) in str(ei.value)


def test_validation_order_record_before_text():
    # A record at position 0 wins over a forbidden text later in the level.
    with pytest.raises(TypeError, match=msg("a dataclass instance cannot be")):
        RecFirst(Rec("a"), "b/c")
    # Forbidden character is checked before the type: a float with '.' is a ValueError.
    with pytest.raises(ValueError, match=msg("use of a forbidden character")):
        Any2("a", 2.5)


def test_annotations_not_enforced_at_construction():
    k = AnyInt("abc")  # runtime type str is allowed although annotated int
    assert str(k) == "abc"
    assert AnyInt.from_str("abc") is None  # but does not round-trip through parsing


# ---------------------------------------------------------------------------- paths (docs/behaviour.md#key-paths)

def test_paths_and_strings():
    k = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    assert k.to_path() == pathlib.Path("aha-2/5-oh/ou-3-7")
    assert isinstance(k.to_path(), pathlib.Path)
    assert str(k) == "aha-2-5-oh-ou-3-7"
    k2 = TopTwoLevels("aha", Sub2Fields(5, "oh"))
    assert k2.to_path() == pathlib.Path("aha/5-oh") and str(k2) == "aha-5-oh"
    k3 = AhSub("ah", 5, Sub("oh"))
    assert k3.to_path() == pathlib.Path("ah-5/oh") and str(k3) == "ah-5-oh"
    m = Measure("temperature", "berlin", Sampling("1D"))
    assert m.to_path() == pathlib.Path("temperature-berlin/1D")
    assert str(m) == "temperature-berlin-1D"


def test_depth():
    assert TopLevel.depth == 3
    assert TopTwoLevels.depth == 2
    assert Flat.depth == 1 and Dotted.depth == 1
    assert Measure.depth == 2


def test_depth_with_postponed_annotations():
    from _postponed_indexers import PLeaf, PMid, PTop
    assert PTop.depth == 3
    k = PTop("n", PMid(1, PLeaf("w", 2)))
    assert k.to_path() == pathlib.Path("n/1/w-2")
    assert PTop.from_path("n/1/w-2") == k
    assert PTop.from_str("n-1-w-2") == k


# ---------------------------------------------------------------------------- parsing (docs/behaviour.md#key-parsing)

def test_round_trips():
    keys = [TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7))),
            TopLevel("x", 0, SubLevel1(-0, "é", SubLevel2("ü", 10, 99999999999))),
            TopTwoLevels("aha", Sub2Fields(5, "oh")), AhSub("ah", 5, Sub("oh")),
            Dotted(3, "oh"), Flat("a", "b"), Under("x", -3), Under("y", -2**63),
            Measure("temperature", "berlin", Sampling("1D"))]
    for k in keys:
        cls = type(k)
        assert cls.from_path(k.to_path()) == k
        assert cls.from_path(str(k.to_path())) == k
        assert cls.from_str(str(k)) == k
        assert k.from_str(str(k)) == k  # also reachable through an instance


def test_from_path_accepts_pathlike():
    class P(os.PathLike):
        def __fspath__(self):
            return "aha-2/5-oh/ou-3-7"

    assert TopLevel.from_path(P()) == TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))


@pytest.mark.parametrize("path", [
    "aha-2/5-oh",              # too few components
    "aha-2/5-oh/ou-3-7/x",     # too many
    "aha-2-5/oh/ou-3-7",       # wrong piece count per component
    "aha/2-5-oh/ou-3-7",
    "aha-2/5-oh/ou-3-7-8",
    "aha-02/5-oh/ou-3-7",      # not canonical int
    "aha-x/5-oh/ou-3-7",       # not an int
    "aha-+2/5-oh/ou-3-7",
    "aha- 2/5-oh/ou-3-7",
    "aha-9223372036854775808/5-oh/ou-3-7",  # beyond 64 bits
    "aha-2/5-/ou-3-7",         # empty value
    "aha-2/5-oh/ou.x-3-7",     # forbidden '.' (validation)
    "/aha-2/5-oh/ou-3-7",      # absolute
    "aha-2-5-oh-ou-3-7",       # a flat string given to from_path
])
def test_from_path_failures_return_none(path):
    assert TopLevel.from_path(path) is None
    assert TopLevel.from_path(pathlib.Path(path)) is None


@pytest.mark.parametrize("s", [
    "aha-2-5-oh-ou-3",         # too few pieces
    "aha-2-5-oh-ou-3-7-8",     # too many
    "x-aha-2-5-oh-ou-3-7",     # an extra leading piece
    "aha-007-5-oh-ou-3-7",     # leading zeros
    "aha-2-5-oh-ou-3-",        # empty piece
    "aha-2/5-oh/ou-3-7",       # '/' is not a separator for from_str
])
def test_from_str_failures_return_none(s):
    assert TopLevel.from_str(s) is None


def test_reference_parsing_cases():
    assert Dotted.from_path("aha/5-oh") is None
    assert Dotted.from_str("aha/5-oh") is None
    assert Flat.from_str("x-a-b") is None and Flat.from_path("x-a-b") is None
    assert StrStrSub.from_path("x-y/z") == StrStrSub("x", "y", Sub("z"))
    assert StrStrSub.from_path("x/y-z") is None
    assert Under.from_str("x_-3") == Under("x", -3)
    assert Under.from_str("x_0") == Under("x", 0)
    assert Under.from_str("x_-03") is None
    assert Under.from_str("x_9223372036854775807") == Under("x", 2**63 - 1)
    assert Under.from_str("x_9223372036854775808") is None


@pytest.mark.parametrize("arg", [None, 3, 2.5, b"aha-2/5-oh/ou-3-7", ["a"]])
def test_parsing_wrong_argument_type(arg):
    with pytest.raises(TypeError):
        TopLevel.from_path(arg)
    with pytest.raises(TypeError):
        TopLevel.from_str(arg)


# ---------------------------------------------------------------------------- ordering (docs/behaviour.md#key-ordering)

def test_equality_hash_and_ordering():
    a = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    b = TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7)))
    assert a == b and hash(a) == hash(b)
    d = {a: 1}
    d[b] = 2
    assert len(d) == 1 and d[a] == 2
    # ints numerically, str by code point, nested by own fields, declaration order.
    assert AnyInt(9) < AnyInt(10)
    assert Under("x", -5) < Under("x", 3)
    assert Flat("B", "z") < Flat("a", "a")       # 'B' (66) < 'a' (97)
    assert Flat("a", "é") > Flat("a", "z")       # é is U+00E9
    assert TopLevel("a", 1, SubLevel1(9, "z", SubLevel2("z", 9, 9))) < \
        TopLevel("a", 2, SubLevel1(0, "a", SubLevel2("a", 0, 0)))
    assert TopLevel("a", 1, SubLevel1(1, "a", SubLevel2("a", 1, 2))) < \
        TopLevel("a", 1, SubLevel1(1, "a", SubLevel2("a", 1, 10)))
    keys = [Flat("b", "a"), Flat("a", "b"), Flat("a", "a")]
    assert sorted(keys) == [Flat("a", "a"), Flat("a", "b"), Flat("b", "a")]


def test_different_classes_not_comparable_nor_equal():
    a, b = Flat("a", "b"), Any2("a", "b")
    assert a != b and not (a == b)
    with pytest.raises(TypeError):
        a < b
    assert len({a, b}) == 2


def test_main_module_key_class_unpickles_in_another_process(tmp_path):
    # A key class defined in __main__ (a script, a notebook) is pickled by value by
    # cloudpickle, as Dask does to send it to workers; the other process rebuilds the class
    # and the key. (GitHub issue 15: "cannot set attribute 'field_sep' ... read-only".)
    import subprocess
    import sys
    import textwrap
    blob = tmp_path / "key.pkl"
    writer = textwrap.dedent(f"""
        import cloudpickle
        from oups.store import toplevel

        @toplevel(field_sep="-")
        class SymYear:
            sym: str
            year: int

        with open({str(blob)!r}, "wb") as f:
            cloudpickle.dump((SymYear, SymYear("AAPL", 2024)), f)
    """)
    reader = textwrap.dedent(f"""
        import pickle
        with open({str(blob)!r}, "rb") as f:
            cls, key = pickle.load(f)
        assert type(key) is cls and cls.__name__ == "SymYear"
        assert (key.sym, key.year) == ("AAPL", 2024)
        assert str(key) == "AAPL-2024" and key.field_sep == "-" and cls.field_sep == "-"
        assert key.depth == cls.depth == 1
        assert cls.from_str("MSFT-2025") == cls("MSFT", 2025)
        print("ok")
    """)
    env = dict(os.environ)
    for code in (writer, reader):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           cwd=tmp_path)
        assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"
