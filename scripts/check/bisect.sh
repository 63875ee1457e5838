#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage bisect: every commit from the base to the tip builds, in order and
# incrementally, and security/landlock/ is W=1 and sparse clean at each, in
# a second build directory (so that the kernel build stays incremental): no
# warning may come from Landlock's files.  Each file is compiled with W=1 and
# checked by sparse (C=1) when it (or a header it uses) changes, starting
# with all of them at the base: a file that did not change keeps the clean
# result of an earlier patch.  Each line gives the patch's build time.  A
# patch that changes no file the kernel build reads (only Documentation/,
# tools/ or samples/: documentation, selftests, samples) builds the same
# kernel as its parent, which is not built again.  From the
# patch that adds the BPF bridge on, its code and the verifier also compile
# (Landlock W=1) in the debug flavour, which carries bpf.config (objects
# only: the debug-tests stage links the tip's).  The W=1 objects of the base
# and of the tip also give the stack stage its figures.
# deps: btf
# lane: tree
. "$(dirname "$0")/../lib.sh"

rc=0 i=0 w1=$OUT/build-w1 cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
sparse=$("$TOP/scripts/sparse.sh" "$CT") || exit 1
echo "sparse: $sparse"
head=$(git -C "$CT" rev-parse HEAD)
for c in $(git -C "$CT" rev-parse series-base) $(git -C "$CT" rev-list --reverse series-base..HEAD); do
	git -C "$CT" checkout -q "$c"
	t0=$(date +%s)
	printf '%s %s\n' "$i" "$(git -C "$CT" log -1 --format='%h %s')"
	if [ $i -gt 0 ] && ! git -C "$CT" diff --name-only "$c^" "$c" |
		grep -qvE '^(Documentation|tools|samples)/'; then
		echo "ok - build at patch $i: no kernel source changed (Documentation/, tools/, samples/ only)"
		i=$((i + 1))
		continue
	fi
	if ! LL_KEEP_CONFIG=$([ $i -gt 0 ] && echo 1) \
		"$TOP/scripts/build-kernel.sh" vm "$CT" >"$RES/build-$i.log" 2>&1; then
		echo "not ok - build at patch $i"
		tail -20 "$RES/build-$i.log"
		rc=1
		break
	fi
	mkdir -p "$w1"
	cmp -s "$OUT/build-vm/.config" "$w1/.config" ||
		cp "$OUT/build-vm/.config" "$w1/.config"
	make -s -C "$CT" O="$w1" ARCH=x86_64 W=1 C=1 CHECK="$sparse" \
		CC="$cc" -j"$JOBS" security/landlock/ >"$RES/w1-$i.log" 2>&1 ||
		echo "make failed" >>"$RES/w1-$i.log"
	if grep -E 'warning|error|failed' "$RES/w1-$i.log" >/dev/null; then
		echo "not ok - W=1/sparse clean at patch $i"
		sed 's/^/    /' "$RES/w1-$i.log" | head -30
		rc=1
	else
		echo "ok - build, W=1 and sparse clean at patch $i ($(($(date +%s) - t0)) s)"
	fi
	# For the stack stage: the base's stack usage (the tip's after the loop).
	[ $i -gt 0 ] || "$TOP/scripts/check/stack-usage.sh" "$w1" "$CT" >"$RES/stack-base.txt"
	if [ -f "$CT/security/landlock/bpf.c" ]; then
		if "$TOP/scripts/build-kernel.sh" debug "$CT" -- W=1 security/landlock/ \
			>"$RES/bpf-$i.log" 2>&1 &&
			LL_KEEP_CONFIG=1 "$TOP/scripts/build-kernel.sh" debug "$CT" -- \
				kernel/bpf/verifier.o >>"$RES/bpf-$i.log" 2>&1 &&
			! grep -E 'warning|error' "$RES/bpf-$i.log" >/dev/null; then
			echo "ok - debug (bpf) flavour: security/landlock/ and the verifier W=1 clean at patch $i ($(($(date +%s) - t0)) s with the vm build)"
		else
			echo "not ok - debug (bpf) flavour build at patch $i"
			sed 's/^/    /' "$RES/bpf-$i.log" | tail -30
			rc=1
		fi
	fi
	i=$((i + 1))
done
git -C "$CT" checkout -q "$head"
if [ $rc -eq 0 ]; then
	"$TOP/scripts/check/stack-usage.sh" "$w1" "$CT" >"$RES/stack-tip.txt"
else
	rm -f "$RES/stack-base.txt"
fi
exit $rc
