#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage checkpatch: checkpatch.pl --strict --codespell on every patch, two
# at a time.  FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is
# ignored: the Landlock entry of MAINTAINERS already covers every directory
# the series adds files to.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

one() {
	local p=$1 out=$RES/checkpatch-${1##*/}.out
	if (cd "$CT" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --codespell \
		--ignore FILE_PATH_CHANGES \
		--codespellfile /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt \
		-q "$p") >"$out" 2>&1; then
		echo "ok - checkpatch ${p##*/}"
	else
		echo "not ok - checkpatch ${p##*/}"
		sed 's/^/    /' "$out"
	fi >"$out.tap"
}

mapfile -t patches < <(ls "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch | grep -v /0000-cover-letter.patch)
export -f one
export CT RES
printf '%s\n' "${patches[@]}" | xargs -P "$JOBS" -I{} bash -c 'one "$@"' _ {}
rc=0
for p in "${patches[@]}"; do
	cat "$RES/checkpatch-${p##*/}.out.tap"
	grep -q '^not ok' "$RES/checkpatch-${p##*/}.out.tap" && rc=1
done
echo "checkpatch: ${#patches[@]} patch(es)"
exit $rc
