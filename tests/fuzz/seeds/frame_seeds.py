#!/usr/bin/env python3
"""Seed inputs for fuzz_frame.c: honest and slightly wrong messages.

An exchange input is: mode byte, stdout byte count, then one segment per
request gofnd sends (u16 length, then the worker's reply bytes); a LOAD is
answered twice (LOADED, then READY for the INIT). A MODE_DECODE input is the
mode byte and one frame (api/frame.h: u32 type | u32 len | fields of u16 tag |
u32 len | bytes), decoded as api/proto.h's receiving end would."""
import struct
import sys
from pathlib import Path

LOAD, PROFILED, PASS_FDS, DECODE = 1, 2, 4, 8
HELLO, LOADF, LOADED, INVOKE, RESULT, ERROR, INIT, READY = 1, 2, 3, 4, 5, 6, 7, 8
OBJECT, SYMBOL, SIGNATURE, SIGKIND, INPUT, TIMEOUT = 1, 2, 3, 4, 5, 6
STATUS, OUTPUT, ERRMSG, ERRCODE, DURATION = 7, 8, 9, 10, 11
PROFILE_KINDS, PROFILE_HZ, PROFILE, PROFILE_ERROR, RESULT_MAX = 12, 13, 14, 15, 16
OUTPUT_MAX, STDOUT, STDERR, TRUNCATED = 18, 19, 20, 21
OK, ERR = 1, 2  # gofn_status


def field(tag, data):
    return struct.pack("<HI", tag, len(data)) + data


def u64(tag, v):
    return field(tag, struct.pack("<Q", v))


def frame(ftype, *fields):
    body = b"".join(fields)
    return struct.pack("<II", ftype, len(body)) + body


def seg(reply):
    return struct.pack("<H", len(reply)) + reply


def seed(mode, *replies, out=b""):
    return bytes([mode, len(out)]) + out + b"".join(seg(r) for r in replies)


loaded = frame(LOADED, field(SYMBOL, b"main.main"), field(SIGNATURE, b"func()"), u64(SIGKIND, 1),
               field(SYMBOL, b"main.Handle"),
               field(SIGNATURE, b"func([]uint8) ([]uint8, error)"), u64(SIGKIND, 2))
seeds = {
    "result_ok": seed(0, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b"hello"),
                               u64(DURATION, 1234))),
    "result_error": seed(0, frame(RESULT, u64(STATUS, ERR), field(OUTPUT, b""),
                                  field(ERRMSG, b"boom"), u64(DURATION, 1))),
    "result_big": seed(0, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b"x" * 5000),
                                u64(DURATION, 1))),
    "result_profiles": seed(PROFILED, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b""),
                                            u64(DURATION, 1),
                                            field(PROFILE, b"\x00\x1f\x8b gz"),
                                            field(PROFILE_ERROR, b"\x01no samples"))),
    "error": seed(0, frame(ERROR, u64(ERRCODE, 3), field(ERRMSG, b"unresolved symbol x"))),
    "loaded_ready": seed(LOAD, loaded, frame(READY)),
    "loaded_then_forged": seed(LOAD, loaded, loaded),
    "load_error": seed(LOAD, frame(ERROR, u64(ERRCODE, 2), field(ERRMSG, b"bad object"))),
    "init_error": seed(LOAD, loaded, frame(ERROR, u64(ERRCODE, 1), field(ERRMSG, b"init panic"))),
    "hello_instead": seed(0, frame(HELLO)),
    "truncated": seed(0, frame(RESULT, field(OUTPUT, b"abc"))[:-2]),
    "two_replies": seed(PASS_FDS, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b""),
                                        u64(DURATION, 1)) + frame(RESULT)),
    "with_stdout": seed(LOAD, loaded, frame(ERROR, u64(ERRCODE, 1), field(ERRMSG, b"init")),
                        out=b"stdout"),
    "result_streams": seed(0, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b""), u64(DURATION, 1),
                                    field(STDOUT, b"out"), field(STDERR, b"err"),
                                    u64(TRUNCATED, 3))),
    "result_streams_over": seed(0, frame(RESULT, u64(STATUS, OK), field(OUTPUT, b""),
                                         u64(DURATION, 1), field(STDOUT, b"o" * 5000))),
    # the worker hangs up before reading LOAD (its descriptors unread: the
    # stream resets); a failed recvmsg's control buffer must not be read
    "load_hangup": seed(LOAD),
    # one frame through the decoders, both directions
    "dec_load": bytes([DECODE]) + frame(LOADF, field(OBJECT, b"!<arch>\n"), field(OBJECT, b"x"),
                                        u64(OUTPUT_MAX, 1 << 20)),
    "dec_invoke": bytes([DECODE]) + frame(INVOKE, field(SYMBOL, b"main.Handle"),
                                          field(INPUT, b"in"), u64(TIMEOUT, 100),
                                          u64(RESULT_MAX, 1 << 20), u64(PROFILE_KINDS, 3),
                                          u64(PROFILE_HZ, 100)),
    "dec_loaded": bytes([DECODE]) + loaded,
    "dec_result": bytes([DECODE]) + frame(RESULT, u64(STATUS, ERR), field(OUTPUT, b"o"),
                                          field(ERRMSG, b"e"), u64(DURATION, 5),
                                          field(PROFILE, b"\x01pp"), field(STDOUT, b"so"),
                                          field(STDERR, b"se"), u64(TRUNCATED, 2)),
    "dec_error": bytes([DECODE]) + frame(ERROR, u64(ERRCODE, 7), field(ERRMSG, b"limit")),
    "dec_init": bytes([DECODE]) + frame(INIT),
    "dec_ready": bytes([DECODE]) + frame(READY),
}

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(data)
