#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bpf-tools.sh [COMMAND] [SRC]
# The userspace side of the BPF exec-time bridge tests, built from SRC (default:
# the work tree) into out/bpf:
#   tools  libbpf.a and its headers, bpftool (from SRC's tools/: Debian's are
#          older than the tree)
#   tests  the kernel (scripts/build-kernel.sh $BPF_VARIANT: "debug" by
#          default, the debug flavour carries bpf.config; BPF=1 make bench
#          uses "bpf"), vmlinux.h from its BTF, then the BPF objects (clang-19 -target bpf), their skeletons
#          and the static test binaries of tools/testing/selftests/landlock/bpf,
#          and the exec-sandbox sample (samples/landlock/bpf), with
#          exec_sandbox_test, a TAP script running it in the VM
#   test   (default) tests, then an initramfs with them and the Landlock
#          selftests' helpers, booted with scripts/vm.sh test: TAP and a
#          verdict.  LSM_ORDERS (default "landlock,bpf bpf,landlock") boots once
#          per lsm= order; the debug kernel boots as in the debug selftest
#          run (panic_on_warn, kmemleak).
. "$(dirname "$0")/lib.sh"

cmd=${1:-test}
src=${2:-$TREE}
[ -f "$src/Makefile" ] || die "no kernel tree at $src (run: make tree)"
b=$OUT/bpf
clang=clang-19
variant=${BPF_VARIANT:-debug}

build_tools() {
	"$TOP/scripts/deps.sh" bpf
	mkdir -p "$b/libbpf" "$b/bpftool"
	log "building libbpf and bpftool from ${src#$TOP/}/tools"
	make -s -C "$src/tools/lib/bpf" OUTPUT="$b/libbpf/" -j"$JOBS" \
		"$b/libbpf/libbpf.a" >"$b/libbpf.log" 2>&1 || {
		tail -20 "$b/libbpf.log" >&2
		die "libbpf build failed (full log: $b/libbpf.log)"
	}
	make -s -C "$src/tools/lib/bpf" OUTPUT="$b/libbpf/" \
		DESTDIR="$b/root" prefix=/usr install_headers \
		>>"$b/libbpf.log" 2>&1
	# SKIP_CRYPTO: program signing is not needed here.
	make -s -C "$src/tools/bpf/bpftool" OUTPUT="$b/bpftool/" SKIP_CRYPTO=1 \
		CLANG="$clang" LLVM_STRIP=llvm-strip-19 -j"$JOBS" \
		>"$b/bpftool.log" 2>&1 || {
		tail -20 "$b/bpftool.log" >&2
		die "bpftool build failed (full log: $b/bpftool.log)"
	}
}

# build_bpf_dir DIR OUTPUT NAME: builds the BPF programs of SRC/DIR (its own
# Makefile) against the tree's libbpf, bpftool and the kernel's vmlinux.h.
build_bpf_dir() {
	mkdir -p "$2"
	make -s -C "$src/$1" OUTPUT="$2" CLANG="$clang" CC="${CC:-gcc}" \
		LIBBPF_A="$b/libbpf/libbpf.a" LIBBPF_INCLUDE="$b/root/usr/include" \
		BPFTOOL="$b/bpftool/bpftool" VMLINUX_H="$b/vmlinux.h" \
		KHDR_INCLUDES="-isystem $OUT/headers/include" \
		>"$b/$3.log" 2>&1 || {
		tail -30 "$b/$3.log" >&2
		die "$1 build failed (full log: $b/$3.log)"
	}
}

build_tests() {
	local k vmlinux
	build_tools
	k=$("$TOP/scripts/build-kernel.sh" "$variant" "$src" | tail -1)
	vmlinux=${k%/arch/x86/boot/bzImage}/vmlinux
	if [ ! -f "$b/vmlinux.h" ] || [ "$vmlinux" -nt "$b/vmlinux.h" ]; then
		log "generating vmlinux.h from the $variant kernel's BTF"
		"$b/bpftool/bpftool" btf dump file "$vmlinux" format c \
			>"$b/vmlinux.h.new"
		mv "$b/vmlinux.h.new" "$b/vmlinux.h"
	fi
	log "installing uapi headers"
	mkdir -p "$OUT/build-hdr"
	make -s -C "$src" O="$OUT/build-hdr" ARCH=x86_64 \
		INSTALL_HDR_PATH="$OUT/headers" headers_install
	log "building the BPF objects, skeletons and tests (static)"
	build_bpf_dir tools/testing/selftests/landlock/bpf "$b/tests" tests
	build_bpf_dir samples/landlock/bpf "$b/bin" sample
	# initramfs.sh installs $OUT/bin/* in the VM's /bin.
	mkdir -p "$OUT/bin"
	cp "$b/bin/exec-sandbox" "$OUT/bin/"
	write_sample_test >"$b/tests/exec_sandbox_test"
	chmod +x "$b/tests/exec_sandbox_test"
	echo "$k"
}

# The sample's scenario, in the VM: exec-sandbox sandboxes /tmp/target (a copy
# of the Landlock selftests' probe) wherever it runs in the command, but not a
# copy of the same program at another path, nor the shell that runs them.
write_sample_test() {
	cat <<'EOF'
#!/bin/sh
# exec-sandbox sample: only the program at a given path is sandboxed.
cp /selftests/on_exec_probe /tmp/target
cp /selftests/on_exec_probe /tmp/other
echo secret >/tmp/secret
cmd='/tmp/target read /tmp/secret; echo "target $?"
/tmp/other read /tmp/secret; echo "other $?"
sh -c "/tmp/target read /tmp/secret; echo \"nested target \$?\""
cat /tmp/secret >/dev/null; echo "shell $?"'
out=$(LL_FS_RO=/bin:/selftests:/proc:/tmp/target LL_FS_RW=/dev/null \
	exec-sandbox /tmp/target -- sh -c "$cmd" 2>&1)
echo "$out" | sed 's/^/# /'
echo "1..4"
n=0
for expect in "target 13" "other 0" "nested target 13" "shell 0"; do
	n=$((n + 1))
	if echo "$out" | grep -qx "$expect"; then
		echo "ok $n exec_sandbox: $expect"
	else
		echo "not ok $n exec_sandbox: $expect"
		rc=1
	fi
done
echo "$out" | grep -q "sandboxed 2 time" || rc=1
exit ${rc:-0}
EOF
}

run_tests() {
	local k order rc=0 append=
	k=$(build_tests | tail -1)
	BPF_TESTS_DIR=$b/tests "$TOP/scripts/initramfs.sh" "$src" >/dev/null
	[ "$variant" = debug ] && append="panic_on_warn=1 kmemleak=on"
	for order in ${LSM_ORDERS:-landlock,bpf bpf,landlock}; do
		VM_MEM=${VM_MEM:-2G} VM_TIMEOUT=${VM_TIMEOUT:-1200} \
			VM_APPEND="lsm=$order $append ${VM_APPEND:-}" "$TOP/scripts/vm.sh" test "$k" \
			"bpf-tests-${order/,/-}" exec_restrict_test,exec_sandbox_test ||
			rc=1
	done
	if [ $rc -eq 0 ]; then
		echo "bpf_tests: passed with lsm= ${LSM_ORDERS:-landlock,bpf bpf,landlock}"
	else
		echo "bpf_tests: FAILED"
	fi
	return $rc
}

case $cmd in
tools) build_tools ;;
tests) build_tests ;;
test) run_tests ;;
*) die "unknown command $cmd (tools, tests or test)" ;;
esac
