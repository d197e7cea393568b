#!/bin/bash
# Multi-host jobs for real: netns_test.sh CASE
# Builds three "hosts" as network namespaces <P>h0, <P>h1, <P>h2 (10.213.0.1-3/24 on veth pairs
# joined by a bridge in a fourth namespace, each host with its own hostname through unshare
# --uts), runs mpprun in <P>h0 and starts the others through netns-agent.sh, which has ssh's
# calling convention. Only addresses inside these namespaces are used. Everything is removed on
# exit, failed or not. Without root or network namespaces: exit 77 (ctest SKIP), never a pass.
# Needs MPPRUN, LT_HELPER, LT_BOOT, MH_AGENT; the mpi case also MH_HELLO and MH_MPI_DIR.
set -u
CASE=$1
: "${MPPRUN:?}" "${LT_HELPER:?}" "${LT_BOOT:?}" "${MH_AGENT:?}"

skip() {
    echo "SKIP [$CASE]: $*"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null && command -v unshare >/dev/null || skip "needs ip (iproute2) and unshare (util-linux)"

# Namespaces of earlier runs that were killed before their trap could run (a ctest timeout
# kills outright): their creator is gone, so they go now.
for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^mh[0-9]+x'); do
    owner=${ns#mh}
    [ -d "/proc/${owner%%x*}" ] && continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
done

P=mh$$x
H0=${P}h0 H1=${P}h1 H2=${P}h2 SW=${P}sw
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mh.XXXXXX")
OUT=$TMP/out ERR=$TMP/err
export LT_PIDDIR=$TMP/pids
# A rank that segfaults must die by the signal (exit code 139), not by ASan's report (exit 1).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
mkdir -p "$LT_PIDDIR"

cleanup() {
    local ns pid
    for ns in $H0 $H1 $H2 $SW; do
        [ -e "/run/netns/$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$(dirname "$0")/../launcher/checks.sh"

if ! ip netns add "$SW" 2>"$TMP/netns.err"; then
    skip "cannot create a network namespace: $(cat "$TMP/netns.err")"
fi
ip netns exec "$SW" ip link add br0 type bridge || die "cannot create a bridge"
ip netns exec "$SW" ip link set br0 up
k=0
for h in $H0 $H1 $H2; do
    ip netns add "$h" || die "cannot create namespace $h"
    ip link add e0 netns "$h" type veth peer name p$k netns "$SW" || die "cannot create a veth pair"
    ip netns exec "$SW" ip link set p$k master br0 up
    ip netns exec "$h" ip addr add 10.213.0.$((k + 1))/24 dev e0
    ip netns exec "$h" ip link set e0 up
    ip netns exec "$h" ip link set lo up
    k=$((k + 1))
done
# the bridge needs a moment before it forwards: wait until h1 answers h0 (bounded)
for i in $(seq 1 100); do
    ip netns exec "$H0" bash -c "exec 3<>/dev/tcp/10.213.0.2/9" 2>&1 | grep -q refused && break
    sleep 0.05
done

# mp ARGS...: mpprun on host h0 (own hostname), agent for the others; sets RC
mp() {
    ip netns exec "$H0" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$H0" \
        "$MPPRUN" --launch-agent "$MH_AGENT" "$@" <"${MH_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
    RC=$?
}
# nothing of the job may be left on any host: no process in the namespaces (bounded wait: the
# proxies hand over their last output and leave as mpprun ends)
expect_nothing_left() {
    local i ns left
    for i in $(seq 1 60); do
        left=""
        for ns in $H0 $H1 $H2; do
            [ -n "$(ip netns pids "$ns")" ] && left="$left $ns"
        done
        [ -z "$left" ] && return 0
        sleep 0.05
    done
    ps -o pid,args -p "$(ip netns pids "$H1" | tr '\n' ',')0" >&2
    die "processes left in namespaces:$left"
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

case $CASE in
hello)
    # ranks on h0 itself (socketpairs) and on h1, h2 through proxies; the key-value exchange
    # across all of them; host names as each host sees its own
    mp -n 6 --hosts "$H0:2,$H1:2,$H2:2" "$LT_BOOT" hello
    expect_rc 0
    want="$H0,$H0,$H1,$H1,$H2,$H2"
    for r in 0 1 2 3 4 5; do
        h=$(echo "$want" | cut -d, -f$((r + 1)))
        expect_out "^hello rank $r size 6 host $h hosts $want$"
    done
    [ "$(wc -l <"$OUT")" -eq 6 ] || die "not 6 lines"
    expect_nothing_left
    # remote hosts only, placement by slots, rank 0 on a proxy; listening only on e0
    MSGPASS_TCP_IF=e0 mp -n 5 --hosts "$H1:3,$H2:2" "$LT_BOOT" hello
    expect_rc 0
    expect_out "^hello rank 0 size 5 host $H1 hosts $H1,$H1,$H1,$H2,$H2$"
    expect_out "^hello rank 4 size 5 host $H2 "
    # a hostfile
    printf '# the namespaces\n%s slots=1\n%s slots=2 # two here\n' "$H2" "$H1" >"$TMP/hosts"
    mp -n 3 --hostfile "$TMP/hosts" "$LT_BOOT" hello
    expect_rc 0
    expect_out "^hello rank 0 size 3 host $H2 hosts $H2,$H1,$H1$"
    expect_nothing_left
    ;;
failures)
    t=$(now)
    mp -n 4 --hosts "$H0:1,$H1:2,$H2:1" "$LT_HELPER" fail 3 2
    echo "exit of a remote rank: job over after $(elapsed "$t") s"
    expect_rc 3; expect_one_report
    expect_err "^mpprun: rank 2 \(pid [0-9]+ on $H1\) exited with code 3$"
    expect_nothing_left
    t=$(now)
    mp -n 4 --hosts "$H1:2,$H2:2" "$LT_BOOT" abort 3 7
    echo "MPI_Abort-style abort on a remote rank: job over after $(elapsed "$t") s"
    expect_rc 7; expect_one_report
    expect_err "^mpprun: rank 3 \(pid [0-9]+ on $H2\) aborted the job with code 7: test$"
    expect_nothing_left
    mp -n 4 --hosts "$H0:2,$H2:2" bash -c 'if [ "$MSGPASS_RANK" = 3 ]; then exec "$0" signal 11 3; else exec "$0" sleep stubborn; fi' "$LT_HELPER"
    expect_rc 139; expect_one_report
    expect_err "^mpprun: rank 3 \(pid [0-9]+ on $H2\) killed by signal 11 \(Segmentation fault\)$"
    expect_nothing_left
    mp -n 2 --hosts "$H1:2" "$LT_BOOT" nofini
    expect_rc 1; expect_one_report
    expect_err "^mpprun: rank 1 \(pid [0-9]+ on $H1\) exited without calling MPI_Finalize$"
    # a host that does not exist: the agent fails, the host is named
    mp -n 2 --hosts "$H1:1,${P}nohost:1" "$LT_HELPER" exit 0 0
    expect_rc 1; expect_err "^mpprun: host ${P}nohost: the launch agent"
    expect_nothing_left
    ;;
output)
    mp -n 4 --tag-output --hosts "$H1:2,$H2:2" "$LT_HELPER" lines 2000
    expect_rc 0
    expect_tagged_lines 2000 4
    seq 1 200000 >"$TMP/in"
    MH_STDIN=$TMP/in mp -n 3 --hosts "$H2:1,$H1:2" "$LT_HELPER" stdin
    expect_rc 0
    expect_rank0_read "$TMP/in"
    expect_out "^rank 1 read 0 bytes sum 0$"
    expect_nothing_left
    ;;
signals)
    # SIGTERM to mpprun reaches every host; SIGKILL to mpprun leaves nothing behind either
    for sig in TERM KILL; do
        rm -f "$LT_PIDDIR"/*
        ip netns exec "$H0" "$MPPRUN" --launch-agent "$MH_AGENT" -n 4 --hosts "$H1:2,$H2:2" "$LT_HELPER" sleep stubborn \
            </dev/null >"$OUT" 2>"$ERR" &
        mp=$!
        for i in $(seq 1 200); do [ "$(ls "$LT_PIDDIR" | wc -l)" -ge 4 ] && break; sleep 0.05; done
        [ "$(ls "$LT_PIDDIR" | wc -l)" -ge 4 ] || die "ranks did not start"
        t=$(now)
        kill -$sig $mp
        wait $mp
        RC=$?
        [ $sig = TERM ] && { expect_rc 143; expect_err "signal 15"; }
        expect_nothing_left
        echo "SIG$sig to mpprun: every host clean after $(elapsed "$t") s"
    done
    ;;
startup)
    # start-up time of 16 ranks on two namespace hosts (printed, not asserted)
    for i in 1 2 3; do
        t=$(now)
        mp -n 16 --hosts "$H1:8,$H2:8" "$LT_BOOT" hello
        echo "mpprun -n 16 (bootstrap hello) across 2 namespace hosts: $(elapsed "$t") s"
        expect_rc 0
        [ "$(grep -c "^hello rank [0-9]* size 16 host ${P}h[12] " "$OUT")" -eq 16 ] || die "not 16 hellos"
    done
    if [ -n "${MH_HELLO:-}" ]; then
        for i in 1 2 3; do
            t=$(now)
            mp -n 16 --hosts "$H1:8,$H2:8" "$MH_HELLO"
            echo "mpprun -n 16 hello (MPI) across 2 namespace hosts: $(elapsed "$t") s"
            expect_rc 0
        done
    fi
    ;;
mpi)
    # MPI programs across hosts: needs a transport between hosts (TCP). netns_test.sh mpi PROG:
    # hello (processor names checked), or a program of tests/mpi on 2+2 and 2+1+3 ranks
    : "${MH_HELLO:?}" "${MH_MPI_DIR:?}"
    prog=${2:?netns_test.sh mpi PROGRAM}
    if [ "$prog" = hello ]; then
        mp -n 4 --hosts "$H1:2,$H2:2" "$MH_HELLO"
        expect_rc 0
        for r in 0 1 2 3; do
            expect_out "^Hello from rank $r of 4 on $([ $r -lt 2 ] && echo "$H1" || echo "$H2")$"
        done
        # --simulate-nodes: pretend nodes of one host talk like hosts
        mp -n 4 --simulate-nodes 2 "$MH_HELLO"
        expect_rc 0
        for r in 0 1 2 3; do
            expect_out "^Hello from rank $r of 4 on $H0-node$((r / 2))$"
        done
    else
        for hosts in "$H1:2,$H2:2" "$H0:2,$H1:1,$H2:3"; do
            n=$(echo "$hosts" | tr ',' '\n' | awk -F: '{ n += $2 } END { print n }')
            mp -n "$n" --timeout 150 --hosts "$hosts" "$MH_MPI_DIR/$prog"
            [ "$RC" -eq 0 ] || die "$prog on $hosts: exit code $RC"
        done
        mp -n 5 --simulate-nodes 3 --timeout 150 "$MH_MPI_DIR/$prog"
        [ "$RC" -eq 0 ] || die "$prog on 3 simulated nodes: exit code $RC"
    fi
    expect_nothing_left
    ;;
failmpi)
    # MPI ranks across hosts (tests/failure/failprog.c): the hang report gathered through the
    # proxies, a crashing rank, and a SIGKILLed mpprun; nothing of the job left on any host
    : "${MH_FAILPROG:?}"
    mp -n 6 --timeout 20 --hosts "$H0:2,$H1:2,$H2:2" "$MH_FAILPROG" deadlock
    expect_rc 124
    expect_err "^mpprun:   ranks 2-5: MPI_Barrier on MPI_COMM_WORLD for [0-9.]+(-[0-9.]+)? s$"
    expect_err "^mpprun:   rank 0 \(pid [0-9]+ on $H0\): MPI_Recv\(source=1, tag=99, count=1 MPI_INT, comm=MPI_COMM_WORLD\) for [0-9.]+ s — no matching send posted"
    expect_err "^mpprun: job timed out after 20 s$"
    expect_nothing_left
    mp -n 6 --timeout 20 --hosts "$H1:3,$H2:3" "$MH_FAILPROG" deadlock
    expect_rc 124
    expect_err "^mpprun:   rank 1 \(pid [0-9]+ on $H1\): MPI_Recv\(source=0, tag=99, count=1 MPI_INT, comm=MPI_COMM_WORLD\) for [0-9.]+ s — no matching send posted"
    expect_err "^mpprun:   ranks 2-5: MPI_Barrier on MPI_COMM_WORLD"
    expect_nothing_left
    mp -n 4 --hosts "$H1:2,$H2:2" "$MH_FAILPROG" signal 3 11
    expect_rc 139; expect_one_report
    expect_err "^mpprun: rank 3 \(pid [0-9]+ on $H2\) killed by signal 11 \(Segmentation fault\)$"
    expect_err "^  rank 3: last MPI call MPI_Barrier$"
    expect_err "^  ranks? [0-9,-]+: last MPI call MPI_Recv"
    expect_nothing_left
    job=""
    ip netns exec "$H0" "$MPPRUN" --launch-agent "$MH_AGENT" -n 4 --hosts "$H0:2,$H2:2" "$MH_FAILPROG" wait \
        </dev/null >"$OUT" 2>"$ERR" &
    mp=$!
    for i in $(seq 1 400); do [ "$(grep -c '^rank ' "$OUT")" -ge 4 ] && break; sleep 0.05; done
    [ "$(grep -c '^rank ' "$OUT")" -ge 4 ] || die "ranks did not start"
    job=$(sed -n 's/^rank 0 pid [0-9]* job \(.*\)$/\1/p' "$OUT")
    kill -KILL $mp
    wait $mp
    expect_nothing_left
    for i in $(seq 1 60); do ls /dev/shm | grep -q "^msgpass-$job" || break; sleep 0.05; done
    ls /dev/shm | grep -q "^msgpass-$job" && die "/dev/shm/msgpass-$job* left behind"
    ;;
*)
    echo "unknown case $CASE" >&2
    exit 2
    ;;
esac
echo "PASS [$CASE]"
