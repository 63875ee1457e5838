#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: the base/patched table, CSV and spreads from the VM logs of a run (scripts/bench.sh)."""
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
