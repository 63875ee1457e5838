#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# faults.sh: allocation failure injection on every operation of the series
# (vm/llfault.c: for N = 1, 2, ... the Nth allocation of the call fails,
# until three N in a row are not reached; after each failure, the
# invariants of the operation), on the debug kernel (debug.config: KASAN,
# lockdep, kmemleak; faults.config: failslab, fail_page_alloc) built from
# the work tree, then a kmemleak scan.  llfault-bpf (scripts/bpf-tools.sh
# llbpf) runs them, with the BPF exec-time bridge's operations (bpf_*) last,
# with lsm=landlock,bpf; a second boot runs the bpf_* ones with
# lsm=bpf,landlock.  OPS= picks operations (comma
# separated; "llfault --list" in the VM lists them); STRIDE=K fails only
# every Kth allocation (N = 1, 1 + K, ...; make check's stage: 4).  Prints
# one line per operation: allocation sites reached, failures injected,
# results.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || [ -f "$TREE/Makefile" ] || die "no work tree (run: make tree)"
case ${STRIDE:-1} in '' | *[!0-9]* | 0) die "STRIDE must be a positive number" ;; esac
log "building the debug kernel and llfault-bpf"
k=$("$TOP/scripts/bpf-tools.sh" llbpf | tail -1)
"$TOP/scripts/initramfs.sh" >/dev/null
rc=0
# boot NAME LSM-ORDER OPS: one run, its table.
boot() {
	local r=0
	VM_MEM=2G VM_TIMEOUT=${VM_TIMEOUT:-3600} \
		VM_APPEND="lsm=$2 panic_on_warn=1 kmemleak=on llfault_bpf=1${3:+ llfault_ops=$3} llfault_stride=${STRIDE:-1}" \
		"$TOP/scripts/vm.sh" faults "$k" "$1" >"$OUT/$1-verdict.txt" 2>&1 || r=$?
	echo "== lsm=$2"
	printf '%-24s %6s %9s %5s %7s %6s %7s %8s %11s\n' operation sites injected ok ENOMEM errno killed startup violations
	sed -n 's/.*LLFAULT op=\([^ ]*\) sites=\([0-9]*\) injected=\([0-9]*\) ok=\([0-9]*\) enomem=\([0-9]*\) errno=\([0-9]*\) killed=\([0-9]*\) startup=\([0-9]*\) violations=\([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7 \8 \9/p' \
		"$OUT/vm-$1.log" | while read -r op s i o e x kl u v; do
		printf '%-24s %6s %9s %5s %7s %6s %7s %8s %11s\n' "$op" "$s" "$i" "$o" "$e" "$x" "$kl" "$u" "$v"
	done
	grep -h 'LLFAULT-VIOLATION\|LLFAULT-RESULT' "$OUT/vm-$1.log" || true
	grep '# FAIL' "$OUT/$1-verdict.txt" || true
	# Without OPS, every operation, the BPF bridge's included, must have run.
	if [ -z "$3" ] && ! grep -q 'LLFAULT op=bpf_apply_rebuild ' "$OUT/vm-$1.log"; then
		echo "not ok - the bpf_* operations did not run"
		r=1
	fi
	return $r
}
boot faults landlock,bpf "${OPS:-}" || rc=1
# The bpf_* operations again with the BPF LSM first: its program's apply then
# stacks the staged layer (unless OPS names none of them).
bpf_ops=bpf_from_fd,bpf_apply_exec,bpf_apply_staged,bpf_apply_rebuild
if [ -n "${OPS:-}" ]; then
	bpf_ops=$(echo "$OPS" | tr ',' '\n' | grep '^bpf_' | paste -sd, || true)
fi
[ -z "$bpf_ops" ] || boot faults-bpf-first bpf,landlock "$bpf_ops" || rc=1
[ $rc -eq 0 ] || die "fault injection failed (logs: $OUT/vm-faults.log, $OUT/vm-faults-bpf-first.log)"
log "fault injection passed: no violation, no leak, no kernel report"
