#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series workflow:
#   tree.sh base            print the base commit (creating it if needed)
#   tree.sh init [DIR]      make a git work tree: base commit + git am patches/
#   tree.sh export          write the work tree's commits back to patches/
#   tree.sh status          fail if the work tree has work not in patches/
#   tree.sh post [DIR]      the series to post (default out/post): the
#                           work tree's patches with the poster's git identity
#                           (git config user.name/user.email of this
#                           repository, or POST_NAME/POST_EMAIL) as author and
#                           sign-off instead of the placeholder of patches/
. "$(dirname "$0")/lib.sh"

PATCHES=${PATCHES:-$TOP/patches}
# The version of the series that patches/ holds (v1: the 12-patch series).
SERIES_PREFIX=${SERIES_PREFIX:-PATCH v2}
BRANCH=series

# Creates (once) a bare repository holding one deterministic commit of the
# base, and prints "REPO COMMIT".  Debian's top-level "/*" ignore rule is
# dropped from .gitignore so that the tree behaves like upstream's.
base_repo() {
	local src repo
	src=$(base_src)
	if [ -n "${KERNEL_SRC:-}" ] && git -C "$KERNEL_SRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		echo "$KERNEL_SRC $(git -C "$KERNEL_SRC" rev-parse HEAD)"
		return
	fi
	"$TOP/scripts/fetch-base.sh"
	repo=$CACHE/base-$(printf '%s' "$src" | sha256sum | cut -c1-12).git
	if [ ! -f "$repo/base-commit" ]; then
		log "importing $src as a deterministic base commit (once)"
		rm -rf "$repo"
		git init -q --bare "$repo"
		(
			export GIT_DIR=$repo GIT_WORK_TREE=$src
			git add -f -A .
			sed '/^# Debian packaging/,/^!\/debian\//d' "$src/.gitignore" |
				sed '$ { /^#$/d }' >"$repo/gitignore"
			blob=$(git hash-object -w "$repo/gitignore")
			git update-index --cacheinfo "100644,$blob,.gitignore"
			tree=$(git write-tree)
			GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
				git commit-tree "$tree" \
				-m "Linux $(make -s -C "$src" kernelversion) (Debian $BASE_PKG $BASE_VER)" \
				>"$repo/base-commit.tmp"
			rm -f "$repo/index" "$repo/gitignore"
		)
		git --git-dir="$repo" update-ref refs/heads/base "$(cat "$repo/base-commit.tmp")"
		mv "$repo/base-commit.tmp" "$repo/base-commit"
	fi
	echo "$repo $(cat "$repo/base-commit")"
}

# Cover letter description stored in the cover letter patch itself: the
# subject, a blank line, then the body up to the shortlog.
cover_description() {
	local cover=$PATCHES/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		awk '
			/^Subject: / && !subj { sub(/^Subject: \[[^]]*\] /, ""); s = $0; subj = 1; next }
			# A long subject is folded on continuation lines.
			subj && !body && /^[ \t]/ { sub(/^[ \t]+/, ""); s = s " " $0; next }
			subj && !body && /^$/ { body = 1; print s; print ""; next }
			body && /^'"$SERIES_NAME"' \([0-9]+\):$/ { exit }
			body { print }
		' "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	else
		printf 'landlock: series\n\n(describe the series here)\n'
	fi
}

# make_tree DIR: fresh work tree with the series applied on the base.
make_tree() {
	local dir=$1 repo base
	read -r repo base < <(base_repo)
	[ -e "$dir" ] && die "$dir already exists (remove it, or use it as it is)"
	log "cloning base $base into $dir"
	git clone -q --shared --no-checkout "$repo" "$dir"
	git -C "$dir" checkout -q -b "$BRANCH" "$base"
	git -C "$dir" tag -f series-base "$base" >/dev/null
	git -C "$dir" config branch."$BRANCH".description "$(cover_description)"
	git -C "$dir" config user.name "$SERIES_NAME"
	git -C "$dir" config user.email "$SERIES_EMAIL"
	shopt -s nullglob
	local p=("$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch) series=()
	for f in "${p[@]}"; do
		[ "$(basename "$f")" = 0000-cover-letter.patch ] || series+=("$f")
	done
	if [ ${#series[@]} -gt 0 ]; then
		log "applying ${#series[@]} patch(es)"
		git -C "$dir" am -q --keep-cr "${series[@]}" ||
			die "git am failed in $dir (see 'git -C $dir am --show-current-patch')"
	fi
}

# export_to DIR: stable format-patch output of the work tree into DIR.
export_to() {
	local out=$1 n tip_date
	mkdir -p "$out"
	rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
	n=$(git -C "$TREE" rev-list --count series-base..HEAD)
	[ "$n" -gt 0 ] || return 0
	git -C "$TREE" format-patch -q --zero-commit --no-signature \
		--subject-prefix="$SERIES_PREFIX" \
		--cover-letter --cover-from-description=subject --base=series-base \
		--no-numbered-files -o "$out" series-base..HEAD >/dev/null
	# The cover letter gets the newest author date instead of "now".
	tip_date=$(git -C "$TREE" log -1 --format=%aD HEAD)
	sed -i "s/^Date: .*/Date: $tip_date/" "$out/0000-cover-letter.patch"
}

# dump DIR: every patch file of DIR, named, in order.
dump() {
	local f
	for f in "$1"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		echo "== ${f##*/}"
		cat "$f"
	done
}

case "${1:-}" in
base)
	base_repo | cut -d' ' -f2
	;;
init)
	make_tree "${2:-$TREE}"
	log "work tree ready: ${2:-$TREE} (branch $BRANCH, base tag series-base)"
	;;
export)
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (make tree)"
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
		die "$TREE has uncommitted changes: commit them first"
	export_to "$PATCHES"
	log "exported $(ls "$PATCHES" | grep -c '\.patch$' || true) file(s) to patches/"
	;;
post)
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (make tree)"
	name=${POST_NAME:-$(git -C "$TOP" config user.name || true)}
	email=${POST_EMAIL:-$(git -C "$TOP" config user.email || true)}
	[ -n "$name" ] && [ -n "$email" ] && [ "$email" != "$SERIES_EMAIL" ] ||
		die "set your identity: git config user.name/user.email (or POST_NAME=, POST_EMAIL=)"
	case $name$email in *[\|/\&]*) die "identity must not contain '|', '/' or '&'" ;; esac
	dir=${2:-$TOP/out/post}
	export_to "$dir"
	sed -i -e "s|^From: $SERIES_NAME <$SERIES_EMAIL>\$|From: $name <$email>|" \
		-e "s|^Signed-off-by: $SERIES_NAME <$SERIES_EMAIL>\$|Signed-off-by: $name <$email>|" \
		-e "s|^$SERIES_NAME (\([0-9]*\)):\$|$name (\1):|" \
		"$dir"/[0-9][0-9][0-9][0-9]-*.patch
	log "series to post, as $name <$email>: $dir (check it with scripts/checkpatch.pl)"
	;;
status)
	if [ ! -d "$TREE/.git" ]; then
		echo "no work tree: nothing unexported"
		exit 0
	fi
	rc=0
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		echo "uncommitted changes in $TREE:"
		git -C "$TREE" status --short | head -20
		rc=1
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	export_to "$tmp"
	if ! diff -q <(dump "$tmp") <(dump "$PATCHES") >/dev/null; then
		echo "commits in $TREE are not exported to patches/ (run: make export):"
		git -C "$TREE" log --oneline series-base..HEAD | head -20
		rc=1
	fi
	if [ -n "$(git -C "$TOP" status --porcelain -- patches)" ]; then
		echo "patches/ has changes not committed in the project repository"
		rc=1
	fi
	[ $rc -eq 0 ] && echo "clean: work tree and patches/ agree"
	exit $rc
	;;
*)
	echo "usage: $0 base|init [DIR]|export|status" >&2
	exit 2
	;;
esac
