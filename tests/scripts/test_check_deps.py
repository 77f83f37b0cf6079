"""Tests of scripts/check-deps.py, the dependency check of the apt list and the lock file.

    .venv/bin/python -m pytest tests/scripts

They read a real build directory (default: build, or $OUPS_BUILD_DIR) and are skipped
when it holds no compiler dependency files, or without dpkg/apt-cache or the venv.
They show that the check passes on scripts/install-deps.sh's list, fails naming the
package when one is removed from the list (libboost-dev: the gap a CI machine once
hid), and fails naming the module when a requirement is removed from the lock file.
The parser tests need none of that.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "check-deps.py"
BUILD = Path(os.environ.get("OUPS_BUILD_DIR", REPO / "build"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
LOCK = REPO / "requirements" / "lock.txt"


def load_module():
    spec = importlib.util.spec_from_file_location("check_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_deps = load_module()

needs_machine = pytest.mark.skipif(
    not (shutil.which("dpkg") and shutil.which("apt-cache") and shutil.which("ldd")
         and any(BUILD.glob("CMakeFiles/*.dir/**/*.o.d"))),
    reason=f"needs dpkg, apt-cache, ldd and a built {BUILD}",
)


def real_apt_list():
    listed, _ = check_deps.parse_apt_list(REPO / "scripts" / "install-deps.sh")
    return listed


def run_check(*args):
    p = subprocess.run([sys.executable, str(SCRIPT), "--build", str(BUILD), *args],
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


# ------------------------------------------------------------ the real machine


@needs_machine
def test_passes_on_the_real_apt_list_and_lock_file():
    rc, out = run_check("--apt-list", ",".join(real_apt_list()))
    assert rc == 0, out
    assert "all provided by the apt list / lock file" in out
    assert out.count("\n") == 1, out


@needs_machine
def test_fails_naming_libboost_dev_when_it_leaves_the_apt_list():
    listed = real_apt_list()
    assert "libboost-dev" in listed
    without = [p for p in listed if p != "libboost-dev"]
    rc, out = run_check("--apt-list", ",".join(without), "--only", "headers")
    assert rc == 1, out
    # The boost headers are found, with their owner and the package to add.
    assert "/usr/include/boost/" in out
    assert "libboost1.74-dev" in out or "libboost" in out
    assert "add libboost-dev" in out


@needs_machine
def test_fails_naming_the_module_when_a_requirement_leaves_the_lock(tmp_path):
    lock = tmp_path / "lock.txt"
    kept = [l for l in LOCK.read_text().splitlines() if not l.lower().startswith("numpy==")]
    assert len(kept) < len(LOCK.read_text().splitlines())
    lock.write_text("\n".join(kept) + "\n")
    rc, out = run_check("--lock", str(lock), "--only", "python")
    assert rc == 1, out
    assert "python module numpy" in out
    assert "not in " + str(lock) in out


# ----------------------------------------------------------------- the parsers


def commands(script):
    return sorted({name for name, _ in check_deps.script_commands(script)})


def test_shell_commands_in_pipes_substitutions_and_wrappers():
    script = r'''
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
x=$(grep -c foo "$ROOT/a" | sort -n || true)
PYTHONPATH="$d" /usr/bin/python3 -c 'import sys' 2>/dev/null && node run.mjs
echo "cores: $(nproc)" `uname -r`
$SUDO apt-get install -y x
"$CAT" cat file
exec env A=1 tar -xf y
command -v clang-14 >/dev/null
trap 'rm -rf "$WORK"' EXIT
arr+=("$(date +%s)")
'''
    assert commands(script) == sorted([
        "dirname", "grep", "sort", "/usr/bin/python3", "node", "nproc", "uname",
        "apt-get", "env", "tar", "rm", "date"])


def test_shell_skips_heredocs_case_patterns_tests_functions_and_repo_paths():
    script = r'''
quiet() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then tail -n 5 "$log"; fi
}
quiet "$B/x.log" cmake --build "$B"
case $t in
  parquet_file_fuzz) max_len=1 ;;
  *) mkdir -p out ;;
esac
if [[ "$s" =~ ^([0-9]+)\ passed$ && -n $x ]]; then :; fi
for ((r = 0; r < 3; r++)); do ((n += 1)); done
for f in a b; do wc -l "$f"; done
/usr/bin/python3 - <<'PY'
import json
print(json.dumps(1))
PY
bash scripts/test.sh
./local-tool --help
'''
    assert commands(script) == sorted(["bash", "cmake", "mkdir", "/usr/bin/python3", "tail", "wc"])


def test_python_imports_optional_and_local(tmp_path):
    import ast

    tree = ast.parse(
        "import os, numpy.linalg as la\n"
        "from pandas.api import types\n"
        "from . import sibling\n"
        "try:\n    import pytz\nexcept ImportError:\n    pytz = None\n"
        "def f():\n    import duckdb\n"
        "pytest.importorskip('cloudpickle')\n")
    names = [n for n, _ in check_deps.required_imports(tree)]
    assert names == ["os", "numpy", "pandas", "duckdb", "cloudpickle"]
    (tmp_path / "helper.py").write_text("")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert check_deps.is_local_module("helper", sub / "user.py")
    assert not check_deps.is_local_module("numpy", sub / "user.py")


def test_apt_depends_parsing_resolves_virtual_packages():
    out = "\n".join([
        "build-essential",
        " |Depends: libc6-dev",
        "  Depends: <libc-dev>",
        "    libc6-dev",
        "  Depends: make",
        "libc6-dev",
        "  Depends: <perl:any>",
        "    perl",
        "make",
        "perl",
        "<libc-dev>",
        "<perl:any>",
    ])
    graph = check_deps.Apt.parse_depends(out)
    assert graph["build-essential"] == {"libc6-dev", "make"}
    assert graph["libc6-dev"] == {"perl"}
    assert "<libc-dev>" not in graph and "libc-dev" not in graph


def test_make_dependency_files():
    text = ("CMakeFiles/x.dir/a.cc.o: /src/a.cc /usr/include/stdio.h \\\n"
            " /usr/include/with\\ space.h\n"
            "/usr/include/stdio.h:\n")
    rules = list(check_deps.parse_make_deps(text))
    assert rules[0] == ("/src/a.cc", ["/src/a.cc", "/usr/include/stdio.h",
                                      "/usr/include/with space.h"])
    assert rules[1] == (None, ["/usr/include/stdio.h"])
