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
#   bench.sh --smoke [SRC]
#                       one short iteration per case on the already built VM
#                       kernel (make check's bench-smoke stage): checks that
#                       the benchmark builds and runs, not timings.
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2}
ITERS=${ITERS:-2000}
dir=$OUT/bench
mkdir -p "$dir"

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
	want=$(( situations * $(grep -c '^	{ "[a-z_]*", op_' "$TOP/vm/llbench.c") ))
	if [ "$n" -ne "$want" ]; then
		echo "not ok - benchmark: $n of $want cases reported"
		exit 1
	fi
	echo "ok - benchmark builds and runs ($n cases, one short iteration each)"
	exit 0
fi

if [ "${1:-}" != --report ]; then
"$TOP/scripts/deps.sh"
# The base: a work tree without the series, laid out like linux/ and out/
# (out/bench/linux next to out/bench/out/build-base) for ccache hits.
base_tree=$dir/linux
if [ ! -d "$base_tree/.git" ]; then
	mkdir -p "$dir/empty-series"
	PATCHES=$dir/empty-series "$TOP/scripts/tree.sh" init "$base_tree"
fi
[ -d "$TREE/.git" ] || "$TOP/scripts/tree.sh" init

log "building the base and the patched kernel (same configuration)"
kbase=$(OUT=$dir/out "$TOP/scripts/build-kernel.sh" base "$base_tree" | tail -1)
kpatched=$("$TOP/scripts/build-kernel.sh" vm "$TREE" | tail -1)
"$TOP/scripts/initramfs.sh" "$TREE" >/dev/null

for run in $(seq 1 "$RUNS"); do
	for which in base patched; do
		k=$kbase
		[ $which = patched ] && k=$kpatched
		VM_QEMU_ARGS="$icount" VM_APPEND="lsm.debug loglevel=7" \
			"$TOP/scripts/vm.sh" bench "$k" "bench-$which-$run" "$ITERS"
		tr -d '\r' <"$OUT/vm-bench-$which-$run.log" |
			sed -n 's/^BENCH \([a-z_]*\) \([a-z_]*\) \([0-9]*\|n\/a\)$/'"$which $run"' \1 \2 \3/p'
		tr -d '\r' <"$OUT/vm-bench-$which-$run.log" |
			sed -n 's/.*blob(\(cred\|file\|inode\)) size \([0-9]*\).*/'"$which $run"' blob \1 \2/p'
	done
done >"$dir/raw.txt"
fi

python3 - "$dir" <<'EOF'
import collections, sys
d = sys.argv[1]
t = collections.defaultdict(list)
blobs = {}
for line in open(f"{d}/raw.txt"):
    which, run, a, b, v = line.split()
    if a == "blob":
        blobs[(which, b)] = v
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
out.append("")
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
	"$dir/results.csv" >"$dir/ratio.dat"
gnuplot <<EOF
set terminal pngcairo size 1200,600 noenhanced
set output "$dir/bench.png"
set title "Landlock series: patched / base time per operation (1.00 = no cost)"
set style data histogram
set style fill solid
set yrange [0.9:1.1]
set xtics rotate by -45
set grid ytics
plot "$dir/ratio.dat" using 2:xtic(1) title "ratio", 1 notitle lc rgb "black"
EOF
echo "table: ${dir#$TOP/}/table.txt, CSV: ${dir#$TOP/}/results.csv, chart: ${dir#$TOP/}/bench.png"
