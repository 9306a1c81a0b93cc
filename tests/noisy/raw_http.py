#!/usr/bin/env python3
"""Sends the bytes on stdin to 127.0.0.1:PORT as one HTTP request, exactly
as given (curl would fix what these tests break), and prints the answer as
JSON: {"status": N, "headers": {lower-case name: value}, "body": text,
"json": parsed body or null}. status 0: no answer before the server closed
or TIMEOUT seconds passed."""
import json
import socket
import sys

port = int(sys.argv[1])
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 10
request = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
try:
    s.sendall(request)
except OSError:
    pass  # refused early and closed: read what was answered
data = b""
head_method = request.startswith(b"HEAD ")
while True:
    try:
        chunk = s.recv(65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
    if b"\r\n\r\n" in data:
        head, _, body = data.partition(b"\r\n\r\n")
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if head_method or (length is not None and len(body) >= length):
            break
s.close()
head, _, body = data.partition(b"\r\n\r\n")
lines = head.split(b"\r\n")
status = int(lines[0].split()[1]) if lines and lines[0].startswith(b"HTTP/") else 0
headers = {}
for line in lines[1:]:
    name, _, value = line.partition(b":")
    headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
text = body.decode("utf-8", "replace")
try:
    parsed = json.loads(text)
except ValueError:
    parsed = None
print(json.dumps({"status": status, "headers": headers, "body": text, "json": parsed}))
