#!/bin/bash
# Encodes Debian's opencv-doc clip vtest.avi (people walking, 768x576 at 10 fps)
# as an IP camera's main stream would send it, for the test camera server's
# file= cameras: 720p25 H.264 main profile at 2 Mbit/s and 1080p25 H.265 at
# 4 Mbit/s, a key frame every 2 s, with a faint sensor-noise layer (a real
# sensor never repeats a frame exactly, even when vtest's 10 fps is stretched
# to 25). Files already made are kept.
#
#   bench/make_footage.sh OUT_DIR [SECONDS]     (default 30 s of footage)
set -euo pipefail
out=${1:?usage: make_footage.sh OUT_DIR [SECONDS]}
seconds=${2:-30}
src=/usr/share/doc/opencv-doc/examples/data/vtest.avi
[[ -r $src ]] || { echo "make_footage: $src is missing (apt-get install opencv-doc)" >&2; exit 1; }
mkdir -p "$out"
frames=$((seconds * 25))

encode() {  # NAME WIDTH HEIGHT ENCODER...
  local name=$1 w=$2 h=$3; shift 3
  local file="$out/$name"
  [[ -s $file ]] && return 0
  gst-launch-1.0 -q compositor name=mix sink_1::alpha=0.05 \
      ! "video/x-raw,format=I420,width=$w,height=$h,framerate=25/1" ! "$@" ! filesink location="$file.part" \
    filesrc location="$src" ! decodebin ! videoconvert ! videoscale ! videorate \
      ! "video/x-raw,format=I420,width=$w,height=$h,framerate=25/1" ! identity eos-after=$frames ! mix.sink_0 \
    videotestsrc pattern=snow num-buffers=$frames ! "video/x-raw,format=I420,width=$w,height=$h,framerate=25/1" \
      ! mix.sink_1
  mv "$file.part" "$file"
  echo "make_footage: $file ($(($(stat -c %s "$file") / 1024)) KiB, $seconds s)"
}

encode vtest-720p25.h264 1280 720 \
  x264enc bitrate=2048 key-int-max=50 speed-preset=faster ! video/x-h264,profile=main,stream-format=byte-stream
encode vtest-1080p25.h265 1920 1080 \
  x265enc bitrate=4096 key-int-max=50 speed-preset=ultrafast ! video/x-h265,stream-format=byte-stream
