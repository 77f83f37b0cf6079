#!/usr/bin/env python3
"""Checks that everything oups uses comes from its declared dependencies.

A CI machine keeps what earlier jobs installed, so a green build there does not
prove that scripts/install-deps.sh installs everything: a package that is merely
present on the machine hides its absence from the list. This check does not look
at what is installed; it asks, for every file the project actually uses, which
package the file belongs to, and whether that package is declared:

  headers    every file named in the compiler dependency files of a build
             directory (CMakeFiles/*.dir/**/*.o.d and compiler_depend.make), and
             the CMake package files its configuration read (GTestConfig.cmake...,
             from CMakeFiles/Makefile.cmake);
  libraries  every shared library `ldd` resolves for the executables under
             BUILD/tools, BUILD/benchmarks, BUILD/tests and for the Python module
             BUILD/python/oups/_oups*.so;
  commands   every external command the shell scripts run (scripts/*.sh, .ci/run,
             interop/*.sh, benchmarks/*.sh), and the build's own tools (compiler,
             make, ar, cmake, ctest, pkg-config: CMakeCache.txt and
             compile_commands.json). A command PATH finds outside dpkg (a pyenv
             shim) passes when a declared Debian package has it in /usr/bin, /bin,
             /usr/sbin or /sbin; an absolute path in a script must itself be declared;
  python     every third-party module the Python files import (python/oups,
             tests/python, tests/scripts, interop, benchmarks/*.py, tools,
             scripts/*.py).

A system file is declared when `dpkg -S` says it belongs to a package of the apt
list of scripts/install-deps.sh (its APT_PACKAGES=( ... ) array) or of that list's
Depends/Pre-Depends closure (`apt-cache depends --recurse`), or of the Debian base
system (Essential or Priority "required" packages, and their closure: present on
every Debian machine). Packages that install-deps.sh adds only conditionally
(APT_PACKAGES+=( ... ) inside an `if`) are NOT counted: a machine on which the
condition is false does not get them; a finding that one of them would fix says so.

A file of the project's virtual environment (.venv, or $OUPS_VENV, or --venv) is
declared when the Python distribution it belongs to is pinned in
requirements/lock.txt; a file of the interpreter the venv was made from
(sys.base_prefix, e.g. a pyenv install) is accepted as the interpreter's own unless
dpkg owns it (then it is checked as a system file). Files in the source and build
trees are the project's own.

Prints one line per finding (grouped by owning package; -v lists every file) and
exits 1 on any finding; otherwise prints a one-line summary and exits 0 (2: usage or
setup error, e.g. no build directory).

  .venv/bin/python scripts/check-deps.py [--build DIR] [--apt-list p1,p2] [--lock FILE]

Standard library only. The interpreter running it does not matter much: the venv's
own metadata (distributions, standard-library module names) is read by running the
venv's interpreter once.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Where Debian installs commands; used when PATH finds a command elsewhere first
# (a pyenv shim, /usr/local/bin...): a Debian package of the closure may provide it too.
DEBIAN_BIN_DIRS = ("/usr/bin", "/bin", "/usr/sbin", "/sbin")

# Top-level directories that merged-/usr makes aliases of /usr/<dir>. dpkg records
# a file under the name its package ships it with, which may be either one.
MERGED_USR_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")

# Bash builtins and reserved words: commands that need no package. This is the only
# allow-list of the command check; everything else must resolve to a declared package.
SHELL_BUILTINS = frozenset(
    """
    : . [ alias bg bind break builtin caller cd command compgen complete compopt
    continue declare dirs disown echo enable eval exec exit export false fc fg getopts
    hash help history jobs kill let local logout mapfile popd printf pushd pwd read
    readarray readonly return set shift shopt source suspend test times trap true type
    typeset ulimit umask unalias unset wait
    """.split()
)
SHELL_KEYWORDS = frozenset(
    "! [[ ]] { } case coproc do done elif else esac fi for function if in select then "
    "time until while".split()
)
# Commands that run their first non-option argument as another command.
COMMAND_WRAPPERS = frozenset("builtin command env exec nice nohup sudo time".split())

# The scripts whose commands are checked, and the Python trees whose imports are.
SHELL_GLOBS = ("scripts/*.sh", ".ci/run", "interop/*.sh", "benchmarks/*.sh")
PYTHON_GLOBS = (
    "python/oups/**/*.py",
    "tests/python/**/*.py",
    "tests/scripts/**/*.py",
    "interop/**/*.py",
    "benchmarks/*.py",
    "tools/**/*.py",
    "scripts/*.py",
)
PROJECT_MODULES = frozenset({"oups"})


def die(message: str):
    """Stops on a usage or setup error (exit 2; findings exit 1)."""
    print(f"check-deps: {message}", file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    """Runs cmd (a list), returns (returncode, stdout, stderr) as text."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def rel(path) -> str:
    """path relative to the repository when inside it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def canonical_dist(name: str) -> str:
    """A distribution name normalized as PyPI does (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ------------------------------------------------------------------ the apt list


def parse_apt_list(install_deps: Path) -> tuple[list[str], list[str]]:
    """The packages of APT_PACKAGES=( ... ) in install-deps.sh, and the packages that
    APT_PACKAGES+=( ... ) adds (conditionally, inside an if)."""
    text = install_deps.read_text()

    def words(body):
        body = re.sub(r"#[^\n]*", "", body)
        return [w.strip("'\"") for w in body.split() if w.strip("'\"")]

    main = re.search(r"^\s*APT_PACKAGES=\(([^)]*)\)", text, re.M)
    if not main:
        die(f"no APT_PACKAGES=( ... ) array in {rel(install_deps)}")
    extra = []
    for m in re.finditer(r"^\s*APT_PACKAGES\+=\(([^)]*)\)", text, re.M):
        extra += words(m.group(1))
    return words(main.group(1)), extra


class Apt:
    """apt-cache queries. Each apt-cache run loads the package cache (about a
    second), so the independent ones run concurrently."""

    DEPENDS_OPTS = [
        "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
        "--no-breaks", "--no-replaces", "--no-enhances",
    ]

    def __init__(self, roots):
        """Reads the dependency graph of all `roots` (package names) with one
        apt-cache run (each run loads the whole package cache: about a second)."""
        roots = sorted(set(roots))
        rc, out, err = run(["apt-cache", "depends", *self.DEPENDS_OPTS, *roots])
        if rc != 0:
            die(f"apt-cache depends failed for {' '.join(roots)}:\n{err}")
        self.graph = self.parse_depends(out)
        unknown = [r for r in roots if r not in self.graph]
        if unknown:
            die(f"apt knows no package {' '.join(unknown)}")

    @staticmethod
    def parse_depends(out: str) -> dict[str, set[str]]:
        """Parses `apt-cache depends --recurse` output into package -> the packages
        its Depends/Pre-Depends name:

            pkg                     a package (column 0), then its dependencies:
              Depends: dep          a dependency
             |Depends: dep          ... an alternative ("or") of the next one
                provider            a package providing dep (dep virtual, or also
                                    provided by others), indented by 4
            <virtual>               a virtual package (column 0, no dependencies)

        Alternatives and providers all count (apt-cache recursed into each); a
        virtual package counts through its providers only (perl:any through perl)."""
        graph = collections.defaultdict(set)
        current = None
        for line in out.splitlines():
            name = line.strip()
            if not name:
                continue
            if not line.startswith(" "):
                current = None if name.startswith("<") else name.split(":")[0]
                if current:
                    graph[current]  # a package with no dependencies is a node too
            elif current is None:
                continue
            elif line.startswith("    "):
                graph[current].add(name.split(":")[0])
            else:
                dep = name.lstrip("|").partition(":")[2].strip()
                if not dep.startswith("<"):
                    graph[current].add(dep.split(":")[0])
        return graph

    def closure(self, packages) -> set[str]:
        """The packages of `packages` and of their Depends/Pre-Depends closure."""
        seen, todo = set(), list(packages)
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.graph.get(p, ()))
        return seen

    @staticmethod
    def base_packages() -> list[str]:
        """The Debian base system: Essential and Priority "required" packages (on
        every Debian machine, debootstrap's minbase)."""
        _, out, _ = run(["dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Priority}\n"])
        return [
            f[0] for f in (l.split("\t") for l in out.splitlines())
            if len(f) == 3 and (f[1] == "yes" or f[2] == "required")
        ]

    def hints(self, owners) -> dict[str, str]:
        """For each owner, a package depending on it whose name is owner's without
        its version numbers (libboost-dev for libboost1.74-dev) or a prefix of it
        (python3 for python3-minimal), or "": the name to add to the apt list. One
        apt-cache run for all."""
        owners = sorted(set(owners))
        if not owners:
            return {}
        _, out, _ = run([
            "apt-cache", "rdepends", "--no-recommends", "--no-suggests", "--no-conflicts",
            "--no-breaks", "--no-replaces", "--no-enhances", *owners,
        ])
        rdeps = collections.defaultdict(list)
        current = None
        for line in out.splitlines():
            if not line.startswith(" "):
                current = line.strip() if line.strip() != "Reverse Depends:" else current
            elif current:
                rdeps[current].append(line.strip().lstrip("|"))

        def digits(name):
            return sum(ch.isdigit() for ch in name)

        result = {}
        for owner in owners:
            unversioned = re.sub(r"[0-9.]+", "", owner)
            cands = [c for c in rdeps.get(owner, [])
                     if re.sub(r"[0-9.]+", "", c) == unversioned and digits(c) < digits(owner)]
            # Else the package that owner is a part of (python3 for python3-minimal).
            cands = cands or [c for c in rdeps.get(owner, []) if owner.startswith(c + "-")]
            result[owner] = min(cands, key=lambda c: (digits(c), len(c), c), default="")
        return result


# ------------------------------------------------------------- dpkg ownership


def usr_alias(path: str) -> str | None:
    """The other name of path under merged-/usr (/usr/lib/x <-> /lib/x), or None."""
    for d in MERGED_USR_DIRS:
        if path.startswith(f"/usr/{d}/"):
            return path[4:]
        if path.startswith(f"/{d}/"):
            return "/usr" + path
    return None


class Dpkg:
    """`dpkg -S` queries in batches, cached for the run."""

    BATCH = 2000

    def __init__(self):
        self.cache: dict[str, set[str]] = {}

    def query(self, paths):
        todo = sorted({p for p in paths if p not in self.cache})
        for i in range(0, len(todo), self.BATCH):
            batch = todo[i : i + self.BATCH]
            for p in batch:
                self.cache[p] = set()
            # Exit status 1 only means that some paths belong to no package.
            _, out, _ = run(["dpkg", "-S", "--", *batch])
            for line in out.splitlines():
                if line.startswith("diversion by"):
                    continue
                pkgs, sep, path = line.partition(": ")
                if sep and path in self.cache:
                    self.cache[path] |= {p.strip().split(":")[0] for p in pkgs.split(",")}

    @staticmethod
    def names(path: str) -> tuple[list[str], list[str]]:
        """The names under which dpkg may know path: (path itself, its merged-/usr
        alias) and (the file it resolves to through symlinks, its alias)."""
        path = os.path.normpath(path)
        real = os.path.realpath(path)
        own = [path] + [a for a in [usr_alias(path)] if a]
        target = [] if real == path else [real] + [a for a in [usr_alias(real)] if a]
        return own, target

    def prefetch(self, paths):
        wanted = []
        for p in paths:
            own, target = self.names(p)
            wanted += own + target
        self.query(wanted)

    def owners(self, path: str) -> tuple[set[str], set[str]]:
        """(packages owning path, packages owning the file it resolves to)."""
        own, target = self.names(path)
        self.query(own + target)
        return (set().union(*(self.cache[p] for p in own)),
                set().union(*(self.cache[p] for p in target)) if target else set())


# ------------------------------------------------------------ the Python venv

VENV_QUERY = r"""
import importlib.metadata as md, json, os, sys, sysconfig
req = json.load(sys.stdin)
wanted = {}
for p in req["paths"]:
    wanted[os.path.normpath(p)] = p
    wanted[os.path.realpath(p)] = p
owners, dists = {}, []
for dist in md.distributions():
    name = dist.metadata["Name"]
    dists.append(name)
    if not wanted:
        continue
    for f in dist.files or ():
        full = os.path.normpath(str(dist.locate_file(f)))
        if full in wanted:
            owners[wanted[full]] = name
paths = sysconfig.get_paths()
base_dirs = [paths[k] for k in ("include", "platinclude", "stdlib", "platstdlib")]
if sysconfig.get_config_var("LIBDIR") and sysconfig.get_config_var("LDLIBRARY"):
    base_dirs.append(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDLIBRARY")))
print(json.dumps({
    "prefix": sys.prefix, "base_prefix": sys.base_prefix, "base_dirs": base_dirs,
    "stdlib": sorted(sys.stdlib_module_names),
    "packages": md.packages_distributions(), "owners": owners, "dists": dists,
}))
"""


class Venv:
    def __init__(self, venv_dir: Path):
        self.dir = venv_dir
        self.python = venv_dir / "bin" / "python"
        if not self.python.exists():
            die(f"no venv interpreter {self.python} (run scripts/install-deps.sh)")
        self.info = self.query([])
        self.prefix = os.path.realpath(self.info["prefix"])
        self.base_prefix = os.path.realpath(self.info["base_prefix"])
        # The interpreter's own files: its whole prefix when it has one of its own
        # (pyenv...), else (a prefix shared with other software: /usr/local...) only
        # its include and standard-library directories and libpython.
        if self.base_prefix in ("/", "/usr", "/usr/local"):
            self.base_roots = sorted({os.path.realpath(d) for d in self.info["base_dirs"]})
        else:
            self.base_roots = [self.base_prefix]

    def is_interpreter_file(self, path: str) -> bool:
        return any(is_under(path, r) or is_under(os.path.realpath(path), r)
                   for r in self.base_roots)

    def query(self, paths) -> dict:
        p = subprocess.run([str(self.python), "-I", "-c", VENV_QUERY], input=json.dumps(
            {"paths": sorted(paths)}), capture_output=True, text=True)
        if p.returncode != 0:
            die(f"cannot read the venv's metadata:\n{p.stderr}")
        return json.loads(p.stdout)


def read_lock(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        names.add(canonical_dist(re.split(r"[\s=<>!~;\[@]", line, maxsplit=1)[0]))
    return names


# ------------------------------------------------------------------- checker


class Checker:
    def __init__(self, args):
        self.args = args
        self.build = Path(args.build).resolve()
        self.dpkg = Dpkg()
        install_deps = REPO / "scripts" / "install-deps.sh"
        listed, conditional = parse_apt_list(install_deps)
        if args.apt_list is not None:
            listed = [p for p in args.apt_list.split(",") if p]
            conditional = []
        self.listed = listed
        base = Apt.base_packages()
        self.apt = Apt(listed + base + conditional)
        self.closure = self.apt.closure(listed)
        self.base = self.apt.closure(base)
        self.allowed = self.closure | self.base
        self.conditional_list = conditional
        self.conditional = self.apt.closure(conditional) - self.allowed
        self.venv = Venv(Path(args.venv).absolute())
        self.venv_roots = sorted({os.path.normpath(str(self.venv.dir)),
                                  os.path.realpath(self.venv.dir), self.venv.prefix})
        self.lock_path = Path(args.lock)
        self.lock = read_lock(self.lock_path)
        self.source_root = str(REPO)
        self.build_root = str(self.build)
        # kind -> group key -> {"thing", "why", "things": [...], "needed_by": [...]}
        self.findings = collections.OrderedDict()
        self.counts = {}

    # -------------------------------------------------------------- verdicts

    def add_finding(self, kind, key, thing, needed_by, why):
        group = self.findings.setdefault(kind, collections.OrderedDict())
        f = group.setdefault(key, {"thing": thing, "needed_by": [], "why": why, "things": []})
        f["needed_by"].append(needed_by)
        f["things"].append(thing)

    def package_verdict(self, owners: set[str]):
        """None when one of owners is declared, else why not: ("text", owners), the
        package to add is named at report time (self.explain)."""
        if owners & self.allowed:
            return None
        names = ", ".join(sorted(owners))
        return (f"owned by {names}, which is not in the apt list nor in its Depends closure",
                frozenset(owners))

    def file_verdict(self, path: str, venv_owners: dict) -> tuple[str, str] | None:
        """None when the system file `path` is declared, else (group key, why)."""
        norm = os.path.normpath(path)
        real = os.path.realpath(norm)
        if self.in_venv(norm) or self.in_venv(real):
            dist = venv_owners.get(path)
            if dist is None:
                return (f"venv:{os.path.dirname(real)}",
                        "in the venv but part of no Python distribution installed there")
            if canonical_dist(dist) in self.lock:
                return None
            return (f"dist:{dist}", f"part of the Python distribution {dist}, "
                    f"which is not in {rel(self.lock_path)}")
        own, target = self.dpkg.owners(norm)
        if not own and not target:
            if self.venv.is_interpreter_file(norm):
                return None  # the venv's base interpreter (pyenv...): not a dpkg package
            top = "/".join(real.split("/")[:4])
            return (f"unowned:{top}", "no Debian package owns it")
        for owners in (own, target):
            if owners:
                why = self.package_verdict(owners)
                if why:
                    return ("pkg:" + ",".join(sorted(owners)), why)
        return None

    def explain(self):
        """Completes the package findings with what to add to the apt list: a package
        of the list install-deps.sh adds conditionally that brings the owner, or the
        unversioned package depending on it (libboost-dev for libboost1.74-dev), or
        the owner itself."""
        pending = [f for groups in self.findings.values() for f in groups.values()
                   if isinstance(f["why"], tuple)]
        owners = {o for f in pending for o in f["why"][1]}
        if not owners:
            return
        conditional = {p: self.apt.closure([p]) for p in self.conditional_list}
        hints = self.apt.hints(owners)
        for f in pending:
            text, owners = f["why"]
            # The conditional package with the smallest closure that brings it.
            bringers = sorted((len(c), p) for p, c in conditional.items() if owners & c)
            if bringers:
                text += (f"; install-deps.sh installs it only conditionally (with "
                         f"{' '.join(self.conditional_list)}): list {bringers[0][1]} "
                         f"unconditionally")
            else:
                adds = sorted({hints.get(o) or o for o in owners})
                text += f"; add {' or '.join(adds)}"
            f["why"] = text

    def is_own(self, path: str) -> bool:
        """A file of the source or build tree (the venv inside the tree excluded)."""
        norm = os.path.normpath(path)
        if self.in_venv(norm):
            return False
        return is_under(norm, self.source_root) or is_under(norm, self.build_root)


    def check_files(self, kind, uses: dict[str, str]):
        """uses: system file -> the project file needing it."""
        self.dpkg.prefetch(p for p in uses if not self.in_venv(p))
        venv_paths = [p for p in uses if self.in_venv(p)]
        venv_owners = self.venv.query(venv_paths)["owners"] if venv_paths else {}
        for path, user in sorted(uses.items()):
            verdict = self.file_verdict(path, venv_owners)
            if verdict:
                self.add_finding(kind, verdict[0], path, user, verdict[1])

    def in_venv(self, path):
        norm = os.path.normpath(path)
        return any(is_under(norm, r) for r in self.venv_roots)

    # --------------------------------------------------------------- headers

    def check_headers(self):
        dep_files = sorted(self.build.glob("**/CMakeFiles/*.dir/**/*.o.d")) + sorted(
            self.build.glob("**/CMakeFiles/*.dir/compiler_depend.make"))
        if not any(f.suffix == ".d" for f in dep_files):
            die(f"no compiler dependency files (*.o.d) in {self.build}: build it first")
        uses = {}
        for dep_file in dep_files:
            # Relative names are relative to the directory the compiler ran in: the
            # one holding CMakeFiles/.
            cwd = str(dep_file).split("/CMakeFiles/")[0]
            for source, deps in parse_make_deps(dep_file.read_text(errors="replace")):
                user = os.path.join(cwd, source) if source else str(dep_file)
                for d in deps:
                    uses.setdefault(os.path.normpath(os.path.join(cwd, d)), user)
        uses = {p: rel(u) for p, u in uses.items() if not self.is_own(p)}
        self.counts["headers"] = len(uses)
        self.check_files("header", uses)
        self.check_cmake_files()

    def check_cmake_files(self):
        """The CMake files the configuration read (package configs: GTestConfig.cmake,
        pybind11Config.cmake...), from CMakeFiles/Makefile.cmake; CMake's own modules
        (under CMAKE_ROOT) go with cmake, which is checked as a command."""
        makefile = self.build / "CMakeFiles" / "Makefile.cmake"
        cache = self.build / "CMakeCache.txt"
        if not makefile.exists() or not cache.exists():
            return
        m = re.search(r"^CMAKE_ROOT:INTERNAL=(.*)$", cache.read_text(errors="replace"), re.M)
        cmake_root = os.path.realpath(m.group(1)) if m else None
        block = re.search(r"set\(CMAKE_MAKEFILE_DEPENDS(.*?)\)", makefile.read_text(errors="replace"), re.S)
        uses = {}
        for path in re.findall(r'"([^"]+)"', block.group(1) if block else ""):
            path = os.path.normpath(os.path.join(self.build, path))
            if self.is_own(path) or (cmake_root and is_under(os.path.realpath(path), cmake_root)):
                continue
            uses[path] = rel(makefile)
        self.counts["CMake files"] = len(uses)
        self.check_files("CMake file", uses)

    # ------------------------------------------------------------- libraries

    def binaries(self) -> list[Path]:
        found = []
        for sub in ("tools", "benchmarks", "tests", "fuzz"):
            for root, dirs, files in os.walk(self.build / sub):
                dirs[:] = [d for d in dirs if d != "CMakeFiles" and not d.startswith("venv")]
                for f in files:
                    p = Path(root, f)
                    if is_elf(p) and os.access(p, os.X_OK) and not f.endswith((".so", ".o", ".a")):
                        found.append(p)
        found += sorted((self.build / "python" / "oups").glob("_oups*.so"))
        return found

    def check_libraries(self):
        binaries = self.binaries()
        if not binaries:
            die(f"no executables in {self.build}/tools, benchmarks, tests: build them first")
        uses = {}
        missing = []
        for b in binaries:
            rc, out, err = run(["ldd", str(b)])
            for line in out.splitlines():
                line = line.strip()
                m = re.match(r"(\S+) => not found", line)
                if m:
                    missing.append((m.group(1), rel(b)))
                    continue
                m = re.match(r"(?:\S+ => )?(/\S+) \(0x", line)
                if m and not self.is_own(m.group(1)):
                    uses.setdefault(os.path.normpath(m.group(1)), rel(b))
        self.counts["libraries"] = len(uses) + len(missing)
        for name, user in missing:
            self.add_finding("library", f"notfound:{name}", name, user,
                             "not found by the dynamic linker")
        self.check_files("library", uses)

    # -------------------------------------------------------------- commands

    def check_commands(self):
        scripts = sorted({p for g in SHELL_GLOBS for p in REPO.glob(g) if p.is_file()})
        venv_bin = os.path.realpath(self.venv.dir / "bin")
        search_path = os.pathsep.join(
            d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and os.path.realpath(d) != venv_bin)
        uses = collections.OrderedDict()  # command -> "script:line" of its uses
        for script in scripts:
            for name, line in script_commands(script.read_text(errors="replace")):
                locs = uses.setdefault(name, [])
                if f"{rel(script)}:{line}" not in locs:
                    locs.append(f"{rel(script)}:{line}")
        uses = {name: places(locs) for name, locs in uses.items()}

        def debian_paths(name):
            return [os.path.join(d, name) for d in DEBIAN_BIN_DIRS
                    if os.path.exists(os.path.join(d, name))]

        candidates = {}
        for name in uses:
            if name.startswith("/"):
                candidates[name] = [name]  # the script needs exactly this file
            else:
                found = shutil.which(name, path=search_path)
                candidates[name] = list(dict.fromkeys(([found] if found else []) + debian_paths(name)))
        # The build's own tools (compiler, make, ar, cmake...): the paths this machine's
        # configuration found, or the Debian command of the same name.
        for path, user in self.build_tools().items():
            if path not in uses:
                uses[path] = user
                candidates[path] = list(dict.fromkeys([path] + debian_paths(os.path.basename(path))))
        self.counts["commands"] = len(uses)
        self.dpkg.prefetch(p for c in candidates.values() for p in c)
        for name, user in uses.items():
            paths = candidates[name]
            if not paths:
                self.add_finding("command", f"cmd:{name}", name, user,
                                 "not found on this machine (PATH, /usr/bin, /bin, /usr/sbin, /sbin)")
                continue
            owned_bad, unowned = [], []
            for p in paths:
                if not os.path.exists(p):
                    unowned.append((p, "not found on this machine"))
                    continue
                own, target = self.dpkg.owners(p)
                if not own and not target:
                    unowned.append((p, "no Debian package owns it"))
                    continue
                bad = [b for b in (self.package_verdict(o) for o in (own, target) if o) if b]
                if not bad:
                    break  # a declared package provides it
                owned_bad.append((p, bad[0]))
            else:
                # Name the Debian package when one has it (undeclared), else the path.
                p, why = (owned_bad + unowned)[0]
                shown = name if p == name else f"{name} ({p})"
                self.add_finding("command", f"cmd:{name}", shown, user, why)

    def build_tools(self) -> dict[str, str]:
        """The programs the build runs: the compilers of compile_commands.json and
        the make program, archiver, linker, cmake and ctest of CMakeCache.txt."""
        tools = {}
        cache = self.build / "CMakeCache.txt"
        if cache.exists():
            for line in cache.read_text(errors="replace").splitlines():
                m = re.match(r"(CMAKE_(?:C|CXX)_COMPILER|CMAKE_MAKE_PROGRAM|CMAKE_AR|CMAKE_RANLIB"
                             r"|CMAKE_LINKER|CMAKE_CXX_COMPILER_(?:AR|RANLIB)|CMAKE_COMMAND"
                             r"|CMAKE_CTEST_COMMAND|PKG_CONFIG_EXECUTABLE):[A-Z]+=(/.+)$", line)
                if m and not m.group(2).endswith("-NOTFOUND"):
                    tools.setdefault(m.group(2), f"{rel(cache)} ({m.group(1)})")
        commands = self.build / "compile_commands.json"
        if commands.exists():
            for entry in json.loads(commands.read_text()):
                args = entry.get("arguments") or entry.get("command", "").split()
                if args and args[0].startswith("/"):
                    tools.setdefault(args[0], rel(commands))
        return tools

    # ---------------------------------------------------------------- python

    def check_python(self):
        files = sorted({p for g in PYTHON_GLOBS for p in REPO.glob(g)
                        if p.is_file() and ".venv" not in p.parts})
        stdlib = set(self.venv.info["stdlib"])
        providers = self.venv.info["packages"]
        uses = collections.OrderedDict()  # module -> "file:line" of its imports
        for f in files:
            try:
                tree = ast.parse(f.read_text(), str(f))
            except SyntaxError as e:
                self.add_finding("python file", f"syntax:{f}", rel(f), rel(f), f"cannot be parsed: {e}")
                continue
            for name, line in required_imports(tree):
                if name in stdlib or name in PROJECT_MODULES or is_local_module(name, f):
                    continue
                uses.setdefault(name, []).append(f"{rel(f)}:{line}")
        uses = {name: places(locs) for name, locs in uses.items()}
        self.counts["python modules"] = len(uses)
        for name, user in uses.items():
            dists = providers.get(name, [])
            if not dists:
                self.add_finding("python module", f"mod:{name}", name, user,
                                 "provided by no distribution installed in the venv; "
                                 f"add its distribution to {rel(self.lock_path)}")
            elif not any(canonical_dist(d) in self.lock for d in dists):
                self.add_finding("python module", f"mod:{name}", name, user,
                                 f"provided by the distribution {' or '.join(dists)}, "
                                 f"which is not in {rel(self.lock_path)}")

    # ---------------------------------------------------------------- report

    def report(self) -> int:
        self.explain()
        n = 0
        for kind, groups in self.findings.items():
            for f in groups.values():
                n += 1
                more = len(f["things"]) - 1
                extra = f" (and {more} more {kind}s of the same origin)" if more > 0 else ""
                print(f"check-deps: {kind} {f['thing']}{extra}, needed by {f['needed_by'][0]}: {f['why']}")
                if self.args.verbose and more > 0:
                    for thing, user in zip(f["things"][1:], f["needed_by"][1:]):
                        print(f"    {thing} (needed by {user})")
        counts = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        if n:
            print(f"check-deps: {n} finding{'s' * (n != 1)} ({counts} checked); "
                  f"apt list: {' '.join(self.listed)}")
            return 1
        print(f"check-deps: {counts}: all provided by the apt list / lock file")
        return 0


def places(locs: list[str]) -> str:
    """The first places of a list, for messages."""
    more = f" and {len(locs) - 3} more" if len(locs) > 3 else ""
    return ", ".join(locs[:3]) + more


def is_elf(path: Path) -> bool:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


# ------------------------------------------------- compiler dependency files


def parse_make_deps(text: str):
    """Yields (first prerequisite or None, [prerequisites]) per rule of a Make-style
    dependency file (gcc -MD output, CMake's compiler_depend.make). Rules with no
    prerequisites ("header.h:", written so that a deleted header is no error) name
    a dependency themselves."""
    text = text.replace("\\\n", " ")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.search(r"(?<!\\):(?:\s|$)", line)
        if not m:
            continue
        targets = split_make_words(line[: m.start()])
        prereqs = split_make_words(line[m.end():])
        if prereqs:
            yield prereqs[0], prereqs
        else:
            yield None, targets


def split_make_words(s: str) -> list[str]:
    return [w.replace("\\ ", " ").replace("$$", "$").replace("\\#", "#")
            for w in re.split(r"(?<!\\)\s+", s.strip()) if w]


# ------------------------------------------------------------- shell parsing


class ShellScanner:
    """A small Bash reader: finds the words in command position of a script.

    Handles quotes, comments, line continuations, $( ) and backquotes (read
    recursively), $(( )), ${ }, here-documents (skipped), redirections, case
    patterns, [[ ]] and (( )), for/select word lists, function definitions,
    wrappers (exec, env, sudo, command but not command -v) and functions that run
    their arguments ("$@"), and the command string of `trap`."""

    def __init__(self):
        self.commands = []  # (word, line, expanded) in command position
        self.functions = set()
        self.arg_runners = {}  # functions whose body runs "$@" -> their `shift` count

    # ---- tokens: ("w", value, line, expanded) words, ("op", text, line) operators,
    # ("redir", text, line) redirections, ("arith", "", line) for (( )).

    def tokenize(self, text: str, line: int):
        toks = []
        i, n = 0, len(text)
        word, expanded, started, wline = [], False, False, line
        quoted = False
        heredocs = []  # pending (delimiter, strip tabs)
        want_delim = None

        def flush():
            nonlocal word, expanded, started, want_delim, quoted
            if started:
                value = "".join(word)
                if want_delim is not None:
                    heredocs.append((value, want_delim))
                    want_delim = None
                toks.append(("w", value, wline, expanded, quoted))
            word, expanded, started, quoted = [], False, False, False

        def begin():
            nonlocal started, wline
            if not started:
                started, wline = True, line

        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n:
                if text[i + 1] == "\n":
                    i += 2
                    line += 1
                    continue
                begin()
                word.append(text[i + 1])
                i += 2
                continue
            if c in " \t":
                flush()
                i += 1
                continue
            if c == "\n":
                flush()
                toks.append(("op", "\n", line))
                i += 1
                line += 1
                for delim, strip_tabs in heredocs:  # skip here-document bodies
                    while i < n:
                        end = text.find("\n", i)
                        end = n if end < 0 else end
                        body_line = text[i:end]
                        i = end + 1
                        line += 1
                        if (body_line.lstrip("\t") if strip_tabs else body_line) == delim:
                            break
                heredocs = []
                continue
            if c == "#" and not started:
                end = text.find("\n", i)
                i = n if end < 0 else end
                continue
            if c == "'":
                begin()
                quoted = True
                end = text.find("'", i + 1)
                end = n if end < 0 else end
                word.append(text[i + 1 : end])
                line += text.count("\n", i, end)
                i = end + 1
                continue
            if c == '"':
                begin()
                quoted = True
                i += 1
                while i < n and text[i] != '"':
                    if text[i] == "\\" and i + 1 < n:
                        word.append(text[i + 1])
                        line += text[i + 1] == "\n"
                        i += 2
                    elif text[i] in "$`":
                        i, line, exp = self.expansion(text, i, line, word)
                        expanded |= exp
                    else:
                        line += text[i] == "\n"
                        word.append(text[i])
                        i += 1
                i += 1
                continue
            if c in "$`":
                begin()
                i, line, exp = self.expansion(text, i, line, word)
                expanded |= exp
                continue
            if c in "<>" or (c == "&" and text[i + 1 : i + 2] == ">"):
                fd = "".join(word) if started and "".join(word).isdigit() else None
                if fd is not None:
                    word, started = [], False
                flush()
                if text[i + 1 : i + 2] == "(" and c in "<>":  # process substitution
                    end = matching_paren(text, i + 2)
                    self.scan(text[i + 2 : end], line)
                    line += text.count("\n", i, end)
                    toks.append(("w", "<(...)", line, True, False))
                    i = end + 1
                    continue
                m = re.match(r"<<<|<<-|<<|<&|<>|<|>>|>&|>\||>|&>>|&>", text[i:])
                op = m.group(0)
                i += len(op)
                if op in ("<<", "<<-"):
                    want_delim = op == "<<-"
                toks.append(("redir", op, line))
                continue
            if c in ";&|":
                flush()
                m = re.match(r";;&|;;|;&|;|&&|&|\|\||\|&|\|", text[i:])
                toks.append(("op", m.group(0), line))
                i += len(m.group(0))
                continue
            if c == "(":
                if started and "".join(word).endswith("="):  # array assignment
                    end = matching_paren(text, i + 1)
                    word.append(text[i : end + 1])
                    self.tokenize(text[i + 1 : end], line)  # scans its $( )
                    line += text.count("\n", i, end)
                    i = end + 1
                    continue
                flush()
                if text[i + 1 : i + 2] == "(":
                    end = matching_paren(text, i + 1)  # (( arithmetic ))
                    toks.append(("arith", "", line))
                    line += text.count("\n", i, end)
                    i = end + 1
                    continue
                toks.append(("op", "(", line))
                i += 1
                continue
            if c == ")":
                flush()
                toks.append(("op", ")", line))
                i += 1
                continue
            begin()
            word.append(c)
            i += 1
        flush()
        toks.append(("op", "\n", line))
        return toks

    def expansion(self, text, i, line, word):
        """Reads the expansion at text[i] ($x, ${..}, $(..), $((..)), `..`), scanning
        command substitutions for commands. Returns (next index, line, expanded)."""
        n = len(text)
        if text[i] == "`":
            end = i + 1
            while end < n and text[end] != "`":
                end += 2 if text[end] == "\\" else 1
            self.scan(text[i + 1 : end].replace("\\`", "`"), line)
            word.append("`...`")
            return end + 1, line + text.count("\n", i, end), True
        nxt = text[i + 1 : i + 2]
        if text[i + 1 : i + 3] == "((":
            end = matching_paren(text, i + 2)
            word.append("$((...))")
            return end + 1, line + text.count("\n", i, end), True
        if nxt == "(":
            end = matching_paren(text, i + 2)
            self.scan(text[i + 2 : end], line)
            word.append("$(...)")
            return end + 1, line + text.count("\n", i, end), True
        if nxt == "{":
            depth, j = 1, i + 2
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            word.append(text[i:j])
            return j, line + text.count("\n", i, j), True
        if nxt == "'":  # $'...'
            end = i + 2
            while end < n and text[end] != "'":
                end += 2 if text[end] == "\\" else 1
            word.append(text[i + 2 : end])
            return end + 1, line + text.count("\n", i, end), False
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]", text[i + 1 :])
        if m:
            word.append("$" + m.group(0))
            return i + 1 + len(m.group(0)), line, True
        word.append("$")
        return i + 1, line, False

    # ---- commands

    def scan(self, text: str, line: int = 1):
        toks = self.tokenize(text, line)
        expect = True  # the next word is in command position
        skip = None  # "[[" or "for": words skipped up to "]]" / the end of the list
        case_stack, in_pattern, case_state = [], False, None
        redirect_target = False
        func_next = False  # after "function"
        pending_func = None  # a function defined, its "{" not seen yet
        braces = []  # per "{": the function it opens, or None
        cmd = None  # the current simple command: [word, line, expanded, args]
        simple = []
        i = 0
        while i < len(toks):
            t = toks[i]
            kind, val = t[0], t[1]
            i += 1
            if skip == "[[":
                if kind == "w" and val == "]]":
                    skip, expect = None, False
                continue
            if skip == "for":
                if kind == "op" and val in (";", "\n"):
                    skip, expect = None, True
                continue
            if case_state == "subject":
                if kind == "w":
                    case_state = "in"
                continue
            if case_state == "in":
                if kind == "w" and val == "in":
                    case_state, in_pattern = None, True
                continue
            if in_pattern:
                if kind == "w" and val == "esac":
                    case_stack.pop()
                    in_pattern, expect = False, False
                elif kind == "op" and val == ")":
                    in_pattern, expect = False, True
                continue
            if kind == "redir":
                redirect_target = True
                continue
            if kind == "w" and redirect_target:
                redirect_target = False
                continue
            if kind == "arith":
                expect = False
                continue
            if kind == "op":
                cmd = None
                if val in (";;", ";&", ";;&"):
                    if case_stack:
                        in_pattern = True
                    expect = False
                elif val == ")":
                    expect = False
                else:
                    expect = True
                continue
            # a word
            value, wline, exp, quoted = t[1], t[2], t[3], t[4]
            if func_next:
                self.functions.add(value)
                pending_func, func_next, expect = value, False, True
                continue
            if not expect:
                if cmd is not None:
                    cmd[3].append((value, exp))
                continue
            if re.match(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=", value):
                continue  # an assignment before the command
            if not exp and value in SHELL_KEYWORDS:
                if value == "[[":
                    skip = "[["
                elif value in ("for", "select"):
                    skip = "for"
                elif value == "case":
                    case_stack.append(True)
                    case_state = "subject"
                elif value == "function":
                    func_next = True
                elif value == "{":
                    braces.append(pending_func)
                    pending_func = None
                elif value == "}":
                    if braces:
                        braces.pop()
                    expect = False
                elif value in ("fi", "done", "esac"):
                    if value == "esac" and case_stack:
                        case_stack.pop()
                    expect = False
                continue
            # name() { ... }
            if (not exp and i + 1 < len(toks) and toks[i][:2] == ("op", "(")
                    and toks[i + 1][:2] == ("op", ")")):
                self.functions.add(value)
                pending_func = value
                i += 2
                continue
            # An unquoted lone variable ($SUDO apt-get ...) may expand to nothing:
            # then the next word is the command.
            if exp and not quoted and re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", value):
                cmd = None
                continue
            func = next((f for f in reversed(braces) if f), None)
            cmd = [value, wline, exp, [], func]
            simple.append(cmd)
            expect = False
        # Functions that run their arguments after `shift N`: quiet LOG cmake ...
        shifts = collections.Counter()
        for name, _, exp, args, func in simple:
            if func and name == "shift":
                shifts[func] += int(args[0][0]) if args and args[0][0].isdigit() else 1
        for name, _, exp, args, func in simple:
            if func and exp and name in ("$@", "$*"):
                self.arg_runners[func] = shifts[func]
        for name, wline, exp, args, _ in simple:
            self.commands.append((name, wline, exp))
            self.follow(name, wline, exp, args)

    def follow(self, name, line, exp, args):
        """Commands that a simple command runs through its arguments."""
        if exp:
            return
        if name in COMMAND_WRAPPERS:
            for value, aexp in args:
                if value in ("-v", "-V") and name == "command":
                    return
                if value.startswith("-") or re.match(r"[A-Za-z_][A-Za-z0-9_]*=", value):
                    continue
                self.commands.append((value, line, aexp))
                self.follow(value, line, aexp, args[args.index((value, aexp)) + 1 :])
                return
        elif name == "trap" and args and not args[0][1]:
            self.scan(args[0][0], line)
        elif name in self.arg_runners and len(args) > self.arg_runners[name]:
            value, aexp = args[self.arg_runners[name]]
            self.commands.append((value, line, aexp))
            self.follow(value, line, aexp, args[self.arg_runners[name] + 1 :])


def matching_paren(text: str, i: int) -> int:
    """The index of the ")" closing the "(" just before text[i] (quotes skipped)."""
    depth, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            i = n if end < 0 else end + 1
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


def script_commands(text: str):
    """(command, line) for each external command a Bash script runs: builtins,
    keywords, the script's own functions, expansions ("$CAT") and paths inside the
    repository left out. Absolute paths outside the repository are kept."""
    s = ShellScanner()
    s.scan(text)
    for name, line, exp in sorted(s.commands, key=lambda c: c[1]):
        if exp or not name or name in SHELL_BUILTINS or name in SHELL_KEYWORDS:
            continue
        if name in s.functions:
            continue
        if "/" in name:
            if not name.startswith("/") or is_under(os.path.normpath(name), str(REPO)):
                continue
        yield name, line


# ------------------------------------------------------------ Python imports

IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def required_imports(tree: ast.AST):
    """(top-level module name, line) of each absolute import of the tree, imports
    inside a `try` that catches ImportError (or broader) left out: those are
    optional. pytest.importorskip("x") counts as needing x (a test skipped for
    want of a module is a gap that CI would not show)."""
    found = []

    def catches_import_error(handler):
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return any(getattr(t, "id", getattr(t, "attr", None)) in IMPORT_ERRORS for t in types)

    def visit(node, optional):
        if isinstance(node, ast.Import):
            if not optional:
                found.extend((a.name.split(".")[0], node.lineno) for a in node.names)
            return
        if isinstance(node, ast.ImportFrom):
            if not optional and node.level == 0 and node.module:
                found.append((node.module.split(".")[0], node.lineno))
            return
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "importorskip"
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.append((node.args[0].value.split(".")[0], node.lineno))
        try_types = (ast.Try, getattr(ast, "TryStar", ast.Try))
        if isinstance(node, try_types):
            guarded = optional or any(catches_import_error(h) for h in node.handlers)
            for child in node.body:
                visit(child, guarded)
            for child in node.handlers + node.orelse + node.finalbody:
                visit(child, optional)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, optional)

    visit(tree, False)
    return found


def is_local_module(name: str, importer: Path) -> bool:
    """A module file (or package) of the importer's own directory or of a directory
    above it in the repository: pytest puts conftest directories on sys.path, and
    scripts put their parent directories there (interop/python/*.py import
    interop/lib.py)."""
    d = importer.parent
    while True:
        if (d / f"{name}.py").exists() or (d / name / "__init__.py").exists():
            return True
        if d == REPO or d == d.parent:
            return False
        d = d.parent


# ----------------------------------------------------------------------- main

CHECKS = ("headers", "libraries", "commands", "python")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(REPO / "build"),
                    help="build directory to read (default: build)")
    ap.add_argument("--apt-list", default=None,
                    help="comma-separated apt packages, instead of scripts/install-deps.sh's list")
    ap.add_argument("--lock", default=str(REPO / "requirements" / "lock.txt"),
                    help="pip lock file (default: requirements/lock.txt)")
    ap.add_argument("--venv", default=os.environ.get("OUPS_VENV", str(REPO / ".venv")),
                    help="the project venv (default: $OUPS_VENV or .venv)")
    ap.add_argument("--only", default=",".join(CHECKS),
                    help=f"comma-separated checks to run (default: all of {','.join(CHECKS)})")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every file of each finding")
    args = ap.parse_args(argv)
    only = [c for c in args.only.split(",") if c]
    unknown = set(only) - set(CHECKS)
    if unknown:
        ap.error(f"unknown checks: {', '.join(sorted(unknown))}")
    if not Path(args.build).is_dir() and {"headers", "libraries"} & set(only):
        die(f"no build directory {args.build}")
    start = time.monotonic()
    checker = Checker(args)
    for c in CHECKS:
        if c in only:
            getattr(checker, f"check_{c}")()
    rc = checker.report()
    if args.verbose:
        print(f"check-deps: {time.monotonic() - start:.1f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
