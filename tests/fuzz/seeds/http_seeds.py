#!/usr/bin/env python3
"""Seed inputs for fuzz_http.c: one per route and body kind.

Structured input: byte 0 = method (bits 0-1: GET POST DELETE PUT) | token
(bits 2-3: none admin tenant junk), then "path\\n", "content-type\\n", body.
Byte 0 >= 0xf0: the rest is a raw HTTP request."""
import sys
from pathlib import Path

GET, POST, DELETE, PUT = 0, 1, 2, 3
NONE, ADMIN, TENANT, JUNK = 0, 4, 8, 12
B = "XyZzY"


def req(mode, path, ctype="", body=b""):
    return bytes([mode]) + path.encode() + b"\n" + ctype.encode() + b"\n" + body


def multipart(*fields):
    out = b""
    for name, data in fields:
        out += (f"--{B}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"x.o\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    return out + f"--{B}--\r\n".encode()


PATCH = b'{"cpu_weight":1,"cpu_quota":10}'
OBJ = b"go object linux amd64 go1.26.8 X:none\n!\n\x00go126ld" + b"\x00" * 64
seeds = {
    "tenant_create": req(POST | ADMIN, "/tenants", "application/json", b'{"name":"acme"}'),
    "tenant_create_bad": req(POST | ADMIN, "/tenants", "application/json", b'{"name":[1,{}]}'),
    "tenant_list": req(GET | ADMIN, "/tenants"),
    "tenant_create_cpu": req(POST | ADMIN, "/tenants", "application/json",
                             b'{"name":"cpu","cpu_weight":300,"cpu_quota":"max"}'),
    "tenant_get": req(GET | ADMIN, "/tenants/acme"),
    # PATCH is not one of the structured methods: a raw request (without a
    # token, it reaches the parser and the 401 path)
    "raw_tenant_patch": bytes([0xf0]) + (
        b"PATCH /tenants/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(PATCH), PATCH)),
    "tenant_delete": req(DELETE | ADMIN, "/tenants/acme"),
    "upload_multipart": req(POST | TENANT, "/functions", f"multipart/form-data; boundary={B}",
                            multipart(("obj", OBJ))),
    "upload_two": req(POST | TENANT, "/functions", f"multipart/form-data; boundary={B}",
                      multipart(("obj", OBJ), ("note", b"x"), ("obj", b"!<arch>\n"))),
    "upload_raw": req(POST | TENANT, "/functions", "application/octet-stream", OBJ),
    "fn_list": req(GET | TENANT, "/functions"),
    "fn_get": req(GET | TENANT, "/functions/0123abcd"),
    "fn_delete": req(DELETE | TENANT, "/functions/0123abcd"),
    "invoke": req(POST | TENANT, "/invoke/main.Handle?function=abc&timeout_ms=10", "", b"input"),
    "invoke_main": req(POST | TENANT, "/invoke/main.main", "application/octet-stream"),
    "healthz": req(GET, "/healthz"),
    "metrics": req(GET | ADMIN, "/metrics"),
    "profiles": req(GET | TENANT, "/profiles"),
    "profile_get": req(GET, "/profiles/p1?token=abc.def"),
    "profile_del": req(DELETE | TENANT, "/profiles/p1"),
    "fn_profile": req(POST | TENANT, "/functions/f1/profile?seconds=1&kinds=cpu,heap"),
    "junk_token": req(GET | JUNK, "/functions"),
    "wrong_method": req(PUT | TENANT, "/functions"),
    "raw_chunked": bytes([0xf0]) + (
        f"POST /functions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        f"Content-Type: multipart/form-data; boundary={B}\r\n\r\n5\r\nhello\r\n0\r\n\r\n").encode(),
    "raw_get": bytes([0xf0]) + b"GET /healthz HTTP/1.0\r\n\r\n",
}
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(data)
