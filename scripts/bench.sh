#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: what the series costs on hot paths, base vs patched.
#
#   bench.sh            builds the base (empty series) and the patched kernel
#                       with the same configuration, runs vm/llbench.c on each
#                       RUNS times (default 8) under QEMU with instruction
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
#   SCALE=1 bench.sh [--report]
#                       the scaling view: unix_connect_accept and
#                       fork_execve_wait in domains of 1, 4 and 16 layers
#                       (fs_lN: N layers of the fs situation's ruleset, on
#                       both kernels; scope_lN: the same ruleset with the
#                       pathname UNIX socket scope; on_exec_lN: N - 1 layers
#                       enforced and the Nth staged with ON_EXEC), and
#                       memfd_create_close with 1, 64 and 512 memfds already
#                       created in the situation (none_mN, deny_memfd_mN);
#                       results and scale.png in out/bench/scale/.
#   bench.sh --smoke [SRC]
#                       one short iteration per case on the already built VM
#                       kernel (make check's bench-smoke stage): checks that
#                       the benchmark builds and runs, not timings.
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-8}
dir=$OUT/bench
# res: results; variant, base_variant: build-kernel.sh flavours; tag: VM logs.
res=$dir variant=vm base_variant=base tag=bench
append="lsm.debug loglevel=7"
if [ "${BPF:-}" = 1 ]; then
	res=$dir/bpf variant=bpf base_variant=bpf tag=bench-bpf
	ITERS=${ITERS:-20000}
	# As many more batches as calls, so that a batch stays shorter than
	# the 4 ms tick (docs/benchmark.md).
	BATCHES=${BATCHES:-201}
	append+=" llbench_situations=none,bpf_off,bpf llbench_extra=1"
fi
if [ "${SCALE:-}" = 1 ]; then
	res=$dir/scale tag=bench-scale
	situations=
	for n in 1 4 16; do situations+="fs_l$n,scope_l$n,on_exec_l$n,"; done
	for n in 1 64 512; do situations+="none_m$n,deny_memfd_m$n,"; done
	append+=" llbench_situations=${situations%,}"
fi
ITERS=${ITERS:-2000}
# Each boot's figure is the median of BATCHES batch means (vm/llbench.c,
# time_op()); BATCHES=1: the mean of all the calls, as before December 7,
# 2026.  The table gives the minimum of each kernel's figures over the RUNS
# boots (scripts/report/bench_table.py: the boots differ by whole steps that
# their layouts add), with the mean ratio and its confidence interval.  The VM
# has BENCH_CPUS CPUs (default 1: the operations run on one thread, and a
# second CPU's ticks and kworkers would only add to the instruction count).
BATCHES=${BATCHES:-21} BENCH_CPUS=${BENCH_CPUS:-1}
append+=" llbench_batches=$BATCHES"
mkdir -p "$res"

# With -icount, guest time advances with executed instructions, not with the
# host's (noisy) wall clock.  What is left to vary between boots is the
# guest's randomness (RDRAND, the time of day mixed into the entropy pool,
# KASLR, address space layouts, hash seeds): run N boots both kernels with
# QEMU's -seed N (a deterministic RDRAND), a fixed start date for the guest's
# clock that then follows guest time, nokaslr and norandmaps, so that a run
# is repeatable and the spread between runs is that of the layouts the
# seeds give (SEED0= shifts the seeds).
icount="-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm"
append+=" nokaslr norandmaps"

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
		VM_QEMU_ARGS="$icount -seed $((${SEED0:-0} + run))" VM_APPEND="$append" \
			VM_CPUS=$BENCH_CPUS "$TOP/scripts/vm.sh" bench "$k" "$tag-$which-$run" "$ITERS"
		vmlog=$OUT/vm-$tag-$which-$run.log
		tr -d '\r' <"$vmlog" |
			sed -n 's/^BENCH \([a-z0-9_]*\) \([a-z_]*\) \([0-9]*\|n\/a\)$/'"$which $run"' \1 \2 \3/p'
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

python3 "$TOP/scripts/report/bench_table.py" "$res"

if [ "${SCALE:-}" = 1 ]; then
	# Chart: ns per operation against the number of layers or memfds.
	gnuplot <<EOF
set terminal pngcairo size 1500,500 noenhanced
set output "$res/scale.png"
set multiplot layout 1,3 title "Landlock series: cost against the number of layers or memfds (ns per operation)"
set key top left
set grid
set logscale x 2
set xlabel "layers"
set title "unix_connect_accept"
plot "$res/scale-unix_connect_accept.dat" using 1:2 with linespoints title "base, fs_lN", \\
     "" using 1:3 with linespoints title "series, fs_lN", \\
     "" using 1:4 with linespoints title "series, scope_lN"
set title "fork_execve_wait"
plot "$res/scale-fork_execve_wait.dat" using 1:2 with linespoints title "base, fs_lN", \\
     "" using 1:3 with linespoints title "series, fs_lN", \\
     "" using 1:4 with linespoints title "series, on_exec_lN"
set xlabel "memfds already created"
set title "memfd_create_close"
plot "$res/scale-memfd_create_close.dat" using 1:2 with linespoints title "base, none_mN", \\
     "" using 1:3 with linespoints title "series, none_mN", \\
     "" using 1:4 with linespoints title "series, deny_memfd_mN"
unset multiplot
EOF
	echo "table: ${res#"$TOP"/}/table.txt, CSV: ${res#"$TOP"/}/results.csv, chart: ${res#"$TOP"/}/scale.png"
	exit 0
fi

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
