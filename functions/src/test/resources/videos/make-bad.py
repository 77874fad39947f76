#!/usr/bin/env python3
"""Writes bad/: one small file per kind of broken video, made from the clips beside this script or built box by
box, and bad/expected.json: for each, the words its WARN reason must contain and the ranged reads it may take.
Every one must give null facts and one WARN line, never an exception, a loop or more reads (VideoFactsCorpusTest).
Files larger than the first read (a moov past 4 MiB, a file that needs a fourth read) are built by the test."""
import json
import random
import struct

CLIP_START = open("h264-faststart.mp4", "rb").read()
CLIP_END = open("h264-moov-at-end.mp4", "rb").read()
WEBM = open("vp9.webm", "rb").read()
files = {}


def box(kind, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), kind.encode("latin-1")) + payload


def mvhd(version=0, timescale=1000, duration=2000):
    if version == 1:
        return box("mvhd", struct.pack(">B3xQQIQ", 1, 0, 0, timescale, duration) + bytes(80))
    return box("mvhd", struct.pack(">B3xIIII", version, 0, 0, timescale, duration) + bytes(80))


def tkhd(width=320, height=240, size=84):
    fields = bytes(40) + struct.pack(">9i", 65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30) + struct.pack(">II", width << 16, height << 16)
    return box("tkhd", fields[:size])


def trak(codec=b"avc1", header=None):
    entry = struct.pack(">I", 8 + 78) + codec + bytes(78)
    stsd = box("stsd", struct.pack(">II", 0, 1) + entry)
    hdlr = box("hdlr", bytes(8) + b"vide" + bytes(12))
    return box("trak", (header or tkhd()) + box("mdia", hdlr + box("minf", box("stbl", stsd))))


FTYP = box("ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")


def movie(*children):
    return FTYP + box("moov", b"".join(children)) + box("mdat", bytes(64))


def element(element_id, payload):
    size = bytes([0x80 | len(payload)]) if len(payload) < 127 else b"\x01" + len(payload).to_bytes(7, "big")
    return element_id + size + payload


EBML_HEADER = element(b"\x1a\x45\xdf\xa3", element(b"\x42\x82", b"webm"))
INFO = element(b"\x15\x49\xa9\x66", element(b"\x2a\xd7\xb1", b"\x0f\x42\x40") + element(b"\x44\x89", struct.pack(">f", 2000.0)))
VIDEO = element(b"\xe0", element(b"\xb0", b"\x01\x40") + element(b"\xba", b"\xf0"))
TRACKS = element(b"\x16\x54\xae\x6b", element(b"\xae", element(b"\x83", b"\x01") + element(b"\x86", b"V_VP9") + VIDEO))
CLUSTER = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + element(b"\xe7", b"\x00")


def segment(*children):
    return EBML_HEADER + element(b"\x18\x53\x80\x67", b"".join(children))


def bad(name, data, reason, reads):
    files[name] = (data, reason, reads)


# Cut off, empty, or no video at all.
bad("empty.mp4", b"", "the object is empty", 0)
bad("truncated-in-moov.mp4", CLIP_START[:1500], "box 'moov' at 32 claims", 1)
bad("truncated-in-mdat.mp4", CLIP_END[:30000], "box 'mdat' at 40 claims", 1)
bad("truncated-moov-at-end.mp4", CLIP_END[:-100], "box 'moov' at", 2)
bad("truncated-box-header.mp4", FTYP + b"\x00\x00\x0f", "is cut off after 3 bytes", 1)
bad("random-bytes.mp4", random.Random(15).randbytes(4096), "neither an MP4/MOV", 1)
bad("random-bytes.webm", random.Random(16).randbytes(4096), "neither an MP4/MOV", 1)
bad("text.mov", b"this is a text file that someone named clip.mov\n", "neither an MP4/MOV", 1)
bad("jpeg-named-mp4.mp4", open("poster.jpg", "rb").read(), "neither an MP4/MOV", 1)
# ISO boxes whose sizes lie.
bad("box-size-past-end.mp4", FTYP + struct.pack(">I4s", 0x7FFFFFFF, b"moov") + bytes(200), "claims 2147483647 bytes, past the end", 1)
bad("largesize-past-end.mp4", FTYP + struct.pack(">I4sQ", 1, b"mdat", 1 << 40) + bytes(64), "claims 1099511627776 bytes, past the end", 1)
bad("largesize-smaller-than-header.mp4", FTYP + struct.pack(">I4sQ", 1, b"mdat", 8) + bytes(64), "has a 64-bit size of 8", 1)
bad("largesize-negative.mp4", FTYP + struct.pack(">I4sQ", 1, b"mdat", 0xFFFFFFFFFFFFFFFF) + bytes(64), "has a 64-bit size of 18446744073709551615", 1)
bad("box-size-below-header.mp4", FTYP + struct.pack(">I4s", 4, b"free") + bytes(64), "has size 4, less than its header", 1)
bad("zero-size-box-before-moov.mp4", FTYP + struct.pack(">I4s", 0, b"free") + box("moov", mvhd() + trak()), "no moov box", 1)
bad("zero-size-mdat-to-the-end.mp4", FTYP + struct.pack(">I4s", 0, b"mdat") + bytes(4096), "no moov box after mdat", 1)
bad("zero-size-box-in-moov.mp4", FTYP + box("moov", mvhd() + struct.pack(">I4s", 0, b"trak") + bytes(64)), "has size 0 inside another box", 1)
bad("child-past-parent.mp4", FTYP + box("moov", mvhd() + struct.pack(">I4s", 500, b"trak")) + bytes(600), "past the end of its parent", 1)
deep = b""
for _ in range(1000):
    deep = box("moov", deep)
bad("deeply-nested.mp4", FTYP + deep, "moov has no mvhd", 1)
bad("many-boxes.mp4", FTYP + box("moov", mvhd() + box("free") * 10_000), "more than 10000 boxes", 2)
bad("no-moov.mp4", FTYP + box("free", bytes(16)) + box("mdat", bytes(512)), "no moov box after mdat", 1)
# ISO fields that lie.
bad("moov-without-mvhd.mp4", movie(trak()), "moov has no mvhd", 1)
bad("mvhd-version-7.mp4", movie(mvhd(version=7), trak()), "mvhd has version 7", 1)
bad("mvhd-too-short.mp4", movie(box("mvhd", bytes(12)), trak()), "fewer than the 20 its fields take", 1)
bad("mvhd-timescale-zero.mp4", movie(mvhd(timescale=0), trak()), "timescale of 0", 1)
bad("mvhd-implausible-duration.mp4", movie(mvhd(version=1, timescale=1, duration=1 << 62), trak()), "seconds", 1)
bad("tkhd-too-short.mp4", movie(mvhd(), trak(header=tkhd(size=60))), "fewer than the 84 its fields take", 1)
bad("tkhd-version-9.mp4", movie(mvhd(), trak(header=box("tkhd", b"\x09" + bytes(83)))), "tkhd has version 9", 1)
bad("codec-not-a-fourcc.mp4", movie(mvhd(), trak(codec=b"\x00\x01\x02\x03")), "not a four-character code", 1)
# EBML.
bad("ebml-header-size-all-ff.webm", b"\x1a\x45\xdf\xa3" + b"\xff" * 8 + segment(INFO, TRACKS)[len(EBML_HEADER):],
    "no EBML header of known size", 1)
bad("ebml-segment-size-all-ff.webm", EBML_HEADER + b"\x18\x53\x80\x67" + b"\xff" * 8 + bytes(64), "is not a valid id", 1)
bad("ebml-tracks-size-8-bytes-of-ff.webm", EBML_HEADER + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + INFO
    + b"\x16\x54\xae\x6b\x01\xff\xff\xff\xff\xff\xff\xff" + TRACKS[5:], "has an unknown size", 1)
bad("ebml-truncated-in-tracks.webm", WEBM[:300], "past the end of its parent", 1)
bad("ebml-doctype-not-webm.webm", segment(INFO, TRACKS).replace(b"webm", b"xebm"), "DocType 'xebm'", 1)
bad("ebml-id-longer-than-4-bytes.webm", EBML_HEADER + b"\x08\x53\x80\x67\x81\x00", "no valid element id at", 1)
bad("ebml-size-longer-than-8-bytes.webm", EBML_HEADER + b"\x18\x53\x80\x67\x00\xff", "has a size longer than 8 bytes", 1)
bad("ebml-element-past-segment.webm", EBML_HEADER + element(b"\x18\x53\x80\x67", INFO + b"\x16\x54\xae\x6b\x88" + bytes(4)),
    "past the end of its parent", 1)
bad("ebml-no-tracks.webm", segment(INFO, CLUSTER), "no Tracks element before the first Cluster", 1)
bad("ebml-timecode-scale-zero.webm", segment(element(b"\x15\x49\xa9\x66", element(b"\x2a\xd7\xb1", b"\x00")), TRACKS),
    "TimecodeScale is 0", 1)
bad("ebml-negative-duration.webm", segment(element(b"\x15\x49\xa9\x66", element(b"\x44\x89", struct.pack(">d", -2.0))), TRACKS),
    "is not a plausible length", 1)
bad("ebml-float-of-3-bytes.webm", segment(element(b"\x15\x49\xa9\x66", element(b"\x44\x89", b"\x44\xfa\x00")), TRACKS),
    "float element 0x4489 has 3 bytes", 1)
bad("ebml-integer-of-9-bytes.webm", segment(INFO, element(b"\x16\x54\xae\x6b", element(b"\xae", element(b"\x83", b"\x01")
    + element(b"\xe0", element(b"\xb0", bytes(9)))))), "integer element 0xb0 has 9 bytes", 1)

expected = {}
for name, (data, reason, reads) in sorted(files.items()):
    open("bad/" + name, "wb").write(data)
    expected[name] = {"reason": reason, "reads": reads}
with open("bad/expected.json", "w") as out:
    json.dump(expected, out, indent=2)
    out.write("\n")
