#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage debug-tests: the same selftests on the debug kernel (KASAN, lockdep,
# kmemleak, debug objects, panic_on_warn; it carries bpf.config too), which
# it builds first, for the stages of the tip2 lane too.  fs_test
# alone took over 600 s (the per-binary default) beside a build in the other
# lane, so each binary gets 2400 s here.
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
VM_MEM=2G VM_APPEND="panic_on_warn=1 kmemleak=on lltimeout=2400" VM_TIMEOUT=3600 \
	exec "$TOP/scripts/vm.sh" test "$k" debug-tests "${LLTESTS:-}"
