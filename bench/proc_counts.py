#!/usr/bin/env python3
"""Counters of many processes in one pass over /proc (bench/held_profile.sh:
a shell loop over 1,000 workers' threads took minutes on a loaded machine).
Usage: proc_counts.py stat PID...     -> "pid utime stime minflt majflt"
       proc_counts.py switches PID... -> "pid.rank switches" per thread, by
       thread rank (1 = the main thread, 2 = the next created: a Go
       program's sysmon), voluntary + involuntary."""
import os
import sys


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    # after the command: state ppid ... minflt(8) cminflt majflt(10) cmajflt utime(12) stime(13)
    return f"{pid} {rest[11]} {rest[12]} {rest[7]} {rest[9]}"


def switches(pid):
    out = []
    tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    for rank, tid in enumerate(tids, 1):
        n = 0
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches" in line:
                        n += int(line.split()[1])
        except OSError:
            continue
        out.append(f"{pid}.{rank} {n}")
    return "\n".join(out)


def main():
    what = {"stat": stat, "switches": switches}[sys.argv[1]]
    for pid in sys.argv[2:]:
        try:
            line = what(pid)
        except OSError:
            continue
        if line:
            print(line)


main()
