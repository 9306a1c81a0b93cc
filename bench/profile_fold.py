"""Folds `perf script -F ip,sym,dso` output into collapsed stacks (one line per
distinct stack, root first, then its sample count: the input of a flame
graph) and prints the frames with the most samples, inclusive and self.
Frames perf left unnamed ([unknown] or a bare address) are named with
addr2line from the binary given (bench/profile_warm.sh).
Usage: perf script -F ip,sym,dso | python3 profile_fold.py BINARY FOLDED_OUT"""
import collections
import os
import subprocess
import sys

binary, folded_out = sys.argv[1], sys.argv[2]
base = binary.rsplit("/", 1)[-1]
stacks, stack = [], []
for line in sys.stdin:
    parts = line.split(None, 1)
    if not parts:
        if stack:
            stacks.append(stack)
        stack = []
        continue
    addr, rest = parts[0], parts[1].strip() if len(parts) > 1 else ""
    dso = rest[rest.rfind("(") + 1:-1] if rest.endswith(")") else ""
    sym = rest[:rest.rfind("(")].strip() if dso else rest
    if not sym or sym.startswith("[unknown]"):
        # Only addresses in BINARY are looked up there; others are
        # named by their file.
        if dso.rsplit("/", 1)[-1] == base:
            sym = "0x" + addr
        else:
            sym = "[" + (dso.rsplit("/", 1)[-1] or "unknown").strip("[]") + "]"
    else:
        sym = sym.split("+0x")[0]
    stack.append(sym)
if stack:
    stacks.append(stack)

unknown = sorted({f for s in stacks for f in s if f.startswith("0x")})
names = {}
if unknown:
    out = subprocess.run(["addr2line", "-f", "-e", binary], input="\n".join(unknown),
                         capture_output=True, text=True).stdout.split("\n")
    # perf prints a file offset for a non-PIE binary it could not read:
    # where that names nothing, try it at Go's default base (0x400000).
    rebased = [hex(int(a, 16) + 0x400000) for a in unknown]
    out2 = subprocess.run(["addr2line", "-f", "-e", binary], input="\n".join(rebased),
                          capture_output=True, text=True).stdout.split("\n")
    for i, a in enumerate(unknown):
        n = out[2 * i] if 2 * i < len(out) else "??"
        if not n or n == "??":
            n = out2[2 * i] if 2 * i < len(out2) else "??"
        names[a] = n if n and n != "??" else a

counts = collections.Counter()
incl, self_ = collections.Counter(), collections.Counter()
for s in stacks:
    s = [names.get(f, f) for f in s]
    counts[";".join(reversed(s))] += 1
    for f in set(s):
        incl[f] += 1
    self_[s[0]] += 1
with open(folded_out, "w") as f:
    for k, v in counts.most_common():
        f.write(f"{k} {v}\n")
total = max(len(stacks), 1)
hz, reqs = float(os.environ.get("HZ", 0)), float(os.environ.get("REQS", 0))
print(f"{len(stacks)} samples", end="")
if hz and reqs:
    print(f", {len(stacks) / hz / reqs * 1e6:.1f} us of CPU per request", end="")
print()
print("inclusive:")
for k, v in incl.most_common(45):
    print(f"  {100 * v / total:6.2f}%  {k}")
print("self:")
for k, v in self_.most_common(30):
    print(f"  {100 * v / total:6.2f}%  {k}")
