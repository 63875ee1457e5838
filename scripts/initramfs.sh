#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# initramfs.sh [SRC]
# Builds the Landlock selftests and the sandboxer statically against SRC's
# own uapi headers, and packs them with busybox-static, the VM init script
# and the demo into out/initramfs.cpio.gz.
. "$(dirname "$0")/lib.sh"

src=${1:-$TREE}
hdr=$OUT/headers
st=$OUT/selftests
root=$OUT/rootfs
bb=$(command -v busybox || true)
[ -x /bin/busybox ] && bb=/bin/busybox
file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	die "busybox-static is needed (apt-get install busybox-static)"

log "installing uapi headers"
mkdir -p "$OUT/build-hdr"
make -s -C "$src" O="$OUT/build-hdr" ARCH=x86_64 INSTALL_HDR_PATH="$hdr" \
	headers_install

log "building Landlock selftests (static)"
mkdir -p "$st"
make -s -C "$src/tools/testing/selftests/landlock" OUTPUT="$st" \
	KHDR_INCLUDES="-isystem $hdr/include" LDFLAGS=-static \
	CC="${CC:-gcc}" -j"$JOBS" >"$OUT/selftests.log" 2>&1 || {
	tail -30 "$OUT/selftests.log" >&2
	die "selftest build failed (full log: $OUT/selftests.log)"
}

log "building the sandboxer and demo helpers (static)"
mkdir -p "$OUT/bin"
gcc -O2 -Wall -static -isystem "$hdr/include" \
	-o "$OUT/bin/sandboxer" "$src/samples/landlock/sandboxer.c"
for c in "$TOP"/vm/*.c; do
	[ -e "$c" ] || continue
	gcc -O2 -Wall -Werror -static -isystem "$hdr/include" \
		-o "$OUT/bin/$(basename "$c" .c)" "$c" -lpthread
done
# A directory vm/NAME/ with a main.c is one program, $OUT/bin/NAME, made of
# all its .c files (vm/llstress/).  Directories without a main.c are not
# programs: vm/bpf/ holds the BPF programs and their loaders, which need
# libbpf: bench.sh and bpf-tools.sh (llbpf) build them.
for m in "$TOP"/vm/*/main.c; do
	[ -e "$m" ] || continue
	d=$(dirname "$m")
	n=$(basename "$d")
	[ ! -e "$d.c" ] || die "vm/$n.c and vm/$n/ would both be bin/$n"
	gcc -O2 -Wall -Werror -static -isystem "$hdr/include" \
		-o "$OUT/bin/$n" "$d"/*.c -lpthread
done

log "packing the initramfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,usr/bin,root,etc,selftests,run}
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp "$TOP/vm/init" "$root/init"
cp "$TOP"/vm/*.sh "$root/bin/" 2>/dev/null || true
cp "$OUT"/bin/* "$root/bin/"
find "$st" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/selftests/" \;
# The libraries of a dynamically linked program, and the dynamic loader, at
# their paths in the VM.
copy_libs() {
	local f
	for f in $(ldd "$1" | grep -o '/[^ ]*'); do
		cp --parents -L "$f" "$root"
	done
}
# BPF_TESTS_DIR (bpf-tools.sh): the BPF tests, built apart, and
# tools/testing/selftests/bpf's test_progs, dynamically linked.
if [ -n "${BPF_TESTS_DIR:-}" ]; then
	find "$BPF_TESTS_DIR" -maxdepth 1 -type f -name '*_test' \
		-exec cp {} "$root/selftests/" \;
	if [ -f "$BPF_TESTS_DIR/test_progs" ]; then
		cp "$BPF_TESTS_DIR/test_progs" "$root/selftests/"
		copy_libs "$BPF_TESTS_DIR/test_progs"
	fi
fi
# FUZZ=1 (make fuzz): trinity, dynamically linked.
if [ "${FUZZ:-}" = 1 ]; then
	trinity=$(command -v trinity) ||
		die "trinity is not installed (scripts/deps.sh fuzz)"
	cp --parents -L "$trinity" "$root"
	copy_libs "$trinity"
fi
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
chmod 755 "$root/init"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0 | gzip -1 >"$OUT/initramfs.cpio.gz")
echo "$OUT/initramfs.cpio.gz"
