#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make fuzz: the summary of a run (llstress operations and checks, llbpf-stress's result, trinity statistics, the verdict) from its VM log (scripts/fuzz.sh)."""
import re
import sys

log, verdict, elapsed = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(log, errors="replace") as f:
    lines = [l.rstrip("\r\n") for l in f]
ops, checks, viol, result, trinity = [], [], [], None, []
in_trinity = False
for l in lines:
    m = re.search(r"LLSTRESS op=(\S+) (.*)", l)
    if m:
        counts = dict(kv.split("=") for kv in m.group(2).split())
        ops.append((m.group(1), counts))
        continue
    m = re.search(r"LLSTRESS check=(\S+) n=(\d+)", l)
    if m:
        checks.append((m.group(1), int(m.group(2))))
        continue
    if "LLSTRESS-VIOLATION" in l:
        viol.append(l[l.index("LLSTRESS-VIOLATION"):])
    m = re.search(r"LLSTRESS-RESULT (.*)", l)
    if m:
        result = m.group(1)
    if "LLFUZZ-TRINITY-BEGIN" in l:
        in_trinity = True
    if in_trinity:
        trinity.append(l)
    if "LLFUZZ-TRINITY-END" in l or "LLFUZZ-TRINITY-SKIP" in l:
        in_trinity = False
        if "SKIP" in l:
            trinity.append(l)

print(f"{'llstress operation':24} {'total':>8} {'ok':>8}  errnos")
for name, c in ops:
    total = sum(int(v) for v in c.values())
    errs = " ".join(f"{k}={v}" for k, v in c.items() if k != "ok")
    print(f"{name:24} {total:8} {int(c.get('ok', 0)):8}  {errs}")
print()
print(f"{'llstress invariant check':24} {'performed':>9}")
for name, n in checks:
    print(f"{name:24} {n:9}")
print()
for v in viol[:20]:
    print(v)
print(f"llstress: {result or 'no result (did not finish?)'}")
# llbpf-stress (the BPF exec-time bridge, as root beside llstress).
bpf = [l[l.index("LLBPF-"):] for l in lines if "LLBPF-" in l]
if bpf:
    print()
    for l in bpf:
        if l.startswith(("LLBPF-VIOLATION", "LLBPF-BEGIN")):
            print(l)
    res = [l for l in bpf if l.startswith("LLBPF-RESULT ")]
    if res:
        counts = dict(kv.split("=", 1) for kv in res[-1].split()[1:])
        print("llbpf-stress: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    else:
        print("llbpf-stress: no result (did not finish?)")
# Trinity's summary (--stats), not its progress output.
keep = re.compile(r"LLFUZZ-TRINITY|LLSTRESS-AS-USER|random seed|Ran [0-9]+ syscalls|"
                  r"^\S+: \(attempted:|^    \S.*: [0-9]+$|taint")
tl = [l for l in trinity if keep.search(l)]
print("trinity:")
for l in tl:
    print("  " + l.rstrip())
with open(verdict, errors="replace") as f:
    v = [l.rstrip() for l in f]
kernel = [l for l in v if l.startswith("# FAIL")]
leaks = sum("unreferenced object 0x" in l for l in lines)
print(f"verdict: {len(kernel)} problem(s) (kernel WARN, BUG, KASAN, lockdep, kmemleak, "
      f"or a missing result), {leaks} kmemleak leak(s); VM run {elapsed}s")
for l in kernel + [l for l in v if l.startswith("error:")]:
    print("  " + l)
