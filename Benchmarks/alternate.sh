#!/usr/bin/env bash
# Alternates two nano-bench binaries (before, after) over the same filters, so that drift of
# a shared machine hits both sides alike. Usage:
#   Benchmarks/alternate.sh BEFORE_BINARY AFTER_BINARY [ROUNDS] [FILTER...]
# Writes before.log and after.log in the current folder. Build each side with
#   git worktree add /tmp/before REV && (cd /tmp/before/Benchmarks && swift build -c release)
set -euo pipefail
before=$1 after=$2 rounds=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
filters=("$@")
[ ${#filters[@]} -eq 0 ] && filters=(idle call-sync cast pipeline fanout spawn-10k async-method)
for round in $(seq "$rounds"); do
    for side in before after; do
        binary=$before; [ "$side" = after ] && binary=$after
        for filter in "${filters[@]}"; do
            echo "### round $round $side $filter" >> "$side.log"
            "$binary" --filter "$filter" --repetitions 3 >> "$side.log" 2>&1
        done
    done
done
