# Runs jacobi at several rank counts and checks that every run prints the same checksum line
# (bit-for-bit: the stencil does the same arithmetic whatever the decomposition).
#
#   cmake -DLAUNCH="<launcher>;-n" [-DAFTER_N="--timeout;120"] -DPROG=<jacobi>
#         [-DNPS="1;2;3;4;7;16"] [-DARGS="--nonblocking"] -P jacobi_check.cmake
#   cmake -DMPPRUN=<mpprun> -DPROG=<jacobi> [-DNPS=1,2,3] -P jacobi_check.cmake
#
# LAUNCH is the launcher command up to its rank-count option; the count follows it, then AFTER_N,
# then PROG and ARGS. E.g. with Open MPI: -DLAUNCH="mpirun.openmpi;--oversubscribe;-np".
if(DEFINED MPPRUN)
  set(LAUNCH ${MPPRUN} -n)
  set(AFTER_N --timeout 120)
endif()
if(NOT DEFINED LAUNCH OR NOT DEFINED PROG)
  message(FATAL_ERROR "usage: cmake -DLAUNCH=<launcher;-n> -DPROG=<jacobi> [-DNPS=...] -P jacobi_check.cmake")
endif()
if(NOT DEFINED NPS)
  set(NPS 1 2 3 4 7 16)
endif()
string(REPLACE "," ";" NPS "${NPS}")

set(reference "")
foreach(np IN LISTS NPS)
  execute_process(COMMAND ${LAUNCH} ${np} ${AFTER_N} ${PROG} ${ARGS}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 170)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "jacobi at ${np} ranks failed (exit ${rc}):\n${out}\n${err}")
  endif()
  string(REGEX MATCH "checksum: [^\n]*" line "${out}")
  if(line STREQUAL "")
    message(FATAL_ERROR "jacobi at ${np} ranks printed no checksum line:\n${out}\n${err}")
  endif()
  message(STATUS "np ${np}: ${line}")
  if(reference STREQUAL "")
    set(reference "${line}")
    set(reference_np ${np})
  elseif(NOT line STREQUAL reference)
    message(FATAL_ERROR "jacobi checksum differs: ${np} ranks gave\n  ${line}\nbut ${reference_np} ranks gave\n  ${reference}")
  endif()
endforeach()
message(STATUS "jacobi: identical checksum at ranks ${NPS}")
