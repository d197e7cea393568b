#!/bin/sh
# Per-peer transport choice: four ranks on two "hosts" (each rank gets its own UTS namespace
# with hostname h0 or h1 by rank parity), so each rank reaches one peer through shm and two
# through TCP. Runs a point-to-point and a collective test that way, with MSGPASS_TCP_IF given
# as an interface name and as a CIDR block, and checks what each rank chose. Needs unshare
# --uts (root), as the multi-host tests do.   two_hosts.sh MPPRUN P2P_TEST COLL_TEST
# Each "host" sees 2 ranks and the machine's cpus, so the ranks do not know they share the cpus
# with the other host's: the oversubscribed waiting policy is set by hand.
mpprun=$1
shift
unshare --uts true || {
    echo "two_hosts: unshare --uts does not work here (needs root)" >&2
    exit 1
}
for prog in "$@"; do
    for tcp_if in lo 127.0.0.0/8; do
        out=$(MSGPASS_LOG=info MSGPASS_TCP_IF=$tcp_if MSGPASS_SPIN_POLLS=16 MSGPASS_YIELD_POLLS=64 \
            MSGPASS_SLEEP_MAX_US=200 "$mpprun" -n 4 --timeout 120 sh -c \
            'exec unshare --uts sh -c "hostname h$((MSGPASS_RANK % 2)) && exec \"\$0\"" "$0"' "$prog" 2>&1)
        rc=$?
        choices=$(echo "$out" | grep -c 'transports: shm to 2 ranks (\(0,2\|1,3\)); tcp to 2 ranks (\(1,3\|0,2\))')
        if [ $rc -ne 0 ] || [ "$choices" -ne 4 ] || ! echo "$out" | grep -q "passed, 0 failed"; then
            echo "two_hosts: $prog with MSGPASS_TCP_IF=$tcp_if: exit code $rc, $choices of 4 ranks chose shm+tcp:" >&2
            echo "$out" >&2
            exit 1
        fi
        echo "$out" | grep "passed, 0 failed"
    done
done
echo "two_hosts: every rank used shm within its host and tcp across"
