"""The seed examples copied into tests/python/seed_examples/ equal the design document's.

The copies make CI independent of ../shared; each copy runs as its own ctest
(python_seed_<name>). When the design document's directory is present next to the
repository (../shared/seed/examples), every example there must have a byte-identical copy
here and no extra copy may exist; otherwise the comparison is skipped.
"""
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
COPIES = HERE / "seed_examples"
ORIGINALS = HERE.parents[2] / "shared" / "seed" / "examples"


def test_copies_present():
    names = sorted(p.name for p in COPIES.glob("test_*.py"))
    assert len(names) == 8, names


@pytest.mark.skipif(not ORIGINALS.is_dir(), reason=f"{ORIGINALS} not present")
def test_copies_equal_originals():
    originals = sorted(p.name for p in ORIGINALS.glob("*.py"))
    copies = sorted(p.name for p in COPIES.glob("test_*.py"))
    assert copies == originals
    for name in originals:
        assert (COPIES / name).read_bytes() == (ORIGINALS / name).read_bytes(), name
