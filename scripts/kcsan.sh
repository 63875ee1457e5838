#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kcsan.sh: the series' racy paths under KCSAN (config/kcsan.config, strict
# rules, weak memory modelling), on a kernel built from the work tree:
# first the selftests of thread-sync, staging versus exec, the memfd mark
# and the pathname scope (KCSAN_TESTS=), then llstress for DURATION seconds
# (default 300: threads restricting, staging and executing at once, memfds
# passed between domains), both in one two-CPU VM each.  Every KCSAN report
# is listed (scripts/report/kcsan_summary.py); one with a Landlock function
# in its stacks fails the run, the others (races of the base kernel) are
# listed and counted only.  Any other kernel report fails it as usual.
. "$(dirname "$0")/lib.sh"

dur=${DURATION:-300}
case $dur in '' | *[!0-9]*) die "DURATION must be a number of seconds" ;; esac
tests=${KCSAN_TESTS:-tsync_test,restrict_on_exec_test,memfd_test,scoped_pathname_unix_test}
[ -d "$TREE/.git" ] || [ -f "$TREE/Makefile" ] || die "no work tree (run: make tree)"
log "building the KCSAN kernel"
k=$("$TOP/scripts/build-kernel.sh" kcsan | tail -1)
"$TOP/scripts/initramfs.sh" >/dev/null
# The Landlock functions, to tell a report on Landlock's code from the rest.
nm --defined-only "$OUT/build-kcsan/security/landlock/built-in.a" 2>/dev/null |
	awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$OUT/kcsan-landlock-symbols.txt"
[ -s "$OUT/kcsan-landlock-symbols.txt" ] || die "no Landlock symbol in the KCSAN build"

rc=0
export LLVERDICT_IGNORE='BUG: KCSAN: '
log "KCSAN: selftests $tests"
VM_CPUS=2 VM_MEM=2G VM_TIMEOUT=${VM_TIMEOUT:-3600} VM_APPEND="lltimeout=2400" \
	"$TOP/scripts/vm.sh" test "$k" kcsan-tests "$tests" >"$OUT/kcsan-tests.tap" || rc=1
tail -n 3 "$OUT/kcsan-tests.tap"
log "KCSAN: llstress for ${dur}s"
VM_CPUS=2 VM_MEM=2G VM_TIMEOUT=$((dur * 2 + 600)) \
	VM_APPEND="llfuzz_secs=$dur llfuzz_trinity_secs=0 llfuzz_seed=${SEED:-1}" \
	"$TOP/scripts/vm.sh" fuzz "$k" kcsan-stress >"$OUT/kcsan-stress.txt" || rc=1
grep -E 'LLSTRESS-RESULT|FAIL' "$OUT/kcsan-stress.txt" || true
python3 "$TOP/scripts/report/kcsan_summary.py" "$OUT/kcsan-landlock-symbols.txt" \
	"$OUT/vm-kcsan-tests.log" "$OUT/vm-kcsan-stress.log" | tee "$OUT/kcsan-report.txt" ||
	rc=1
[ $rc -eq 0 ] || die "KCSAN run failed (report: $OUT/kcsan-report.txt)"
log "KCSAN: no data race in Landlock's code (report: ${OUT#$TOP/}/kcsan-report.txt)"
