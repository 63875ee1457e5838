#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: what the series costs on hot paths, base vs patched.
#
#   bench.sh            builds the base (empty series) and the patched kernel
#                       with the same configuration, runs vm/llbench.c on each
#                       RUNS times (default 2) under QEMU with instruction
#                       counting, and writes out/bench/{results.csv,table.txt,
#                       bench.png}.
#   bench.sh --report   redoes the table, CSV and chart from the last runs.
#   BPF=1 bench.sh [--report]
#                       the same with both kernels in the bpf flavour
#                       (config/bpf.config), for the "none", "bpf_off" and
#                       "bpf" situations only: "bpf" is "none" with a
#                       sleepable BPF LSM program on bprm_creds_for_exec
#                       attached that matches no execution (vm/bpf/, loaded
#                       by llbench-bpf, one CO-RE object for both kernels),
#                       "bpf_off" its control (same loader and processes, the
#                       program loaded but not attached), with the extra
#                       operation execve_check (execveat AT_EXECVE_CHECK: the
#                       execution's checks and hooks without fork nor
#                       execution).  ITERS defaults to 20000 (400
#                       fork_execve_wait, 4000 execve_check per run); results
#                       in out/bench/bpf/.
#   bench.sh --smoke [SRC]
#                       one short iteration per case on the already built VM
#                       kernel (make check's bench-smoke stage): checks that
#                       the benchmark builds and runs, not timings.
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2}
dir=$OUT/bench
# res: results; variant, base_variant: build-kernel.sh flavours; tag: VM logs.
res=$dir variant=vm base_variant=base tag=bench
append="lsm.debug loglevel=7"
if [ "${BPF:-}" = 1 ]; then
	res=$dir/bpf variant=bpf base_variant=bpf tag=bench-bpf
	ITERS=${ITERS:-20000}
	append+=" llbench_situations=none,bpf_off,bpf llbench_extra=1"
fi
ITERS=${ITERS:-2000}
mkdir -p "$res"

# With -icount, guest time advances with executed instructions, not with the
# host's (noisy) wall clock.
icount="-icount shift=0,sleep=off"

if [ "${1:-}" = --smoke ]; then
	src=${2:-$TREE}
	k=$OUT/build-vm/arch/x86/boot/bzImage
	[ -f "$k" ] || k=$("$TOP/scripts/build-kernel.sh" vm "$src" | tail -1)
	[ -f "$OUT/initramfs.cpio.gz" ] || "$TOP/scripts/initramfs.sh" "$src" >/dev/null
	VM_QEMU_ARGS="$icount" "$TOP/scripts/vm.sh" bench "$k" bench-smoke 2 ||
		exit 1
	n=$(tr -d '\r' <"$OUT/vm-bench-smoke.log" | grep -c '^BENCH [a-z_]* [a-z_]* [0-9n]')
	situations=$(sed -n '/situations\[\] = {/,/};/p' "$TOP/vm/llbench.c" | grep -o '"[a-z_]*"' | wc -l)
	ops=$(sed -n '/ ops\[\] = {/,/};/p' "$TOP/vm/llbench.c" | grep -c '^	{ "[a-z_]*", op_')
	want=$(( situations * ops ))
	if [ "$n" -ne "$want" ]; then
		echo "not ok - benchmark: $n of $want cases reported"
		exit 1
	fi
	echo "ok - benchmark builds and runs ($n cases, one short iteration each)"
	exit 0
fi

# build_bpf_bench: the "bpf" situation's BPF object (CO-RE, against the
# patched kernel's vmlinux.h), its skeleton and its static loader, installed
# as /bin/llbench-bpf in the VM, with libbpf and bpftool from bpf-tools.sh.
build_bpf_bench() {
	local b=$OUT/bpf o=$res/obj
	mkdir -p "$o" "$OUT/bin"
	log "building the bpf situation's program and loader (vm/bpf/)"
	clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-fms-extensions -Wno-microsoft-anon-tag -I"$b" \
		-I"$b/root/usr/include" -c "$TOP/vm/bpf/llbench_bpf.bpf.c" \
		-o "$o/llbench_bpf.bpf.o"
	"$b/bpftool/bpftool" gen skeleton "$o/llbench_bpf.bpf.o" \
		name llbench_bpf >"$o/llbench_bpf.skel.h"
	gcc -O2 -Wall -Werror -static -I"$o" -I"$b/root/usr/include" \
		-o "$OUT/bin/llbench-bpf" "$TOP/vm/bpf/llbench_bpf.c" \
		"$b/libbpf/libbpf.a" -lelf -lz
}

if [ "${1:-}" != --report ]; then
if [ "$variant" = bpf ]; then "$TOP/scripts/deps.sh" bpf; else "$TOP/scripts/deps.sh"; fi
# The base: a work tree without the series, laid out like linux/ and out/
# (out/bench/linux next to out/bench/out/build-base) for ccache hits.
base_tree=$dir/linux
if [ ! -d "$base_tree/.git" ]; then
	mkdir -p "$dir/empty-series"
	PATCHES=$dir/empty-series "$TOP/scripts/tree.sh" init "$base_tree"
fi
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh" init

log "building the base and the patched kernel (same configuration: $variant)"
kbase=$(OUT=$dir/out "$TOP/scripts/build-kernel.sh" "$base_variant" "$base_tree" | tail -1)
if [ "$variant" = bpf ]; then
	# The bpf kernel, its vmlinux.h, libbpf and bpftool.
	kpatched=$(BPF_VARIANT=bpf "$TOP/scripts/bpf-tools.sh" tests "$TREE" | tail -1)
	build_bpf_bench
else
	kpatched=$("$TOP/scripts/build-kernel.sh" vm "$TREE" | tail -1)
fi
"$TOP/scripts/initramfs.sh" "$TREE" >/dev/null

for run in $(seq 1 "$RUNS"); do
	for which in base patched; do
		k=$kbase
		[ $which = patched ] && k=$kpatched
		VM_QEMU_ARGS="$icount" VM_APPEND="$append" \
			"$TOP/scripts/vm.sh" bench "$k" "$tag-$which-$run" "$ITERS"
		vmlog=$OUT/vm-$tag-$which-$run.log
		tr -d '\r' <"$vmlog" |
			sed -n 's/^BENCH \([a-z_]*\) \([a-z_]*\) \([0-9]*\|n\/a\)$/'"$which $run"' \1 \2 \3/p'
		tr -d '\r' <"$vmlog" |
			sed -n 's/.*blob(\(cred\|file\|inode\)) size \([0-9]*\).*/'"$which $run"' blob \1 \2/p'
		[ "$variant" = bpf ] || continue
		# Attached, the program saw the executions and matched none;
		# loaded only (the control), it never ran.
		if ! tr -d '\r' <"$vmlog" | grep -q '^LLBENCH-BPF attached=1 checked=[1-9][0-9]* matched=0$' ||
			! tr -d '\r' <"$vmlog" | grep -q '^LLBENCH-BPF attached=0 checked=0 matched=0$' ||
			tr -d '\r' <"$vmlog" | grep -q '^BENCH bpf[a-z_]* .* n/a$'; then
			die "bpf situations: the program did not run as expected (${vmlog#"$TOP"/})"
		fi
		tr -d '\r' <"$vmlog" |
			sed -n 's/^LLBENCH-BPF attached=1 checked=\([0-9]*\) matched=\([0-9]*\)$/'"$which $run"' loader \1 \2/p'
	done
done >"$res/raw.txt"
fi

python3 - "$res" <<'EOF'
import collections, sys
d = sys.argv[1]
t = collections.defaultdict(list)
blobs = {}
checked = collections.defaultdict(list)
for line in open(f"{d}/raw.txt"):
    which, run, a, b, v = line.split()
    if a == "blob":
        blobs[(which, b)] = v
    elif a == "loader":
        checked[which].append(b)
    elif v != "n/a":
        t[(a, b, which)].append(float(v))
rows = []
keys = sorted({(s, o) for (s, o, _) in t}, key=lambda k: (k[1], k[0]))
out = [f"{'operation':<22} {'situation':<15} {'base ns':>10} {'patched ns':>11} {'ratio':>6} {'spread':>7}"]
csv = ["operation,situation,base_ns,patched_ns,ratio,spread"]
for s, o in keys:
    b, p = t.get((s, o, "base"), []), t.get((s, o, "patched"), [])
    if not p:
        continue
    pm = sum(p) / len(p)
    # Spread: the largest relative distance of a run from its kernel's mean.
    spread = max(abs(x - pm) / pm for x in p)
    mark = ""
    if not b:
        # ABI 12 situations do not exist on the base: compare with the
        # same operation without any domain there.
        b, mark = t.get(("none", o, "base"), []), "*"
    if b:
        bm = sum(b) / len(b)
        spread = max(spread, max(abs(x - bm) / bm for x in b))
        ratio = f"{pm / bm:.3f}{mark}"
        bms = f"{bm:.0f}{mark}"
    else:
        ratio, bms = "n/a", "n/a"
    out.append(f"{o:<22} {s:<15} {bms:>10} {pm:>11.0f} {ratio:>6} {spread * 100:>6.2f}%")
    csv.append(f"{o},{s},{bms},{pm:.0f},{ratio},{spread:.4f}")
mean = lambda k: sum(t[k]) / len(t[k]) if t.get(k) else None
if any(s == "bpf" for s, _ in keys):
    # The attached program's own cost on each kernel: against its control
    # (same processes, program not attached), and against 'none'.
    out.append("")
    out.append("attached BPF program, not matching: 'bpf' minus 'bpf_off' (minus 'none'), ns per operation")
    out.append(f"{'operation':<22} {'base ns':>8} {'base %':>7} {'(none)':>7} {'patched ns':>10} {'patched %':>9} {'(none)':>7}")
    for o in sorted({o for s, o in keys if s == "bpf"}):
        cols = []
        for which in ("base", "patched"):
            c, n, b = (mean((s, o, which)) for s in ("bpf_off", "none", "bpf"))
            cols += [f"{b - c:+.0f}", f"{(b - c) / c * 100:+.2f}%"] if c and b else ["n/a", "n/a"]
            cols.append(f"{b - n:+.0f}" if n and b else "n/a")
        out.append(f"{o:<22} {cols[0]:>8} {cols[1]:>7} {cols[2]:>7} {cols[3]:>10} {cols[4]:>9} {cols[5]:>7}")
    out.append("executions seen by the program per run: " + ", ".join(
        f"{w} {'/'.join(checked[w])}" for w in ("base", "patched")) + " (none matched)")
out.append("")
if any(line.endswith("%") and "*" in line for line in out):
    out.append("* the base has no such situation: compared with its 'none' figure")
out.append("Landlock security blob sizes (bytes): " + ", ".join(
    f"{b} {blobs.get(('base', b), '?')} -> {blobs.get(('patched', b), '?')}"
    for b in ("cred", "file", "inode")))
open(f"{d}/table.txt", "w").write("\n".join(out) + "\n")
open(f"{d}/results.csv", "w").write("\n".join(csv) + "\n")
print("\n".join(out))
EOF

# Chart: patched/base ratio per operation and situation.
awk -F, 'NR > 1 && $5 != "n/a" { sub(/\*/, "", $5); printf "%s/%s %s\n", $1, $2, $5 }' \
	"$res/results.csv" >"$res/ratio.dat"
gnuplot <<EOF
set terminal pngcairo size 1200,600 noenhanced
set output "$res/bench.png"
set title "Landlock series: patched / base time per operation (1.00 = no cost)"
set style data histogram
set style fill solid
set yrange [0.9:1.1]
set xtics rotate by -45
set grid ytics
plot "$res/ratio.dat" using 2:xtic(1) title "ratio", 1 notitle lc rgb "black"
EOF
echo "table: ${res#"$TOP"/}/table.txt, CSV: ${res#"$TOP"/}/results.csv, chart: ${res#"$TOP"/}/bench.png"
