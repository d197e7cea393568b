#!/bin/sh
# Checks which large-message protocol the shm transport reports choosing, and that the job
# still passes with it. Usage: protocol_choice.sh MPPRUN PROGRAM
set -u
mpprun=$1
prog=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail=0
check() { # env, expected stderr pattern
    if ! env "$1" MSGPASS_LOG=info "$mpprun" -n 2 "$prog" >/dev/null 2>"$err"; then
        echo "FAIL: $prog with $1 failed:"; cat "$err"; fail=1; return
    fi
    if ! grep -q "$2" "$err"; then
        echo "FAIL: with $1 the library did not report '$2'; it said:"; cat "$err"; fail=1; return
    fi
    echo "ok: $1 -> $2"
}
check MSGPASS_SHM_CMA=1 "single copy (process_vm_readv/writev) with 2 of 2 local ranks"
check MSGPASS_SHM_CMA=0 "stream through the ring in fragments (MSGPASS_SHM_CMA=0)"
[ $fail -eq 0 ] && echo "2 passed, 0 failed" || echo "protocol choice: failures above"
exit $fail
