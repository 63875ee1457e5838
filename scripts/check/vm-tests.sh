#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage vm-tests: every Landlock selftest (LLTESTS= to pick binaries) in the
# VM, on the vm kernel of the tip, then the race tests ($RACE_TESTS) again
# on two CPUs.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

k=$("$TOP/scripts/build-kernel.sh" vm "$CT" 2>"$RES/build-vm.err" | tail -1) || {
	cat "$RES/build-vm.err"
	exit 1
}
"$TOP/scripts/initramfs.sh" "$CT" >/dev/null || exit 1
rc=0
"$TOP/scripts/vm.sh" test "$k" vm-tests "${LLTESTS:-}" || rc=1
[ -n "${LLTESTS:-}" ] || VM_CPUS=2 "$TOP/scripts/vm.sh" test "$k" vm-tests-smp "$RACE_TESTS" || rc=1
exit $rc
