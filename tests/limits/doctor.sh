#!/bin/sh
# mpprun --doctor: one line per check in the documented form, exit code 1 exactly when a line is
# a problem; problems made on purpose (an interface that does not exist, mpprun started as one of
# several srun tasks) are found with their fix and fallback; a failed job ends with its problems
# only.   doctor.sh MPPRUN PROGRAM
mpprun=$1 prog=$2
fail() {
    echo "doctor: $1" >&2
    echo "$out" >&2
    exit 1
}
checks="shm cma cpus tcp ofi slurm hwloc"
out=$(env -u MSGPASS_TCP_IF -u SLURM_JOB_ID "$mpprun" --doctor -n 2)
rc=$?
for c in $checks; do
    [ "$(echo "$out" | grep -c "^mpprun: doctor: $c  *\(ok\|note\|problem\): ")" -eq 1 ] || fail "no single '$c' line:"
done
[ "$(echo "$out" | wc -l)" -eq 7 ] || fail "expected 7 lines:"
problems=$(echo "$out" | grep -c ' problem: ')
expected=0
[ "$problems" -gt 0 ] && expected=1
[ $rc -eq $expected ] || fail "exit code $rc with $problems problems:"
echo "$out" | grep ' \(note\|problem\): ' | grep -v 'fallback: ' && fail "a note or problem without its fallback:"
echo "$out" | grep ' problem: ' | grep -v 'fix: ' && fail "a problem without its fix:"

out=$(MSGPASS_TCP_IF=nosuchif0 "$mpprun" --doctor -n 2)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^mpprun: doctor: tcp *problem: MSGPASS_TCP_IF=nosuchif0 matches no IPv4 interface that is up (up: .*lo 127.0.0.1.*); fix: .*; fallback: ' ||
    fail "MSGPASS_TCP_IF=nosuchif0: exit code $rc, no tcp problem:"

out=$(SLURM_JOB_ID=77 SLURM_STEP_NUM_TASKS=4 "$mpprun" --doctor -n 2)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^mpprun: doctor: slurm *problem: Slurm job 77: .*one of 4 tasks srun started.*fix: ' ||
    fail "mpprun as one of 4 srun tasks: exit code $rc, no slurm problem:"

out=$("$mpprun" --doctor -n 64 --simulate-nodes 2)
echo "$out" | grep -q '^mpprun: doctor: cpus *note: 64 ranks on this host, .* oversubscribed' ||
    fail "64 ranks: no oversubscription note:"
echo "$out" | grep -q '^mpprun: doctor: tcp *ok: .*several hosts' || fail "pretend nodes: tcp does not pick a network interface:"

out=$(MSGPASS_TRANSPORTS=tcp MSGPASS_TCP_IF=nosuchif0 "$mpprun" -n 2 --timeout 100 "$prog" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q '^mpprun: doctor: tcp *problem: MSGPASS_TCP_IF=nosuchif0' ||
    fail "a job failing on MSGPASS_TCP_IF: exit code $rc, its report has no tcp problem:"
echo "$out" | grep -q '^mpprun: doctor: .* \(ok\|note\): ' && fail "a failed job's report shows more than problems:"

out=$("$mpprun" --doctor --np 0 2>&1)
[ $? -eq 2 ] || fail "--doctor --np 0 is not a usage error:"
echo "doctor: every check reports in the documented form; problems come with fix and fallback"
