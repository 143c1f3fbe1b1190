#!/usr/bin/env bash
# Run a command several times in a row while CPU hogs keep every core busy.
#
#   tools/under-load.sh [-n RUNS] [-j HOGS] [-t LIMIT] -- COMMAND [ARGS...]
#
# RUNS (default 3): how many times COMMAND runs; it stops at the first failure.
# HOGS (default: the number of cores): busy loops started before the first run.
# LIMIT (default 3600): seconds after which a hog ends by itself in any case.
#
# The hogs never outlive this script: they are stopped on exit (trap), and each one also
# ends as soon as this script's process is gone (even after a SIGKILL, when no trap runs)
# or after LIMIT seconds. Exit status: that of the first failing run, 0 when all passed.
set -u

usage="usage: $0 [-n RUNS] [-j HOGS] [-t LIMIT] -- COMMAND [ARGS...]"
runs=3
hogs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
limit=3600
while getopts "n:j:t:" option; do
    case $option in
        n) runs=$OPTARG ;;
        j) hogs=$OPTARG ;;
        t) limit=$OPTARG ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
    echo "$usage" >&2
    exit 2
fi

pids=()
stop_hogs() {
    if [ ${#pids[@]} -gt 0 ]; then
        kill "${pids[@]}" 2>/dev/null
        wait "${pids[@]}" 2>/dev/null
        pids=()
    fi
}
trap stop_hogs EXIT
# The command runs in the foreground, so Ctrl-C reaches it as usual; bash runs these traps
# once it has ended.
trap 'stop_hogs; exit 130' INT
trap 'stop_hogs; exit 143' TERM

for _ in $(seq "$hogs"); do
    # A busy loop that checks, at each turn, that this script ($$) is still there.
    timeout "$limit" sh -c 'while kill -0 "$1" 2>/dev/null; do :; done' hog $$ &
    pids+=($!)
done
echo "under-load: $hogs CPU hogs (pids ${pids[*]}; at most ${limit} s), $runs runs of: $*"

status=0
for run in $(seq "$runs"); do
    started=$(date +%s)
    "$@"
    status=$?
    took=$(( $(date +%s) - started ))
    if [ $status -ne 0 ]; then
        echo "under-load: run $run of $runs FAILED (exit $status) after ${took} s"
        break
    fi
    echo "under-load: run $run of $runs passed in ${took} s"
done
exit $status
