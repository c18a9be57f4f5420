# shellcheck shell=bash
# Helpers for the reconciler's kernel tests (Tests/vm/reconciler-*.sh). Not a test itself (the
# leading "_"): source it first thing. Runs INSIDE the test VM (scripts/vm-run), where
# scripts/vm-tests gives each test a fresh network namespace, so IPVS starts empty.
#
# The witness is always `ipvsadm` (the LVS project's own tool), never gorb-reconcile's own view.
#
#   rec_pass MSG / rec_fail MSG       a PASS/FAIL line; rec_fail counts, rec_finish exits 1 if any
#   rec_die MSG                       FAIL and exit now (setup problems)
#   gorb ARGS...                      gorb-reconcile with this test's --state-dir (plan/apply/run)
#   rec_table                         `ipvsadm -Sn`, sorted (the kernel's dump order is hash order)
#   rec_expect_table DESC FILE        PASS if rec_table equals FILE (sorted), else FAIL with a diff
#   rec_wait SECS CMD...              polls CMD every 0.2 s until it succeeds; false on timeout
#   rec_plan_summary CONFIG [ARGS]    `plan --json`, summarised "create=N update=N delete=N drain=N"
#   rec_daemon_start LOG ARGS...      `gorb-reconcile run ARGS` in the background; sets REC_DAEMON_PID
#   rec_daemon_stop [SIGNAL]          stops it (TERM by default) and waits
#
# Binaries: $GORB_BIN_DIR (what scripts/test just built: `swift build --show-bin-path`), else
# $GORB_BUILD_DIR/debug, else .build/debug, like Tests/vm/netlink-conformance.sh.

REC_NAME=$(basename "$0" .sh)
REC_BIN_DIR=${GORB_BIN_DIR:-${GORB_BUILD_DIR:-.build}/debug}
REC_GORB=$REC_BIN_DIR/gorb-reconcile
REC_FAILURES=0
REC_DAEMON_PID=""

REC_T0=$EPOCHREALTIME
# The seconds since the test started, on every PASS/FAIL line (where the time goes, under TCG).
rec_elapsed() { awk -v a="$REC_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%5.1fs", b - a }'; }
rec_pass() { echo "PASS: [$(rec_elapsed)] $REC_NAME: $*"; }
rec_fail() { echo "FAIL: [$(rec_elapsed)] $REC_NAME: $*"; REC_FAILURES=$((REC_FAILURES + 1)); }
rec_die() { echo "FAIL: [$(rec_elapsed)] $REC_NAME: $*"; exit 1; }

[[ ${GORB_IN_VM:-} == 1 ]] || rec_die "run me inside the VM: scripts/vm-run -- scripts/vm-tests reconciler"
[[ -x $REC_GORB ]] || rec_die "no gorb-reconcile in $REC_BIN_DIR (swift build first, or set GORB_BIN_DIR)"
command -v ipvsadm >/dev/null || rec_die "ipvsadm is not installed"

REC_WORK=$(mktemp -d "/tmp/$REC_NAME.XXXXXX")
REC_STATE=$REC_WORK/state

gorb() {
    local sub=$1
    shift
    "$REC_GORB" "$sub" --state-dir "$REC_STATE" "$@"
}

rec_table() { ipvsadm -Sn | LC_ALL=C sort; }

rec_expect_table() {
    local desc=$1 expected=$2 diffs
    if diffs=$(diff <(LC_ALL=C sort "$expected") <(rec_table)); then
        rec_pass "$desc: ipvsadm -Sn matches ($(wc -l <"$expected") lines)"
    else
        rec_fail "$desc: ipvsadm -Sn differs from the expected table (< expected, > kernel):"
        printf '%s\n' "$diffs" | sed 's/^/    /'
    fi
}

rec_wait() {
    local secs=$1 deadline
    shift
    deadline=$(awk -v t="$EPOCHREALTIME" -v s="$secs" 'BEGIN { printf "%.3f", t + s }')
    while true; do
        "$@" >/dev/null 2>&1 && return 0
        awk -v t="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(t > d) }' && return 1
        sleep 0.2
    done
}

# rec_same_table FILE: true when the kernel's table equals FILE (for rec_wait).
rec_same_table() { diff -q <(LC_ALL=C sort "$1") <(rec_table) >/dev/null; }

# rec_plan_summary CONFIG [ARGS...]: counts the steps of `plan --json` by kind. Exit status 0
# (nothing to do) and 2 (changes) are both fine; anything else is an error.
rec_plan_summary() {
    local config=$1 json rc=0
    shift
    json=$(gorb plan --config "$config" --json "$@" 2>"$REC_WORK/plan.err") || rc=$?
    if ((rc != 0 && rc != 2)); then
        echo "plan failed (exit $rc): $(cat "$REC_WORK/plan.err")"
        return 1
    fi
    # Counted with grep, not python: a python start costs seconds under TCG.
    local kind line=""
    for kind in create update delete drain; do
        line+="$kind=$(grep -cE "\"kind\" *: *\"$kind\"" <<<"$json" || true) "
    done
    echo "${line% }"
}

rec_daemon_start() {
    local log=$1
    shift
    "$REC_GORB" run --state-dir "$REC_STATE" "$@" >>"$log" 2>&1 &
    REC_DAEMON_PID=$!
}

rec_daemon_stop() {
    local sig=${1:-TERM}
    [[ -n $REC_DAEMON_PID ]] || return 0
    kill "-$sig" "$REC_DAEMON_PID" 2>/dev/null || true
    wait "$REC_DAEMON_PID" 2>/dev/null || true
    REC_DAEMON_PID=""
}

rec_finish() {
    rec_daemon_stop TERM
    if ((REC_FAILURES > 0)); then
        echo "FAIL: $REC_NAME: $REC_FAILURES check(s) failed"
        exit 1
    fi
    echo "PASS: $REC_NAME: all checks passed"
}

rec_cleanup() {
    [[ -z $REC_DAEMON_PID ]] || kill -KILL "$REC_DAEMON_PID" 2>/dev/null || true
    if declare -F lab_down >/dev/null; then lab_down; fi
}
trap rec_cleanup EXIT
