#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [STAGE...]: every check of the series, stage by stage, on fresh
# trees made from patches/ (never the developer's work tree), with a timing
# table at the end.  Each stage is a script, scripts/check/STAGE.sh, whose
# header names the dependency groups it needs ("# deps:", see deps.sh) and
# its lane ("# lane:"):
#
#   tree  on out/check/linux, built in out/check/out: bisect checks out every
#         commit of the series there and leaves the tip's vm kernel, which
#         the stages after it (KUnit, selftests, benchmark) boot; then the
#         static checks and the other configurations' builds;
#   tip   on a second tree of the tip, out/check/tip/linux, built in
#         out/check/tip/out: the debug kernel (it carries bpf.config) and its
#         selftest run;
#   tip2  on the same tree, with its own output directory out/check/tip2/out:
#         once the tip lane has built the debug kernel, the fuzzing run and
#         the BPF bridge tests boot it, beside the tip lane's selftest run
#         (without debug-tests among the stages, they run in the tip lane,
#         which then builds the kernel for them).
#
# The lanes run in parallel (CHECK_PARALLEL=0: one after the other): the tip
# lane's debug build and long VM runs do not wait for the bisect, and a VM
# run (one core busy) leaves the other core to the other lanes.  Each
# tree's build directories are laid out like the work tree's (linux/ next to
# out/build-*) so that ccache hits across them.
#
# Default: every stage but kunit-uml.  The dependency groups of the
# selected stages are all installed before the first one starts.
. "$(dirname "$0")/lib.sh"

# The order of the report; each lane runs its stages in run_order.
order=(checkpatch bisect config-audit clang stack uapi doc-format kunit
	vm-tests debug-tests fuzz faults bpf-tests bench-smoke)
run_order=(bisect stack kunit vm-tests bench-smoke checkpatch config-audit clang
	uapi doc-format kunit-uml debug-tests fuzz faults bpf-tests)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${order[@]}")

# header STAGE NAME: the stage's "# NAME: VALUE" line (deps, lane), which
# must be there once; every stage's headers are checked on every run, so
# that a comment line cannot pass for one (as "# lane: each..." once did).
header() { sed -n "s/^# $2: //p" "$TOP/scripts/check/$1.sh"; }
for f in "$TOP"/scripts/check/*.sh; do
	s=$(basename "$f" .sh)
	[ "$(grep -c '^# stage ' "$f")" -eq 1 ] || continue
	[ "$(grep -c '^# lane: ' "$f")" -eq 1 ] && [ "$(grep -c '^# deps: ' "$f")" -le 1 ] ||
		die "scripts/check/$s.sh: one '# lane:' and at most one '# deps:' line"
	case $(header "$s" lane) in
	tree | tip | tip2) ;;
	*) die "scripts/check/$s.sh: unknown lane '$(header "$s" lane)'" ;;
	esac
done
groups=()
declare -A want=()
for s in "${stages[@]}"; do
	[ -n "$(header "$s" lane 2>/dev/null)" ] ||
		die "unknown stage $s (stages: ${order[*]} kunit-uml)"
	read -ra g <<<"$(header "$s" deps)"
	groups+=("${g[@]}")
	want[$s]=1
done
tree=() tip=() tip2=()
for s in "${run_order[@]}"; do
	[ -n "${want[$s]:-}" ] || continue
	case $(header "$s" lane) in
	tree) tree+=("$s") ;;
	tip) tip+=("$s") ;;
	tip2) tip2+=("$s") ;;
	*) die "scripts/check/$s.sh: unknown lane" ;;
	esac
done
# Without debug-tests, nothing builds the debug kernel for tip2.
if [ ${#tip2[@]} -gt 0 ] && [ -z "${want[debug-tests]:-}" ]; then
	tip+=("${tip2[@]}")
	tip2=()
fi

RES=$TOP/out/check/results
read -ra groups <<<"$(printf '%s\n' "${groups[@]}" | sort -u | tr '\n' ' ')"
log "dependency groups: ${groups[*]}"
"$TOP/scripts/deps.sh" "${groups[@]}"
t_start=$(date +%s)
rm -rf "$RES" "$TOP/out/check/linux" "$TOP/out/check/tip/linux"
mkdir -p "$RES"
if [ ${#tree[@]} -gt 0 ]; then
	log "fresh check tree from patches/"
	"$TOP/scripts/tree.sh" init "$TOP/out/check/linux"
fi
if [ ${#tip[@]} -gt 0 ]; then
	log "fresh tip tree from patches/"
	"$TOP/scripts/tree.sh" init "$TOP/out/check/tip/linux"
fi

# run_lane NAME STAGE...: runs the stages in order; each one's output goes
# to $RES/stage-NAME.out, its result and time to $RES/stage-NAME.time, and a
# line to the terminal when it starts and ends.
run_lane() {
	local lane=$1 s t0 rc dt
	shift
	case $lane in
	tree) export CT=$TOP/out/check/linux OUT=$TOP/out/check/out RES ;;
	tip) export CT=$TOP/out/check/tip/linux OUT=$TOP/out/check/tip/out RES ;;
	tip2)
		export CT=$TOP/out/check/tip/linux OUT=$TOP/out/check/tip2/out RES
		# The debug kernel that the tip lane's debug-tests builds, once
		# built ("failed" if it did not build, nothing if that lane ended
		# without building it).
		while [ ! -s "$RES/debug-kernel" ] && kill -0 "$tip_pid" 2>/dev/null; do
			sleep 5
		done
		LL_PREBUILT_DEBUG=$(cat "$RES/debug-kernel" 2>/dev/null || echo none)
		export LL_PREBUILT_DEBUG
		;;
	esac
	for s in "$@"; do
		t0=$(date +%s)
		printf '[%s] stage %s started\n' "$lane" "$s"
		rc=0
		bash "$TOP/scripts/check/$s.sh" </dev/null >"$RES/stage-$s.out" 2>&1 || rc=$?
		dt=$(($(date +%s) - t0))
		printf '%s %s %s\n' "$([ $rc -eq 0 ] && echo ok || echo FAIL)" "$dt" "$lane" \
			>"$RES/stage-$s.time"
		printf '[%s] stage %s: %s in %ds\n' "$lane" "$s" \
			"$([ $rc -eq 0 ] && echo ok || echo FAILED)" "$dt"
	done
}

tip_pid=$$
if [ "${CHECK_PARALLEL:-1}" = 1 ]; then
	pids=()
	if [ ${#tip[@]} -gt 0 ]; then
		run_lane tip "${tip[@]}" &
		tip_pid=$!
		pids+=("$tip_pid")
	fi
	if [ ${#tip2[@]} -gt 0 ]; then
		run_lane tip2 "${tip2[@]}" &
		pids+=("$!")
	fi
	run_lane tree "${tree[@]}"
	[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
else
	run_lane tree "${tree[@]}"
	run_lane tip "${tip[@]}"
	[ -s "$RES/debug-kernel" ] || echo none >"$RES/debug-kernel"
	run_lane tip2 "${tip2[@]}"
fi

# Every stage's output, in the canonical order, then the timing table.
failed=0
table=()
for s in "${order[@]}" kunit-uml; do
	[ -f "$RES/stage-$s.time" ] || continue
	printf '\n===== stage %s =====\n' "$s"
	cat "$RES/stage-$s.out"
	read -r res dt lane <"$RES/stage-$s.time"
	[ "$res" = ok ] || { failed=$((failed + 1)); printf '!!!!! stage %s FAILED\n' "$s"; }
	table+=("$(printf '%-14s %-4s %5ds  %s' "$s" "$res" "$dt" "$lane")")
done
printf '\n===== timing =====\n'
printf '%s\n' "${table[@]}"
printf '%-14s      %5ds  (wall clock, lanes overlapping)\n' total "$(($(date +%s) - t_start))"
if [ $failed -eq 0 ]; then
	echo "check: all ${#stages[@]} stage(s) passed"
else
	echo "check: $failed of ${#stages[@]} stage(s) FAILED"
	exit 1
fi
