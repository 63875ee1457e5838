#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fuzz.sh: fuzzing and race stress of the series on the debug kernel (KASAN,
# lockdep, kmemleak, debug objects, panic_on_warn), as an unprivileged user
# in the VM:
#
# - vm/llstress/, our targeted stress: valid and invalid rulesets, rules,
#   immediate, thread-sync, staged and cancelled restrictions, from several
#   threads and processes, executions (good, failing, set-user-ID, from
#   memfds), memfds mapped and executed, pathname UNIX sockets across
#   domains; it checks Landlock's invariants as it goes;
# - vm/bpf/llbpf.c (llbpf-stress), as root beside llstress for the same time:
#   the BPF exec-time bridge, with the stored ruleset replaced and cleared
#   and the program detached and attached again while executions of its
#   target, staged and not, run; it checks what each execution got and that
#   no policy object leaks;
# - trinity (Debian package), restricted to the Landlock system calls and
#   those the features touch.
#
# DURATION= seconds in the VM (default 600): two thirds for llstress, one
# third for trinity.  SEED= replays a run (default: the time, printed).
# LLSTRESS_ARGS= adds llstress options (e.g. "--focus on_exec", or
# "--no-proc-race" on a kernel without patch 1, whose thread-sync deadlock
# the /proc/self/fd executions of multithreaded processes would hit).
# Fails on any invariant violation, kernel WARN/BUG/KASAN/lockdep/kmemleak
# report, or hang (the VM timeout is derived from DURATION).
. "$(dirname "$0")/lib.sh"

dur=${DURATION:-600}
seed=${SEED:-$(date +%s)}
case $dur in '' | *[!0-9]*) die "DURATION must be a number of seconds" ;; esac
[ "$dur" -ge 30 ] || die "DURATION must be at least 30 seconds"
case $seed in '' | *[!0-9]*) die "SEED must be a number" ;; esac
# Trinity mostly exercises argument validation; llstress builds valid
# rulesets and checks semantics, so it gets the larger share.
stress=$((dur * 2 / 3))
trin=$((dur - stress))

"$TOP/scripts/deps.sh" fuzz
[ -d "$TREE/.git" ] || [ -f "$TREE/Makefile" ] || die "no work tree (run: make tree)"
log "building the debug kernel and llbpf-stress"
k=$("$TOP/scripts/bpf-tools.sh" llbpf | tail -1)
log "building the initramfs (with trinity)"
FUZZ=1 "$TOP/scripts/initramfs.sh" >/dev/null

# Boot, kmemleak scan, llstress's hang detection (150 s) and the grace
# given to trinity come on top of the duration; slower than that is a hang.
timeout=$((dur + dur / 4 + 600))
log "fuzzing for ${dur}s (llstress ${stress}s, trinity ${trin}s), seed $seed, VM timeout ${timeout}s"
start=$(date +%s)
rc=0
# Both orders of the BPF LSM and Landlock, by the seed's parity: with bpf
# first, the BPF program's apply stacks the staged layer itself.
order=landlock,bpf
[ $((seed % 2)) -eq 1 ] && order=bpf,landlock
log "lsm=$order"
append="lsm=$order panic_on_warn=1 kmemleak=on llfuzz_bpf=1 llfuzz_secs=$stress llfuzz_trinity_secs=$trin llfuzz_seed=$seed"
[ -n "${LLSTRESS_ARGS:-}" ] && append+=" llfuzz_stress_args=\"$LLSTRESS_ARGS\""
VM_MEM=${VM_MEM:-2G} VM_TIMEOUT=$timeout VM_APPEND="$append ${VM_APPEND:-}" \
	"$TOP/scripts/vm.sh" fuzz "$k" fuzz >"$OUT/fuzz-verdict.txt" 2>&1 || rc=$?
elapsed=$(($(date +%s) - start))

# The summary: llstress's operations and checks, trinity's statistics, the
# kernel's verdict.
python3 "$TOP/scripts/report/fuzz_summary.py" "$OUT/vm-fuzz.log" "$OUT/fuzz-verdict.txt" "$elapsed"

# llfuzz_bpf=1 was asked for: the BPF stress must have run and passed.
grep -q '^LLBPF-RESULT violations=0 ' "$OUT/vm-fuzz.log" || {
	echo "not ok - llbpf-stress did not pass (or did not run)" >&2
	rc=1
}
[ $rc -eq 0 ] || { tail -5 "$OUT/fuzz-verdict.txt" >&2; die "fuzz failed (seed $seed, log: $OUT/vm-fuzz.log)"; }
log "fuzz passed (seed $seed, ${elapsed}s in the VM)"
