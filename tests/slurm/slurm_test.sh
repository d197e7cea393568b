#!/bin/bash
# Ranks started by Slurm's srun, without mpprun: a real single-node Slurm (munged, slurmctld,
# slurmd from Debian's packages) is started in a temporary directory with a minimal
# configuration, then:
#   1. srun --mpi=M -n 4 HELLO        every rank reports rank/size correctly
#   2. srun --mpi=M -n 4 P2P_TEST     a point-to-point test passes
#      (1 and 2 for M = pmix, then pmi2; 2 also with MSGPASS_TRANSPORTS=tcp. Without its PMIx
#      back end a rank would refuse to start: srun --mpi=pmix sets no PMI_FD)
#   3. srun -n 2 --mpi=none HELLO     fails with the message that names the missing PMI plugin
#   4. salloc -N1 -n4 MPPRUN -n 4 HELLO   mpprun takes the allocation's node and starts its proxy
#      there with srun (a job step of the allocation)
#   5. sbatch a script running MPPRUN -n 4 P2P_TEST on the allocation's node (ranks started
#      directly: the node is where the script runs)
# Exits 77 (ctest SKIP) when Slurm is not installed or we are not root; everything started is
# stopped on exit.
# usage: slurm_test.sh HELLO P2P_TEST MPPRUN
set -u
hello=$1
p2p=$2
mpprun=$3
for tool in munged slurmctld slurmd srun sinfo; do
    command -v $tool >/dev/null || { echo "slurm_test: SKIP: $tool not installed (apt-get install slurmd slurmctld slurm-client munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "slurm_test: SKIP: slurmd must run as root"; exit 77; }

# Under AddressSanitizer: libpmix's own start-up allocations are not the ranks' leaks.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "$0")" && pwd)/lsan-pmix.supp"

work=$(mktemp -d /tmp/msgpass-slurm.XXXXXX)
chmod 755 "$work"
# The daemons run in the foreground as this script's children, so they can be stopped for sure:
# SIGTERM, then SIGKILL to whatever is still there after 5 s; Slurm's first, munged last.
slurm_daemons=""
munged_pid=""
stop() {
    [ -n "$1" ] || return 0
    kill $1 2>/dev/null
    local alive=""
    for _ in $(seq 50); do
        alive=""
        for pid in $1; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
        [ -z "$alive" ] && return 0
        sleep 0.1
    done
    kill -9 $alive 2>/dev/null
}
cleanup() {
    # Each job step's slurmstepd lingers a few seconds after its step; let them finish first.
    for _ in $(seq 100); do pgrep -x slurmstepd >/dev/null || break; sleep 0.1; done
    stop "$slurm_daemons"
    stop "$munged_pid"
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "slurm_test: FAIL: $*" >&2
    for f in "$work"/log/*; do echo "--- $f"; tail -n 20 "$f"; done >&2
    exit 1
}

mkdir -p "$work"/state "$work"/spool "$work"/log "$work"/munge
chmod 700 "$work/munge"
head -c 1024 /dev/urandom >"$work/munge/key"
chmod 600 "$work/munge/key"
munged --foreground --force --socket="$work/munge/sock" --key-file="$work/munge/key" --pid-file="$work/munge/pid" \
    --log-file="$work/munge/log" --seed-file="$work/munge/seed" >"$work/log/munged.log" 2>&1 &
munged_pid=$!
for _ in $(seq 50); do [ -S "$work/munge/sock" ] && break; sleep 0.1; done
[ -S "$work/munge/sock" ] || fail "munged did not start"

node=$(hostname -s)
# The Slurm node's name is not the host's: mpprun inside an allocation then sees a node it must
# reach through srun (the multi-node path), though it is this host.
slurm_node=msgpass-n1
port=$((20000 + $$ % 20000))
cat >"$work/slurm.conf" <<CONF
ClusterName=msgpasstest
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmi2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$slurm_node NodeHostname=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=10 State=UP OverSubscribe=FORCE:16
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D >"$work/log/slurmctld.out" 2>&1 &
slurm_daemons=$!
slurmd -D -N $slurm_node >"$work/log/slurmd.out" 2>&1 &
slurm_daemons="$slurm_daemons $!"
for _ in $(seq 60); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 0.5
done
sinfo -h -o %t | grep -q idle || fail "the node never became idle"

for mpi in pmix pmi2; do
    out=$(timeout 60 srun --mpi=$mpi -n 4 -O "$hello" 2>&1) || fail "srun --mpi=$mpi -n 4 hello failed: $out"
    for r in 0 1 2 3; do
        echo "$out" | grep -q "rank $r of 4" || fail "srun --mpi=$mpi -n 4 hello: no line from rank $r of 4: $out"
    done
    echo "ok: srun --mpi=$mpi -n 4 hello"

    out=$(timeout 120 srun --mpi=$mpi -n 4 -O "$p2p" 2>&1) || fail "srun --mpi=$mpi -n 4 of the point-to-point test failed: $out"
    echo "$out" | grep -q "4 ranks: [0-9]* passed, 0 failed" || fail "srun --mpi=$mpi: point-to-point test summary missing: $out"
    echo "ok: srun --mpi=$mpi -n 4 point-to-point test"

    # tcp alone: its job secret is a key without a rank in its name, put by rank 0
    out=$(MSGPASS_TRANSPORTS=tcp timeout 120 srun --mpi=$mpi -n 4 -O "$p2p" 2>&1) ||
        fail "MSGPASS_TRANSPORTS=tcp srun --mpi=$mpi -n 4 of the point-to-point test failed: $out"
    echo "$out" | grep -q "4 ranks: [0-9]* passed, 0 failed" || fail "srun --mpi=$mpi over tcp: summary missing: $out"
    echo "ok: srun --mpi=$mpi -n 4 point-to-point test over tcp"
done

out=$(timeout 60 srun -n 2 -O --mpi=none "$hello" 2>&1) && fail "srun --mpi=none should fail, gave: $out"
echo "$out" | grep -q "without a PMI plugin" || fail "srun --mpi=none: the error does not name the missing PMI plugin: $out"
echo "ok: srun --mpi=none is refused with a clear message"

out=$(timeout 120 salloc -O -N1 -n4 "$mpprun" -n 4 "$hello" 2>&1) || fail "salloc -N1 -n4 mpprun -n 4 hello failed: $out"
for r in 0 1 2 3; do
    echo "$out" | grep -q "rank $r of 4" || fail "salloc ... mpprun -n 4 hello: no line from rank $r of 4: $out"
done
jobid=$(echo "$out" | sed -n 's/.*Granted job allocation \([0-9]*\).*/\1/p')
[ -n "$jobid" ] || fail "salloc did not name its job: $out"
grep -q "StepId=$jobid\.0 " "$work/log/slurmd.out" || fail "mpprun in job $jobid started no srun step (slurmd log)"
echo "ok: salloc -N1 -n4 mpprun -n 4 hello (proxy started by srun as step $jobid.0)"

cat >"$work/job.sh" <<JOB
#!/bin/bash
exec "$mpprun" -n 4 "$p2p"
JOB
timeout 180 sbatch --wait -O -N1 -n4 -o "$work/job.out" "$work/job.sh" >/dev/null 2>&1 ||
    fail "sbatch of mpprun -n 4 of the point-to-point test failed: $(cat "$work/job.out" 2>&1)"
grep -q "4 ranks: [0-9]* passed, 0 failed" "$work/job.out" ||
    fail "sbatch mpprun -n 4: point-to-point test summary missing: $(cat "$work/job.out")"
echo "ok: sbatch script with mpprun -n 4 point-to-point test"
