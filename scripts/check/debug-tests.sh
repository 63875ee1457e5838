#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage debug-tests: the same selftests on the debug kernel (KASAN, lockdep,
# kmemleak, debug objects, panic_on_warn; it carries bpf.config too), which
# it builds first, for the stages of the tip2 lane too.
#
# Every selftest binary but fs_test and net_test runs with kmemleak on, and
# a leak scan ends the boot.  fs_test and net_test are upstream's tests,
# which the series leaves as they are (it only moves a helper out of
# fs_test.c; its features have their own binaries, in the first boot): with
# DEBUG_FS_NET=1 (make check STAGES=debug-tests DEBUG_FS_NET=1) they run in
# a second boot; by default only the vm-tests stage runs them, on the vm
# kernel, which keeps make check within its hour on a fresh machine (that
# boot took 630-900 s of emulation).  The second boot has kmemleak off, because
# kmemleak's stack trace at every allocation makes them 2.2 times slower
# under emulation (a subset of fs_test: 26 s with it, 11 s without; KASAN,
# lockdep and debug objects together cost little beside it).  They keep
# KASAN, lockdep, debug objects and panic_on_warn.  DEBUG_KMEMLEAK_ALL=1
# runs everything in one boot with kmemleak on, as before; LLTESTS= picks
# the binaries (one boot with kmemleak on).  fs_test alone took over 600 s
# (the per-binary default) beside a build in the other lane, so each binary
# gets 2400 s here.
# deps: btf
# lane: tip
. "$(dirname "$0")/../lib.sh"

k=$("$TOP/scripts/build-kernel.sh" debug "$CT" 2>"$RES/build-debug.err" | tail -1) || {
	cat "$RES/build-debug.err"
	echo failed >"$RES/debug-kernel"
	exit 1
}
# The tip2 lane (fuzz, bpf-tests) boots this kernel from now on.
echo "$OUT/build-debug" >"$RES/debug-kernel"
"$TOP/scripts/initramfs.sh" "$CT" >/dev/null || exit 1

# boot NAME KMEMLEAK TESTS: one boot of the debug kernel, its TAP on stdout.
boot() {
	VM_MEM=2G VM_APPEND="panic_on_warn=1 kmemleak=$2 lltimeout=2400" VM_TIMEOUT=3600 \
		"$TOP/scripts/vm.sh" test "$k" "$1" "$3"
}

slow=(fs_test net_test)
if [ -n "${LLTESTS:-}" ] || [ "${DEBUG_KMEMLEAK_ALL:-0}" = 1 ]; then
	boot debug-tests on "${LLTESTS:-}"
	exit
fi
mapfile -t all < <(cd "$OUT/selftests" && ls -- *_test | sort)
rest=()
for t in "${all[@]}"; do
	[[ " ${slow[*]} " == *" $t "* ]] || rest+=("$t")
done
[ ${#rest[@]} -gt 0 ] || { echo "not ok - no selftest binary in $OUT/selftests"; exit 1; }
rc=0
boot debug-tests on "$(IFS=,; echo "${rest[*]}")" || rc=1
VM_CPUS=2 boot debug-tests-smp on "$RACE_TESTS" || rc=1
if [ "${DEBUG_FS_NET:-0}" = 1 ]; then
	boot debug-tests-fs-net off "$(IFS=,; echo "${slow[*]}")" || rc=1
else
	echo "# fs_test and net_test: on the vm kernel only (vm-tests); DEBUG_FS_NET=1 runs them here too"
fi
exit $rc
