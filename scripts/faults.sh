#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# faults.sh: allocation failure injection on every operation of the series
# (vm/llfault.c: for N = 1, 2, ... the Nth allocation of the call fails,
# until three N in a row are not reached; after each failure, the
# invariants of the operation), on the debug kernel (debug.config: KASAN,
# lockdep, kmemleak; faults.config: failslab, fail_page_alloc) built from
# the work tree, then a kmemleak scan.  llfault-bpf (scripts/bpf-tools.sh
# llbpf) runs them, with the BPF exec-time bridge's operations (bpf_*) last.  OPS= picks operations (comma
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
VM_MEM=2G VM_TIMEOUT=${VM_TIMEOUT:-3600} \
	VM_APPEND="panic_on_warn=1 kmemleak=on llfault_bpf=1${OPS:+ llfault_ops=$OPS} llfault_stride=${STRIDE:-1}" \
	"$TOP/scripts/vm.sh" faults "$k" faults >"$OUT/faults-verdict.txt" 2>&1 || rc=$?
printf '%-24s %6s %9s %5s %7s %6s %7s %8s %11s\n' operation sites injected ok ENOMEM errno killed startup violations
sed -n 's/.*LLFAULT op=\([^ ]*\) sites=\([0-9]*\) injected=\([0-9]*\) ok=\([0-9]*\) enomem=\([0-9]*\) errno=\([0-9]*\) killed=\([0-9]*\) startup=\([0-9]*\) violations=\([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7 \8 \9/p' \
	"$OUT/vm-faults.log" | while read -r op s i o e x k u v; do
	printf '%-24s %6s %9s %5s %7s %6s %7s %8s %11s\n' "$op" "$s" "$i" "$o" "$e" "$x" "$k" "$u" "$v"
done
grep -h 'LLFAULT-VIOLATION\|LLFAULT-RESULT' "$OUT/vm-faults.log" || true
grep '# FAIL' "$OUT/faults-verdict.txt" || true
[ $rc -eq 0 ] || die "fault injection failed (log: $OUT/vm-faults.log)"
log "fault injection passed: no violation, no leak, no kernel report"
