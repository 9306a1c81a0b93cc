#!/usr/bin/env python3
"""Seed inputs for fuzz_frame.c: honest and slightly wrong worker replies.

Each input is: mode byte, stdout byte count, then the worker's reply stream
(api/frame.h: u32 type | u32 len | fields of u16 tag | u32 len | bytes)."""
import struct
import sys
from pathlib import Path

LOAD, PROFILED, PASS_FDS = 1, 2, 4
HELLO, LOADED, RESULT, ERROR = 1, 3, 5, 6
SYMBOL, SIGNATURE, SIGKIND, STATUS, OUTPUT, ERRMSG, ERRCODE, DURATION = 2, 3, 4, 7, 8, 9, 10, 11
PROFILE, PROFILE_ERROR = 14, 15


def field(tag, data):
    return struct.pack("<HI", tag, len(data)) + data


def u64(tag, v):
    return field(tag, struct.pack("<Q", v))


def frame(ftype, *fields):
    body = b"".join(fields)
    return struct.pack("<II", ftype, len(body)) + body


def seed(mode, reply, out=b""):
    return bytes([mode, len(out)]) + out + reply[len(out):] if out else bytes([mode, 0]) + reply


seeds = {
    "result_ok": seed(0, frame(RESULT, field(STATUS, b"ok"), field(OUTPUT, b"hello"),
                                u64(DURATION, 1234))),
    "result_error": seed(0, frame(RESULT, field(STATUS, b"error"), field(ERRMSG, b"boom"))),
    "result_big": seed(0, frame(RESULT, field(OUTPUT, b"x" * 5000))),
    "result_profiles": seed(PROFILED, frame(RESULT, field(STATUS, b"ok"),
                                            field(PROFILE, b"\x00\x1f\x8b gz"),
                                            field(PROFILE_ERROR, b"\x01no samples"))),
    "error": seed(0, frame(ERROR, u64(ERRCODE, 3), field(ERRMSG, b"unresolved symbol x"))),
    "loaded": seed(LOAD, frame(LOADED, field(SYMBOL, b"main.main"), field(SIGNATURE, b"func()"),
                               u64(SIGKIND, 1), field(SYMBOL, b"main.Handle"),
                               field(SIGNATURE, b"func([]uint8) ([]uint8, error)"),
                               u64(SIGKIND, 2))),
    "load_error": seed(LOAD, frame(ERROR, u64(ERRCODE, 2), field(ERRMSG, b"bad object"))),
    "hello_instead": seed(0, frame(HELLO)),
    "truncated": seed(0, frame(RESULT, field(OUTPUT, b"abc"))[:-2]),
    "fds_and_two": seed(PASS_FDS, frame(RESULT, field(STATUS, b"ok")) + frame(RESULT)),
}
seeds["with_stdout"] = bytes([0, 6]) + b"stdout" + frame(RESULT, field(STATUS, b"ok"))

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(data)
