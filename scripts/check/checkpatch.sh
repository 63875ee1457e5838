#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage checkpatch: checkpatch.pl --strict --codespell on every patch, two
# at a time.  FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is
# ignored: the Landlock entry of MAINTAINERS already covers every directory
# the series adds files to.  checkpatch.allow lists the other message types
# ignored for one patch, each with its reason.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

# allowed_types PATCH: the message types checkpatch.allow ignores for PATCH.
allowed_types() {
	local name=${1##*/} glob type reason
	while IFS=$'\t' read -r glob type reason; do
		case $glob in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2254 # the glob is the pattern
		case $name in $glob) printf ',%s' "$type" ;; esac
	done <"$TOP/scripts/check/checkpatch.allow"
}

one() {
	local p=$1 out=$RES/checkpatch-${1##*/}.out
	if (cd "$CT" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --codespell \
		--ignore "FILE_PATH_CHANGES$(allowed_types "$p")" \
		--codespellfile /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt \
		-q "$p") >"$out" 2>&1; then
		echo "ok - checkpatch ${p##*/}"
	else
		echo "not ok - checkpatch ${p##*/}"
		sed 's/^/    /' "$out"
	fi >"$out.tap"
}

mapfile -t patches < <(ls "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch | grep -v /0000-cover-letter.patch)
export -f one allowed_types
export TOP
export CT RES
printf '%s\n' "${patches[@]}" | xargs -P "$JOBS" -I{} bash -c 'one "$@"' _ {}
rc=0
for p in "${patches[@]}"; do
	cat "$RES/checkpatch-${p##*/}.out.tap"
	grep -q '^not ok' "$RES/checkpatch-${p##*/}.out.tap" && rc=1
done
echo "checkpatch: ${#patches[@]} patch(es)"
exit $rc
