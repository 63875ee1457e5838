#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judges a VM serial log: prints every selftest result as TAP and fails on
any failing test, a missing result, a failing KUnit test run at boot, or a
kernel WARN/BUG/Oops, KASAN report, lockdep splat or kmemleak leak.  A
kernel report is attributed to the selftest case that was running when it
appeared in the log.

Usage: verdict.py [--mode MODE | --kernel-only] LOG NAME
       verdict.py --section PART LOG

MODE is the VM mode (scripts/vm.sh): "test" and "coverage" judge the
selftests and the kernel; the others judge the kernel only, require the
mode's end marker (and fuzz, llstress's clean result) and print what the
mode shows (the demo's blocks, the fuzzing run's markers).  --section
prints the lines between LL<PART>-BEGIN and LL<PART>-END (e.g. KUNIT).  The
markers: docs/markers.md.
"""
import os
import re
import sys

# Exit codes of a kselftest binary (tools/testing/selftests/kselftest.h).
KSFT_PASS = 0
KSFT_SKIP = 4
KSFT_OK_EXITS = (KSFT_PASS, KSFT_SKIP)

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
    # vm/init: the guest does not have the CPUs that QEMU was given.
    (re.compile(r"LLCPUS-WRONG"), "wrong number of CPUs"),
]
TAP = re.compile(r"^(not ok|ok) \d+ (.*?)(?: # (SKIP|XFAIL)\s*(.*))?$")
# kselftest_harness announces each case before running it.
HARNESS_RUN = re.compile(r"^#\s+RUN\s+(\S+)")
# KUnit results printed on the console at boot (after the printk time).
KUNIT = re.compile(r"^(?:\[\s*\d+\.\d+\]\s*)?\s*(not ok|ok) \d+ (\S+)")
BEGIN = re.compile(r"LLTEST-BEGIN (\S+)")
END = re.compile(r"LLTEST-END (\S+) (-?\d+)(?: (\d+))?")


def kernel_reports(lines):
    """Yields (index, what) for every line reporting a kernel problem, but
    those matching $LLVERDICT_IGNORE, which another report judges (make
    kcsan: scripts/report/kcsan_summary.py)."""
    ignore = os.environ.get("LLVERDICT_IGNORE")
    ignore = re.compile(ignore) if ignore else None
    for i, l in enumerate(lines):
        if ignore and ignore.search(l):
            continue
        for pat, what in KERNEL_BAD:
            if pat.search(l):
                yield i, what
                break


def running_at(lines):
    """Maps each line index to the selftest case running then (or None)."""
    where = []
    binary = case = None
    for l in lines:
        # Markers may follow console escape sequences on the same line.
        if BEGIN.search(l):
            binary, case = BEGIN.search(l).group(1), None
        elif END.search(l):
            binary = case = None
        elif binary and HARNESS_RUN.match(l):
            case = HARNESS_RUN.match(l).group(1)
        where.append(f"{binary}: {case}" if case else binary)
    return where


def kunit_problems(lines):
    """Failing KUnit results printed at boot, before the first selftest."""
    for l in lines:
        if BEGIN.search(l):
            return
        m = KUNIT.match(l)
        if m and m.group(1) == "not ok":
            yield f"KUnit: {m.group(2)} failed"


def selftest_results(lines, problems):
    """Returns TAP lines and counts of the selftests run in the log."""
    npass = nfail = nskip = 0
    out = []
    current = None
    seen = False
    for l in lines:
        b, e = BEGIN.search(l), END.search(l)
        if b:
            if current:
                problems.append(f"{current}: never finished")
            current, seen = b.group(1), False
            continue
        if e and current:
            rc = int(e.group(2))
            if rc not in KSFT_OK_EXITS:
                problems.append(f"{current}: exited with {rc}")
            if not seen:
                problems.append(f"{current}: reported no test")
            if e.group(3):
                out.append(f"# {current}: {e.group(3)} s")
            current = None
            continue
        m = TAP.match(l) if current else None
        if not m:
            continue
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
    if not any(BEGIN.search(l) for l in lines):
        problems.append("no selftest ran")
    if not any("LLVM-DONE" in l for l in lines):
        problems.append("the VM did not finish its run")
    return out, npass, nfail, nskip


# What each VM mode shows and requires, beyond the kernel's verdict:
# "selftests" (judge the TAP of the selftests), "show" (print the lines of
# the log matching it, markers excluded), "end" (a marker that the run must
# reach), "require" (a line the run must print), "require_if" (lines the
# run must print once it printed another), "quiet" (print problems only).
SECTION = r"LL{0}-(BEGIN|END)"
MODES = {
    "test": {"selftests": True},
    "coverage": {"selftests": True},
    "demo": {"end": "LLDEMO-END", "section": "DEMO"},
    "bench": {"end": "LLBENCH-END", "quiet": True},
    "kunit": {"end": "LLKUNIT-END", "quiet": True},
    "faults": {
        "end": "LLFAULT-END",
        "show": re.compile(r"LLFAULT[ -]"),
        "require": re.compile(r"LLFAULT-RESULT ops=[1-9]\d* .*violations=0$"),
    },
    "fuzz": {
        "end": "LLFUZZ-END",
        "show": re.compile(r"LLFUZZ-|LLSTRESS-(BEGIN|VIOLATION|HANG|RESULT)|LLBPF-"),
        "require": re.compile(r"LLSTRESS-RESULT violations=0 "),
        # The BPF bridge's stress (llfuzz_bpf=1), once started.
        "require_if": (re.compile(r"LLBPF-STRESS-BEGIN"),
                       [re.compile(r"LLBPF-RESULT violations=0 "),
                        re.compile(r"LLBPF-STRESS-END rc=0$")]),
    },
}


def section(lines, part):
    """The lines between LL<part>-BEGIN and LL<part>-END."""
    marker = re.compile(SECTION.format(part))
    inside = False
    for l in lines:
        m = marker.search(l)
        if m:
            inside = m.group(1) == "BEGIN"
            continue
        if inside:
            yield l


def read_log(log):
    with open(log, errors="replace") as f:
        return [l.rstrip("\r\n") for l in f]


def main():
    args = sys.argv[1:]
    if args and args[0] == "--section":
        for l in section(read_log(args[2]), args[1]):
            print(l)
        return
    mode = {}
    if args and args[0] == "--kernel-only":
        args = args[1:]
    elif args and args[0] == "--mode":
        mode = MODES.get(args[1], {})
        args = args[2:]
    else:
        mode = MODES["test"]
    kernel_only = not mode.get("selftests")
    log, name = args
    lines = read_log(log)
    if "section" in mode:
        for l in section(lines, mode["section"]):
            print(l)
    if "show" in mode:
        for l in lines:
            if mode["show"].search(l):
                print(l)

    problems = []
    where = running_at(lines)
    for i, what in kernel_reports(lines):
        during = f" (during {where[i]})" if where[i] else ""
        problems.append(f"{what}{during}: line {i + 1}: {lines[i].strip()}")
    problems.extend(kunit_problems(lines))
    if "end" in mode and not any(mode["end"] in l for l in lines):
        problems.append(f"the run did not reach {mode['end']}; log ends with:")
        problems.extend(f"  {l}" for l in lines[-30:])
    if "require" in mode and not any(mode["require"].search(l) for l in lines):
        problems.append(f"no line matches {mode['require'].pattern} (log: {log})")
    if "require_if" in mode:
        started, required = mode["require_if"]
        if any(started.search(l) for l in lines):
            for done in required:
                if not any(done.search(l) for l in lines):
                    problems.append(f"no line matches {done.pattern} (log: {log})")

    out, npass, nfail, nskip = [], 0, 0, 0
    if not kernel_only:
        out, npass, nfail, nskip = selftest_results(lines, problems)

    if mode.get("quiet") and not problems:
        sys.exit(0)
    print(f"# {name}")
    if not kernel_only:
        print(f"1..{sum(1 for o in out if not o.startswith('#'))}")
        for o in out:
            print(o)
    for p in problems:
        print(f"# FAIL {name}: {p}")
    if not kernel_only:
        print(f"{name}: {npass} passed, {nfail} failed, {nskip} skipped")
    sys.exit(1 if problems or nfail else 0)


if __name__ == "__main__":
    main()
