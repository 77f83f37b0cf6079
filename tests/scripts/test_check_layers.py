"""Tests of scripts/check-layers.py, the include check of the layer order.

    .venv/bin/python -m pytest tests/scripts/test_check_layers.py

The real tree passes; copies of small trees with one wrong include fail, naming
the file, the line and the rule.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "check-layers.py"


def load():
    spec = importlib.util.spec_from_file_location("check_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_layers = load()


def make_tree(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_repository_follows_the_layer_order():
    result = subprocess.run([sys.executable, str(SCRIPT), str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "rel, include, rule",
    [
        ("src/dataset/a.cc", "store/dir_walk.h", "layer dataset includes store/dir_walk.h of the higher layer store"),
        ("src/table/a.cc", "oups/parquet/file_reader.h", "of the higher layer parquet"),
        ("src/common/a.cc", "cli/cli.h", "layer common includes cli/cli.h"),
        ("include/oups/io/a.h", "dataset/metadata_file.h", "a public header includes the private header"),
        ("include/oups/table/a.h", "oups/store/store.h", "of the higher layer store"),
        ("src/cli/a.cc", "dataset/metadata_file.h", "src/cli uses public headers only"),
        ("src/python/a.cc", "common/json.h", "src/python uses public headers only"),
        ("src/testing/a.cc", "cli/cli.h", "src/testing must not include cli/cli.h"),
        ("tools/demo.cc", "python/x.h", "tools must not include python/x.h"),
    ],
)
def test_a_wrong_include_is_named(tmp_path, rel, include, rule):
    make_tree(tmp_path, {rel: f'// x\n#include <vector>\n#include "{include}"\n'})
    problems = check_layers.check(tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{rel}:3: ")
    assert rule in problems[0]
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert rel in result.stdout


@pytest.mark.parametrize(
    "rel, include",
    [
        ("src/store/a.cc", "dataset/metadata_file.h"),
        ("src/store/a.cc", "oups/dataset/ordered_dataset.h"),
        ("src/parquet/a.cc", "table/x.h"),
        ("include/oups/dataset/a.h", "oups/status.h"),
        ("include/oups/oups.h", "oups/store/store.h"),
        ("src/cli/a.cc", "cli/args.h"),
        ("src/cli/a.cc", "oups/store/store.h"),
        ("src/testing/a.cc", "dataset/metadata_file.h"),
        ("tools/oups.cc", "cli/cli.h"),
        ("src/dataset/a.cc", "zlib.h"),
    ],
)
def test_allowed_includes_pass(tmp_path, rel, include):
    make_tree(tmp_path, {rel: f'#include "{include}"\n'})
    assert check_layers.check(tmp_path) == []


def test_a_header_next_to_the_file_is_its_own_layer(tmp_path):
    make_tree(tmp_path, {"src/python/bindings.h": "", "src/python/a.cc": '#include "bindings.h"\n'})
    assert check_layers.check(tmp_path) == []
