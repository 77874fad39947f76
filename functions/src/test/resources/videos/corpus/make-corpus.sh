#!/usr/bin/env bash
# Makes the video-facts corpus of this folder with Debian's ffmpeg 5.1 (libx264 8/10-bit, libx265, libaom-av1,
# libvpx, prores_ks, aac, ac3, eac3, flac, libopus, libvorbis, libmp3lame), crafts the files ffmpeg cannot write
# (craft.py: boxes before ftyp, three mdat, a mov without ftyp, a rotation matrix, truncations), and writes beside
# each file ffprobe's answer, ffprobe/<file>.json. The committed files are the reference: another ffmpeg makes other
# bytes with the same facts. Rerunnable; temporary files go to a mktemp folder. Run from this folder.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

q=(-hide_banner -loglevel error -y)
v2=(-f lavfi -t 2 -i testsrc2=size=160x120:rate=10)   # -t before -i: it limits that input
a2=(-f lavfi -t 2 -i sine=frequency=440:sample_rate=16000)         # mono
a2_32k=(-f lavfi -t 2 -i sine=frequency=440:sample_rate=32000)     # AC-3 and E-AC-3 need 32 kHz or more
av=(-map 0:v -map 1:a)
x264=(-c:v libx264 -preset veryfast -crf 35)
x265=(-c:v libx265 -preset ultrafast -crf 38 -x265-params log-level=error)
aom=(-c:v libaom-av1 -cpu-used 8 -crf 55)
vp9=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -crf 50 -b:v 0)
aac=(-c:a aac -b:a 24k)
fast=(-movflags +faststart)
mkv=(-fflags +bitexact)   # Matroska: track and segment UIDs from the track number, not random, so reruns match

# H.264
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" "${x264[@]}" -profile:v high -pix_fmt yuv420p "${aac[@]}" "${fast[@]}" h264-high-aac.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -profile:v baseline -pix_fmt yuv420p "${fast[@]}" h264-constrained-baseline.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -pix_fmt yuv420p10le "${fast[@]}" h264-high10.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -pix_fmt yuv444p "${fast[@]}" h264-high444.mp4
ffmpeg "${q[@]}" -i h264-high-aac.mp4 -map 0 -c copy h264-moov-at-end.mp4
python3 craft.py split-mdat h264-moov-at-end.mp4 h264-three-mdat.mp4

# HEVC
ffmpeg "${q[@]}" "${v2[@]}" "${x265[@]}" -pix_fmt yuv420p -tag:v hvc1 "${fast[@]}" hevc-main-hvc1.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x265[@]}" -pix_fmt yuv420p -tag:v hev1 "${fast[@]}" hevc-main-hev1.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x265[@]}" -pix_fmt yuv420p10le -tag:v hvc1 "${fast[@]}" hevc-main10-hvc1.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" "${x265[@]}" -pix_fmt yuv420p "${aac[@]}" "${mkv[@]}" hevc-aac.mkv

# AV1, VP9, VP8
ffmpeg "${q[@]}" "${v2[@]}" "${aom[@]}" -pix_fmt yuv420p "${fast[@]}" av1-8bit.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${aom[@]}" -pix_fmt yuv420p10le "${fast[@]}" av1-10bit.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" "${aom[@]}" -pix_fmt yuv420p -c:a libopus -b:a 16k "${mkv[@]}" av1-opus.webm
ffmpeg "${q[@]}" "${v2[@]}" "${vp9[@]}" -pix_fmt yuv420p "${fast[@]}" vp9-profile0.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${vp9[@]}" -pix_fmt yuv420p10le "${mkv[@]}" vp9-profile2-10bit.webm
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" "${vp9[@]}" -pix_fmt yuv420p -c:a libopus -b:a 16k "${mkv[@]}" vp9-opus.webm
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" -c:v libvpx -deadline good -cpu-used 5 -crf 50 -b:v 100k \
  -c:a libvorbis -q:a 0 "${mkv[@]}" vp8-vorbis.webm

# ProRes in QuickTime with PCM audio: 5 frames at a coarse quantiser, or 1 s of 160x120 HQ is 140 KB.
pr=(-f lavfi -t 1 -i testsrc2=size=160x120:rate=5 -f lavfi -t 1 -i sine=frequency=440:sample_rate=8000)
ffmpeg "${q[@]}" "${pr[@]}" "${av[@]}" -c:v prores_ks -profile:v 3 -q:v 31 -c:a pcm_s16le prores-hq-pcm.mov
ffmpeg "${q[@]}" "${pr[@]}" "${av[@]}" -c:v prores_ks -profile:v 0 -q:v 31 -c:a pcm_s16le prores-proxy-pcm.mov

# A phone held upright: 160x120 coded, turned 90 degrees by the tkhd matrix (ffprobe: rotation -90, 120x160 shown).
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" "${x264[@]}" -pix_fmt yuv420p "${aac[@]}" "${fast[@]}" "$tmp/upright.mp4"
python3 craft.py rotate90 "$tmp/upright.mp4" rotated-90.mp4

# Anamorphic: 160x120 coded with pixels 4:3 wide (213x120 shown). MP4 writes pasp 4:3; Matroska DisplayWidth 16,
# DisplayHeight 9 and DisplayUnit 3 (aspect ratio); WebM (no DisplayUnit there) DisplayWidth 213, DisplayHeight 120.
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -pix_fmt yuv420p -vf setsar=4/3 "${fast[@]}" anamorphic-sar4x3.mp4
ffmpeg "${q[@]}" "${v2[@]}" "${x264[@]}" -pix_fmt yuv420p -vf setsar=4/3 "${mkv[@]}" anamorphic-sar4x3.mkv
ffmpeg "${q[@]}" "${v2[@]}" "${vp9[@]}" -pix_fmt yuv420p -vf setsar=4/3 "${mkv[@]}" anamorphic-sar4x3.webm

# Fragmented MP4 (video + audio; a keyframe every 5 frames so there are several fragments).
fr=("${v2[@]}" "${a2[@]}" "${av[@]}" "${x264[@]}" -pix_fmt yuv420p -g 5 "${aac[@]}")
ffmpeg "${q[@]}" "${fr[@]}" -movflags frag_keyframe+empty_moov fmp4-empty-moov.mp4
ffmpeg "${q[@]}" "${fr[@]}" -movflags frag_keyframe+empty_moov+default_base_moof fmp4-default-base-moof.mp4
ffmpeg "${q[@]}" "${fr[@]}" -f mp4 -movflags cmaf fmp4-cmaf.mp4
ffmpeg "${q[@]}" "${fr[@]}" -f mp4 -movflags frag_keyframe+empty_moov - > fmp4-pipe.mp4
ffmpeg "${q[@]}" "${fr[@]}" -movflags dash fmp4-dash.mp4
ffmpeg "${q[@]}" "${fr[@]}" -movflags dash+global_sidx fmp4-dash-global-sidx.mp4

# Audio only, in MP4.
ffmpeg "${q[@]}" "${a2[@]}" "${aac[@]}" "${fast[@]}" audio-aac.mp4
ffmpeg "${q[@]}" "${a2_32k[@]}" -c:a ac3 -b:a 32k "${fast[@]}" audio-ac3.mp4
ffmpeg "${q[@]}" "${a2_32k[@]}" -c:a eac3 -b:a 32k "${fast[@]}" audio-eac3.mp4
ffmpeg "${q[@]}" "${a2[@]}" -c:a flac -strict -2 "${fast[@]}" audio-flac.mp4
ffmpeg "${q[@]}" "${a2[@]}" -c:a libopus -b:a 16k "${fast[@]}" audio-opus.mp4
ffmpeg "${q[@]}" "${a2[@]}" -c:a libmp3lame -b:a 24k "${fast[@]}" audio-mp3.mp4

# Matroska with an SRT subtitle track and an attachment (a stand-in "font": ffmpeg only needs the mimetype).
printf '1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:02,000\nWorld\n' > "$tmp/hello.srt"
printf 'not a real font, a corpus attachment\n' > "$tmp/corpus.ttf"
ffmpeg "${q[@]}" "${v2[@]}" -i "$tmp/hello.srt" -map 0:v -map 1:s "${x264[@]}" -pix_fmt yuv420p -c:s srt \
  -attach "$tmp/corpus.ttf" -metadata:s:t mimetype=application/x-truetype-font "${mkv[@]}" subtitle-attachment.mkv

# What a browser's MediaRecorder writes: no Duration, no Cues, a Segment of unknown size (written to a pipe).
# VP8 at -deadline good: in realtime mode libvpx adapts its speed to the clock, so a rerun gave other bytes.
ffmpeg "${q[@]}" "${v2[@]}" "${a2[@]}" "${av[@]}" -c:v libvpx -deadline good -cpu-used 5 -crf 50 -b:v 100k \
  -c:a libopus -b:a 16k "${mkv[@]}" -f webm - > webm-live-no-duration.webm

# Truncated: the first 60 % of a whole file.
python3 craft.py truncate vp9-opus.webm webm-truncated-60.webm 0.6
python3 craft.py truncate h264-high-aac.mp4 mp4-truncated-60.mp4 0.6

# A box before ftyp (chunk offsets moved by its size), and a QuickTime file without ftyp: wide, mdat, moov.
for kind in uuid free skip wide junk pdin; do
  python3 craft.py prepend "$kind" h264-high-aac.mp4 "first-box-$kind.mp4"
done
ffmpeg "${q[@]}" -i h264-high-aac.mp4 -map 0 -c copy -f mov "$tmp/qt.mov"
python3 craft.py drop-ftyp "$tmp/qt.mov" mov-no-ftyp.mov

# ffprobe's answer beside each file (for the truncated ones whatever it prints on stdout, errors go to stderr).
mkdir -p ffprobe
rm -f ffprobe/*.json
for f in *.mp4 *.mov *.mkv *.webm; do
  ffprobe -v error -show_format -show_streams -of json "$f" > "ffprobe/$f.json" || [[ $f == *truncated* ]]
done
