#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh [GROUP...]: installs the Debian packages the tooling needs, when
# missing.  As root it runs apt-get; otherwise it prints the one command to
# run.  The core group is always installed; the optional groups are pulled
# by the targets that need them: clang (clang W=1 build), coverage (lcov),
# fuzz (trinity), bpf (BTF, BPF objects, libbpf).
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod
      rsync xz-utils python3 python3-ply python3-git git ccache sparse codespell clang-format-19
      qemu-system-x86 busybox-static libcap-dev file perl
      gnuplot-nox)
for group in "$@"; do
	case $group in
	clang) pkgs+=(clang-19 lld-19 llvm-19) ;;
	coverage) pkgs+=(lcov) ;;
	fuzz) pkgs+=(trinity) ;;
	bpf) pkgs+=(pahole clang-19 lld-19 llvm-19 zlib1g-dev libelf-dev) ;;
	*) die "unknown dependency group $group" ;;
	esac
done
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	die "missing packages; run: sudo apt-get install -y ${missing[*]}"
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
apt-get install -y -q --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/landlock-deps.log" 2>&1 ||
	die "apt-get install failed, see ${TMPDIR:-/tmp}/landlock-deps.log"
