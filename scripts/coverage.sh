#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# coverage.sh: line and function coverage of security/landlock/ and of the
# LSM framework's policy kfuncs (security/bpf_lsm_kfuncs.c) by every Landlock
# selftest, the BPF exec-time bridge's tests and the Landlock KUnit tests (run
# at boot), then also by the fault injection run (vm/llfault.c, as
# llfault-bpf: with the bridge's operations), on a gcov kernel built from the
# work tree where only those files are instrumented (it carries bpf.config,
# failslab and fail_page_alloc).  Writes an lcov HTML report of both runs to
# $OUT/coverage/html, a one-line summary of each to
# $OUT/coverage/summary-tests.txt (the tests alone) and summary.txt (with
# fault injection), and lists the lines the series adds that they do not
# run.  Fails if a test fails, fault injection finds a violation or no
# counter comes back; the coverage figures are reported, not enforced.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh" coverage
cov=$OUT/coverage
build=$OUT/build-gcov
# The gcov kernel carries bpf.config: the BPF bridge's tests (the Landlock
# ones, the sample's and test_progs') are built against it and run with the
# selftests, and llfault-bpf fails the bridge's allocations too.
BPF_VARIANT=gcov "$TOP/scripts/bpf-tools.sh" tests >/dev/null
kernel=$(BPF_VARIANT=gcov "$TOP/scripts/bpf-tools.sh" llbpf | tail -n 1)
BPF_TESTS_DIR=$OUT/bpf/tests "$TOP/scripts/initramfs.sh" >/dev/null
rm -rf "$cov"
mkdir -p "$cov"

rc=0
# The tests, a first dump of the counters, then llfault-bpf (every
# allocation of the series' operations failed in turn) and a second dump.
VM_MEM=${VM_MEM:-2G} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
	VM_APPEND="llcov_faults=1 llfault_bpf=1 ${VM_APPEND:-}" \
	"$TOP/scripts/vm.sh" coverage "$kernel" coverage >"$cov/tests.tap" || rc=$?
tail -n 3 "$cov/tests.tap"
grep -q 'LLFAULT-RESULT ops=[1-9][0-9]* .*violations=0' "$OUT/vm-coverage.log" || {
	grep 'LLFAULT-VIOLATION\|LLFAULT-RESULT' "$OUT/vm-coverage.log"
	echo "not ok - fault injection in the coverage run"
	rc=1
}

# gcov must match the compiler that built the kernel.
gcov_tool=gcov-$(gcc -dumpversion | cut -d. -f1)
command -v "$gcov_tool" >/dev/null || gcov_tool=gcov

# capture DUMP NAME: the counters of the VM's DUMPth dump as NAME.info.
capture() {
	find "$build/security" -name '*.gcda' -delete
	python3 "$TOP/scripts/coverage.py" extract "$OUT/vm-coverage.log" "$build" "$1" ||
		die "no coverage counter came back from the VM (log: $OUT/vm-coverage.log)"
	log "collecting counters ($gcov_tool): $2"
	lcov -q --capture --gcov-tool "$gcov_tool" --directory "$build/security" \
		--base-directory "$build" --output-file "$cov/$2-all.info" >>"$cov/lcov.log" 2>&1 ||
		{ tail -20 "$cov/lcov.log"; die "lcov failed"; }
	lcov -q --extract "$cov/$2-all.info" '*/security/landlock/*' '*/security/bpf_lsm_kfuncs.c' \
		--output-file "$cov/$2.info" >>"$cov/lcov.log" 2>&1
}
capture 1 tests
capture 2 landlock
genhtml -q --output-directory "$cov/html" --title "Landlock series coverage (tests and fault injection)" \
	"$cov/landlock.info" >>"$cov/lcov.log" 2>&1 || { tail -20 "$cov/lcov.log"; die "genhtml failed"; }
echo "== the selftests and KUnit tests alone"
python3 "$TOP/scripts/coverage.py" report "$cov/tests.info" "$TREE" series-base \
	"$cov/summary-tests.txt" | tee "$cov/report-tests.txt"
echo "== with fault injection (llfault) too"
python3 "$TOP/scripts/coverage.py" report "$cov/landlock.info" "$TREE" series-base \
	"$cov/summary.txt" | tee "$cov/report.txt"
echo "HTML report: ${cov#$TOP/}/html/index.html"
exit $rc
