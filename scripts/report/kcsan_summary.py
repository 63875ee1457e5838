#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make kcsan: every KCSAN report of the VM logs, grouped by its title.

Usage: kcsan_summary.py LANDLOCK_SYMBOLS LOG...

A report whose stacks hold a function of LANDLOCK_SYMBOLS (the text symbols
of security/landlock/built-in.a) is Landlock's and fails the run (exit 1);
the others are races of the base kernel, listed and counted only.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from verdict import read_log, running_at  # noqa: E402

TIME = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TITLE = re.compile(r"BUG: KCSAN: (.*)")
FRAME = re.compile(r"^\s*([A-Za-z0-9_.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+")
RULE = re.compile(r"^=+$")


def reports(lines):
    """Yields (index, title, frames) for each KCSAN report."""
    i = 0
    while i < len(lines):
        m = TITLE.search(lines[i])
        if not m:
            i += 1
            continue
        start, title, frames = i, m.group(1).strip(), []
        i += 1
        while i < len(lines) and not RULE.match(TIME.sub("", lines[i])):
            f = FRAME.match(TIME.sub("", lines[i]))
            if f:
                frames.append(f.group(1))
            i += 1
        yield start, title, frames


def main():
    with open(sys.argv[1]) as f:
        landlock = {l.strip() for l in f if l.strip()}
    seen = {}
    for log in sys.argv[2:]:
        if not os.path.exists(log):
            continue
        lines = read_log(log)
        where = running_at(lines)
        for i, title, frames in reports(lines):
            # A name like hook_file_open.constprop.0 is the function's.
            ours = sorted({f for f in frames if f in landlock or f.split(".")[0] in landlock})
            key = re.sub(r"\+0x[0-9a-f]+/0x[0-9a-f]+", "", title)
            r = seen.setdefault(key, {"n": 0, "ours": set(), "during": where[i]
                                      or os.path.basename(log)})
            r["n"] += 1
            r["ours"].update(ours)
    print("KCSAN reports (title | count | Landlock functions in the stacks | first seen during):")
    for key, r in sorted(seen.items(), key=lambda kv: (not kv[1]["ours"], kv[0])):
        print(f"  {key} | {r['n']} | {', '.join(sorted(r['ours'])) or '-'} | {r['during']}")
    ours = [k for k, r in seen.items() if r["ours"]]
    total = sum(r["n"] for r in seen.values())
    print(f"kcsan: {total} report(s), {len(seen)} distinct, {len(ours)} in Landlock's code")
    sys.exit(1 if ours else 0)


if __name__ == "__main__":
    main()
