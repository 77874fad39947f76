#!/usr/bin/env bash
# Makes the test clips of this folder with Debian's ffmpeg 5.1 (libx264, libx265, libaom-av1, libvpx-vp9, aac,
# libopus), then the bad-file corpus in bad/ from them (make-bad.py). The committed files are the reference: a
# newer ffmpeg makes other bytes with the same facts. Run from this folder.
set -euo pipefail
q=(-hide_banner -loglevel error -y)
v4=(-f lavfi -i testsrc2=size=320x240:rate=15 -t 4)
a4=(-f lavfi -i sine=frequency=440:sample_rate=48000 -t 4)
v2=(-f lavfi -i testsrc2=size=320x240:rate=10 -t 2)
a2=(-f lavfi -i sine=frequency=440:sample_rate=48000 -t 2)
x264=(-c:v libx264 -preset veryfast -pix_fmt yuv420p)
aac=(-c:a aac -b:a 32k)

# H.264 + AAC, 4 s, larger than the first read (64 KiB): faststart, and the same streams with moov at the end.
ffmpeg "${q[@]}" "${v4[@]}" "${a4[@]}" -map 0:v -map 1:a "${x264[@]}" -crf 30 "${aac[@]}" -movflags +faststart h264-faststart.mp4
ffmpeg "${q[@]}" -i h264-faststart.mp4 -map 0 -c copy h264-moov-at-end.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" -map 0:v -map 1:a -c:v libx265 -preset ultrafast -crf 35 -tag:v hvc1 -pix_fmt yuv420p \
  -x265-params log-level=error "${aac[@]}" -movflags +faststart hevc.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" -map 0:v -map 1:a -c:v libaom-av1 -cpu-used 8 -crf 50 -pix_fmt yuv420p "${aac[@]}" \
  -movflags +faststart av1.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" -map 0:v -map 1:a -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -crf 45 -b:v 0 \
  -c:a libopus -b:a 32k vp9.webm
# What a browser's MediaRecorder writes: no Duration, a Segment of unknown size (ffmpeg cannot seek back in a pipe).
ffmpeg "${q[@]}" -f lavfi -i testsrc2=size=320x240:rate=10 -f lavfi -i sine=frequency=440:sample_rate=48000 -map 0:v -map 1:a \
  -frames:v 20 -shortest -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -crf 45 -b:v 0 -c:a libopus -b:a 32k -f webm - > recorded-live.webm
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" -map 0:v -map 1:a "${x264[@]}" -crf 32 "${aac[@]}" h264.mkv
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -crf 32 -movflags +faststart no-audio.mp4
# A phone held upright: 320x180 coded, turned 90° by the track's display matrix. ffmpeg 5.1 cannot set the matrix
# (-display_rotation came with 6.0), so it is written into tkhd, and ffmpeg copies it (ffprobe: rotation -90).
ffmpeg "${q[@]}" -f lavfi -i testsrc2=size=320x180:rate=10 -t 2 "${a2[@]}" -map 0:v -map 1:a "${x264[@]}" -crf 32 "${aac[@]}" \
  -movflags +faststart rotated.tmp.mov
python3 - <<'PY'
import struct
b = bytearray(open("rotated.tmp.mov", "rb").read())
p = b.find(b"tkhd") + 4
assert b[p] == 0, "tkhd version 0"
struct.pack_into(">9i", b, p + 40, 0, 65536, 0, -65536, 0, 0, 180 * 65536, 0, 1 << 30)
open("rotated.tmp.mov", "wb").write(b)
PY
ffmpeg "${q[@]}" -i rotated.tmp.mov -map 0 -c copy -movflags +faststart rotated-90.mov
rm rotated.tmp.mov
ffmpeg "${q[@]}" -f lavfi -i testsrc2=size=160x120 -frames:v 1 -q:v 8 poster.jpg
ffmpeg "${q[@]}" -f lavfi -i testsrc2=size=160x120 -frames:v 1 -pix_fmt rgb24 poster.png

python3 make-bad.py
