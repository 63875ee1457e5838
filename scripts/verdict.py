#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judges a VM serial log: prints every selftest result as TAP and fails on
any failing test, a missing result, or a kernel WARN/BUG/Oops, KASAN report,
lockdep splat or kmemleak leak.

Usage: verdict.py [--kernel-only] LOG NAME
"""
import re
import sys

KERNEL_BAD = [
    (re.compile(r"WARNING: .*(CPU|at )"), "kernel WARN"),
    (re.compile(r"\bBUG: "), "kernel BUG"),
    (re.compile(r"\bOops\b"), "kernel Oops"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    (re.compile(r"general protection fault"), "general protection fault"),
    (re.compile(r"KASAN: "), "KASAN report"),
    (re.compile(r"UBSAN: "), "UBSAN report"),
    (re.compile(r"possible (circular|recursive) locking"), "lockdep splat"),
    (re.compile(r"inconsistent lock state|lock held when returning"), "lockdep splat"),
    (re.compile(r"suspicious RCU usage"), "lockdep RCU splat"),
    (re.compile(r"unreferenced object 0x"), "kmemleak leak"),
    (re.compile(r"ODEBUG: "), "debugobjects report"),
    (re.compile(r"list_(add|del) corruption"), "list corruption"),
]
TAP = re.compile(r"^(not ok|ok) \d+ (.*?)(?: # (SKIP|XFAIL)\s*(.*))?$")


def main():
    args = sys.argv[1:]
    kernel_only = args and args[0] == "--kernel-only"
    if kernel_only:
        args = args[1:]
    log, name = args
    with open(log, errors="replace") as f:
        lines = [l.rstrip("\r\n") for l in f]

    problems = []
    for i, l in enumerate(lines):
        for pat, what in KERNEL_BAD:
            if pat.search(l):
                problems.append(f"{what}: line {i + 1}: {l.strip()}")
                break

    npass = nfail = nskip = 0
    out = []
    if not kernel_only:
        current = None
        for l in lines:
            # Markers may follow console escape sequences on the same line.
            b = re.search(r"LLTEST-BEGIN (\S+)", l)
            e = re.search(r"LLTEST-END (\S+) (-?\d+)", l)
            if b:
                if current:
                    problems.append(f"{current}: never finished")
                current = b.group(1)
                seen = False
                continue
            if e and current:
                rc = int(e.group(2))
                if rc not in (0, 4):
                    problems.append(f"{current}: exited with {rc}")
                if not seen:
                    problems.append(f"{current}: reported no test")
                current = None
                continue
            m = TAP.match(l) if current else None
            if m:
                seen = True
                status, test, directive, reason = m.groups()
                label = f"{current}: {test}"
                if directive == "SKIP":
                    nskip += 1
                    out.append(f"ok - {label} # SKIP {reason}")
                elif status == "ok":
                    npass += 1
                    out.append(f"ok - {label}")
                else:
                    nfail += 1
                    out.append(f"not ok - {label}")
        if current:
            problems.append(f"{current}: never finished (crash or timeout)")
        if not any("LLTEST-BEGIN" in l for l in lines):
            problems.append("no selftest ran")
        if "LLVM-DONE" not in "\n".join(lines[-200:]) and not any(
                "LLVM-DONE" in l for l in lines):
            problems.append("the VM did not finish its run")

    print(f"# {name}")
    if not kernel_only:
        print(f"1..{len(out)}")
        for o in out:
            print(o)
    for p in problems:
        print(f"# FAIL {name}: {p}")
    if not kernel_only:
        print(f"{name}: {npass} passed, {nfail} failed, {nskip} skipped")
    sys.exit(1 if problems or nfail else 0)


if __name__ == "__main__":
    main()
