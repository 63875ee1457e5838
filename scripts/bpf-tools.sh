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
#          exec_sandbox_test, a TAP script running it in the VM, and
#          test_progs with the series' tests of tools/testing/selftests/bpf,
#          with bpf_selftests_test, its TAP wrapper
#   llbpf  the kernel, vmlinux.h, then llfault-bpf and llbpf-stress (see
#          build_llbpf) in out/bin; prints the kernel's path
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

# The series' tests in tools/testing/selftests/bpf, in that directory's
# conventions (test_loader's __failure/__msg for the verifier's refusals), run
# by its test_progs.  Building test_progs as is builds every one of its 1000
# BPF programs: build_bpf_selftests builds it in a shadow of SRC where
# tools/testing/selftests/bpf has only the programs and tests below (the other
# files are symbolic links to SRC), without its kernel modules, light
# skeletons and linked objects, which no test below uses.  verifier.c, which
# runs every verifier_*.c program, is replaced by a runner per program named
# in BPF_SELFTESTS_VERIFIER, under the same test name, with verifier.c's own
# run_tests_aux() (CAP_SYS_ADMIN dropped).  Every test listed must be in the
# tree (for a tree before the series' last patches, set BPF_SELFTESTS).
BPF_SELFTESTS=${BPF_SELFTESTS:-"verifier_async_cb_context verifier_lsm_policy_kfunc lsm_policy_kfunc"}
BPF_SELFTESTS_PROGS="verifier_async_cb_context verifier_lsm_policy_kfunc lsm_policy_kfunc lsm_policy_kfunc_ext"
BPF_SELFTESTS_VERIFIER="verifier_async_cb_context verifier_lsm_policy_kfunc"
build_bpf_selftests() {
	local vmlinux=$1 s=$b/selftests-bpf/shadow bsrc=$src/tools/testing/selftests/bpf
	local sb=$s/tools/testing/selftests/bpf f p t
	log "building test_progs with the series' tests in tools/testing/selftests/bpf"
	rm -rf "$s"
	mkdir -p "$s"
	for f in "$src"/*; do ln -s "$f" "$s/"; done
	rm "$s/tools"
	mkdir -p "$sb/progs" "$sb/prog_tests"
	for f in "$src"/tools/*; do [ "${f##*/}" = testing ] || ln -s "$f" "$s/tools/"; done
	for f in "$src"/tools/testing/*; do [ "${f##*/}" = selftests ] || ln -s "$f" "$s/tools/testing/"; done
	for f in "$src"/tools/testing/selftests/*; do [ "${f##*/}" = bpf ] || ln -s "$f" "$s/tools/testing/selftests/"; done
	for f in "$bsrc"/*; do
		case ${f##*/} in progs | prog_tests) ;; *) ln -s "$f" "$sb/" ;; esac
	done
	for f in "$bsrc"/progs/*.h "$bsrc"/prog_tests/*.h; do
		[ -e "$f" ] && ln -s "$f" "$sb/${f#"$bsrc"/}"
	done
	for p in $BPF_SELFTESTS_PROGS; do
		[ -e "$bsrc/progs/$p.c" ] && ln -s "$bsrc/progs/$p.c" "$sb/progs/"
	done
	for t in $BPF_SELFTESTS; do
		case " $BPF_SELFTESTS_VERIFIER " in
		*" $t "*)
			[ -e "$bsrc/progs/$t.c" ] || die "no progs/$t.c in ${src#"$TOP"/}"
			verifier_runner "$t" >"$sb/prog_tests/$t.c"
			;;
		*)
			[ -e "$bsrc/prog_tests/$t.c" ] || die "no prog_tests/$t.c in ${src#"$TOP"/}"
			ln -s "$bsrc/prog_tests/$t.c" "$sb/prog_tests/"
			;;
		esac
	done
	# test_progs adds its signing certificate to the session keyring as an
	# "asymmetric" key, and exits when the kernel has no such key type
	# (CONFIG_ASYMMETRIC_KEY_TYPE, not in config/): only the signed light
	# skeletons' tests, left out above, use it.
	rm "$sb/test_progs.c"
	perl -0pe 's/(err = register_session_key\([^;]*;\n\tif \(err < 0\))\n\t\treturn err;/$1\n\t\tfprintf(stderr, "no session key: signed programs cannot load\\n");/' \
		"$bsrc/test_progs.c" >"$sb/test_progs.c"
	grep -q 'no session key' "$sb/test_progs.c" ||
		die "test_progs.c: the session key's registration has changed"
	mkdir -p "$b/selftests-bpf/build"
	make -C "$sb" OUTPUT="$b/selftests-bpf/build" VMLINUX_BTF="$vmlinux" \
		CLANG="$clang" LLC=llc-19 LLVM_STRIP=llvm-strip-19 \
		SKIP_LLVM=1 SKIP_LIBBFD=1 SKIP_CRYPTO=1 SKIP_DOCS=1 \
		TEST_KMODS= TRUNNER_EXTRA_FILES= LSKELS= LSKELS_EXTRA= \
		LSKELS_SIGNED= LINKED_SKELS= LIBARENA_SKEL= LIBARENA_ASAN_SKEL= \
		-j"$JOBS" test_progs >"$b/selftests-bpf.log" 2>&1 || {
		tail -30 "$b/selftests-bpf.log" >&2
		die "test_progs build failed (full log: $b/selftests-bpf.log)"
	}
	# initramfs.sh copies test_progs with its libraries to /selftests.
	cp "$b/selftests-bpf/build/test_progs" "$b/tests/"
	write_bpf_selftests_test "$BPF_SELFTESTS" >"$b/tests/bpf_selftests_test"
	chmod +x "$b/tests/bpf_selftests_test"
}

# verifier_runner NAME: prog_tests/verifier.c's runner of progs/NAME.c alone:
# its includes, run_tests_aux() and RUN(), and test_NAME().
verifier_runner() {
	local v=$bsrc/prog_tests/verifier.c
	grep -q "^void test_$1(void) *{ RUN($1); }" "$v" ||
		die "prog_tests/verifier.c does not run $1"
	echo '// SPDX-License-Identifier: GPL-2.0'
	echo '/* Generated by scripts/bpf-tools.sh from prog_tests/verifier.c */'
	sed -n '/^__maybe_unused$/q; /^\/\/ SPDX/d; /\.skel\.h"$/d; p' "$v"
	echo "#include \"$1.skel.h\""
	sed -n '/^__maybe_unused$/,/^#define RUN(skel)/p' "$v"
	echo "void test_$1(void) { RUN($1); }"
}

# In the VM: test_progs -t TESTS (the tests built, a space-separated list),
# its results as TAP: a test's subtests, or the test when it has none, and a
# failure for a test that did not run.
write_bpf_selftests_test() {
	cat <<EOF
#!/bin/sh
# The series' tests in tools/testing/selftests/bpf, run by test_progs.
want="$1"
out=\$(/selftests/test_progs -t $(echo "$1" | tr ' ' ,) 2>&1)
rc=\$?
EOF
	cat <<'EOF'
echo "$out" | sed 's/^/# /'
echo "$out" | awk -v want="$want" '
/^#[0-9]+(\/[0-9]+)? +[^ ]+:(OK|FAIL|SKIP)( \(SKIP: [0-9]+\/[0-9]+\))?$/ {
	split($1, id, "/")
	status = substr($2, match($2, /:[A-Z]+$/) + 1)
	name = substr($2, 1, RSTART - 1)
	if (id[2] == "")
		ran[name] = 1
	else
		has_sub[id[1]] = 1
	n++
	line_name[n] = name; line_status[n] = status; top[n] = id[1]; sub_of[n] = id[2]
}
END {
	for (i = 1; i <= n; i++)
		if (sub_of[i] != "" || !has_sub[top[i]]) {
			k++
			res[k] = line_status[i] == "OK" ? "ok" : line_status[i] == "SKIP" ? "skip" : "not ok"
			label[k] = line_name[i]
		}
	split(want, w, " ")
	for (i in w)
		if (!(w[i] in ran)) {
			k++
			res[k] = "not ok"
			label[k] = w[i] " (not run)"
			missing = 1
		}
	print "1.." k
	for (j = 1; j <= k; j++)
		if (res[j] == "skip")
			print "ok " j " " label[j] " # SKIP"
		else
			print res[j] " " j " " label[j]
	exit missing
}' || rc=1
exit $rc
EOF
}

# prepare: libbpf, bpftool, the $variant kernel, its vmlinux.h and the uapi
# headers; prints the kernel's path.
prepare() {
	local k vmlinux
	build_tools
	k=$("$TOP/scripts/build-kernel.sh" "$variant" "$src" | tail -1)
	vmlinux=${k%/arch/x86/boot/bzImage}/vmlinux
	if [ ! -f "$b/vmlinux.h" ] || [ "$vmlinux" -nt "$b/vmlinux.h" ] ||
		[ "$(cat "$b/vmlinux.h.from" 2>/dev/null)" != "$vmlinux" ]; then
		log "generating vmlinux.h from the $variant kernel's BTF"
		"$b/bpftool/bpftool" btf dump file "$vmlinux" format c \
			>"$b/vmlinux.h.new"
		mv "$b/vmlinux.h.new" "$b/vmlinux.h"
		echo "$vmlinux" >"$b/vmlinux.h.from"
	fi
	log "installing uapi headers"
	mkdir -p "$OUT/build-hdr"
	make -s -C "$src" O="$OUT/build-hdr" ARCH=x86_64 \
		INSTALL_HDR_PATH="$OUT/headers" headers_install
	echo "$k"
}

# build_bpf_prog NAME: vm/bpf/NAME.bpf.c (CO-RE, against vmlinux.h) and its
# skeleton NAME.skel.h, in $b/vm.
build_bpf_prog() {
	mkdir -p "$b/vm"
	"$clang" -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-fms-extensions -Wno-microsoft-anon-tag -I"$b" \
		-I"$b/root/usr/include" -c "$TOP/vm/bpf/$1.bpf.c" -o "$b/vm/$1.bpf.o"
	"$b/bpftool/bpftool" gen skeleton "$b/vm/$1.bpf.o" name "$1" >"$b/vm/$1.skel.h"
}

# build_bpf_loader OUTPUT SOURCE... [FLAGS]: a static program with libbpf and
# the skeletons of $b/vm, installed as $OUT/bin/OUTPUT (the VM's /bin).
build_bpf_loader() {
	local name=$1
	shift
	mkdir -p "$OUT/bin"
	gcc -O2 -Wall -Werror -static -isystem "$OUT/headers/include" -I"$b/vm" \
		-I"$b/root/usr/include" -o "$OUT/bin/$name" "$@" \
		"$b/libbpf/libbpf.a" -lelf -lz -lpthread
}

# build_llbpf: the BPF bridge's fault injection and stress programs, against
# the $variant kernel: llfault-bpf (vm/llfault.c with its bpf_* operations)
# and llbpf-stress (vm/bpf/llbpf.c), with vm/bpf/llbpf.bpf.c.
build_llbpf() {
	log "building llfault-bpf and llbpf-stress (vm/bpf/llbpf*.c)"
	build_bpf_prog llbpf
	build_bpf_loader llfault-bpf "$TOP/vm/llfault.c" -DLLFAULT_BPF
	build_bpf_loader llbpf-stress "$TOP/vm/bpf/llbpf.c"
}

build_tests() {
	local k vmlinux
	k=$(prepare | tail -1)
	vmlinux=${k%/arch/x86/boot/bzImage}/vmlinux
	log "building the BPF objects, skeletons and tests (static)"
	build_bpf_dir tools/testing/selftests/landlock/bpf "$b/tests" tests
	build_bpf_dir samples/landlock/bpf "$b/bin" sample
	# initramfs.sh installs $OUT/bin/* in the VM's /bin.
	mkdir -p "$OUT/bin"
	cp "$b/bin/exec-sandbox" "$OUT/bin/"
	write_sample_test >"$b/tests/exec_sandbox_test"
	chmod +x "$b/tests/exec_sandbox_test"
	build_bpf_selftests "$vmlinux"
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
			"bpf-tests-${order/,/-}" exec_restrict_test,exec_sandbox_test,bpf_selftests_test ||
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
llbpf)
	k=$(prepare | tail -1)
	build_llbpf
	echo "$k"
	;;
test) run_tests ;;
*) die "unknown command $cmd (tools, tests or test)" ;;
esac
