#!/usr/bin/env python3
"""Checks that no source file includes a header of a higher layer.

    python3 scripts/check-layers.py [SOURCE_DIR]

The layers, lowest first (README "Architecture"): common, io, table, parquet,
dataset, store. Each has its private code in src/<layer>/ and its public
headers in include/oups/<layer>/ (include/oups/status.h and result.h belong to
common, the generated oups/version.h too; include/oups/oups.h is the umbrella
header for users and may include everything). The rules:

* a file of a layer (src/<layer>/** or include/oups/<layer>/**) includes
  headers (private or public) of its own layer and of the layers below only;
* public headers never include private ones (they are installed alone);
* the command-line tool (src/cli) and the Python binding (src/python) use the
  public headers only, plus their own folder;
* the test-support library (src/testing) and the tools (tools/) may use every
  layer of the engine, neither the CLI nor the binding (tools/oups.cc, the
  CLI's main, excepted).

The build enforces the private part too (each layer library sees only the
private headers of itself and the layers below, CMakeLists.txt); this check
also covers the public headers, which are one tree. It prints one line per
violation, naming the file, the line and the rule, and exits 1 if there is any.
"""

import re
import sys
from pathlib import Path

LAYERS = ["common", "io", "table", "parquet", "dataset", "store"]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
SOURCE_SUFFIXES = {".h", ".cc", ".cpp"}


def header_layer(include):
    """(kind, layer) of a project header named as in an #include, or None.

    kind is "public" (oups/...) or "private" (<folder>/...); layer is a layer
    name, "top" (oups/oups.h), "cli", "python" or "testing"."""
    parts = include.split("/")
    if parts[0] == "oups":
        if len(parts) == 2:
            return ("public", "top" if parts[1] == "oups.h" else "common")
        return ("public", parts[1])
    if len(parts) >= 2 and (parts[0] in RANK or parts[0] in ("cli", "python", "testing")):
        return ("private", parts[0])
    return None


def file_owner(rel):
    """(kind, layer) of a file of the tree (a Path relative to the root), or None."""
    parts = rel.parts
    if parts[0] == "include" and len(parts) >= 3 and parts[1] == "oups":
        if len(parts) == 3:
            return ("public", "top" if parts[2] == "oups.h" else "common")
        return ("public", parts[2])
    if parts[0] == "src" and len(parts) >= 3:
        return ("private", parts[1])
    if parts[0] == "tools":
        return ("tool", "tools")
    return None


def violation(rel, owner, header, include):
    """The rule a file breaks by including `include` (None when allowed)."""
    okind, olayer = owner
    hkind, hlayer = header
    if okind == "public" and olayer != "top":
        if hkind == "private":
            return "a public header includes the private header " + include
        if hlayer == "top" or RANK.get(hlayer, 99) > RANK.get(olayer, -1):
            return f"layer {olayer} includes {include} of the higher layer {hlayer}"
        return None
    if okind == "public":  # oups/oups.h: the umbrella header
        return "the umbrella header includes the private header " + include if hkind == "private" else None
    if olayer in ("cli", "python"):
        if hkind == "private" and hlayer != olayer:
            return f"src/{olayer} uses public headers only, not {include}"
        return None
    if olayer == "testing" or okind == "tool":
        if hlayer in ("cli", "python") and not (okind == "tool" and rel.name == "oups.cc" and hlayer == "cli"):
            return f"{'tools' if okind == 'tool' else 'src/testing'} must not include {include}"
        return None
    if olayer not in RANK:
        return None
    if hlayer in ("cli", "python", "testing", "top"):
        return f"layer {olayer} includes {include}"
    if RANK[hlayer] > RANK[olayer]:
        return f"layer {olayer} includes {include} of the higher layer {hlayer}"
    return None


def check(root):
    """The violations of the tree at `root`, as 'path:line: rule' strings."""
    root = Path(root)
    problems = []
    files = [p for d in ("src", "include", "tools") if (root / d).is_dir()
             for p in sorted((root / d).rglob("*")) if p.suffix in SOURCE_SUFFIXES]
    for path in files:
        rel = path.relative_to(root)
        if "generated" in rel.parts:
            continue
        owner = file_owner(rel)
        if owner is None:
            continue
        text = path.read_text(errors="replace")
        for m in INCLUDE_RE.finditer(text):
            include = m.group(1)
            if (path.parent / include).is_file() and "/" not in include:
                continue  # a header next to the file: same folder, same layer
            header = header_layer(include)
            if header is None:
                continue  # a system or third-party header
            rule = violation(rel, owner, header, include)
            if rule:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {rule}")
    return problems


def main(argv):
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the layer order "
              f"({' -> '.join(LAYERS)}; see scripts/check-layers.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
