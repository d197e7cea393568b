#!/bin/sh
# Checks that the ofi transport's rendezvous is the one it reports choosing, over libfabric's tcp
# and shm providers: fi_read by default (reads counted at finalize), the fragment pipeline with
# MSGPASS_OFI_RMA=0 (no read at all), and that the registration cache spares registrations of
# buffers sent again (p2p_persistent sends the same 1 MiB buffers over and over: it registers
# less with the cache than without). Usage: ofi_protocol_choice.sh MPPRUN P2P_PERSISTENT
set -u
mpprun=$1
prog=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail=0
ok=0

run() { # provider, program, env assignments...
    prov=$1
    prog=$2
    shift 2
    if ! env MSGPASS_TRANSPORTS=ofi MSGPASS_OFI_PROVIDER="$prov" MSGPASS_LOG=info "$@" "$mpprun" -n 2 "$prog" \
        >/dev/null 2>"$err"; then
        echo "FAIL: $prog over $prov with '$*' failed:"
        cat "$err"
        fail=$((fail + 1))
        return 1
    fi
}

# Sums field N (1 reads, 2 registrations, 3 reuses) of the two ranks' finalize lines.
total() {
    sed -n 's/.*ofi: \([0-9]*\) rendezvous reads, \([0-9]*\) registrations, \([0-9]*\) reused.*/\1 \2 \3/p' "$err" |
        awk -v f="$1" '{ s += $f; n++ } END { if (n == 2) print s; else print "missing" }'
}

expect() { # description, condition (shell test)
    if eval "$2"; then
        echo "ok: $1"
        ok=$((ok + 1))
    else
        echo "FAIL: $1 ($2); the library said:"
        cat "$err"
        fail=$((fail + 1))
    fi
}

for prov in tcp shm; do
    cached=missing
    if run "$prov" "$prog"; then
        reads=$(total 1)
        cached=$(total 2)
        expect "$prov: fi_read reported" "grep -q 'rendezvous by fi_read from the sender' '$err'"
        expect "$prov: fi_read used ($reads reads)" "[ '$reads' != missing ] && [ '$reads' -gt 0 ]"
    fi
    if run "$prov" "$prog" MSGPASS_OFI_RMA=0; then
        reads=$(total 1)
        expect "$prov: fragments reported" "grep -q 'rendezvous by fragments (MSGPASS_OFI_RMA=0)' '$err'"
        expect "$prov: no fi_read with fragments ($reads reads)" "[ '$reads' = 0 ]"
    fi
    if run "$prov" "$prog" MSGPASS_OFI_MR_CACHE=0; then
        uncached=$(total 2)
        expect "$prov: the cache spares registrations ($cached with it, $uncached without)" \
            "[ '$cached' != missing ] && [ '$uncached' != missing ] && [ '$cached' -lt '$uncached' ]"
    fi
done
echo "$ok passed, $fail failed"
[ $fail -eq 0 ]
