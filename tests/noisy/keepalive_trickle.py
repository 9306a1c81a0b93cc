#!/usr/bin/env python3
"""One kept-alive connection to 127.0.0.1:PORT: a whole GET /healthz and its
answer, then IDLE seconds of silence, then MODE:
  trickle  the next request one byte every STEP seconds (never finished)
  whole    the next request at once
Prints the status line of each answer (empty when the connection ended
without one) and how long the second took, as JSON:
{"first": ..., "second": ..., "second_after_s": ...}."""
import json
import socket
import sys
import time

port, idle, mode, step = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
REQ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
s = socket.create_connection(("127.0.0.1", port), timeout=60)


def answer():
    """The status line of the next answer (reads head and body), or ''."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = s.recv(65536)
        except OSError:
            return ""
        if not chunk:
            return ""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head.split(b"\r\n")[0].decode("latin-1")


s.sendall(REQ)
first = answer()
time.sleep(idle)
t0 = time.monotonic()
if mode == "whole":
    s.sendall(REQ)
    second = answer()
else:
    # The answer (a 408) comes while we trickle: watch for it between bytes.
    second = ""
    s.settimeout(step)
    for b in REQ[:-4]:
        try:
            s.sendall(bytes([b]))
        except OSError:
            break
        try:
            s.settimeout(step)
            peek = s.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            continue
        except OSError:
            break
        s.settimeout(60)
        second = answer() if peek else ""
        break
print(json.dumps({"first": first, "second": second,
                  "second_after_s": round(time.monotonic() - t0, 2)}))
