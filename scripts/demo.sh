#!/usr/bin/env bash
# The main job: builds oups (Release, everything: library, tools, tests,
# benchmarks, Python module when enabled), then runs the demo
# (build/tools/oups-demo) on a fresh ./demo-store: a year of one-minute bars
# for six instruments, bulk-loaded, then 30 daily appends with late and
# duplicated bars, an iter_intersections over all of them, each step checked
# and timed; finally `oups ls` and `oups info` on the store.
#
#   bash scripts/demo.sh [DEMO ARGS...]   (after bash scripts/install-deps.sh)
#
# DEMO ARGS go to oups-demo (see build/tools/oups-demo --help), e.g. --small.
# The build log goes to build/logs/demo-build.log, printed only on failure.
# OUPS_JOBS sets the build parallelism (default 2), OUPS_BUILD_DIR the build
# directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${OUPS_JOBS:-2}"
B="${OUPS_BUILD_DIR:-build}"
STORE=demo-store
LOG="$B/logs/demo-build.log"

mkdir -p "$B/logs"
: >"$LOG"
build_quietly() {
  if ! "$@" >>"$LOG" 2>&1; then
    tail -n 100 "$LOG"
    echo "demo.sh: build failed (full log: $LOG)" >&2
    exit 1
  fi
}

echo "== build (Release, $B/; log in $LOG)"
SECONDS=0
# shellcheck source=scripts/venv-cmake-args.sh
source scripts/venv-cmake-args.sh
build_quietly cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release "${OUPS_VENV_CMAKE_ARGS[@]}"
build_quietly cmake --build "$B" -j "$JOBS"
echo "   built in ${SECONDS} s"

SECONDS=0
rm -rf -- "$STORE"
echo "== $B/tools/oups-demo --dir $STORE $*"
"$B/tools/oups-demo" --dir "$STORE" "$@"

if [[ -x "$B/tools/oups" ]]; then
  # The first dataset, by the CLI's own listing order.
  first="$(cd "$STORE" && find . -name '*_opdmd' | sort | head -n 1 | sed -e 's|^\./||' -e 's|_opdmd$||')"
  echo
  echo "== $B/tools/oups ls $STORE"
  "$B/tools/oups" ls "$STORE"
  echo
  echo "== $B/tools/oups info $STORE/$first"
  # The row-group table has one line per week: show its first lines only.
  info="$("$B/tools/oups" info "$STORE/$first")"
  shown=32
  total="$(printf '%s\n' "$info" | wc -l)"
  printf '%s\n' "$info" | sed -n "1,${shown}p"
  if ((total > shown)); then
    echo "... ($((total - shown)) more lines: $B/tools/oups info $STORE/$first)"
  fi
else
  echo
  echo "(the oups command-line tool is not built yet: no $B/tools/oups; once it is,"
  echo " 'oups ls $STORE' and 'oups info $STORE/<dataset>' show the store)"
fi
echo
echo "demo.sh: demo and inspection took ${SECONDS} s after the build; the store is in ./$STORE"
