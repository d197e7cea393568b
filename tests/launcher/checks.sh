# Checks shared by launcher_test.sh and tests/multihost/netns_test.sh (sourced). They read $OUT,
# $ERR, $RC and $CASE of the sourcing script.

die() {
    echo "FAIL [$CASE]: $*" >&2
    echo "--- stdout (head):" >&2; head -c 3000 "$OUT" >&2 2>/dev/null
    echo "--- stderr (head):" >&2; head -c 3000 "$ERR" >&2 2>/dev/null
    exit 1
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
# the output of `lt_helper lines N` run with --tag-output on RANKS ranks: every line of every rank,
# in order, whole, nothing else
expect_tagged_lines() {
    local n=$1 ranks=$2 r c
    for r in $(seq 0 $((ranks - 1))); do
        grep "^\[$r\] rank=$r line=[0-9]* payload=abcdefghijklmnopqrstuvwxyz0123456789$" "$OUT" |
            sed 's/.*line=\([0-9]*\) .*/\1/' >"$OUT.seq"
        seq 0 $((n - 1)) | cmp -s - "$OUT.seq" || die "rank $r: lines out of order or missing"
        c=$(grep -c "^\[$r\] rank=$r err=[0-9]*$" "$ERR")
        [ "$c" -eq $((n / 10)) ] || die "rank $r: $c stderr lines, expected $((n / 10))"
    done
    rm -f "$OUT.seq"
    [ "$(wc -l <"$OUT")" -eq $((ranks * n)) ] || die "extra stdout lines"
}
# `lt_helper stdin` with INPUT on stdin: rank 0 read all of it
expect_rank0_read() {
    local want
    want=$("$LT_HELPER" stdin <"$1" | sed 's/^rank -1 /rank 0 /')
    grep -qx "$want" "$OUT" || die "rank 0 did not get stdin ($want)"
}
# the output of `lt_helper longline LEN` run with --tag-output on RANKS ranks: one whole line each
expect_long_lines() {
    local len=$1 ranks=$2 r
    [ "$(wc -l <"$OUT")" -eq "$ranks" ] || die "a long line was split or mixed"
    for r in $(seq 0 $((ranks - 1))); do
        awk -v r="[$r] " -v L="$len" 'index($0, r) == 1 && length($0) == L + length(r) && substr($0, length(r) + 1) !~ /[^x]/ { ok = 1 }
            END { exit !ok }' "$OUT" || die "rank $r: long line damaged"
    done
}
