#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh VARIANT [SRC] [-- MAKE-ARGS...]
# Out-of-tree, incremental build of a VM kernel from SRC (default: the work
# tree) into $OUT/build-VARIANT.  VARIANT is "vm", "debug" (vm + bpf.config
# + debug.config + faults.config: the one debug kernel, for the debug
# selftest run, fuzzing, fault injection and the BPF bridge tests), "gcov"
# (vm + bpf.config + gcov.config + faults.config, only security/landlock/ and
# the LSM framework's policy kfuncs instrumented),
# "noaudit" (vm without CONFIG_AUDIT), "notrace" (vm without tracepoints),
# "noaudit-notrace" (neither), "clang" (vm built with Debian's clang-19 and
# LLVM tools), "bpf" (vm + bpf.config: BPF LSM and BTF), "bpfobj" (bpf
# without debug information or BTF: objects only, for the bisect stage's
# per-patch build of the BPF bridge), "kcsan" (vm +
# kcsan.config: the data-race detector, make kcsan) or "base" (the base
# tree, as vm).  The Landlock selftests' own config fragment is merged after
# vm.config, so an option a test needs and the VM lacks fails the build
# loudly.  CC (default gcc) is honoured, through ccache when available.
# Builds MAKE-ARGS when given, else bzImage and prints its path.
. "$(dirname "$0")/lib.sh"

variant=${1:?variant}
shift
src=$TREE
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	src=$1
	shift
fi
[ "${1:-}" = -- ] && shift
[ -f "$src/Makefile" ] || die "no kernel tree at $src (run: make tree)"

o=$OUT/build-$variant
mkdir -p "$o"
frags=("$TOP/config/vm.config" "$src/tools/testing/selftests/landlock/config")
cc=${CC:-gcc}
extra=()
case $variant in
vm | base) ;;
debug) frags+=("$TOP/config/bpf.config" "$TOP/config/debug.config" "$TOP/config/faults.config") ;;
gcov)
	frags+=("$TOP/config/bpf.config" "$TOP/config/gcov.config" "$TOP/config/faults.config")
	# GCC separates the regular expressions with semicolons, escaped
	# here from the shell that runs each compilation.
	extra+=("KCFLAGS=-fprofile-filter-files=.*security/landlock/.*\\;.*security/bpf_lsm_kfuncs\\.c")
	;;
noaudit) frags+=("$TOP/config/noaudit.config") ;;
notrace) frags+=("$TOP/config/notrace.config") ;;
noaudit-notrace) frags+=("$TOP/config/noaudit.config" "$TOP/config/notrace.config") ;;
bpf) frags+=("$TOP/config/bpf.config") ;;
bpfobj) frags+=("$TOP/config/bpf.config" "$TOP/config/nodebuginfo.config") ;;
kcsan) frags+=("$TOP/config/kcsan.config") ;;
clang)
	cc=clang-19
	extra+=(LLVM=-19)
	;;
*) die "unknown variant $variant" ;;
esac

# The packages this flavour needs (make check installs them all before its
# first stage; here it only checks, unless called alone).
case $variant in
debug | bpf | bpfobj) "$TOP/scripts/deps.sh" btf ;;
clang) "$TOP/scripts/deps.sh" clang ;;
*) "$TOP/scripts/deps.sh" ;;
esac

# make check's second tip lane boots the debug kernel that its first lane
# built (LL_PREBUILT_DEBUG: that build directory) and must not run make in
# it while the other lane may.
if [ "$variant" = debug ] && [ -n "${LL_PREBUILT_DEBUG:-}" ] && [ $# -eq 0 ]; then
	[ -f "$LL_PREBUILT_DEBUG/arch/x86/boot/bzImage" ] ||
		die "no debug kernel in $LL_PREBUILT_DEBUG"
	echo "$LL_PREBUILT_DEBUG/arch/x86/boot/bzImage"
	exit 0
fi

command -v ccache >/dev/null && cc="ccache $cc"
mk=(make -s -C "$src" O="$o" ARCH=x86_64 CC="$cc" HOSTCC="$cc" -j"$JOBS" "${extra[@]}")

# Regenerate the configuration in a scratch file; only replace .config when
# it changed, so that unchanged configurations keep incremental builds.
# LL_KEEP_CONFIG=1 (used when building the patches of the series one after
# the other) keeps an existing .config: the series does not touch Kconfig.
if [ "${LL_KEEP_CONFIG:-}" = 1 ] && [ -f "$o/.config" ]; then
	"${mk[@]}" olddefconfig >/dev/null
else
	cfg=$o/.config.new
	"${mk[@]}" KCONFIG_CONFIG=.config.new tinyconfig >/dev/null
	KCONFIG_CONFIG=$cfg "$src/scripts/kconfig/merge_config.sh" -m -O "$o" \
		"$cfg" "${frags[@]}" >"$o/merge.log"
	"${mk[@]}" KCONFIG_CONFIG=.config.new olddefconfig >/dev/null
	# Every option the fragments ask for (the last fragment wins) must
	# survive olddefconfig.
	missing=0
	declare -A want=()
	while IFS= read -r line; do
		case $line in CONFIG_*=*) want[${line%%=*}]=${line#*=} ;; esac
	done < <(cat "${frags[@]}")
	for opt in "${!want[@]}"; do
		if [ "${want[$opt]}" = n ]; then
			grep -q "^$opt=" "$cfg" &&
				{ echo "config: $opt not disabled" >&2; missing=1; }
		else
			grep -qxF "$opt=${want[$opt]}" "$cfg" ||
				{ echo "config: $opt=${want[$opt]} did not stick" >&2; missing=1; }
		fi
	done
	[ $missing -eq 0 ] || die "configuration of $variant is incomplete (see above)"
	if ! cmp -s "$cfg" "$o/.config"; then
		mv "$cfg" "$o/.config"
	else
		rm -f "$cfg"
	fi
fi

if [ $# -gt 0 ]; then
	# Explicit targets (e.g. security/landlock/): build only those.
	"${mk[@]}" "$@"
else
	"${mk[@]}" bzImage
	echo "$o/arch/x86/boot/bzImage"
fi
