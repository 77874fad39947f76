#!/usr/bin/env python3
"""Makes the corpus files ffmpeg 5.1 cannot write directly, by rewriting the ISO BMFF boxes of a file ffmpeg wrote.
Every box keeps a correct size, and every chunk offset (stco/co64) still points at the same media bytes, so ffprobe
reads the result with the duration of the source. Standard library only. Used by make-corpus.sh:

  craft.py prepend KIND IN OUT    a KIND box (uuid, free, skip, wide, junk, pdin) before the first box (ftyp)
  craft.py split-mdat IN OUT      the one mdat of a moov-at-end file split into three, with a free box between each
  craft.py drop-ftyp IN OUT       the leading ftyp removed (a QuickTime file that starts with wide, mdat, moov)
  craft.py rotate90 IN OUT        the video tkhd matrix set to a 90 degree turn (ffmpeg 5.1 has no -display_rotation)
  craft.py truncate IN OUT FRAC   the first FRAC (0..1) of the bytes of IN
  craft.py layout FILE...         prints the top-level boxes of each FILE (a check, writes nothing)
"""
import struct
import sys

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"moof", b"traf"}


def box(kind, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def children(data, start, end):
    """Yields (kind, offset, header size, size) of each box in data[start:end]; fails on a size that does not fit."""
    p = start
    while p < end:
        if end - p < 8:
            raise ValueError(f"{end - p} stray bytes at {p}")
        size, kind = struct.unpack_from(">I4s", data, p)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, p + 8)[0], 16
        elif size == 0:
            size = end - p
        if size < header or p + size > end:
            raise ValueError(f"box {kind!r} at {p}: size {size} does not fit in {end - p} bytes")
        yield kind, p, header, size
        p += size


def top_level(data):
    return list(children(data, 0, len(data)))


def find(data, kind):
    found = [b for b in top_level(data) if b[0] == kind]
    if len(found) != 1:
        raise ValueError(f"{len(found)} top-level {kind!r} boxes, expected 1")
    return found[0]


def offset_tables(data, start, end):
    """Yields (kind, offset of the first entry, entry count) of every stco/co64 under data[start:end]."""
    for kind, p, header, size in children(data, start, end):
        if kind in CONTAINERS:
            yield from offset_tables(data, p + header, p + size)
        elif kind in (b"stco", b"co64"):
            count = struct.unpack_from(">I", data, p + header + 4)[0]
            width = 4 if kind == b"stco" else 8
            if 8 + count * width > size - header:
                raise ValueError(f"{kind!r} at {p}: {count} entries do not fit")
            yield kind, p + header + 8, count


def chunk_offsets(data):
    _, moov, header, size = find(data, b"moov")
    result = []
    for kind, first, count in offset_tables(data, moov + header, moov + size):
        fmt = ">I" if kind == b"stco" else ">Q"
        width = struct.calcsize(fmt)
        result += [struct.unpack_from(fmt, data, first + i * width)[0] for i in range(count)]
    return result


def move_chunks(data, new_offset):
    """Rewrites, in place, every chunk offset o of the moov in data to new_offset(o)."""
    _, moov, header, size = find(data, b"moov")
    for kind, first, count in offset_tables(data, moov + header, moov + size):
        fmt = ">I" if kind == b"stco" else ">Q"
        width = struct.calcsize(fmt)
        for i in range(count):
            value = new_offset(struct.unpack_from(fmt, data, first + i * width)[0])
            if kind == b"stco" and not 0 <= value < 1 << 32:
                raise ValueError("chunk offset does not fit stco")
            struct.pack_into(fmt, data, first + i * width, value)


def leading_box(kind):
    if kind == "uuid":  # 16-byte user type, then a payload nobody knows: readers must skip it
        return box(b"uuid", bytes.fromhex("6b1d5c2e9f3a4e1b8c7d0a2f4e6b8d10") + b"video-links corpus: unknown uuid box\0")
    if kind == "pdin":  # progressive download info: version/flags, then (rate, initial_delay) pairs
        return box(b"pdin", bytes(4) + struct.pack(">II", 64000, 2000) + struct.pack(">II", 128000, 500))
    if kind == "wide":  # QuickTime's 8-byte placeholder, no payload
        return box(b"wide")
    if kind in ("free", "skip", "junk"):
        return box(kind.encode(), bytes(256))
    raise ValueError(f"no leading box of kind {kind}")


def prepend(kind, source, target):
    data = bytearray(open(source, "rb").read())
    if top_level(data)[0][0] != b"ftyp":
        raise ValueError(f"{source} does not start with ftyp")
    extra = leading_box(kind)
    move_chunks(data, lambda o: o + len(extra))
    open(target, "wb").write(extra + data)


def split_mdat(source, target, gap=2048):
    """Splits the mdat of a moov-at-end file at the chunks nearest to 1/3 and 2/3 of it: mdat free mdat free mdat."""
    data = bytearray(open(source, "rb").read())
    layout = [b[0] for b in top_level(data)]
    if layout.index(b"mdat") > layout.index(b"moov"):
        raise ValueError(f"{source}: moov before mdat")
    _, mdat, header, size = find(data, b"mdat")
    if header != 8:
        raise ValueError("64-bit mdat")
    begin, end = mdat + header, mdat + size
    starts = sorted(set(o for o in chunk_offsets(data) if begin < o < end))
    cuts = []
    for third in (1, 2):
        want = begin + (end - begin) * third // 3
        cut = min(starts, key=lambda o: abs(o - want))
        if cut not in cuts:
            cuts.append(cut)
    if len(cuts) != 2:
        raise ValueError("too few chunks to split the mdat in three")
    between = box(b"free", bytes(gap - 8))
    pieces, last = [], begin
    for cut in cuts + [end]:
        pieces.append(box(b"mdat", bytes(data[last:cut])))
        last = cut
    inserted = len(between) + 8  # a free box and a new mdat header before each cut

    def new_offset(o):
        return o + inserted * sum(1 for cut in cuts if o >= cut)

    move_chunks(data, new_offset)
    out = data[:mdat] + between.join(pieces) + data[end:]
    open(target, "wb").write(out)


def drop_ftyp(source, target):
    data = bytearray(open(source, "rb").read())
    kind, _, _, size = top_level(data)[0]
    if kind != b"ftyp":
        raise ValueError(f"{source} does not start with ftyp")
    move_chunks(data, lambda o: o - size)
    open(target, "wb").write(data[size:])


def rotate90(source, target):
    """Sets the matrix of the first video track's tkhd to a 90 degree turn: x' = y, y' = -x + height (as an iPhone
    held upright writes it); tkhd width and height stay the coded (landscape) size."""
    data = bytearray(open(source, "rb").read())
    _, moov, header, size = find(data, b"moov")
    for kind, p, h, s in children(data, moov + header, moov + size):
        if kind != b"trak":
            continue
        boxes = {k: (q, hh, ss) for k, q, hh, ss in children(data, p + h, p + s)}
        mdia = boxes[b"mdia"]
        hdlr = {k: q + hh for k, q, hh, ss in children(data, mdia[0] + mdia[1], mdia[0] + mdia[2])}[b"hdlr"]
        if data[hdlr + 8:hdlr + 12] != b"vide":
            continue
        q, hh, _ = boxes[b"tkhd"]
        version = data[q + hh]
        matrix = q + hh + (40 if version == 0 else 52)
        height = struct.unpack_from(">I", data, matrix + 40)[0]  # 16.16, after the 36-byte matrix and the width
        struct.pack_into(">9i", data, matrix, 0, 65536, 0, -65536, 0, 0, height, 0, 1 << 30)
        open(target, "wb").write(data)
        return
    raise ValueError(f"{source}: no video track")


def truncate(source, target, fraction):
    data = open(source, "rb").read()
    open(target, "wb").write(data[:int(len(data) * float(fraction))])


def layout(*files):
    for name in files:
        data = open(name, "rb").read()
        try:
            print(name, " ".join(f"{k.decode('latin-1')}:{s}" for k, _, _, s in top_level(data)))
        except ValueError as error:
            print(name, "unreadable:", error)


if __name__ == "__main__":
    commands = {"prepend": prepend, "split-mdat": split_mdat, "drop-ftyp": drop_ftyp, "rotate90": rotate90,
                "truncate": truncate, "layout": layout}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
