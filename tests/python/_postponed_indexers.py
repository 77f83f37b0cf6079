"""Indexer classes declared with postponed (string) annotations, for the depth test
(docs/behaviour.md#key-paths)."""
from __future__ import annotations

from oups.store import sublevel, toplevel


@sublevel
class PLeaf:
    w: str
    n: int


@sublevel
class PMid:
    v: int
    leaf: PLeaf


@toplevel
class PTop:
    name: str
    mid: PMid
