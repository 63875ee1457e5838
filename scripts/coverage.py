#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Coverage helpers for "make coverage".

coverage.py extract LOG BUILD_DIR [DUMP]
    Writes the gcov counters that the VM printed (vm/init: dump_gcov) next
    to the objects of BUILD_DIR, where gcov finds their .gcno notes: those
    of the DUMPth dump of the log (1, 2, ...; default: the last one; the
    counters of a dump include those of the dumps before it).

coverage.py report INFO TREE BASE [SUMMARY]
    Prints the line and function coverage of security/landlock/ and the line
    coverage of security/bpf_lsm_kfuncs.c from the lcov tracefile INFO, then
    the coverage of the lines the series adds to both (git diff BASE..HEAD in
    TREE): instrumented added lines that ran, the
    added functions that were entered, and every added line that did not
    run.  Writes the one-line summary to SUMMARY too when given.  Exits 1
    when no counter was found.
"""
import base64
import collections
import os
import re
import subprocess
import sys

SUBDIR = "security/landlock/"
# The series' files that the gcov kernel instruments: Landlock's and the LSM
# framework's policy kfuncs (the BPF exec-time bridge's generic part).
KFUNCS = "security/bpf_lsm_kfuncs.c"
PATHS = [SUBDIR, KFUNCS]
SERIES_FILE = re.compile(r"(security/landlock/[^/]+|security/bpf_lsm_kfuncs)\.(c|h|gcda)$")


def series_file(path):
    """The path of PATH relative to the tree if it is one of PATHS', else None."""
    m = SERIES_FILE.search(path)
    return m.group(0) if m else None


def extract(log, build, dump=None):
    dumps = []
    files = {}
    name = None
    with open(log, errors="replace") as f:
        for line in f:
            line = line.strip("\r\n")
            if "LLGCOV-BEGIN" in line:
                files = {}
                dumps.append(files)
                name = None
            elif "LLGCOV-END" in line:
                name = None
            elif "LLGCOV-FILE " in line:
                name = series_file(line.split("LLGCOV-FILE ", 1)[1].strip())
                if name:
                    files[name] = []
            elif name and re.fullmatch(r"[A-Za-z0-9+/=]+", line):
                files[name].append(line)
    index = int(dump) if dump else len(dumps)
    if not 1 <= index <= len(dumps):
        print(f"coverage: no dump {index} in {log} ({len(dumps)} found)")
        return 1
    files = dumps[index - 1]
    for name, chunks in files.items():
        with open(os.path.join(build, name), "wb") as out:
            out.write(base64.b64decode("".join(chunks)))
    print(f"coverage: {len(files)} counter file(s) from dump {index} of the VM")
    return 0 if files else 1


def parse_info(path):
    """Returns {relative file: (lines {no: count}, funcs {name: (line, hits)})}."""
    data = {}
    cur = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("SF:"):
                rel = series_file(line[3:])
                cur = data.setdefault(rel, ({}, {})) if rel else None
            elif cur is None:
                continue
            elif line.startswith("DA:"):
                no, count = line[3:].split(",")[:2]
                cur[0][int(no)] = cur[0].get(int(no), 0) + int(count)
            elif line.startswith("FN:"):
                no, fn = line[3:].split(",", 1)
                cur[1].setdefault(fn, [int(no), 0])
            elif line.startswith("FNDA:"):
                hits, fn = line[5:].split(",", 1)
                cur[1].setdefault(fn, [0, 0])[1] += int(hits)
    return data


def added_lines(tree, base):
    """Returns {relative file: set of line numbers added since base}."""
    diff = subprocess.run(
        ["git", "-C", tree, "diff", "-U0", "--no-color", f"{base}..HEAD",
         "--", *PATHS], check=True, capture_output=True, text=True).stdout
    added = collections.defaultdict(set)
    name = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[6:] if line.startswith("+++ b/") else None
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if m and name:
            start, count = int(m.group(1)), int(m.group(2) or 1)
            added[name].update(range(start, start + count))
    return added


def pct(a, b):
    return f"{100.0 * a / b:.1f}% ({a}/{b})" if b else "n/a (0/0)"


def report(info, tree, base, summary=None):
    data = parse_info(info)
    if not data:
        print("coverage: no Landlock counters in", info)
        return 1
    lines_hit = lines_all = fn_hit = fn_all = 0
    for name, (lines, funcs) in data.items():
        if not name.startswith(SUBDIR):
            continue
        lines_all += len(lines)
        lines_hit += sum(1 for c in lines.values() if c)
        fn_all += len(funcs)
        fn_hit += sum(1 for _, h in funcs.values() if h)

    added = added_lines(tree, base)
    d_all = d_hit = df_all = df_hit = 0
    missed = []
    for name in sorted(added):
        lines, funcs = data.get(name, ({}, {}))
        src = open(os.path.join(tree, name), errors="replace").read().splitlines()
        for no in sorted(added[name]):
            if no not in lines:
                continue  # not executable code
            d_all += 1
            if lines[no]:
                d_hit += 1
            else:
                missed.append(f"{name}:{no}: {src[no - 1].strip()}")
        for fn, (no, hits) in sorted(funcs.items()):
            if no in added[name]:
                df_all += 1
                if hits:
                    df_hit += 1
                else:
                    missed.append(f"{name}:{no}: function {fn} never entered")

    print("coverage of security/landlock/:")
    print(f"  lines      {pct(lines_hit, lines_all)}")
    print(f"  functions  {pct(fn_hit, fn_all)}")
    if KFUNCS not in data:
        print(f"coverage: no counters for {KFUNCS} in", info)
        return 1
    kf_lines, kf_funcs = data.get(KFUNCS, ({}, {}))
    kf = (sum(1 for c in kf_lines.values() if c), len(kf_lines))
    print(f"coverage of {KFUNCS} (added by the series):")
    print(f"  lines      {pct(*kf)}")
    print("coverage of the lines the series adds (diff coverage, both):")
    print(f"  lines      {pct(d_hit, d_all)}")
    print(f"  functions  {pct(df_hit, df_all)} (added functions entered)")
    if missed:
        print(f"not covered ({len(missed)}):")
        for m in missed:
            print("  " + m)
    line = (f"landlock lines {pct(lines_hit, lines_all)}, functions "
            f"{pct(fn_hit, fn_all)}; policy kfuncs lines {pct(*kf)}; "
            f"series lines {pct(d_hit, d_all)}, "
            f"new functions entered {pct(df_hit, df_all)}")
    print("summary: " + line)
    if summary:
        with open(summary, "w") as f:
            f.write(line + "\n")
    return 0


def main():
    cmd, *args = sys.argv[1:]
    if cmd == "extract":
        return extract(*args)
    if cmd == "report":
        return report(*args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
