#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh MODE BZIMAGE [NAME] [TESTS]
# Boots BZIMAGE with $OUT/initramfs.cpio.gz in QEMU.  MODE is "test" (run
# the selftests named in TESTS, comma separated, default all, and judge the
# log), "kunit" (print the KUnit results of the boot),
# "coverage" (test, then print the gcov counters), "demo", "bench"
# (TESTS is then the iteration count), "fuzz" (llstress and trinity, see
# scripts/fuzz.sh) or "shell".  KVM is used only when it
# really works here; otherwise software emulation.
. "$(dirname "$0")/lib.sh"

mode=${1:?mode}
kernel=${2:?bzImage}
name=${3:-$mode}
tests=${4:-}
initrd=$OUT/initramfs.cpio.gz
[ -f "$kernel" ] || die "no kernel at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd"

accel=tcg
if [ -z "${NO_KVM:-}" ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	# A KVM probe may hang rather than fail: bound it.
	if timeout 20 qemu-system-x86_64 -accel kvm -M none -display none \
		-monitor none -serial none -S -daemonize -pidfile "$OUT/kvm-probe.pid" \
		>/dev/null 2>&1; then
		kill "$(cat "$OUT/kvm-probe.pid")" 2>/dev/null || true
		accel=kvm
	fi
fi

mem=${VM_MEM:-1G}
# no_timer_check: under software emulation on a loaded host (make check's
# two lanes: a build beside a boot), the emulated CPU can be starved long
# enough for the kernel's IO-APIC timer check to fail ("IO-APIC + timer
# doesn't work!", a panic at 0.04 s), as hypervisor guests commonly avoid.
append="console=ttyS0 panic=-1 loglevel=5 no_timer_check llmode=$mode"
if [ -n "$tests" ]; then
	if [ "$mode" = bench ]; then
		append+=" llbench_iters=$tests"
	else
		append+=" lltests=$tests"
	fi
fi
# no5lvl on KASAN kernels: Linux 7.3's identify_cpu() rereads the boot
# CPU's capabilities with interrupts enabled, and an interrupt taken while
# X86_FEATURE_LA57 is cleared there computes KASAN's shadow bounds for
# 4-level paging, so its first per-CPU access (rcu_is_watching(), under the
# direct map of the 5-level layout that QEMU's "-cpu max" gives) is reported
# as a wild memory access and panics the boot at 0.07-4 s (2 of 6 debug
# boots in one loaded make check).  Landlock does not depend on the paging
# mode; 4-level paging avoids the window.
config=${kernel%/arch/x86/boot/bzImage}/.config
[ -f "$config" ] && grep -qx 'CONFIG_KASAN=y' "$config" && append+=" no5lvl"
# Harness arguments (e.g. "-t case"), passed to every test binary.
[ -n "${LLARGS:-}" ] && append+=" llargs=\"$LLARGS\""
[ -n "${VM_APPEND:-}" ] && append+=" $VM_APPEND"
# As root, the emulator runs ahead of builds (nice -5) for the same reason.
prio=()
[ "$(id -u)" -ne 0 ] || prio=(nice -n -5)
# VM_CPUS= CPUs, default one.  The kernels have no ACPI, so the CPUs come
# from the firmware's MP table: SeaBIOS's lists only the CPUs that answered
# its start-up IPI in time, under emulation only the boot CPU, so every run
# before December 7, 2026 had one CPU whatever -smp said.  QEMU's qboot
# (qemu-system-data) lists every CPU of -smp, and boots faster; the init
# checks the number (llcpus=, LLCPUS-WRONG in verdict.py).  One CPU by
# default: with two, a tracepoint that the trace tests switched (text_poke()
# and its int3) once crashed the other CPU ("Oops: int3" in
# ttwu_do_wakeup()) under QEMU 7.2's multi-threaded emulation.  The tests of
# races between threads ($RACE_TESTS: thread-sync, staging against execve)
# and make kcsan boot with two.
cpus=${VM_CPUS:-1} firmware=/usr/share/qemu/qboot.rom
[ -f "$firmware" ] || die "$firmware missing (Debian package qemu-system-data)"
append+=" llcpus=$cpus"
qemu=("${prio[@]}" qemu-system-x86_64 -accel "$accel" -cpu max -smp "$cpus" -m "$mem" -nographic
      -bios "$firmware" -no-reboot -kernel "$kernel" -initrd "$initrd" -append "$append"
      ${VM_QEMU_ARGS:-})

if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi

logf=$OUT/vm-$name.log
log "booting $name ($accel, log: ${logf#$TOP/})"
rc=0
timeout --foreground "${VM_TIMEOUT:-1800}" "${qemu[@]}" </dev/null >"$logf" 2>&1 || rc=$?
[ $rc -eq 124 ] && echo "vm: timed out after ${VM_TIMEOUT:-1800}s" >>"$logf"
# The verdict: the kernel's log, and what the mode requires (verdict.py).
exec python3 "$TOP/scripts/verdict.py" --mode "$mode" "$logf" "$name"
