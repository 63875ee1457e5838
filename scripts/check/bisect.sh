#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage bisect: every commit of the series builds, and security/landlock/
# is W=1 and sparse clean at each, from the base to the tip.
#
# First the tip's vm kernel (the stages after this one boot it).  Then,
# commit by commit in a second checkout of the tree, security/landlock/ is
# compiled with W=1 and checked by sparse (C=1) in its own build directory,
# each file when it (or a header it uses) changes, all of them at the base:
# a file that did not change keeps the clean result of an earlier patch.
# From the first patch that changes kernel/bpf/ on, the BPF bridge's code
# (security/landlock/ with W=1 and sparse, security/bpf_lsm_kfuncs.c with
# W=1, the LSM framework and the verifier's files) also compiles in the
# bpfobj flavour: bpf.config without debug information, objects only (the
# debug-tests stage links the tip's debug kernel).  It used to be the debug
# flavour, whose KASAN and DWARF cost 1203 s of run 7's 3117 s.
#
# Each patch's Landlock objects are then link-checked against the tip's vm
# kernel: every symbol they use is defined by them or by the rest of the
# tip's vmlinux, and none of their global symbols is defined there too (what
# a link of that patch's Landlock files with the tip's other files would
# refuse).  That stands for linking each patch's kernel when it is the same
# thing for the vm flavour: when every other file that the series changes
# is a .c file that the vm flavour does not build (kernel/bpf/), or a file
# that one patch changes (a header, security/security.c, a Makefile: every
# patch has the base's or the tip's version of it, and both build: the base
# is Debian's kernel, the tip was just built; a Landlock object that used a
# symbol of the tip's version too early would not compile at that patch).
# Else every patch's whole tree is built and linked in the vm flavour, as it
# is.  The difference is time: a vm link at each patch cost
# 40-60 s of the 60-180 s each patch took, and a header such as
# include/linux/btf.h, changed by one BPF patch, would rebuild 500 objects
# of the vm kernel twice.  The vm kernel itself is linked at the tip only.
# A patch that changes no file the kernel build reads (only Documentation/,
# tools/, samples/ or MAINTAINERS: documentation, selftests, samples) builds
# the same
# kernel as its parent, which is not built again.  Each line gives the
# patch's build time.  The W=1 objects of the base and of the tip also give
# the stack stage its figures.
# deps: btf
# lane: tree
. "$(dirname "$0")/../lib.sh"

rc=0 i=0 w1=$OUT/build-w1 cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
# Landlock's own files: what a Landlock patch changes.
ll_paths=(security/landlock include/linux/landlock.h include/uapi/linux/landlock.h
	include/trace/events/landlock.h)
sparse=$("$TOP/scripts/sparse.sh" "$CT") || exit 1
echo "sparse: $sparse"
head=$(git -C "$CT" rev-parse HEAD)

t0=$(date +%s)
if ! "$TOP/scripts/build-kernel.sh" vm "$CT" >"$RES/build-tip.log" 2>&1; then
	echo "not ok - vm kernel at the tip"
	tail -20 "$RES/build-tip.log"
	exit 1
fi
echo "ok - vm kernel at the tip ($(($(date +%s) - t0)) s)"

# Can each patch's Landlock objects be link-checked against the tip's
# vmlinux, instead of linking each patch's kernel?
linkcheck=1
excl=()
for p in "${ll_paths[@]}" Documentation tools samples MAINTAINERS; do excl+=(":(exclude)$p"); done
while read -r f; do
	[ -n "$f" ] || continue
	if [[ $f == *.c ]] && [ ! -e "$OUT/build-vm/${f%.c}.o" ]; then
		echo "# $f: not built in the vm flavour"
		continue
	fi
	n=$(git -C "$CT" rev-list --count series-base..HEAD -- "$f")
	if [ "$n" -eq 1 ]; then
		echo "# $f: changed by one patch"
	else
		linkcheck=0
		echo "# $f: changed by $n patches"
	fi
done < <(git -C "$CT" diff --name-only series-base HEAD -- . "${excl[@]}")

# globals FILE: the global symbols FILE defines, one per line ("weak" after
# a weak one's name).
globals() {
	nm -P --defined-only "$1" 2>/dev/null |
		awk 'NF >= 2 && $2 ~ /^[A-Z]$/ { print $1 ($2 ~ /^[VW]$/ ? " weak" : "") }' |
		sort -u
}
if [ $linkcheck = 1 ]; then
	echo "# each patch's Landlock objects link-checked against the tip's vmlinux"
	src=$OUT/bisect-src
	rm -rf "$src"
	git -C "$CT" worktree prune
	git -C "$CT" worktree add -q --detach "$src" series-base
	# What the tip's vmlinux defines outside Landlock.
	lc=$OUT/linkcheck
	mkdir -p "$lc"
	globals "$OUT/build-vm/security/landlock/built-in.a" >"$lc/tip-landlock"
	globals "$OUT/build-vm/vmlinux" |
		awk 'NR == FNR { ll[$1]; next } !($1 in ll)' "$lc/tip-landlock" - >"$lc/others"
	[ -s "$lc/others" ] || { echo "not ok - no symbol in the tip's vmlinux"; exit 1; }
else
	echo "# vm builds: each patch's whole tree (a file above rules out the link check)"
	src=$CT
fi

# link_check DIR: DIR's security/landlock/built-in.a would link with the
# tip's other objects; prints what would not.
link_check() {
	local a=$1/security/landlock/built-in.a
	globals "$a" >"$lc/defs"
	[ -s "$lc/defs" ] || { echo "    no symbol in $a"; return 1; }
	nm -P -u "$a" | awk 'NF >= 2 { print $1 }' | sort -u >"$lc/uses"
	awk 'FILENAME != ARGV[3] { def[$1]; next }
		!($1 in def) { print "    undefined reference to " $1; bad = 1 }
		END { exit bad }' "$lc/defs" "$lc/others" "$lc/uses" || return 1
	# Two strong definitions of one name.
	awk 'FILENAME == ARGV[1] { if (NF == 1) other[$1]; next }
		NF == 1 && ($1 in other) { print "    multiple definition of " $1; bad = 1 }
		END { exit bad }' "$lc/others" "$lc/defs"
}

# bpf_objects I T0: from the first patch that changes kernel/bpf/ on, the
# BPF bridge's code compiles in the bpfobj flavour (vm + bpf.config, without
# debug information: objects only, the debug-tests stage links the tip's
# debug kernel): security/landlock/ with W=1 and sparse, the LSM framework's
# kfuncs with W=1 (sparse's "not declared" on every kfunc is the convention
# of kfunc files), the verifier's and the LSM framework's files as the
# kernel builds them.
bpf_objects() {
	local log=$RES/bpf-$1.log kf=() bk=("$TOP/scripts/build-kernel.sh" bpfobj "$src" --)
	[ -f "$src/security/bpf_lsm_kfuncs.c" ] && kf=(security/bpf_lsm_kfuncs.o)
	if "${bk[@]}" W=1 C=1 CHECK="$sparse" security/landlock/ >"$log" 2>&1 &&
		{ [ ${#kf[@]} -eq 0 ] || LL_KEEP_CONFIG=1 "${bk[@]}" W=1 "${kf[@]}" >>"$log" 2>&1; } &&
		LL_KEEP_CONFIG=1 "${bk[@]}" kernel/bpf/verifier.o kernel/bpf/cfg.o \
			kernel/bpf/syscall.o kernel/bpf/btf.o kernel/bpf/bpf_lsm.o \
			security/security.o >>"$log" 2>&1 &&
		! grep -E 'warning|error' "$log" >/dev/null; then
		echo "ok - bpfobj flavour (bpf.config): security/landlock/ W=1 and sparse clean, ${kf[*]:+${kf[*]} W=1 clean, }the LSM and BPF files build at patch $1 ($(($(date +%s) - $2)) s with the vm build)"
	else
		echo "not ok - bpfobj flavour (bpf.config) build at patch $1"
		sed 's/^/    /' "$log" | tail -30
		return 1
	fi
}

for c in $(git -C "$CT" rev-parse series-base) $(git -C "$CT" rev-list --reverse series-base..HEAD); do
	git -C "$src" checkout -q "$c"
	t0=$(date +%s)
	printf '%s %s\n' "$i" "$(git -C "$src" log -1 --format='%h %s')"
	if [ $i -gt 0 ] && ! git -C "$src" diff --name-only "$c^" "$c" |
		grep -qvE '^(Documentation/|tools/|samples/|MAINTAINERS$)'; then
		echo "ok - build at patch $i: no kernel source changed (Documentation/, tools/, samples/, MAINTAINERS only)"
		i=$((i + 1))
		continue
	fi
	# The base is Debian's kernel: its vm build is not checked.
	if [ $i -gt 0 ] && [ $linkcheck = 0 ] &&
		! LL_KEEP_CONFIG=1 "$TOP/scripts/build-kernel.sh" vm "$CT" \
			>"$RES/build-$i.log" 2>&1; then
		echo "not ok - build at patch $i"
		tail -20 "$RES/build-$i.log"
		rc=1
		break
	fi
	mkdir -p "$w1"
	cmp -s "$OUT/build-vm/.config" "$w1/.config" ||
		cp "$OUT/build-vm/.config" "$w1/.config"
	make -s -C "$src" O="$w1" ARCH=x86_64 W=1 C=1 CHECK="$sparse" \
		CC="$cc" -j"$JOBS" security/landlock/ >"$RES/w1-$i.log" 2>&1 ||
		echo "make failed" >>"$RES/w1-$i.log"
	if grep -E 'warning|error|failed' "$RES/w1-$i.log" >/dev/null; then
		echo "not ok - W=1/sparse clean at patch $i"
		sed 's/^/    /' "$RES/w1-$i.log" | head -30
		rc=1
	elif [ $i -eq 0 ]; then
		echo "ok - security/landlock/ W=1 and sparse clean at the base ($(($(date +%s) - t0)) s)"
	elif [ $linkcheck = 1 ] && ! link_check "$w1" >"$RES/link-$i.log"; then
		echo "not ok - link check at patch $i (its Landlock objects with the tip's others)"
		cat "$RES/link-$i.log"
		rc=1
	elif [ $linkcheck = 1 ]; then
		echo "ok - W=1 and sparse clean, links at patch $i ($(($(date +%s) - t0)) s)"
	else
		echo "ok - build, W=1 and sparse clean at patch $i ($(($(date +%s) - t0)) s)"
	fi
	# For the stack stage: the base's stack usage (the tip's after the loop).
	[ $i -gt 0 ] || "$TOP/scripts/check/stack-usage.sh" "$w1" "$CT" >"$RES/stack-base.txt"
	if [ -n "$(git -C "$src" rev-list -1 series-base..HEAD -- kernel/bpf)" ] &&
		! bpf_objects "$i" "$t0"; then
		rc=1
	fi
	i=$((i + 1))
done
if [ $linkcheck = 1 ]; then
	git -C "$CT" worktree remove --force "$src"
else
	git -C "$CT" checkout -q "$head"
fi
if [ $rc -eq 0 ]; then
	"$TOP/scripts/check/stack-usage.sh" "$w1" "$CT" >"$RES/stack-tip.txt"
else
	rm -f "$RES/stack-base.txt"
fi
exit $rc
