#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# coverage.sh: line and function coverage of security/landlock/ by every
# Landlock selftest and the Landlock KUnit tests (run at boot), on a gcov
# kernel built from the work tree where only security/landlock/ is
# instrumented.  Writes an lcov HTML report to $OUT/coverage/html and a
# one-line summary to $OUT/coverage/summary.txt, and lists the lines the
# series adds that no test runs.  Fails if a test fails or no counter comes
# back; the coverage figures themselves are reported, not enforced.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh" coverage
cov=$OUT/coverage
build=$OUT/build-gcov
kernel=$("$TOP/scripts/build-kernel.sh" gcov | tail -n 1)
"$TOP/scripts/initramfs.sh" >/dev/null
rm -rf "$cov"
mkdir -p "$cov"
find "$build/security/landlock" -name '*.gcda' -delete

rc=0
VM_TIMEOUT=${VM_TIMEOUT:-1800} "$TOP/scripts/vm.sh" coverage "$kernel" coverage \
	>"$cov/tests.tap" || rc=$?
tail -n 3 "$cov/tests.tap"
python3 "$TOP/scripts/coverage.py" extract "$OUT/vm-coverage.log" "$build" ||
	die "no coverage counter came back from the VM (log: $OUT/vm-coverage.log)"

# gcov must match the compiler that built the kernel.
gcov_tool=gcov-$(gcc -dumpversion | cut -d. -f1)
command -v "$gcov_tool" >/dev/null || gcov_tool=gcov
log "collecting counters ($gcov_tool)"
lcov -q --capture --gcov-tool "$gcov_tool" --directory "$build/security/landlock" \
	--base-directory "$build" --output-file "$cov/all.info" >"$cov/lcov.log" 2>&1 ||
	{ tail -20 "$cov/lcov.log"; die "lcov failed"; }
lcov -q --extract "$cov/all.info" '*/security/landlock/*' \
	--output-file "$cov/landlock.info" >>"$cov/lcov.log" 2>&1
genhtml -q --output-directory "$cov/html" --title "Landlock series coverage" \
	"$cov/landlock.info" >>"$cov/lcov.log" 2>&1 || { tail -20 "$cov/lcov.log"; die "genhtml failed"; }
python3 "$TOP/scripts/coverage.py" report "$cov/landlock.info" "$TREE" series-base \
	"$cov/summary.txt" | tee "$cov/report.txt"
echo "HTML report: ${cov#$TOP/}/html/index.html"
exit $rc
