#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage kunit-uml: Landlock's KUnit tests, as upstream runs them:
# kunit.py run --kunitconfig security/landlock (UML).  Not in the default
# stages: the kunit stage runs the same tests in the vm kernel, which costs
# no kernel build of its own.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

cd "$CT"
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
if python3 tools/testing/kunit/kunit.py run --kunitconfig security/landlock \
	--build_dir "$OUT/kunit" --jobs "$JOBS" --make_options "CC=$cc" \
	>"$RES/kunit.log" 2>&1; then
	grep -E '^\[.*\] (Testing complete|=+ \[PASSED\]|=+ \[FAILED\])' "$RES/kunit.log" | tail -3
	sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/kunit: \2 passed, 0 failed/p' "$RES/kunit.log"
	exit 0
fi
grep -E 'FAILED|Error|error' "$RES/kunit.log" | head -30
tail -10 "$RES/kunit.log"
exit 1
