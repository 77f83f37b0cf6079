# ctest cpp_example_find_package (cmake -P): installs the build tree
# OUPS_BUILD_DIR into OUPS_PREFIX, configures and builds examples/cpp
# (OUPS_EXAMPLE_SOURCE) in OUPS_EXAMPLE_BUILD with CMAKE_PREFIX_PATH set to the
# prefix only, runs the quick start on a fresh directory and checks its output:
# the rows from 2023-01-02 on, as CSV; then, when the `oups` tool is built, that
# the installed one lists the quick start's dataset.
foreach(v OUPS_BUILD_DIR OUPS_PREFIX OUPS_EXAMPLE_SOURCE OUPS_EXAMPLE_BUILD)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "OupsCheckExample.cmake: -D${v}=... is required")
  endif()
endforeach()
if(NOT OUPS_BUILD_TYPE)
  set(OUPS_BUILD_TYPE Release)
endif()

include(${CMAKE_CURRENT_LIST_DIR}/OupsScriptCheck.cmake)

file(REMOVE_RECURSE ${OUPS_PREFIX} ${OUPS_EXAMPLE_BUILD})
run("install" ${CMAKE_COMMAND} --install ${OUPS_BUILD_DIR} --prefix ${OUPS_PREFIX})
foreach(f include/oups/oups.h lib/cmake/oups/oupsConfig.cmake
          lib/cmake/oups/oupsConfigVersion.cmake lib/pkgconfig/oups.pc)
  if(NOT EXISTS ${OUPS_PREFIX}/${f})
    message(FATAL_ERROR "install did not create ${OUPS_PREFIX}/${f}")
  endif()
endforeach()

run("configure examples/cpp" ${CMAKE_COMMAND} -S ${OUPS_EXAMPLE_SOURCE} -B ${OUPS_EXAMPLE_BUILD}
    -DCMAKE_BUILD_TYPE=${OUPS_BUILD_TYPE} -DCMAKE_PREFIX_PATH=${OUPS_PREFIX}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run("build examples/cpp" ${CMAKE_COMMAND} --build ${OUPS_EXAMPLE_BUILD})

set(data ${OUPS_EXAMPLE_BUILD}/data)
run("quickstart" ${OUPS_EXAMPLE_BUILD}/quickstart ${data})
set(expected "timestamp,temperature\n2023-01-02 00:00:00,21.0\n2023-01-03 00:00:00,22.0\n")
if(NOT run_output STREQUAL expected)
  message(FATAL_ERROR "quickstart printed:\n${run_output}\nexpected:\n${expected}")
endif()
if(NOT EXISTS ${data}/berlin-2023_opdmd OR NOT EXISTS ${data}/berlin-2023/file_00000000.parquet)
  message(FATAL_ERROR "quickstart did not write the dataset berlin-2023 under ${data}")
endif()
# The command-line tool is installed with the library when it is built.
if(EXISTS ${OUPS_BUILD_DIR}/tools/oups)
  if(NOT EXISTS ${OUPS_PREFIX}/bin/oups)
    message(FATAL_ERROR "install did not create ${OUPS_PREFIX}/bin/oups")
  endif()
  run("installed oups ls" ${OUPS_PREFIX}/bin/oups ls ${data})
  string(FIND "${run_output}" "berlin-2023" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the installed 'oups ls ${data}' does not list berlin-2023:\n${run_output}")
  endif()
endif()
message(STATUS "examples/cpp built against ${OUPS_PREFIX} and printed the expected rows")
