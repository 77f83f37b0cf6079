# ctest oups_demo_small (cmake -P): runs the demo end to end on its small size
# (oups-demo --small: 3 instruments x 21 days of one-minute bars, 7 replayed
# days, iter_intersections over 10 days) in OUPS_DEMO_DIR and checks that its
# own verifications ran; then, when OUPS_CLI names the built `oups` tool,
# checks `oups ls` and `oups info` (their --json output) on the store it made.
foreach(v OUPS_DEMO OUPS_DEMO_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "OupsDemoTest.cmake: -D${v}=... is required")
  endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/OupsScriptCheck.cmake)

function(expect_contains what text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected '${needle}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE ${OUPS_DEMO_DIR})
run("oups-demo --small" ${OUPS_DEMO} --small --dir ${OUPS_DEMO_DIR})
message(STATUS "${run_output}")
set(demo_output "${run_output}")
expect_contains("oups-demo" "${demo_output}" "every dataset equals the generated bars")
expect_contains("oups-demo" "${demo_output}" "streamed rows equal a direct range read")
expect_contains("oups-demo" "${demo_output}" "3 datasets (BTCUSD-2025/1min, ETHUSD-2025/1min, SOLUSD-2025/1min)")
# A second run over the first one's store starts afresh.
run("oups-demo --small (again)" ${OUPS_DEMO} --small --dir ${OUPS_DEMO_DIR})
expect_contains("oups-demo (again)" "${run_output}" "removed 3 datasets of a previous run")
expect_contains("oups-demo (again)" "${run_output}" "every dataset equals the generated bars")

if(NOT OUPS_CLI)
  message(STATUS "no oups CLI target: oups ls / oups info not checked")
  return()
endif()
set(bars_per_dataset 30240)  # 21 days x 1440 minutes

run("oups ls" ${OUPS_CLI} ls ${OUPS_DEMO_DIR} --json)
message(STATUS "oups ls --json: ${run_output}")
string(JSON n LENGTH "${run_output}" datasets)
if(NOT n EQUAL 3)
  message(FATAL_ERROR "oups ls: ${n} datasets listed, 3 expected:\n${run_output}")
endif()
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON rows GET "${run_output}" datasets ${i} rows)
  string(JSON on GET "${run_output}" datasets ${i} ordered_on)
  if(NOT rows EQUAL bars_per_dataset OR NOT on STREQUAL "ts")
    message(FATAL_ERROR "oups ls: dataset ${i} has ${rows} rows ordered on '${on}', "
                        "${bars_per_dataset} rows on 'ts' expected:\n${run_output}")
  endif()
endforeach()
run("oups ls" ${OUPS_CLI} ls ${OUPS_DEMO_DIR})
expect_contains("oups ls" "${run_output}" "BTCUSD-2025/1min")

run("oups info" ${OUPS_CLI} info ${OUPS_DEMO_DIR}/BTCUSD-2025/1min --json)
message(STATUS "oups info --json: ${run_output}")
string(JSON rows GET "${run_output}" rows)
string(JSON source GET "${run_output}" key_value_metadata source)
string(JSON n_rg LENGTH "${run_output}" row_groups)
string(JSON n_rg_reported GET "${run_output}" num_row_groups)
if(NOT rows EQUAL bars_per_dataset OR NOT source STREQUAL "oups-demo random walk"
   OR NOT n_rg EQUAL n_rg_reported OR n_rg LESS 3)
  message(FATAL_ERROR "oups info: rows ${rows}, source '${source}', ${n_rg} row groups "
                      "(num_row_groups ${n_rg_reported}); expected ${bars_per_dataset} rows, "
                      "'oups-demo random walk', >= 3 weekly row groups:\n${run_output}")
endif()
run("oups info" ${OUPS_CLI} info ${OUPS_DEMO_DIR}/BTCUSD-2025/1min)
expect_contains("oups info" "${run_output}" "close")
