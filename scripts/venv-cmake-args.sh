# Sourced by scripts/demo.sh and scripts/test.sh: sets OUPS_PY (the project venv's
# interpreter, made by scripts/install-deps.sh) and OUPS_VENV_CMAKE_ARGS, the CMake
# options that build the Python module against that interpreter and the venv's
# pybind11 (both pinned in requirements/lock.txt).
OUPS_VENV_DIR="${OUPS_VENV:-.venv}"
OUPS_PY="$(cd "$OUPS_VENV_DIR" 2>/dev/null && pwd)/bin/python"
if [[ ! -x "$OUPS_PY" ]]; then
  echo "no Python venv in $OUPS_VENV_DIR: run bash scripts/install-deps.sh first" >&2
  exit 2
fi
OUPS_VENV_CMAKE_ARGS=(
  "-DPython3_EXECUTABLE=$OUPS_PY"
  "-Dpybind11_DIR=$("$OUPS_PY" -m pybind11 --cmakedir)"
)
