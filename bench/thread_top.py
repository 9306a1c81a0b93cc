#!/usr/bin/env python3
"""Per thread name (comm), the frames with the most samples, self and
inclusive, from `perf script -F comm,ip,sym` with call chains: the
evented relay's MHD threads, reactor and echoes apart (bench/floor_profile.sh).
Usage: perf script -F comm,ip,sym | thread_top.py [SYMBOL...]
(with SYMBOLs: also each one's inclusive share per thread)."""
import collections
import sys

samples = collections.Counter()
self_ = collections.defaultdict(collections.Counter)
incl = collections.defaultdict(collections.Counter)
comm, stack = None, []


def flush():
    if comm is not None and stack:
        samples[comm] += 1
        self_[comm][stack[0]] += 1
        for s in set(stack):
            incl[comm][s] += 1


for line in sys.stdin:
    if not line.strip():
        flush()
        comm, stack = None, []
    elif not line[0].isspace():
        comm = line.split()[0]
    else:
        parts = line.split(None, 1)
        sym = parts[1].rsplit(" (", 1)[0].strip() if len(parts) > 1 else "?"
        stack.append(sym.split("+0x")[0])
flush()
total = sum(samples.values()) or 1
skip = ("entry_SYSCALL", "do_syscall", "[unknown]", "0x")
for c, n in samples.most_common():
    print(f"== {c}: {n} samples, {100 * n / total:.1f}% of all")
    print("  self:", ", ".join(f"{s} {100 * k / n:.1f}%" for s, k in self_[c].most_common(6)))
    top = [(s, k) for s, k in incl[c].most_common(60) if not s.startswith(skip) and k < n]
    print("  inclusive:", ", ".join(f"{s} {100 * k / n:.1f}%" for s, k in top[:20]))
    if sys.argv[1:]:
        print("  asked:", "; ".join(f"{s} {100 * incl[c][s] / n:.1f}%" for s in sys.argv[1:]))
