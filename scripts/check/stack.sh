#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage stack: stack usage of Landlock's functions (scripts/checkstack.pl on
# the objects of the vm configuration: those the bisect stage built at the
# base and at the tip when it ran before, else built here, in a build
# directory of its own), base vs series: lists the functions the series adds or grows, and fails
# when one of them uses more than STACK_LIMIT bytes (default 256).
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

STACK_LIMIT=${STACK_LIMIT:-256}
so=$OUT/stack

stack_usage() {
	if [ -f "$RES/stack-$2.txt" ]; then
		cat "$RES/stack-$2.txt"
		return
	fi
	git -C "$CT" checkout -q "$1"
	OUT=$so "$TOP/scripts/build-kernel.sh" vm "$CT" -- security/landlock/ \
		>"$RES/stack-build.log" 2>&1 || { tail -20 "$RES/stack-build.log" >&2; return 1; }
	"$TOP/scripts/check/stack-usage.sh" "$so/build-vm" "$CT"
}

rc=0
head=$(git -C "$CT" rev-parse HEAD)
base=$(stack_usage series-base base) && new=$(stack_usage "$head" tip) || rc=1
git -C "$CT" checkout -q "$head"
[ $rc -eq 0 ] || { echo "not ok - stack usage build"; exit 1; }
declare -A before=()
while read -r fn size; do before[$fn]=$size; done <<<"$base"
echo "Landlock functions added or grown by the series (bytes of stack):"
while read -r fn size; do
	# KUnit test cases (test_*, built into the vm kernel) run once at boot,
	# with struct kunit state on their stack: not a run-time path.
	case $fn in test_*) continue ;; esac
	old=${before[$fn]:-}
	[ -n "$old" ] && [ "$size" -le "$old" ] && continue
	printf '  %-44s %5s (base: %s)\n' "$fn" "$size" "${old:-new}"
	if [ "$size" -gt "$STACK_LIMIT" ]; then
		echo "not ok - $fn uses $size bytes of stack (limit $STACK_LIMIT)"
		rc=1
	fi
done <<<"$new"
[ $rc -eq 0 ] && echo "ok - no added or grown Landlock function over $STACK_LIMIT bytes of stack"
exit $rc
