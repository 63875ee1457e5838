#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage doc-format: kernel-doc -Wall on Landlock's sources and uapi header;
# clang-format 14 and 19 on every line the series adds or changes in Landlock's
# files, its selftests and its sample (some base files are not clang-format
# clean themselves); the ":Date:" line of each of the three landlock.rst
# files that the series changes names the month of the last patch changing
# it (as the Landlock maintainers' own checks require).
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
# The oldest and the newest clang-format that Debian 12 offers: both must
# leave the series' lines as they are.
for v in 14 19; do
	if git clang-format-$v --binary clang-format-$v --diff series-base -- \
		security/landlock include/uapi/linux/landlock.h \
		tools/testing/selftests/landlock samples/landlock \
		>"$RES/clang-format-$v.out" 2>&1 &&
		grep -qE '^(no modified files to format|clang-format did not modify any files)' \
			"$RES/clang-format-$v.out"; then
		echo "ok - clang-format-$v"
	else
		echo "not ok - clang-format-$v"
		sed 's/^/    /' "$RES/clang-format-$v.out" | head -60
		rc=1
	fi
done
for f in Documentation/userspace-api/landlock.rst Documentation/security/landlock.rst \
	Documentation/admin-guide/LSM/landlock.rst; do
	month=$(LC_ALL=C git log -1 --format=%ad --date='format:%B %Y' series-base..HEAD -- "$f")
	[ -n "$month" ] || continue
	if grep -qx ":Date: $month" "$f"; then
		echo "ok - $f: :Date: $month"
	else
		echo "not ok - $f: :Date: is '$(sed -n 's/^:Date: //p' "$f")', its last change is of $month"
		rc=1
	fi
done
exit $rc
