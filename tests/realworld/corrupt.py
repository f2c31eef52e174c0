#!/usr/bin/env python3
"""Make corrupted copies of a valid .wasm module for tests/realworld/check.sh.

usage: corrupt.py MODULE.wasm OUTDIR [--flips N] [--seed S]

Writes OUTDIR/<stem>.<case>.wasm and prints one tab-separated line per copy:
    case  path  expected_offset  description
expected_offset is the hex byte offset at which a correct loader must report
the error, or '-' when only "some error with an offset" is required (or, for
random flips, when the copy may even still be valid: those are judged by
comparing lvm's verdict with wasm-validate's).

Cases:
  bad-opcode     first instruction byte of the middle function body -> 0xff
                 (no such opcode; expected offset = that byte)
  flip-K         byte at a seeded random position in the code section
                 payload XORed with 0xff (K = 1..N)
  trunc-code     file cut in the middle of the code section
  trunc-end      last byte of the file removed
  bad-sec-id     code section id byte -> 0x42 (no such section;
                 expected offset = that byte)
  bad-sec-size   code section size LEB128 -> all continuation bits, same
                 length (too large / past end of module)
  bad-sec-order  first non-custom section's id -> 12 (data count), so it comes out of
                 order with the sections after it
"""
import os
import random
import sys


def uleb(buf, pos):
    result = shift = 0
    start = pos
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos, pos - start


def sections(buf):
    """[(id, id_offset, size_offset, size_len, payload_offset, payload_size)]"""
    assert buf[:4] == b"\0asm", "not a wasm module"
    pos, out = 8, []
    while pos < len(buf):
        sid = buf[pos]
        size, p, n = uleb(buf, pos + 1)
        out.append((sid, pos, pos + 1, n, p, size))
        pos = p + size
    return out


def main():
    args = sys.argv[1:]
    flips, seed = 8, 1
    if "--flips" in args:
        i = args.index("--flips"); flips = int(args[i + 1]); del args[i:i + 2]
    if "--seed" in args:
        i = args.index("--seed"); seed = int(args[i + 1]); del args[i:i + 2]
    src, outdir = args
    buf = open(src, "rb").read()
    stem = os.path.splitext(os.path.basename(src))[0]
    os.makedirs(outdir, exist_ok=True)
    secs = sections(buf)
    code = next(s for s in secs if s[0] == 10)
    _, code_id_off, code_size_off, code_size_len, code_pay, code_size = code

    def emit(case, data, expected, desc):
        path = os.path.join(outdir, f"{stem}.{case}.wasm")
        with open(path, "wb") as f:
            f.write(data)
        print(f"{case}\t{path}\t{expected}\t{desc}")

    # bad-opcode: walk to the middle function body, skip its locals.
    count, p, _ = uleb(buf, code_pay)
    target = count // 2
    for _ in range(target):
        size, p, _ = uleb(buf, p)
        p += size
    body_size, body, _ = uleb(buf, p)
    ngroups, q, _ = uleb(buf, body)
    for _ in range(ngroups):
        _, q, _ = uleb(buf, q)   # count
        q += 1                   # value type (all one byte in 2.0)
    data = bytearray(buf)
    old = data[q]
    data[q] = 0xFF
    emit("bad-opcode", data, f"0x{q:x}",
         f"function body {target} of {count} (code entry {target}): first opcode 0x{old:02x} at 0x{q:x} -> 0xff")

    rng = random.Random(seed)
    for k in range(1, flips + 1):
        off = rng.randrange(code_pay, code_pay + code_size)
        data = bytearray(buf)
        data[off] ^= 0xFF
        emit(f"flip-{k}", data, "-", f"code byte at 0x{off:x}: 0x{buf[off]:02x} -> 0x{data[off]:02x}")

    cut = code_pay + code_size // 2
    emit("trunc-code", buf[:cut], "-", f"cut at 0x{cut:x} of 0x{len(buf):x} (middle of code section)")
    emit("trunc-end", buf[:-1], "-", f"cut at 0x{len(buf) - 1:x} (last byte dropped, inside the last section)")

    data = bytearray(buf)
    data[code_id_off] = 0x42
    emit("bad-sec-id", data, f"0x{code_id_off:x}", f"code section id at 0x{code_id_off:x}: 0x0a -> 0x42")

    data = bytearray(buf)
    for i in range(code_size_len):
        data[code_size_off + i] = 0xFF if i < code_size_len - 1 else 0x7F
    emit("bad-sec-size", data, "-",
         f"code section size LEB at 0x{code_size_off:x} ({code_size_len} bytes, {code_size}) -> "
         + " ".join(f"{b:02x}" for b in data[code_size_off:code_size_off + code_size_len]))

    first = next(s for s in secs if s[0] != 0)
    data = bytearray(buf)
    data[first[1]] = 12
    emit("bad-sec-order", data, "-",
         f"first non-custom section (id {first[0]}) at 0x{first[1]:x} relabelled as data count (12)")


if __name__ == "__main__":
    main()
