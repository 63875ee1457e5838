#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage config-audit: security/landlock/ builds W=1 clean in every
# configuration its #ifdefs create: CONFIG_AUDIT and tracepoints on (the
# bisect stage's build), audit off (its audit code compiles to stubs),
# tracepoints off, and both off (then CONFIG_SECURITY_LANDLOCK_LOG is off
# too).
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

rc=0
for v in noaudit notrace noaudit-notrace; do
	# Compile every Landlock file again, so that its warnings show.
	rm -f "$OUT/build-$v"/security/landlock/*.o
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
exit $rc
