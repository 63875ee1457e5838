#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [STAGE...]: every check of the series, stage by stage, on a fresh
# tree made from patches/ (never the developer's work tree), with a timing
# table at the end.  Stages: checkpatch bisect config-audit clang stack uapi
# doc-format kunit vm-tests debug-tests fuzz bpf-tests bench-smoke.  Default:
# all.
. "$(dirname "$0")/lib.sh"

# The check uses its own tree and build directories, laid out like the work
# tree's (out/check/linux next to out/check/out/build-*, as linux/ is next to
# out/build-*) so that ccache hits across both.
CT=$TOP/out/check/linux
export OUT=$TOP/out/check/out
RES=$TOP/out/check/results
mkdir -p "$RES"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(checkpatch bisect config-audit clang stack uapi doc-format
	kunit vm-tests debug-tests fuzz bpf-tests bench-smoke)

declare -a table
failed=0

run_stage() {
	local name=$1 t0 rc=0
	t0=$(date +%s)
	printf '\n===== stage %s =====\n' "$name"
	"stage_${name//-/_}" || rc=$?
	local dt=$(($(date +%s) - t0))
	if [ $rc -eq 0 ]; then
		table+=("$(printf '%-14s %-4s %5ds' "$name" ok "$dt")")
	else
		table+=("$(printf '%-14s %-4s %5ds' "$name" FAIL "$dt")")
		failed=$((failed + 1))
		printf '!!!!! stage %s FAILED\n' "$name"
	fi
}

series_commits() { git -C "$CT" rev-list --reverse series-base..HEAD; }

# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is ignored: the
# Landlock entry of MAINTAINERS already covers every directory the series
# adds files to.
stage_checkpatch() {
	local p rc=0 n=0
	for p in "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$p" ] || continue
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		n=$((n + 1))
		if ! (cd "$CT" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --codespell --ignore FILE_PATH_CHANGES \
			--codespellfile /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt \
			-q "$p") >"$RES/checkpatch.out" 2>&1; then
			echo "not ok - checkpatch ${p##*/}"
			sed 's/^/    /' "$RES/checkpatch.out"
			rc=1
		else
			echo "ok - checkpatch ${p##*/}"
		fi
	done
	echo "checkpatch: $n patch(es)"
	return $rc
}

# Builds every commit from the base to the tip in order (incrementally),
# and security/landlock with W=1 and sparse (C=2) in a second build
# directory (so that the kernel build stays incremental): no warning may come
# from Landlock's files.  Each file is checked when it (or a header it uses)
# changes, starting with all of them at the base.
stage_bisect() {
	local c rc=0 i=0 head sparse w1=$OUT/build-w1
	local cc="gcc"
	command -v ccache >/dev/null && cc="ccache gcc"
	sparse=$("$TOP/scripts/sparse.sh" "$CT") || return 1
	echo "sparse: $sparse"
	head=$(git -C "$CT" rev-parse HEAD)
	for c in $(git -C "$CT" rev-parse series-base) $(series_commits); do
		git -C "$CT" checkout -q "$c"
		printf '%s %s\n' "$i" "$(git -C "$CT" log -1 --format='%h %s')"
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
		make -s -C "$CT" O="$w1" ARCH=x86_64 W=1 C=2 CHECK="$sparse" \
			CC="$cc" -j"$JOBS" security/landlock/ >"$RES/w1-$i.log" 2>&1 ||
			echo "make failed" >>"$RES/w1-$i.log"
		if grep -E 'warning|error|failed' "$RES/w1-$i.log" >/dev/null; then
			echo "not ok - W=1/sparse clean at patch $i"
			sed 's/^/    /' "$RES/w1-$i.log" | head -30
			rc=1
		else
			echo "ok - build, W=1 and sparse clean at patch $i"
		fi
		# The BPF bridge's code only builds in the bpf flavour: compile it
		# (Landlock W=1, and the verifier; objects only, the tip is linked
		# by the bpf-tests stage) from the patch that adds it on.
		if [ -f "$CT/security/landlock/bpf.c" ]; then
			if "$TOP/scripts/build-kernel.sh" bpf "$CT" -- W=1 security/landlock/ \
				>"$RES/bpf-$i.log" 2>&1 &&
				LL_KEEP_CONFIG=1 "$TOP/scripts/build-kernel.sh" bpf "$CT" -- \
				kernel/bpf/verifier.o >>"$RES/bpf-$i.log" 2>&1 &&
				! grep -E 'warning|error' "$RES/bpf-$i.log" >/dev/null; then
				echo "ok - bpf flavour: security/landlock/ and the verifier W=1 clean at patch $i"
			else
				echo "not ok - bpf flavour build at patch $i"
				sed 's/^/    /' "$RES/bpf-$i.log" | tail -30
				rc=1
			fi
		fi
		i=$((i + 1))
	done
	git -C "$CT" checkout -q "$head"
	return $rc
}

# The bisect stage builds with CONFIG_AUDIT=y; this one compiles Landlock
# (W=1) with CONFIG_AUDIT=n, where its audit code compiles to stubs.
# security/landlock/ builds W=1 clean in every configuration its #ifdefs
# create: CONFIG_AUDIT and tracepoints on (the bisect stage's build), audit
# off, tracepoints off, and both off (then CONFIG_SECURITY_LANDLOCK_LOG is off
# too).
stage_config_audit() {
	local v rc=0
	for v in noaudit notrace noaudit-notrace; do
		touch "$CT"/security/landlock/*.c
		if "$TOP/scripts/build-kernel.sh" "$v" "$CT" -- W=1 \
			security/landlock/ >"$RES/build-$v.log" 2>&1 &&
			! grep -E 'warning|error' "$RES/build-$v.log"; then
			echo "ok - security/landlock/ builds W=1 clean ($v)"
		else
			tail -20 "$RES/build-$v.log"
			echo "not ok - security/landlock/ build ($v)"
			rc=1
		fi
	done
	echo "ok - kernel builds with CONFIG_AUDIT and tracepoints (see bisect stage)"
	return $rc
}

# security/landlock/ also builds W=1 clean with clang (Debian's clang-19 and
# LLVM tools), which warns about things GCC does not.
stage_clang() {
	touch "$CT"/security/landlock/*.c
	if "$TOP/scripts/build-kernel.sh" clang "$CT" -- W=1 security/landlock/ \
		>"$RES/build-clang.log" 2>&1 && ! grep -E 'warning|error' "$RES/build-clang.log"; then
		echo "ok - security/landlock/ builds W=1 clean with $(clang-19 --version | head -1)"
		return 0
	fi
	tail -20 "$RES/build-clang.log"
	echo "not ok - security/landlock/ W=1 build with clang"
	return 1
}

# Stack usage of Landlock's functions (scripts/checkstack.pl on the objects of
# the vm configuration), base vs series: lists the functions the series adds
# or grows, and fails when one of them uses more than STACK_LIMIT bytes.
STACK_LIMIT=${STACK_LIMIT:-256}
stack_usage() {
	local rev=$1 o=$OUT/build-stack cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	git -C "$CT" checkout -q "$rev"
	mkdir -p "$o"
	[ -f "$OUT/build-vm/.config" ] ||
		"$TOP/scripts/build-kernel.sh" vm "$CT" -- olddefconfig >/dev/null
	cmp -s "$OUT/build-vm/.config" "$o/.config" || cp "$OUT/build-vm/.config" "$o/.config"
	make -s -C "$CT" O="$o" ARCH=x86_64 CC="$cc" -j"$JOBS" security/landlock/ \
		>"$RES/stack-build.log" 2>&1 || { tail -20 "$RES/stack-build.log" >&2; return 1; }
	# checkstack.pl adds up every "sub/add $N,%rsp" of a function: drop the
	# epilogues' "add", or each return path counts the frame once more.
	# Its lines read "0xADDR function [object]:<tabs, or none>bytes".
	objdump -d "$o"/security/landlock/*.o | grep -vE 'add +\$0x[0-9a-f]+,%rsp$' |
		perl "$CT/scripts/checkstack.pl" x86_64 0 |
		sed -E 's/^0x[0-9a-f]+ ([^ ]+) \[[^]]*\]:[[:space:]]*([0-9]+)$/\1 \2/' | sort -u
}

stage_stack() {
	local head base new rc=0 fn size old
	head=$(git -C "$CT" rev-parse HEAD)
	base=$(stack_usage series-base) && new=$(stack_usage "$head") || rc=1
	git -C "$CT" checkout -q "$head"
	[ $rc -eq 0 ] || { echo "not ok - stack usage build"; return 1; }
	declare -A before=()
	while read -r fn size; do before[$fn]=$size; done <<<"$base"
	echo "Landlock functions added or grown by the series (bytes of stack):"
	while read -r fn size; do
		old=${before[$fn]:-}
		[ -n "$old" ] && [ "$size" -le "$old" ] && continue
		printf '  %-44s %5s (base: %s)\n' "$fn" "$size" "${old:-new}"
		if [ "$size" -gt "$STACK_LIMIT" ]; then
			echo "not ok - $fn uses $size bytes of stack (limit $STACK_LIMIT)"
			rc=1
		fi
	done <<<"$new"
	[ $rc -eq 0 ] && echo "ok - no added or grown Landlock function over $STACK_LIMIT bytes of stack"
	return $rc
}

# The installed uapi header compiles in userspace programs, as C and as C++,
# without warnings: it is included from its own -I directory, where warnings
# count, while the other headers (linux/types.h is not -pedantic clean in C++)
# come from -isystem.
stage_uapi() {
	local hdr=$OUT/uapi-headers src=$RES/uapi.c rc=0 cc
	local own=$RES/uapi-include
	make -s -C "$CT" O="$OUT/build-hdr" ARCH=x86_64 INSTALL_HDR_PATH="$hdr" \
		headers_install >"$RES/uapi.log" 2>&1 || {
		cat "$RES/uapi.log"
		echo "not ok - headers_install"
		return 1
	}
	mkdir -p "$own/linux"
	cp "$hdr/include/linux/landlock.h" "$own/linux/"
	cat >"$src" <<'EOF'
#include <linux/landlock.h>
#include <string.h>

int main(void)
{
	struct landlock_ruleset_attr attr;
	struct landlock_path_beneath_attr path_beneath;
	struct landlock_net_port_attr net_port;

	memset(&attr, 0, sizeof(attr));
	memset(&path_beneath, 0, sizeof(path_beneath));
	memset(&net_port, 0, sizeof(net_port));
	attr.denied = LANDLOCK_DENY_EXECUTE_MEMFD;
	attr.scoped = LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET;
	return (int)(attr.denied + sizeof(path_beneath) + sizeof(net_port) +
		     LANDLOCK_RESTRICT_SELF_ON_EXEC);
}
EOF
	for cc in "gcc -x c -std=c99" "gcc -x c -std=gnu11" \
		"g++ -x c++ -std=c++11" "g++ -x c++ -std=c++17"; do
		if $cc -pedantic -Wall -Wextra -Werror -I "$own" \
			-isystem "$hdr/include" -c -o /dev/null "$src" \
			>"$RES/uapi-cc.log" 2>&1; then
			echo "ok - include/uapi/linux/landlock.h with $cc"
		else
			sed 's/^/    /' "$RES/uapi-cc.log"
			echo "not ok - include/uapi/linux/landlock.h with $cc"
			rc=1
		fi
	done
	return $rc
}

stage_doc_format() {
	local rc=0 files
	cd "$CT"
	files=$(ls security/landlock/*.[ch] include/uapi/linux/landlock.h)
	if scripts/kernel-doc -Wall -none $files >"$RES/kernel-doc.out" 2>&1 &&
	   [ ! -s "$RES/kernel-doc.out" ]; then
		echo "ok - kernel-doc -Wall"
	else
		echo "not ok - kernel-doc -Wall"
		sed 's/^/    /' "$RES/kernel-doc.out"
		rc=1
	fi
	# clang-format on every line the series adds or changes in Landlock's
	# files, its selftests and its sample (some base files are not
	# clang-format clean themselves).
	if git clang-format-19 --binary clang-format-19 --diff series-base -- \
		security/landlock include/uapi/linux/landlock.h \
		tools/testing/selftests/landlock samples/landlock \
		>"$RES/clang-format.out" 2>&1 &&
		grep -qE '^(no modified files to format|clang-format did not modify any files)' \
			"$RES/clang-format.out"; then
		echo "ok - clang-format"
	else
		echo "not ok - clang-format"
		sed 's/^/    /' "$RES/clang-format.out" | head -60
		rc=1
	fi
	cd "$TOP"
	return $rc
}

stage_kunit() {
	cd "$CT"
	if python3 tools/testing/kunit/kunit.py run --kunitconfig security/landlock \
		--build_dir "$OUT/kunit" --jobs "$JOBS" \
		--make_options "CC=$(command -v ccache >/dev/null && echo 'ccache ')gcc" \
		>"$RES/kunit.log" 2>&1; then
		grep -E '^\[.*\] (Testing complete|=+ \[PASSED\]|=+ \[FAILED\])' "$RES/kunit.log" | tail -3
		sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/kunit: \2 passed, 0 failed/p' "$RES/kunit.log"
		cd "$TOP"
		return 0
	fi
	grep -E 'FAILED|Error|error' "$RES/kunit.log" | head -30
	tail -10 "$RES/kunit.log"
	cd "$TOP"
	return 1
}

stage_vm_tests() {
	local k
	k=$("$TOP/scripts/build-kernel.sh" vm "$CT" 2>"$RES/build-vm.err" | tail -1) || {
		cat "$RES/build-vm.err"
		return 1
	}
	"$TOP/scripts/initramfs.sh" "$CT" >/dev/null || return 1
	"$TOP/scripts/vm.sh" test "$k" vm-tests "${LLTESTS:-}"
}

stage_debug_tests() {
	local k
	k=$("$TOP/scripts/build-kernel.sh" debug "$CT" 2>"$RES/build-debug.err" | tail -1) || {
		cat "$RES/build-debug.err"
		return 1
	}
	[ -f "$OUT/initramfs.cpio.gz" ] || "$TOP/scripts/initramfs.sh" "$CT" >/dev/null
	VM_MEM=2G VM_APPEND="panic_on_warn=1 kmemleak=on" VM_TIMEOUT=2700 \
		"$TOP/scripts/vm.sh" test "$k" debug-tests "${LLTESTS:-}"
}

# A short run of make fuzz (llstress and trinity on the debug kernel, which
# the debug-tests stage built): FUZZ_DURATION seconds.
stage_fuzz() {
	TREE=$CT DURATION=${FUZZ_DURATION:-120} "$TOP/scripts/fuzz.sh"
}

# The BPF exec-time bridge's tests on the bpf kernel flavour, booted once per
# lsm= order (see scripts/bpf-tools.sh).
stage_bpf_tests() {
	TREE=$CT "$TOP/scripts/bpf-tools.sh" test "$CT"
}

stage_bench_smoke() {
	"$TOP/scripts/bench.sh" --smoke "$CT"
}

"$TOP/scripts/deps.sh"
log "fresh check tree from patches/"
rm -rf "$CT"
"$TOP/scripts/tree.sh" init "$CT"

for s in "${stages[@]}"; do
	declare -F "stage_${s//-/_}" >/dev/null || die "unknown stage $s"
	run_stage "$s"
done

printf '\n===== timing =====\n'
printf '%s\n' "${table[@]}"
if [ $failed -eq 0 ]; then
	echo "check: all ${#stages[@]} stage(s) passed"
else
	echo "check: $failed of ${#stages[@]} stage(s) FAILED"
	exit 1
fi
