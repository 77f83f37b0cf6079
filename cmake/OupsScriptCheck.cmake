# Helpers of the ctest driver scripts run with `cmake -P` (OupsCheckExample.cmake,
# OupsDemoTest.cmake).

# run(<what> <command> [args...]): runs the command; fails the script with its
# output when it exits non-zero; sets run_output to its standard output.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()
