"""The user documentation stays true and self-contained: every ```python block of docs/python.md
runs (in order, in one namespace), and no tracked file of the repository points into the design
documents outside it."""
import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "python.md"


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def expected_output(block):
    """The '# ...' comment lines right after a print() call: what the block prints."""
    lines, out, after_print = block.splitlines(), [], False
    for line in lines:
        if line.startswith("print("):
            after_print = True
            continue
        if after_print and line.startswith("# "):
            out.append(line[2:])
            continue
        after_print = False
    return out


def test_python_guide_examples_run():
    blocks = python_blocks(GUIDE.read_text())
    assert len(blocks) >= 10
    namespace = {"__name__": "docs_python_md"}
    for i, block in enumerate(blocks):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(block, f"docs/python.md block {i}", "exec"), namespace)  # noqa: S102
        printed = [line.rstrip() for line in buf.getvalue().splitlines()]
        want = expected_output(block)
        if "for " in block and want:  # prints in a loop: all lines, in order
            assert printed == want, f"block {i}"
        else:
            for line in want:
                assert line in printed, f"block {i}: {line!r} not printed; got {printed}"


def test_no_tracked_file_refers_to_the_design_documents():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    needle = "../shared/" + "design"  # not spelled out, so that this file does not match
    res = subprocess.run(["git", "-C", str(REPO), "grep", "-n", "-F", needle],
                         capture_output=True, text=True)
    assert res.returncode in (0, 1), res.stderr
    assert res.stdout == "", f"files referring to {needle}:\n{res.stdout}"


def _public_members(cls):
    names = [n for n in vars(cls) if not n.startswith("_")]
    names += [n for n in ("__init__", "__len__", "__getitem__", "__iter__", "__repr__",
                          "__contains__", "__delitem__") if n in vars(cls)]
    return names


def test_every_public_name_has_a_numpydoc_docstring():
    import oups
    import oups.store

    names = {n: getattr(oups.store, n) for n in oups.store.__all__}
    names.update({n: getattr(oups, n) for n in oups.__all__ if n != "__version__"})
    missing = []
    for name, obj in names.items():
        doc = obj.__doc__ or ""
        if "Examples\n" not in doc or ">>> " not in doc:
            missing.append(f"{name}: no Examples section")
        if callable(obj) and not isinstance(obj, type) and obj.__name__ != "sublevel" \
                and "Parameters\n" not in doc:
            missing.append(f"{name}: no Parameters section")
        if isinstance(obj, type):
            if "Parameters\n" not in doc:
                missing.append(f"{name}: no Parameters section")
            for member in _public_members(obj):
                attr = vars(obj)[member]
                mdoc = (attr.fget if isinstance(attr, property) else attr).__doc__ or ""
                if member == "__init__":
                    continue  # documented by the class docstring (numpydoc convention)
                if not mdoc.strip() or mdoc.lstrip().startswith("#"):
                    missing.append(f"{name}.{member}: no docstring")
                elif not member.startswith("__") and "Examples\n" not in mdoc:
                    missing.append(f"{name}.{member}: no Examples section")
    assert missing == []


def test_every_docs_anchor_reference_exists():
    """Every reference 'docs/<page>.md' + '#' + anchor written in a tracked file names an
    anchor the page defines (an <a id=...> tag), so references from code, headers and tests
    stay valid."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for page in ("behaviour", "python"):
        res = subprocess.run(["git", "-C", str(REPO), "grep", "-ohE", page + r"\.md#[a-z0-9-]+"],
                             capture_output=True, text=True)
        assert res.returncode in (0, 1), res.stderr
        anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>',
                                 (REPO / "docs" / f"{page}.md").read_text()))
        used = {line.split("#", 1)[1] for line in res.stdout.split()}
        assert used - anchors == set(), f"docs/{page}.md lacks anchors {sorted(used - anchors)}"
