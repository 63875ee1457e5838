#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage doc-format: kernel-doc -Wall on Landlock's sources and uapi header;
# clang-format-19 on every line the series adds or changes in Landlock's
# files, its selftests and its sample (some base files are not clang-format
# clean themselves).
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

rc=0
cd "$CT"
if scripts/kernel-doc -Wall -none security/landlock/*.[ch] include/uapi/linux/landlock.h \
	>"$RES/kernel-doc.out" 2>&1 && [ ! -s "$RES/kernel-doc.out" ]; then
	echo "ok - kernel-doc -Wall"
else
	echo "not ok - kernel-doc -Wall"
	sed 's/^/    /' "$RES/kernel-doc.out"
	rc=1
fi
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
exit $rc
