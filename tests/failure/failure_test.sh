#!/bin/bash
# Failure semantics and the hang report: failure_test.sh CASE
# Needs MPPRUN, FT_PROG (failprog.c) and FT_AGENT (a local launch agent, tests/launcher). Checks
# exit codes, the report lines and that nothing of the job is left: no process carrying its job
# id, no /dev/shm file of it (ours, or libfabric's shm provider's named after a rank's pid). No
# timing assertions: ctest's TIMEOUT catches a job that does not end.
set -u
CASE=$1
: "${MPPRUN:?}" "${FT_PROG:?}" "${FT_AGENT:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ft.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/out ERR=$TMP/err
. "$(dirname "$0")/../launcher/checks.sh"
# a crash must reach mpprun as the signal (under AddressSanitizer its handler would exit 1)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"

run() {
    "$MPPRUN" "$@" </dev/null >"$OUT" 2>"$ERR"
    RC=$?
}
# the job id and rank pids the program printed
job_of() { sed -n 's/^rank [0-9]* pid [0-9]* job \(.*\)$/\1/p' "$OUT" | head -1; }
pids_of() { sed -n 's/^rank [0-9]* pid \([0-9]*\) job .*$/\1/p' "$OUT"; }
# nothing of the job is left (bounded wait: a killed launcher's reaper needs a moment)
expect_no_leftovers() {
    local job pid i left
    job=$(job_of)
    [ -n "$job" ] || die "the program printed no job id"
    for i in $(seq 1 200); do
        left=""
        for p in /proc/[0-9]*; do
            [ "$(cat "$p/stat" 2>/dev/null | sed 's/.*) \(.\).*/\1/')" = Z ] && continue
            tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qx "MSGPASS_JOBID=$job" && left="$left process ${p#/proc/}"
        done
        ls /dev/shm 2>/dev/null | grep -q "^msgpass-$job" && left="$left /dev/shm/msgpass-$job*"
        for pid in $(pids_of); do
            ls /dev/shm 2>/dev/null | grep -q "^$pid:" && left="$left /dev/shm/$pid:*"
        done
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    die "left behind:$left"
}
# the hang report of failprog deadlock on N ranks (N >= 4)
expect_deadlock_report() {
    local n=$1 r
    expect_rc 124
    expect_err "^mpprun: --timeout [0-9.]+ s expired; where each rank is:$"
    expect_err "^mpprun:   ranks 2-$((n - 1)): MPI_Barrier on MPI_COMM_WORLD for [0-9.]+(-[0-9.]+)? s$"
    for r in 0 1; do
        expect_err "^mpprun:   rank $r \(pid [0-9]+ on [^)]+\): MPI_Recv\(source=$((1 - r)), tag=99, count=1 MPI_INT, comm=MPI_COMM_WORLD\) for [0-9.]+ s — no matching send posted; rank $((1 - r)) waits in MPI_Recv\(source=$r, tag=99,"
        expect_err "^mpprun:   rank $r: receive from $((1 - r)), tag 99, 4 bytes, MPI_COMM_WORLD, active, the call waits for it$"
    done
    expect_err "^mpprun: job timed out after [0-9.]+ s$"
    expect_no_leftovers
}
# a rank's failure: exit code, the one report line (after it, the last MPI calls, unprefixed)
expect_failure() {
    local rc=$1 line=$2
    expect_rc "$rc"
    expect_one_report
    expect_err "^mpprun: $line$"
    expect_no_leftovers
}
# the last MPI calls after a failure: the ranks that waited for the failing one show the wait
# (MPI_Recv, or the barrier before it when they were ended before leaving it)
expect_others_waited() {
    expect_err "^  ranks? [0-9,-]+: last MPI call (MPI_Recv|MPI_Barrier)$"
}
# SIGKILL to mpprun once every rank runs: the ranks and the job's files go too
kill_mpprun() {
    local n=$1 i mp
    shift
    "$MPPRUN" -n "$n" "$@" "$FT_PROG" wait </dev/null >"$OUT" 2>"$ERR" &
    mp=$!
    for i in $(seq 1 400); do
        [ "$(pids_of | wc -l)" -ge "$n" ] && break
        sleep 0.05
    done
    [ "$(pids_of | wc -l)" -ge "$n" ] || die "ranks did not start"
    kill -KILL $mp
    wait $mp
    expect_no_leftovers
}

# Time enough for every rank to reach the deadlock on a loaded machine (ofi starts slowly).
T=8
case $CASE in
deadlock)
    run -n 6 --timeout $T "$FT_PROG" deadlock
    expect_deadlock_report 6
    ;;
deadlock_env)
    MSGPASS_HANG_TIMEOUT=$T run -n 4 "$FT_PROG" deadlock
    expect_deadlock_report 4
    ;;
deadlock_tcp)
    MSGPASS_TRANSPORTS=tcp run -n 4 --timeout $T "$FT_PROG" deadlock
    expect_deadlock_report 4
    ;;
deadlock_ofi)
    MSGPASS_TRANSPORTS=ofi MSGPASS_OFI_PROVIDER=shm run -n 4 --timeout $((3 * T)) "$FT_PROG" deadlock
    expect_deadlock_report 4
    ;;
deadlock_remote)
    # ranks 2-5 on "hostA" and "hostB" through proxies: their state comes from the proxies
    run -n 6 --timeout $T --launch-agent "$FT_AGENT" --hosts localhost:2,hostA:2,hostB:2 "$FT_PROG" deadlock
    expect_deadlock_report 6
    ;;
abort)
    run -n 4 "$FT_PROG" abort 2 7
    expect_failure 7 "rank 2 \(pid [0-9]+ on [^)]+\) aborted the job with code 7: MPI_Abort\(MPI_COMM_WORLD, 7\) called by rank 2"
    expect_err "^  rank 2: last MPI call MPI_Abort$"
    expect_others_waited
    run -n 4 --launch-agent "$FT_AGENT" --hosts localhost:1,hostA:3 "$FT_PROG" abort 3 9
    expect_failure 9 "rank 3 \(pid [0-9]+ on hostA\) aborted the job with code 9: .*"
    expect_others_waited
    ;;
exit)
    run -n 4 "$FT_PROG" exit 1 3
    expect_failure 3 "rank 1 \(pid [0-9]+ on [^)]+\) exited with code 3"
    expect_others_waited
    run -n 4 --launch-agent "$FT_AGENT" --hosts localhost:2,hostA:2 "$FT_PROG" exit 3 5
    expect_failure 5 "rank 3 \(pid [0-9]+ on hostA\) exited with code 5"
    expect_others_waited
    ;;
nofini)
    run -n 3 "$FT_PROG" exit 2 0
    expect_failure 1 "rank 2 \(pid [0-9]+ on [^)]+\) exited without calling MPI_Finalize"
    expect_others_waited
    ;;
signal)
    run -n 4 "$FT_PROG" signal 0 11
    expect_failure 139 "rank 0 \(pid [0-9]+ on [^)]+\) killed by signal 11 \(Segmentation fault\)"
    expect_others_waited
    run -n 4 --launch-agent "$FT_AGENT" --hosts localhost:2,hostA:2 "$FT_PROG" signal 2 9
    expect_failure 137 "rank 2 \(pid [0-9]+ on hostA\) killed by signal 9 \(Killed\)"
    ;;
signal_ofi)
    MSGPASS_TRANSPORTS=ofi MSGPASS_OFI_PROVIDER=shm run -n 3 "$FT_PROG" signal 1 11
    expect_failure 139 "rank 1 \(pid [0-9]+ on [^)]+\) killed by signal 11 \(Segmentation fault\)"
    ;;
kill_mpprun)
    kill_mpprun 4
    ;;
kill_mpprun_ofi)
    MSGPASS_TRANSPORTS=ofi MSGPASS_OFI_PROVIDER=shm kill_mpprun 3
    ;;
kill_mpprun_remote)
    kill_mpprun 4 --launch-agent "$FT_AGENT" --hosts localhost:1,hostA:3
    ;;
*)
    die "unknown case"
    ;;
esac
echo "PASS [$CASE]"
