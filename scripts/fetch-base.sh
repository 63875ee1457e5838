#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetches and unpacks the pinned Linux 7.3 base (Debian linux-source-7.3)
# through a private apt configuration, leaving the system's apt sources
# untouched.  With KERNEL_SRC set, checks that tree instead.
. "$(dirname "$0")/lib.sh"

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -f "$KERNEL_SRC/security/landlock/syscalls.c" ] ||
		die "KERNEL_SRC=$KERNEL_SRC is not a Linux tree with Landlock"
	ver=$(make -s -C "$KERNEL_SRC" kernelversion 2>/dev/null) || true
	case "$ver" in
	7.3*) ;;
	*) die "KERNEL_SRC=$KERNEL_SRC is version '${ver:-unknown}', expected 7.3.y" ;;
	esac
	exit 0
fi

dst=$CACHE/base
[ -f "$dst/.complete" ] && exit 0

apt=$CACHE/apt
deb=$CACHE/${BASE_PKG}_${BASE_VER//:/%3a}_all.deb

if ! echo "$BASE_SHA256  $deb" | sha256sum -c --status 2>/dev/null; then
	log "fetching $BASE_PKG $BASE_VER from $BASE_SUITE (private apt config)"
	private_apt "$apt" "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR $BASE_SUITE main"
	(cd "$CACHE" && apt-get "${apt_opts[@]}" download "$BASE_PKG=$BASE_VER") \
		>"$apt/download.log" 2>&1 ||
		die "download of $BASE_PKG=$BASE_VER failed, see $apt/download.log"
	echo "$BASE_SHA256  $deb" | sha256sum -c --status ||
		die "$deb: sha256 mismatch (expected $BASE_SHA256)"
fi

log "unpacking $BASE_PKG"
rm -rf "$dst" "$CACHE/deb"
mkdir -p "$dst"
dpkg -x "$deb" "$CACHE/deb"
tar -xJf "$CACHE/deb/usr/src/linux-source-7.3.tar.xz" -C "$dst"
rm -rf "$CACHE/deb"
touch "$dst/.complete"
