#!/usr/bin/env bash
# Throws hostile bytes at every listening port of a running job: random bytes, handshake records
# with a wrong secret, version or length, truncated records, silent connections, and more
# connections than are held pending. The job runs on three "hosts" (two through proxies started
# by a local launch agent, so mpprun's port for its proxies is open while the last one is held
# back) over tcp. First mpprun's port gets the garbage while it waits for that proxy, then — once
# every rank runs — every port any process of the job listens on (found with ss). The job must
# go on and finish correctly, and mpprun and the ranks must have logged the connections they
# closed.   fuzz.sh MPPRUN FUZZ_TARGET LOCAL_AGENT
set -u
mpprun=$1 target=$2 agent=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
np=3
command -v ss >/dev/null || {
    echo "fuzz: ss (iproute2) is needed to find the job's listening ports" >&2
    exit 1
}
MSGPASS_TRANSPORTS=tcp MSGPASS_TCP_IF=lo MSGPASS_LOG=info LT_AGENT_SLOW=hostc LT_AGENT_SLOW_GO="$tmp/go" \
    "$mpprun" -n $np --hosts localhost:1,hostb:1,hostc:1 --launch-agent "$agent" --timeout 150 \
    "$target" "$tmp/stop" >"$tmp/out" 2>"$tmp/err" &
job=$!

# The job's processes: mpprun and everything below it (agents, proxies, ranks).
job_pids() {
    local pids=" $job " more=1
    while [ $more -eq 1 ]; do
        more=0
        while read -r pid ppid; do
            case "$pids" in *" $ppid "*) case "$pids" in *" $pid "*) ;; *) pids="$pids$pid " more=1 ;; esac ;; esac
        done < <(ps -e -o pid=,ppid=)
    done
    echo "$pids"
}
# IPv4 address:port of every listening TCP socket of the job's processes, one per line.
job_ports() {
    local pids
    pids=$(job_pids)
    ss -Htlnp 2>/dev/null | while read -r _ _ _ local _ users; do
        for pid in $(echo "$users" | grep -o 'pid=[0-9]*' | cut -d= -f2); do
            case "$pids" in *" $pid "*)
                case "$local" in [0-9]*.*:*) echo "$local" ;; esac
                break
                ;;
            esac
        done
    done | sort -u
}
# send ADDR:PORT COMMAND...: one connection carrying COMMAND's output, then closed
send() {
    local host=${1%:*} port=${1##*:}
    shift
    exec 3<>"/dev/tcp/$host/$port" || return 0
    "$@" >&3 2>/dev/null
    exec 3>&-
}
flood() { # ADDR:PORT COUNT: that many silent connections at once, then all closed
    local fds=() fd
    for _ in $(seq "$2"); do
        exec {fd}<>"/dev/tcp/${1%:*}/${1##*:}" && fds+=("$fd")
    done
    sleep 0.5
    for fd in "${fds[@]}"; do exec {fd}>&-; done
}
record() { # tcp handshake: magic(4) version(2) type(2) length(4) from to size(4 each), then 24 bytes of secret+pad
    printf "$1"
    head -c 24 /dev/zero
}
good_head='\x43\x54\x50\x4d\x01\x00\x01\x00\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
bad_version='\x43\x54\x50\x4d\x07\x00\x01\x00\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
bad_length='\x43\x54\x50\x4d\x01\x00\x01\x00\xff\xff\xff\x7f\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
proxy_hello() { # mpprun's handshake: the proxy's answer with the right magic and host, a made-up tag
    printf 'MPPROXY1\x01\x00\x00\x00\x00\x00\x00\x00'
    head -c 24 /dev/urandom
}
garbage() { # ADDR:PORT
    send "$1" head -c 4096 /dev/urandom
    send "$1" head -c 48 /dev/urandom
    send "$1" record "$good_head"   # right format, wrong secret
    send "$1" record "$bad_version" # (also wrong secret: either is reason enough)
    send "$1" record "$bad_length"
    send "$1" proxy_hello
    send "$1" head -c 10 /dev/urandom # truncated record
    send "$1" true                    # connect and close
}
fail() {
    echo "fuzz: $1" >&2
    cat "$tmp/out" >&2
    grep -v 'tcp: closed a connection from' "$tmp/err" | tail -30 >&2
    touch "$tmp/go" "$tmp/stop"
    wait $job
    exit 1
}

# Phase 1: mpprun waits for hostc's proxy, its port open.
for _ in $(seq 300); do
    mports=$(job_ports)
    [ -n "$mports" ] && break
    sleep 0.1
done
[ -n "$mports" ] || fail "mpprun opened no port for its proxies"
for p in $mports; do
    garbage "$p"
    flood "$p" 80 # more than the 64 handshakes mpprun holds pending
done
touch "$tmp/go"

# Phase 2: every rank runs; every port of the job.
for _ in $(seq 900); do
    [ "$(grep -c 'tcp: listening on' "$tmp/err")" -ge $np ] && break
    sleep 0.1
done
[ "$(grep -c 'tcp: listening on' "$tmp/err")" -ge $np ] || fail "the ranks did not all start listening"
ports=$(job_ports)
rank_ports=$(sed -n 's/.*tcp: listening on \(127\.0\.0\.1:[0-9]*\) .*/\1/p' "$tmp/err")
for p in $rank_ports; do
    echo "$ports" | grep -qx "$p" || fail "ss does not show rank port $p among the job's ports: $ports"
done
first=$(echo "$rank_ports" | head -1)
exec 9<>"/dev/tcp/${first%:*}/${first##*:}" # a silent client held to the end
expected=0
for p in $ports; do
    garbage "$p"
    flood "$p" 150
    echo "$rank_ports" | grep -qx "$p" && expected=$((expected + 7))
done
# The ranks handle hostile connections as they progress: give them time on a loaded machine.
for _ in $(seq 600); do
    [ "$(grep -c 'tcp: closed a connection from' "$tmp/err")" -ge $expected ] && break
    sleep 0.1
done
touch "$tmp/stop"
wait $job
rc=$?
exec 9>&-
closed=$(grep -c 'tcp: closed a connection from' "$tmp/err")
dropped=$(grep -c '^mpprun: warning: dropped a connection from\|^mpprun: warning: more connections dropped' "$tmp/err")
if [ $rc -ne 0 ] || ! grep -q "passed, 0 failed" "$tmp/out" || [ "$closed" -lt $expected ] || [ "$dropped" -lt 1 ]; then
    echo "fuzz: job exit code $rc; $closed connections closed by the ranks with a log line (expected >= $expected);" \
        "$dropped by mpprun (expected >= 1)" >&2
    cat "$tmp/out" >&2
    grep -v 'tcp: closed a connection from' "$tmp/err" | tail -20 >&2
    exit 1
fi
cat "$tmp/out"
echo "fuzz: ports $(echo $ports | tr ' ' ',') and mpprun's $(echo $mports | tr ' ' ','):" \
    "$closed hostile connections closed and logged by the ranks, $dropped log lines by mpprun; job finished correctly"
