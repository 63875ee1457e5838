#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sparse.sh: prints the path of a sparse that can check Linux 7.3.
# Debian 12's sparse 0.6.4 lacks __typeof_unqual__, so the kernel's
# scripts/checker-valid.sh rejects it and C=2 would silently check nothing.
# Uses the system's sparse if it is good enough, otherwise builds the pinned
# Debian sid source (0.6.5~rc1, fetched through a private apt config) once
# into the cache (about 15 s).
. "$(dirname "$0")/lib.sh"

SPARSE_VER=0.6.5~rc1
SPARSE_SHA256=3ac8855ec7f3ab92f325be0f64347ccc2b10f8b4d7c2906783ee8e2bdab3f0de
src=${1:-$TREE}

valid() { [ "$(sh "$src/scripts/checker-valid.sh" "$1" -m64 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && valid "$(command -v sparse)"; then
	command -v sparse
	exit 0
fi

dir=$CACHE/sparse
bin=$dir/sparse-${SPARSE_VER/\~/-}/sparse
if [ ! -x "$bin" ]; then
	log "building sparse $SPARSE_VER (Debian 12's sparse cannot check Linux 7.3)"
	private_apt "$dir/apt" "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR sid main"
	(cd "$dir" && apt-get "${apt_opts[@]}" source --download-only "sparse=$SPARSE_VER-2") \
		>"$dir/apt/download.log" 2>&1 ||
		die "download of the sparse source failed, see $dir/apt/download.log"
	tarball=$dir/sparse_${SPARSE_VER}.orig.tar.gz
	echo "$SPARSE_SHA256  $tarball" | sha256sum -c --status ||
		die "$tarball: sha256 mismatch (expected $SPARSE_SHA256)"
	tar -xzf "$tarball" -C "$dir"
	make -s -C "${bin%/sparse}" -j"$JOBS" sparse >"$dir/build.log" 2>&1 ||
		die "sparse build failed, see $dir/build.log"
fi
valid "$bin" || die "$bin cannot check this kernel tree"
echo "$bin"
