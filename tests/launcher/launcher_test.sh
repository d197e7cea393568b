#!/bin/bash
# Launcher behaviour tests: launcher_test.sh CASE
# Needs MPPRUN, LT_HELPER and LT_BOOT (paths to mpprun and the helper programs) in the environment.
# Checks exit codes, the one-line failure report, forwarded output and leftover processes; no
# timing assertions. The remote_* cases run "remote" hosts through proxies on this machine
# (LT_AGENT: an agent with ssh's calling convention that starts the command here), so the whole
# multi-host path runs without root; tests/multihost runs it across network namespaces.
set -u
CASE=$1
: "${MPPRUN:?}" "${LT_HELPER:?}" "${LT_BOOT:?}" "${LT_AGENT:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lt.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/out ERR=$TMP/err
export LT_PIDDIR=$TMP/pids
mkdir -p "$LT_PIDDIR"

. "$(dirname "$0")/checks.sh"
# run ARGS...: runs mpprun with stdin from /dev/null (unless LT_STDIN is set); sets RC
run() {
    "$MPPRUN" "$@" <"${LT_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
    RC=$?
}
# every rank that wrote a pid file must be gone. Local ranks are reaped before mpprun exits; on
# a host whose proxy mpprun had to cut off, the ranks die as their proxy goes, which a loaded
# machine may take a moment to carry out (bounded wait, not a timing check).
expect_no_leftovers() {
    local f pid i alive
    for i in $(seq 1 40); do
        alive=""
        for f in "$LT_PIDDIR"/*.pid; do
            [ -e "$f" ] || continue
            pid=$(cat "$f")
            if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
                alive="$pid ($f)"
            fi
        done
        [ -z "$alive" ] && break
        sleep 0.05
    done
    [ -z "$alive" ] || die "rank process $alive is still alive"
    expect_no_proxies
}
# no proxy started by this test may be left (they inherit LT_PIDDIR through the agent)
expect_no_proxies() {
    local p
    for p in $(pgrep -f -- "--proxy [0-9]+ "); do
        if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "LT_PIDDIR=$LT_PIDDIR"; then
            die "proxy $p is still alive"
        fi
    done
}
# runs through the local agent: remote ARGS...
remote() { run --launch-agent "$LT_AGENT" "$@"; }
# sigterm_job N MPPRUN-ARGS...: SIGTERM to a running job (normal and stubborn ranks) ends it with
# 143 and leaves nothing behind
sigterm_job() {
    local n=$1 mode mp
    shift
    for mode in normal stubborn; do
        rm -f "$LT_PIDDIR"/*
        "$MPPRUN" -n "$n" "$@" "$LT_HELPER" sleep $mode </dev/null >"$OUT" 2>"$ERR" &
        mp=$!
        wait_pids "$n"
        kill -TERM $mp
        wait $mp
        RC=$?
        expect_rc 143
        expect_err "signal 15"
        expect_no_leftovers
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
    for w in -n --np --hosts --hostfile --launch-agent --simulate-nodes --bind-to --tag-output --timeout --version \
        MSGPASS_JOB_SECRET MSGPASS_HOSTNAME MSGPASS_TCP_IF MSGPASS_PROXY_TIMEOUT MSGPASS_LOG MSGPASS_DEBUG MSGPASS_TRANSPORTS MSGPASS_SHM_EAGER_MAX MSGPASS_SHM_RING_SIZE; do
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
    expect_err "^mpprun: rank 3 \(pid [0-9]+ on $(hostname)\) killed by signal 11 \(Segmentation fault\)$"
    expect_no_leftovers
    run -n 2 "$LT_HELPER" signal 9 0
    expect_rc 137; expect_err "^mpprun: rank 0 .*killed by signal 9"
    ;;
lines_tagged)
    run -n 4 --tag-output "$LT_HELPER" lines 3000
    expect_rc 0
    expect_tagged_lines 3000 4
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
    expect_long_lines $L 3
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
    LT_STDIN=$TMP/in run -n 3 "$LT_HELPER" stdin
    expect_rc 0
    expect_rank0_read "$TMP/in"
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
    expect_out "^rank=0 MSGPASS_SIZE=2$"
    expect_out "^rank=1 MSGPASS_LOCAL_SIZE=2$"
    expect_out "^rank=0 MSGPASS_RANK=0$"
    expect_out "^rank=1 MSGPASS_RANK=1$"
    expect_out "^rank=1 MSGPASS_LOCAL_RANK=1$"
    expect_out "^rank=0 MSGPASS_BOOT_FD=[0-9]+$"
    expect_out "^rank=0 MSGPASS_CPUS=[1-9][0-9]*$"
    expect_out "^rank=0 MSGPASS_HOSTNAME=\(unset\)$"
    [ "$(grep 'MSGPASS_JOBID=' "$OUT" | sed 's/^rank=[0-9]* //' | sort -u | wc -l)" -eq 1 ] || die "ranks disagree on the job id"
    grep -Eq '^rank=0 MSGPASS_JOBID=[A-Za-z0-9._-]+$' "$OUT" || die "job id not file-name safe"
    # the job secret: 32 hex digits, the same for every rank, new for every job
    [ "$(grep -Ec '^rank=[01] MSGPASS_JOB_SECRET=[0-9a-f]{32}$' "$OUT")" -eq 2 ] || die "no job secret"
    s1=$(grep 'MSGPASS_JOB_SECRET=' "$OUT" | sed 's/^rank=[0-9]* //' | sort -u)
    [ "$(echo "$s1" | wc -l)" -eq 1 ] || die "ranks disagree on the job secret"
    # stdio plus the bootstrap socket, nothing leaked (fd 9 is open in this shell)
    exec 9<"$TMP/out"
    run -n 2 "$LT_HELPER" env
    exec 9<&-
    [ "$(grep -c '^rank=[01] open_fds=4$' "$OUT")" -eq 2 ] || die "ranks inherited extra descriptors"
    s2=$(grep 'MSGPASS_JOB_SECRET=' "$OUT" | sed 's/^rank=[0-9]* //' | sort -u)
    [ "$s1" != "$s2" ] || die "two jobs got the same secret"
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
    expect_err "^mpprun: rank 1 \(pid [0-9]+ on $(hostname)\) aborted the job with code 5: test$"
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
    expect_err "^mpprun:   ranks 0-2: running, not in MPI_Init yet"
    expect_no_leftovers
    ;;
sigterm)
    sigterm_job 3
    ;;
hosts)
    run -n 2 --hosts localhost:2 "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 2 --hosts "$(hostname):1,127.0.0.1" --launch-agent false "$LT_HELPER" exit 0 0
    expect_rc 0 # every host is this one: no agent is started
    printf '# test\nlocalhost slots=4\n' >"$TMP/hf"
    run -n 2 --hostfile "$TMP/hf" "$LT_HELPER" exit 0 0
    expect_rc 0
    run -n 2 --hostfile "$TMP/missing" "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "missing"
    # an agent that cannot start anything: the host is named, nothing is left behind
    run -n 3 --hosts localhost:1,elsewhere.invalid:2 --launch-agent false "$LT_HELPER" sleep
    expect_rc 1; expect_one_report
    expect_err "^mpprun: host elsewhere.invalid: the launch agent \(false\) exited with code 1 before the proxy connected$"
    expect_no_leftovers
    run -n 2 --hosts far-away:2 --launch-agent /no/such/agent "$LT_HELPER" exit 0 0
    expect_rc 1; expect_err "far-away"
    ;;
remote_hello)
    # two remote hosts and this one: one proxy per remote host, the key-value exchange across all
    export LT_AGENT_LOG=$TMP/agent.log
    remote -n 5 --hosts localhost:2,hostA:2,hostB:1 "$LT_BOOT" hello
    expect_rc 0
    [ "$(grep -c "^hello rank [0-4] size 5 host $(hostname) hosts " "$OUT")" -eq 5 ] || die "not 5 hellos"
    want=$(hostname),$(hostname),$(hostname),$(hostname),$(hostname)
    [ "$(grep -c " hosts $want$" "$OUT")" -eq 5 ] || die "ranks disagree on the host map"
    [ "$(grep -c '^hostA .*/mpprun --proxy [0-9]* ' "$LT_AGENT_LOG")" -eq 1 ] || die "not one proxy on hostA"
    [ "$(grep -c '^hostB .*/mpprun --proxy [0-9]* ' "$LT_AGENT_LOG")" -eq 1 ] || die "not one proxy on hostB"
    grep -q localhost "$LT_AGENT_LOG" && die "an agent was started for this host"
    grep -qi secret "$LT_AGENT_LOG" && die "the job secret is on a command line"
    # placement: host by host up to the slots, then round again
    remote -n 7 --hosts hostA:2,hostB:1 "$LT_HELPER" env
    expect_rc 0
    for spec in 0:0:5 1:1:5 2:0:2 3:2:5 4:3:5 5:1:2 6:4:5; do
        IFS=: read -r r lr ls <<<"$spec"
        expect_out "^rank=$r MSGPASS_LOCAL_RANK=$lr$"
        expect_out "^rank=$r MSGPASS_LOCAL_SIZE=$ls$"
        expect_out "^rank=$r MSGPASS_SIZE=7$"
    done
    [ "$(grep 'MSGPASS_JOB_SECRET=' "$OUT" | sed 's/^rank=[0-9]* //' | sort -u | wc -l)" -eq 1 ] ||
        die "hosts disagree on the job secret"
    [ "$(grep -c '^rank=[0-6] open_fds=4$' "$OUT")" -eq 7 ] || die "remote ranks inherited extra descriptors"
    # the ranks' settings travel (agents like ssh do not pass the environment)
    MSGPASS_TEST_SETTING=on-every-host remote -n 2 --hosts hostA:1,hostB:1 bash -c 'echo "$MSGPASS_TEST_SETTING"'
    expect_rc 0
    [ "$(grep -c '^on-every-host$' "$OUT")" -eq 2 ] || die "MSGPASS_* settings did not reach the remote ranks"
    ;;
remote_fail)
    remote -n 4 --hosts localhost:1,hostA:2,hostB:1 "$LT_HELPER" fail 3 2
    expect_rc 3; expect_one_report; expect_err "^mpprun: rank 2 \(pid [0-9]+ on hostA\) exited with code 3$"
    expect_no_leftovers
    remote -n 4 --hosts localhost:1,hostA:2,hostB:1 "$LT_HELPER" signal 11 3
    expect_rc 139; expect_one_report
    expect_err "^mpprun: rank 3 \(pid [0-9]+ on hostB\) killed by signal 11 \(Segmentation fault\)$"
    expect_no_leftovers
    # the others ignore SIGTERM: SIGKILL reaches them on every host
    remote -n 4 --hosts hostA:2,hostB:2 bash -c 'if [ "$MSGPASS_RANK" = 3 ]; then exec "$0" fail 4 3; else exec "$0" sleep stubborn; fi' "$LT_HELPER"
    expect_rc 4; expect_one_report; expect_err "^mpprun: rank 3 .*on hostB\) exited with code 4$"
    expect_no_leftovers
    remote -n 3 --hosts hostA:3 "$LT_BOOT" nofini
    expect_rc 1; expect_one_report; expect_err "^mpprun: rank 2 \(pid [0-9]+ on hostA\) exited without calling MPI_Finalize$"
    remote -n 2 --hosts hostA:2 "$LT_BOOT" garbage
    expect_rc 1; expect_one_report; expect_err "^mpprun: rank 0 \(pid [0-9]+ on hostA\) broke the bootstrap protocol"
    expect_no_leftovers
    # PROGRAM is looked up on the host that runs it
    remote -n 2 --hosts hostA:2 "$TMP/not-there"
    expect_rc 127; expect_one_report; expect_err "^mpprun: host hostA: .*not-there"
    ;;
remote_abort)
    remote -n 4 --hosts localhost:1,hostA:2,hostB:1 "$LT_BOOT" abort 1
    expect_rc 5; expect_one_report
    expect_err "^mpprun: rank 1 \(pid [0-9]+ on hostA\) aborted the job with code 5: test$"
    expect_no_leftovers
    remote -n 4 --hosts hostA:2,hostB:2 "$LT_BOOT" abort 0 256
    expect_rc 1; expect_err "rank 0 .*on hostA\) aborted the job with code 256"
    ;;
abort_race)
    # A rank dies; a peer notices at once and aborts. The death is the failure reported, also
    # when the peer's abort reaches mpprun first (the victim on another host makes that likely).
    for hosts in "" "--hosts localhost:1,hostA:2"; do
        remote -n 3 $hosts "$LT_BOOT" react 2 signal
        expect_rc 137; expect_one_report; expect_err "^mpprun: rank 2 \(pid [0-9]+ on [^)]*\) killed by signal 9"
        remote -n 3 $hosts "$LT_BOOT" react 1 nofini
        expect_rc 1; expect_one_report; expect_err "^mpprun: rank 1 \(pid [0-9]+ on [^)]*\) exited without calling MPI_Finalize$"
        expect_no_leftovers
    done
    ;;
remote_output)
    remote -n 4 --tag-output --hosts hostA:2,hostB:2 "$LT_HELPER" lines 2000
    expect_rc 0
    expect_tagged_lines 2000 4
    L=100000
    remote -n 3 --tag-output --hosts hostA:1,hostB:2 "$LT_HELPER" longline $L
    expect_rc 0
    expect_long_lines $L 3
    remote -n 2 --hosts hostA:2 "$LT_HELPER" partial
    expect_rc 0
    expect_out "partial-0"
    expect_out "partial-1"
    # stdin goes to rank 0 on its host
    seq 1 300000 >"$TMP/in"
    LT_STDIN=$TMP/in remote -n 3 --hosts hostA:2,hostB:1 "$LT_HELPER" stdin
    expect_rc 0
    expect_rank0_read "$TMP/in"
    expect_out "^rank 2 read 0 bytes sum 0$"
    ;;
remote_signals)
    sigterm_job 4 --launch-agent "$LT_AGENT" --hosts hostA:2,hostB:2
    # mpprun killed outright: proxies and ranks notice and go
    rm -f "$LT_PIDDIR"/*
    "$MPPRUN" -n 4 --launch-agent "$LT_AGENT" --hosts localhost:1,hostA:2,hostB:1 "$LT_HELPER" sleep stubborn </dev/null >"$OUT" 2>"$ERR" &
    mp=$!
    wait_pids 4
    kill -KILL $mp
    wait $mp
    for i in $(seq 1 100); do # bounded wait, not a timing check
        left=0
        for f in "$LT_PIDDIR"/*.pid; do kill -0 "$(cat "$f")" 2>/dev/null && left=1; done
        [ $left -eq 0 ] && break
        sleep 0.05
    done
    expect_no_leftovers
    ;;
remote_timeout)
    remote -n 3 --timeout 1 --hosts localhost:1,hostA:2 "$LT_HELPER" sleep
    expect_rc 124
    expect_err "^mpprun: job timed out after 1 s$"
    expect_err "^mpprun:   ranks 0-2: running, not in MPI_Init yet"
    expect_no_leftovers
    ;;
handshake)
    # While a proxy is not connected yet, mpprun's port is open: garbage, a wrong secret and a
    # silent connection are dropped and logged, and the job runs on unharmed.
    export LT_AGENT_LOG=$TMP/agent.log LT_AGENT_SLOW=slowhost LT_AGENT_SLOW_GO=$TMP/go
    "$MPPRUN" -n 4 --launch-agent "$LT_AGENT" --hosts hostA:2,slowhost:2 "$LT_BOOT" kv </dev/null >"$OUT" 2>"$ERR" &
    mp=$!
    for i in $(seq 1 200); do grep -q '^slowhost ' "$LT_AGENT_LOG" 2>/dev/null && break; sleep 0.05; done
    addrs=$(grep '^slowhost ' "$LT_AGENT_LOG" | awk '{ print $NF }')
    [ -n "$addrs" ] || die "no proxy command line logged"
    tried=0
    for a in ${addrs//,/ }; do
        case $a in \[*) continue ;; esac # bash's /dev/tcp: IPv4 is enough here
        ip=${a%:*} port=${a##*:}
        head -c 3000 /dev/urandom >"$TMP/junk"
        (exec 3<>"/dev/tcp/$ip/$port" && cat "$TMP/junk" >&3 && sleep 0.2) 2>/dev/null
        (exec 3<>"/dev/tcp/$ip/$port" && printf 'MPPROXY1\001\000\000\000\000\000\000\000%016d%08d' 0 0 >&3 && sleep 0.2) 2>/dev/null
        (exec 3<>"/dev/tcp/$ip/$port" && printf 'MPPROXY1' >&3 && sleep 0.2) 2>/dev/null
        tried=1
    done
    [ $tried -eq 1 ] || die "no IPv4 address to try in '$addrs'"
    touch "$LT_AGENT_SLOW_GO"
    wait $mp
    RC=$?
    expect_rc 0
    [ "$(grep -c '^kv ok rank [0-3] size 4$' "$OUT")" -eq 4 ] || die "the job did not finish correctly"
    expect_err "^mpprun: warning: dropped a connection from .*: wrong magic or version$"
    expect_err "^mpprun: warning: dropped a connection from .*: wrong job secret$"
    expect_err "^mpprun: warning: dropped a connection from .*: closed before proving the job secret$"
    expect_no_proxies
    ;;
simulate_nodes)
    run -n 5 --simulate-nodes 2 "$LT_HELPER" env
    expect_rc 0
    h=$(hostname)
    for spec in 0:0:0:3 1:0:1:3 2:0:2:3 3:1:0:2 4:1:1:2; do
        IFS=: read -r r k lr ls <<<"$spec"
        expect_out "^rank=$r MSGPASS_HOSTNAME=$h-node$k$"
        expect_out "^rank=$r MSGPASS_LOCAL_RANK=$lr$"
        expect_out "^rank=$r MSGPASS_LOCAL_SIZE=$ls$"
    done
    run -n 4 --simulate-nodes 4 "$LT_BOOT" hello
    expect_rc 0
    [ "$(grep -c " hosts $h-node0,$h-node1,$h-node2,$h-node3$" "$OUT")" -eq 4 ] || die "wrong node names"
    run -n 3 --simulate-nodes 2 "$LT_HELPER" fail 6 2
    expect_rc 6; expect_err "^mpprun: rank 2 \(pid [0-9]+ on $h-node1\) exited with code 6$"
    run -n 2 --simulate-nodes 3 "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "simulate-nodes"
    run -n 2 --simulate-nodes 2 --hosts hostA:2 --launch-agent "$LT_AGENT" "$LT_HELPER" exit 0 0
    expect_rc 2; expect_err "simulate-nodes"
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
