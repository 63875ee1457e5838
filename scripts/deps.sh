#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh [GROUP...]: installs the Debian packages the tooling needs, when
# missing.  As root it runs apt-get; otherwise it prints the one command to
# run.  The core group is always installed; the others are pulled by what
# needs them, before it starts: make check installs the groups of the stages
# it runs (their "# deps:" lines, see scripts/check/), build-kernel.sh those
# of its kernel flavour, and each other target its own.
#
#   core      kernel builds, QEMU, selftests and initramfs, checkpatch, sparse
#   btf       pahole: kernels with CONFIG_DEBUG_INFO_BTF (debug, bpf)
#   clang     clang-19 and the LLVM tools (clang W=1 build)
#   bpf       btf + clang-19, LLVM, libelf, zlib: libbpf, bpftool, BPF objects;
#             openssl: test_progs' signing key (verify_sig_setup.sh)
#   fuzz      trinity
#   coverage  lcov
#   fresh     mmdebstrap: scripts/fresh-machine.sh
. "$(dirname "$0")/lib.sh"

group_pkgs() {
	case $1 in
	core) echo build-essential bc bison flex libelf-dev libssl-dev cpio kmod \
		rsync xz-utils python3 python3-ply python3-git git ccache sparse \
		codespell clang-format-14 clang-format-19 qemu-system-x86 busybox-static libcap-dev \
		file perl gnuplot-nox ;;
	btf) echo pahole ;;
	clang) echo clang-19 lld-19 llvm-19 ;;
	bpf) echo pahole clang-19 lld-19 llvm-19 zlib1g-dev libelf-dev openssl ;;
	fuzz) echo trinity ;;
	coverage) echo lcov ;;
	fresh) echo mmdebstrap ;;
	*) die "unknown dependency group $1" ;;
	esac
}

if [ "${1:-}" = --list ]; then
	shift
	for group in "${@:-core}"; do
		printf '%-9s %s\n' "$group" "$(group_pkgs "$group")"
	done
	exit 0
fi

pkgs=()
for group in core "$@"; do
	read -ra p <<<"$(group_pkgs "$group")"
	pkgs+=("${p[@]}")
done
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
read -ra missing <<<"$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
if [ "$(id -u)" -ne 0 ]; then
	die "missing packages; run: sudo apt-get install -y ${missing[*]}"
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
apt-get install -y -q --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/landlock-deps.log" 2>&1 ||
	die "apt-get install failed, see ${TMPDIR:-/tmp}/landlock-deps.log"
