#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage kunit: Landlock's KUnit tests (CONFIG_SECURITY_LANDLOCK_KUNIT_TEST),
# built into the vm kernel of the tip and run at its boot in the VM; their
# KTAP is judged by the tree's own kunit.py parse.  kunit-uml (not a default
# stage) runs them the upstream way, kunit.py run on UML, at the price of a
# UML kernel build.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

k=$("$TOP/scripts/build-kernel.sh" vm "$CT" 2>"$RES/build-kunit.err" | tail -1) || {
	cat "$RES/build-kunit.err"
	exit 1
}
[ -f "$OUT/initramfs.cpio.gz" ] || "$TOP/scripts/initramfs.sh" "$CT" >/dev/null || exit 1
"$TOP/scripts/vm.sh" kunit "$k" kunit || { echo "not ok - the KUnit boot (see above)"; exit 1; }
python3 "$TOP/scripts/verdict.py" --section KUNIT "$OUT/vm-kunit.log" >"$OUT/kunit.ktap"
rc=0
python3 "$CT/tools/testing/kunit/kunit.py" parse "$OUT/kunit.ktap" >"$RES/kunit-parse.log" 2>&1 || rc=$?
sed -e 's/\x1b\[[0-9;]*m//g' "$RES/kunit-parse.log" | grep -E '^\[[0-9:]+\] (\[|=|Testing complete)' | tail -40
n=$(sed -e 's/\x1b\[[0-9;]*m//g' "$RES/kunit-parse.log" |
	sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/\1 \2/p')
read -r ran passed <<<"${n:-0 0}"
if [ $rc -ne 0 ] || [ "$ran" -eq 0 ] || [ "$ran" -ne "$passed" ]; then
	echo "not ok - KUnit: $passed of $ran passed (see $RES/kunit-parse.log)"
	exit 1
fi
echo "kunit: $passed passed, 0 failed"
