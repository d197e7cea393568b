#!/usr/bin/env bash
# Throws hostile bytes at every listening port of a running TCP job: random bytes, handshake
# records with a wrong secret, version or length, truncated records, silent connections, and
# more connections than the ranks hold pending. The job must go on and finish correctly, and
# the ranks must have logged the connections they closed.
#   fuzz.sh MPPRUN FUZZ_TARGET
set -u
mpprun=$1 target=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
np=3
MSGPASS_TRANSPORTS=tcp MSGPASS_LOG=info "$mpprun" -n $np --timeout 100 "$target" "$tmp/stop" >"$tmp/out" 2>"$tmp/err" &
job=$!
for _ in $(seq 900); do
    [ "$(grep -c 'tcp: listening on' "$tmp/err")" -ge $np ] && break
    sleep 0.1
done
ports=$(sed -n 's/.*tcp: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/err")
[ "$(echo "$ports" | wc -w)" -eq $np ] || {
    echo "fuzz: did not find $np listening ports in the job's log:" >&2
    cat "$tmp/err" >&2
    exit 1
}

# send PORT COMMAND...: one connection carrying COMMAND's output, then closed
send() {
    local port=$1
    shift
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 0
    "$@" >&3 2>/dev/null
    exec 3>&-
}
record() { # magic(4) version(2) type(2) length(4) from to size(4 each), then 24 bytes of secret+pad
    printf "$1"
    head -c 24 /dev/zero
}
good_head='\x43\x54\x50\x4d\x01\x00\x01\x00\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
bad_version='\x43\x54\x50\x4d\x07\x00\x01\x00\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
bad_length='\x43\x54\x50\x4d\x01\x00\x01\x00\xff\xff\xff\x7f\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00'
exec 9<>"/dev/tcp/127.0.0.1/$(echo "$ports" | head -1)" # a silent client held to the end
expected=0
for port in $ports; do
    send "$port" head -c 4096 /dev/urandom
    send "$port" head -c 48 /dev/urandom
    send "$port" record "$good_head"   # right format, wrong secret
    send "$port" record "$bad_version" # (also wrong secret: either is reason enough)
    send "$port" record "$bad_length"
    send "$port" head -c 10 /dev/urandom # truncated record
    send "$port" true                    # connect and close
    expected=$((expected + 6))
    fds=()
    for _ in $(seq 150); do
        exec {fd}<>"/dev/tcp/127.0.0.1/$port" && fds+=("$fd")
    done
    sleep 0.5
    for fd in "${fds[@]}"; do exec {fd}>&-; done
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
if [ $rc -ne 0 ] || ! grep -q "passed, 0 failed" "$tmp/out" || [ "$closed" -lt $expected ]; then
    echo "fuzz: job exit code $rc, $closed connections closed with a log line (expected >= $expected)" >&2
    cat "$tmp/out" >&2
    grep -v 'tcp: closed a connection from' "$tmp/err" | tail -20 >&2
    exit 1
fi
cat "$tmp/out"
echo "fuzz: $closed hostile connections closed and logged, job finished correctly"
