#!/usr/bin/env python3
"""Slowloris on loopback: keeps up to N connections from SOURCE to PORT,
each sending one header byte every INTERVAL seconds, and reopens what the
server closes. Writes its counters to STATUS (JSON) after every round, so
the test waits on conditions rather than on time. Runs until killed."""
import json
import os
import select
import socket
import sys
import time

port, n, interval, source, status = (int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]),
                                     sys.argv[4], sys.argv[5])
# A request that never ends: each round sends its next byte.
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100000
stats = {"open": 0, "opened": 0, "refused": 0, "cut_408": 0, "closed": 0, "rounds": 0}
conns = {}  # socket -> bytes sent


def opened():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        stats["refused"] += 1
        return
    conns[s] = 0
    stats["opened"] += 1


def drop(s, reason):
    conns.pop(s, None)
    s.close()
    stats[reason] += 1


def write_status():
    stats["open"] = len(conns)
    tmp = status + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, status)


while True:
    while len(conns) < n:
        opened()
    for s in list(conns):
        try:
            s.send(REQUEST[conns[s]:conns[s] + 1])
            conns[s] += 1
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            # closed at once: the per-address cap (never got a request in)
            drop(s, "refused" if conns[s] <= 1 else "closed")
    deadline = time.monotonic() + interval
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select(list(conns), [], [], left)
        if not readable:
            break
        for s in readable:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 408"):
                drop(s, "cut_408")
            elif not data:
                drop(s, "refused" if conns[s] <= 1 else "closed")
    stats["rounds"] += 1
    write_status()
