#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: the base/patched table, CSV and spreads from the VM logs of a run (scripts/bench.sh).

Each boot (run) gives one figure per operation and situation, the median of
its batch means (vm/llbench.c).  The boots differ by the layouts their seeds
give (hash chains, slab placement), which add whole steps of tens of
instructions to some boots' figures: ns and ratio are the minimum over the
boots, the cost without those steps, which two runs reproduce within 0.3%.
The mean ratio over the boots, with its 95% confidence interval, and the
spread (the largest distance of a boot from its kernel's mean) show how
much the layouts weigh."""
import collections, re, sys
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


def counterpart(s):
    """The base's situation for an ABI 12 one: the same domain without the
    feature.  The scaling view's scope_lN and on_exec_lN (the fs ruleset,
    N layers) have fs_lN, deny_memfd_mN has none_mN, all others 'none'."""
    m = re.fullmatch(r"(?:scope|on_exec)_l(\d+)", s)
    if m:
        return f"fs_l{m[1]}"
    m = re.fullmatch(r"deny_memfd_m(\d+)", s)
    return f"none_m{m[1]}" if m else "none"


# Natural order: fs_l4 before fs_l16.
natural = lambda s: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]
keys = sorted({(s, o) for (s, o, _) in t}, key=lambda k: (k[1], natural(k[0])))
out = [f"{'operation':<22} {'situation':<15} {'base ns':>10} {'patched ns':>11} {'ratio':>6} "
       f"{'mean':>6} {'+-95%':>6} {'spread':>7}"]
csv = ["operation,situation,base_ns,patched_ns,ratio,mean_ratio,ci95,spread"]
# Two-sided 95% quantiles of Student's t, by degrees of freedom.
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31,
       9: 2.26, 10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04}


def rel_sem2(xs):
    """Squared standard error of the mean of xs, relative to the mean."""
    if len(xs) < 2:
        return 0.0
    m = sum(xs) / len(xs)
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    return var / len(xs) / m ** 2


def ci95(p, b):
    """Half-width of the ratio's 95% confidence interval, relative: each
    boot (seed) is one sample, the kernels' errors add (Welch, with the
    smaller sample's degrees of freedom)."""
    n = min(len(p), len(b)) - 1
    if n < 1:
        return float("nan")
    t95 = T95[max(k for k in T95 if k <= n)]
    return t95 * (rel_sem2(p) + rel_sem2(b)) ** 0.5
for s, o in keys:
    b, p = t.get((s, o, "base"), []), t.get((s, o, "patched"), [])
    if not p:
        continue
    pm, pmin = sum(p) / len(p), min(p)
    # Spread: the largest relative distance of a run from its kernel's mean.
    spread = max(abs(x - pm) / pm for x in p)
    mark = ""
    if not b:
        # ABI 12 situations do not exist on the base: compare with the
        # same operation in the nearest situation it has (counterpart()).
        b, mark = t.get((counterpart(s), o, "base"), []), "*"
    if b:
        bm, bmin = sum(b) / len(b), min(b)
        spread = max(spread, max(abs(x - bm) / bm for x in b))
        ratio, mratio = f"{pmin / bmin:.3f}{mark}", f"{pm / bm:.3f}"
        bms = f"{bmin:.0f}{mark}"
        ci = ci95(p, b)
    else:
        ratio, mratio, bms, ci = "n/a", "n/a", "n/a", float("nan")
    out.append(f"{o:<22} {s:<15} {bms:>10} {pmin:>11.0f} {ratio:>6} {mratio:>6} {ci * 100:>5.2f}% "
               f"{spread * 100:>6.2f}%")
    csv.append(f"{o},{s},{bms},{pmin:.0f},{ratio},{mratio},{ci:.4f},{spread:.4f}")
# The figure of (situation, operation, kernel): the minimum over the boots.
est = lambda k: min(t[k]) if t.get(k) else None
if any(s == "bpf" for s, _ in keys):
    # The attached program's own cost on each kernel: against its control
    # (same processes, program not attached), and against 'none'.
    out.append("")
    out.append("attached BPF program, not matching: 'bpf' minus 'bpf_off' (minus 'none'), ns per operation")
    out.append(f"{'operation':<22} {'base ns':>8} {'base %':>7} {'(none)':>7} {'patched ns':>10} {'patched %':>9} {'(none)':>7}")
    for o in sorted({o for s, o in keys if s == "bpf"}):
        cols = []
        for which in ("base", "patched"):
            c, n, b = (est((s, o, which)) for s in ("bpf_off", "none", "bpf"))
            cols += [f"{b - c:+.0f}", f"{(b - c) / c * 100:+.2f}%"] if c and b else ["n/a", "n/a"]
            cols.append(f"{b - n:+.0f}" if n and b else "n/a")
        out.append(f"{o:<22} {cols[0]:>8} {cols[1]:>7} {cols[2]:>7} {cols[3]:>10} {cols[4]:>9} {cols[5]:>7}")
    out.append("executions seen by the program per run: " + ", ".join(
        f"{w} {'/'.join(checked[w])}" for w in ("base", "patched")) + " (none matched)")
out.append("")
if any(line.endswith("%") and "*" in line for line in out):
    out.append("* the base has no such situation: compared with its 'none' figure"
               " (scaling view: scope_lN and on_exec_lN with fs_lN, deny_memfd_mN with none_mN)")
out.append("Landlock security blob sizes (bytes): " + ", ".join(
    f"{b} {blobs.get(('base', b), '?')} -> {blobs.get(('patched', b), '?')}"
    for b in ("cred", "file", "inode")))
# The scaling view's plot data: per operation, by count, the base and the
# series without the feature, then the series with it.
for o, plain, feature in (("unix_connect_accept", "fs_l", "scope_l"),
                          ("fork_execve_wait", "fs_l", "on_exec_l"),
                          ("memfd_create_close", "none_m", "deny_memfd_m")):
    counts = sorted({int(s[len(plain):]) for s, op in keys
                     if op == o and re.fullmatch(plain + r"\d+", s)})
    if not counts:
        continue
    with open(f"{d}/scale-{o}.dat", "w") as f:
        f.write(f"# count base:{plain}N patched:{plain}N patched:{feature}N (ns)\n")
        for n in counts:
            f.write(" ".join([str(n)] + [f"{est((s + str(n), o, w)) or float('nan'):.0f}"
                                         for s, w in ((plain, "base"), (plain, "patched"),
                                                      (feature, "patched"))]) + "\n")
open(f"{d}/table.txt", "w").write("\n".join(out) + "\n")
open(f"{d}/results.csv", "w").write("\n".join(csv) + "\n")
print("\n".join(out))
