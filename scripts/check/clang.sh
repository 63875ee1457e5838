#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage clang: security/landlock/ builds W=1 clean with clang (Debian's
# clang-19 and LLVM tools), which warns about things GCC does not.
# deps: clang
# lane: tree
. "$(dirname "$0")/../lib.sh"

rm -f "$OUT/build-clang"/security/landlock/*.o
if "$TOP/scripts/build-kernel.sh" clang "$CT" -- W=1 security/landlock/ \
	>"$RES/build-clang.log" 2>&1 && ! grep -E 'warning|error' "$RES/build-clang.log"; then
	echo "ok - security/landlock/ builds W=1 clean with $(clang-19 --version | head -1)"
	exit 0
fi
tail -20 "$RES/build-clang.log"
echo "not ok - security/landlock/ W=1 build with clang"
exit 1
