#!/bin/bash
# Launcher behaviour tests: launcher_test.sh CASE
# Needs MPPRUN, LT_HELPER and LT_BOOT (paths to mpprun and the helper programs) in the environment.
# Checks exit codes, the one-line failure report, forwarded output and leftover processes; no
# timing assertions.
set -u
CASE=$1
: "${MPPRUN:?}" "${LT_HELPER:?}" "${LT_BOOT:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lt.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/out ERR=$TMP/err
export LT_PIDDIR=$TMP/pids
mkdir -p "$LT_PIDDIR"

die() {
    echo "FAIL [$CASE]: $*" >&2
    echo "--- stdout (head):" >&2; head -c 3000 "$OUT" >&2 2>/dev/null
    echo "--- stderr (head):" >&2; head -c 3000 "$ERR" >&2 2>/dev/null
    exit 1
}
# run ARGS...: runs mpprun with stdin from /dev/null (unless LT_STDIN is set); sets RC
run() {
    "$MPPRUN" "$@" <"${LT_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
    RC=$?
}
expect_rc() { [ "$RC" -eq "$1" ] || die "exit code $RC, expected $1"; }
expect_err() { grep -Eq -- "$1" "$ERR" || die "stderr does not match /$1/"; }
expect_out() { grep -Eq -- "$1" "$OUT" || die "stdout does not match /$1/"; }
# exactly one report line from mpprun itself
expect_one_report() {
    local n
    n=$(grep -c '^mpprun: ' "$ERR")
    [ "$n" -eq 1 ] || die "$n 'mpprun:' lines on stderr, expected 1"
}
# every rank that wrote a pid file must be gone
expect_no_leftovers() {
    local f pid
    for f in "$LT_PIDDIR"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
            die "rank process $pid ($f) is still alive"
        fi
    done
}
# waits (bounded) until N pid files exist
wait_pids() {
    local i
    for i in $(seq 1 200); do
        [ "$(ls "$LT_PIDDIR" | wc -l)" -ge "$1" ] && return 0
        sleep 0.05
    done
    die "ranks did not start"
}

case $CASE in
version)
    run --version
    expect_rc 0
    [ "$(cat "$OUT")" = "mpprun (libmsgpass) 0.1.0" ] || die "wrong --version text"
    run --help
    expect_rc 0
    for w in -n --np --hosts --hostfile --launch-agent --bind-to --tag-output --timeout --version \
        MSGPASS_LOG MSGPASS_DEBUG MSGPASS_TRANSPORTS MSGPASS_SHM_EAGER_MAX MSGPASS_SHM_RING_SIZE; do
        grep -q -- "$w" "$OUT" || die "--help does not mention $w"
    done
    ;;
usage)
    run -n 0 "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "'-n'"
    run --bogus -n 2 "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "--bogus"
    run --bind-to socket -n 2 "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "socket"
    run --timeout abc -n 2 "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "--timeout"
    run "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "-n"
    run -n 2
    expect_rc 2; expect_err "PROGRAM"
    ;;
notfound)
    run -n 3 "$TMP/no-such-program"
    expect_rc 127; expect_err "no-such-program"
    run -n 3 no-such-program-in-path-xyz
    expect_rc 127; expect_err "no-such-program-in-path-xyz"
    echo 'echo hi' >"$TMP/notexec"
    chmod 644 "$TMP/notexec"
    run -n 3 "$TMP/notexec"
    expect_rc 127; expect_err "notexec.*(not executable|Permission)"
    run -n 3 "$TMP"
    expect_rc 127
    ;;
success)
    run -n 4 "$LT_HELPER" exit 0 0
    expect_rc 0
    [ ! -s "$ERR" ] || die "unexpected stderr"
    run -n 1 true
    expect_rc 0
    ;;
exitcode)
    run -n 3 "$LT_HELPER" exit 7 1
    expect_rc 7; expect_one_report; expect_err "^mpprun: rank 1 .*exited with code 7$"
    ;;
fail_kills_others)
    run -n 4 "$LT_HELPER" fail 3 2
    expect_rc 3; expect_one_report; expect_err "^mpprun: rank 2 .*exited with code 3$"
    expect_no_leftovers
    ;;
fail_stubborn)
    # the others ignore SIGTERM: mpprun must escalate to SIGKILL
    run -n 3 bash -c 'if [ "$MSGPASS_RANK" = 1 ]; then exec "$0" fail 4 1; else exec "$0" sleep stubborn; fi' "$LT_HELPER"
    expect_rc 4; expect_one_report; expect_err "^mpprun: rank 1 .*exited with code 4$"
    expect_no_leftovers
    ;;
signal)
    run -n 4 "$LT_HELPER" signal 11 3
    expect_rc 139; expect_one_report
    expect_err "^mpprun: rank 3 \(pid [0-9]+\) killed by signal 11 \(Segmentation fault\)$"
    expect_no_leftovers
    run -n 2 "$LT_HELPER" signal 9 0
    expect_rc 137; expect_err "^mpprun: rank 0 .*killed by signal 9"
    ;;
lines_tagged)
    N=3000
    run -n 4 --tag-output "$LT_HELPER" lines $N
    expect_rc 0
    for r in 0 1 2 3; do
        c=$(grep -c "^\[$r\] rank=$r line=[0-9]* payload=abcdefghijklmnopqrstuvwxyz0123456789$" "$OUT")
        [ "$c" -eq $N ] || die "rank $r: $c good stdout lines, expected $N"
        # in order, none lost
        grep "^\[$r\] " "$OUT" | sed 's/.*line=\([0-9]*\) .*/\1/' >"$TMP/seq.$r"
        seq 0 $((N - 1)) | cmp -s - "$TMP/seq.$r" || die "rank $r: lines out of order or missing"
        c=$(grep -c "^\[$r\] rank=$r err=[0-9]*$" "$ERR")
        [ "$c" -eq $((N / 10)) ] || die "rank $r: $c stderr lines, expected $((N / 10))"
    done
    [ "$(wc -l <"$OUT")" -eq $((4 * N)) ] || die "extra stdout lines"
    ;;
lines_untagged)
    N=3000
    run -n 3 "$LT_HELPER" lines $N
    expect_rc 0
    bad=$(grep -vc '^rank=[0-2] line=[0-9]* payload=abcdefghijklmnopqrstuvwxyz0123456789$' "$OUT")
    [ "$bad" -eq 0 ] || die "$bad broken stdout lines"
    [ "$(wc -l <"$OUT")" -eq $((3 * N)) ] || die "wrong number of stdout lines"
    ;;
longline)
    L=100000
    run -n 3 --tag-output "$LT_HELPER" longline $L
    expect_rc 0
    [ "$(wc -l <"$OUT")" -eq 3 ] || die "a long line was split or mixed"
    for r in 0 1 2; do
        awk -v r="[$r] " -v L=$L 'index($0, r) == 1 && length($0) == L + length(r) && substr($0, length(r) + 1) !~ /[^x]/ { ok = 1 }
            END { exit !ok }' "$OUT" || die "rank $r: long line damaged"
    done
    ;;
partial)
    run -n 3 --tag-output "$LT_HELPER" partial
    expect_rc 0
    for r in 0 1 2; do expect_out "^\[$r\] partial-$r$"; done
    [ "$(wc -l <"$OUT")" -eq 3 ] || die "partial lines not ended"
    run -n 1 "$LT_HELPER" partial
    [ "$(cat "$OUT")" = "partial-0" ] || die "untagged partial line changed"
    ;;
stdin)
    seq 1 300000 >"$TMP/in"
    want=$("$LT_HELPER" stdin <"$TMP/in" | sed 's/^rank -1 /rank 0 /')
    LT_STDIN=$TMP/in run -n 3 "$LT_HELPER" stdin
    expect_rc 0
    grep -qx "$want" "$OUT" || die "rank 0 did not get stdin ($want)"
    expect_out "^rank 1 read 0 bytes sum 0$"
    expect_out "^rank 2 read 0 bytes sum 0$"
    # stdin from a pipe, EOF propagated
    seq 1 1000 | "$MPPRUN" -n 2 "$LT_HELPER" stdin >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0
    expect_out "^rank 0 read 3893 bytes"
    ;;
env)
    run -n 2 "$LT_HELPER" env
    expect_rc 0
    expect_out "^MSGPASS_SIZE=2$"
    expect_out "^MSGPASS_LOCAL_SIZE=2$"
    expect_out "^MSGPASS_RANK=0$"
    expect_out "^MSGPASS_RANK=1$"
    expect_out "^MSGPASS_BOOT_FD=[0-9]+$"
    expect_out "^MSGPASS_CPUS=[1-9][0-9]*$"
    [ "$(grep '^MSGPASS_JOBID=' "$OUT" | sort -u | wc -l)" -eq 1 ] || die "ranks disagree on the job id"
    grep -Eq '^MSGPASS_JOBID=[A-Za-z0-9._-]+$' "$OUT" || die "job id not file-name safe"
    # stdio plus the bootstrap socket, nothing leaked (fd 9 is open in this shell)
    exec 9<"$TMP/out"
    run -n 2 "$LT_HELPER" env
    exec 9<&-
    [ "$(grep -c '^open_fds=4$' "$OUT")" -eq 2 ] || die "ranks inherited extra descriptors"
    ;;
bind)
    run -n 1 --bind-to core "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 3 --bind-to none "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 64 "$LT_HELPER" exit 0 0 # more ranks than cores: no binding by default
    expect_rc 0
    ;;
boot_kv)
    for n in 1 2 5 16; do
        run -n $n "$LT_BOOT" kv
        expect_rc 0
        c=$(grep -c "^kv ok rank [0-9]* size $n$" "$OUT")
        [ "$c" -eq $n ] || die "$c of $n ranks passed the key-value test"
    done
    ;;
singleton)
    env -u MSGPASS_BOOT_FD "$LT_BOOT" kv >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0
    expect_out "^kv ok rank 0 size 1$"
    ;;
boot_abort)
    run -n 3 "$LT_BOOT" abort 1
    expect_rc 5; expect_one_report
    expect_err "^mpprun: rank 1 \(pid [0-9]+\) aborted the job with code 5: test$"
    expect_no_leftovers
    run -n 2 "$LT_BOOT" abort 0 256
    expect_rc 1; expect_err "rank 0 .*aborted the job with code 256"
    env -u MSGPASS_BOOT_FD "$LT_BOOT" abort 0 6 >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 6; expect_err "code 6: test"
    ;;
boot_nofini)
    run -n 3 "$LT_BOOT" nofini
    expect_rc 1; expect_one_report
    expect_err "^mpprun: rank 2 .*exited without calling MPI_Finalize$"
    ;;
boot_garbage)
    run -n 2 "$LT_BOOT" garbage
    expect_rc 1; expect_one_report
    expect_err "^mpprun: rank 0 .*bootstrap protocol"
    expect_no_leftovers
    ;;
boot_badenv)
    MSGPASS_BOOT_FD=abc "$LT_BOOT" badenv >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0; expect_err "MSGPASS_BOOT_FD"
    MSGPASS_BOOT_FD=0 MSGPASS_SIZE=2 MSGPASS_RANK=5 MSGPASS_JOBID=j "$LT_BOOT" badenv >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0; expect_err "MSGPASS_RANK"
    MSGPASS_BOOT_FD=0 MSGPASS_SIZE=2 MSGPASS_RANK=1 MSGPASS_JOBID='a/b' "$LT_BOOT" badenv >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0; expect_err "MSGPASS_JOBID"
    ;;
timeout)
    run -n 3 --timeout 1 "$LT_HELPER" sleep
    expect_rc 124
    expect_err "^mpprun: job timed out after 1 s$"
    expect_err "rank 2"
    expect_no_leftovers
    ;;
sigterm)
    for mode in normal stubborn; do
        rm -f "$LT_PIDDIR"/*
        "$MPPRUN" -n 3 "$LT_HELPER" sleep $mode </dev/null >"$OUT" 2>"$ERR" &
        mp=$!
        wait_pids 3
        kill -TERM $mp
        wait $mp
        RC=$?
        expect_rc 143
        expect_err "signal 15"
        expect_no_leftovers
    done
    ;;
hosts)
    run -n 2 --hosts localhost:2 "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 2 --hosts "$(hostname):1,127.0.0.1" --launch-agent ssh "$LT_HELPER" exit 0 0
    expect_rc 0
    printf '# test\nlocalhost slots=4\n' >"$TMP/hf"
    run -n 2 --hostfile "$TMP/hf" "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 2 --hosts localhost,elsewhere.invalid "$LT_HELPER" exit 0 0
    [ "$RC" -ne 0 ] || die "a remote host was accepted"
    expect_err "multi-host launch is not supported yet"
    expect_err "elsewhere.invalid"
    printf 'far-away-node slots=2\n' >"$TMP/hf"
    run -n 2 --hostfile "$TMP/hf" "$LT_HELPER" exit 0 0
    [ "$RC" -ne 0 ] || die "a remote host was accepted"
    expect_err "multi-host launch is not supported yet"
    run -n 2 --hostfile "$TMP/missing" "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "missing"
    ;;
shm_cleanup)
    [ -d /dev/shm ] && [ -w /dev/shm ] || { echo "no writable /dev/shm; skipped"; exit 0; }
    run -n 2 bash -c 'touch /dev/shm/msgpass-$MSGPASS_JOBID-$MSGPASS_RANK; echo "$MSGPASS_JOBID"; kill -9 $$'
    expect_rc 137
    jobid=$(head -n 1 "$OUT")
    [ -n "$jobid" ] || die "no job id printed"
    ls /dev/shm | grep -q "^msgpass-$jobid" && die "shm segments left behind"
    ;;
*)
    echo "unknown case $CASE" >&2
    exit 2
    ;;
esac
echo "PASS [$CASE]"
