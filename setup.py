"""pip packaging of the Python package oups (python/oups + the pybind11 module).

    python3 -m venv --system-site-packages /tmp/venv-oups
    /tmp/venv-oups/bin/pip install --no-build-isolation .

No network and no PyPI: the build uses Debian's setuptools, wheel, pybind11 (CMake
config) and the interpreter's headers. The extension oups._oups is built by CMake
(configure + `--target _oups` only: no tests, benchmarks or CLI) in
build-pip/temp*/cmake (kept between installs, so a re-install is incremental) and
copied into the wheel next to python/oups/*.py. OUPS_JOBS sets the build parallelism
(default 2).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent
BUILD_BASE = "build-pip"  # /build*/ is git-ignored; keeps ./build (CMake's) untouched


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(oups VERSION ([0-9][0-9.]*)", text).group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        target = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        cmake_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
        cmake_dir.mkdir(parents=True, exist_ok=True)
        jobs = os.environ.get("OUPS_JOBS", "2")
        subprocess.check_call([
            "cmake", "-S", str(ROOT), "-B", str(cmake_dir), "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython3_EXECUTABLE={sys.executable}", "-DOUPS_BUILD_PYTHON=ON",
            "-DOUPS_BUILD_TESTS=OFF", "-DOUPS_BUILD_BENCHMARKS=OFF", "-DOUPS_BUILD_CLI=OFF"])
        subprocess.check_call(["cmake", "--build", str(cmake_dir), "--target", "_oups",
                               "-j", jobs])
        built = sorted((cmake_dir / "python" / "oups").glob("_oups*.so"))
        if not built:
            raise RuntimeError(f"the CMake build produced no _oups module in {cmake_dir}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="oups",
    version=project_version(),
    description="Collections of ordered (time-series) Parquet datasets, C++ core, pandas API",
    packages=["oups"],
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("oups._oups")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=[],  # numpy and pandas: from the system (Debian python3-pandas)
    zip_safe=False,
    options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
)
