#!/usr/bin/env bash
# Runs the README's main job (scripts/demo) as a user would, until the story
# has shown a camera going offline and its alert arriving over MQTT, then
# presses Ctrl-C (SIGINT to its process group, as a terminal does) and checks
# that it stopped within 20 s and left no process and no files behind. (A
# terminal's Ctrl-C reaches the broker too, so the node's last "offline"
# may not make it to the screen; that is not checked.)
#   check_demo.sh SOURCE_DIR
set -euo pipefail
src=$1
log=$(mktemp /tmp/vc-demo-test.XXXXXX)
trap 'rm -f "$log"' EXIT
# Job control on: the demo gets its own process group (like a terminal's
# foreground job) and keeps SIGINT, which a plain `&` would have it ignore.
set -m
bash "$src/scripts/demo" >"$log" 2>&1 &
pid=$!
pgid=$pid
set +m
cleanup() { kill -KILL -- -"$pgid" 2>/dev/null || true; }
trap 'cleanup; rm -f "$log"' EXIT

wait_for() {  # text, seconds: polls the demo's output, as a person watching it would
  local deadline=$((SECONDS + $2))
  until grep -q -- "$1" "$log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "the demo did not show '$1' within $2 s; its output:"; cat "$log"; return 1
    fi
    sleep 0.5
  done
}
wait_for "villagecam-node run --config" 600   # first run: installs and builds
run_dir=$(sed -n 's/.*villagecam-node run --config \(.*\)\/villagecam.yaml.*/\1/p' "$log" | head -1)
wait_for "connecting -> online" 60
wait_for "unplugging the bridge camera" 60
wait_for "MQTT alert start  camera_offline" 30
wait_for "MQTT coverage" 30
wait_for "county console on http://127.0.0.1:" 5

# The county console shows the demo village beside the 20 simulated ones.
url=$(sed -n 's|.*county console on \(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$log" | head -1)
jar=$(mktemp /tmp/vc-demo-cookies.XXXXXX)
trap 'cleanup; rm -f "$log" "$jar"' EXIT
python3 - "$url" "$run_dir/console-password" <<'CHECK' || { echo "the demo's console is not right; its output:"; cat "$log"; exit 1; }
import http.cookiejar, json, sys, time, urllib.request
url, password_file = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
body = json.dumps({"name": "admin", "password": open(password_file).read().strip()}).encode()
opener.open(urllib.request.Request(url + "/api/login", body, {"Content-Type": "application/json"}))
deadline = time.time() + 30
while True:
    villages = json.load(opener.open(url + "/api/villages"))
    keys = [v["key"] for v in villages]
    if "demo-village" in keys and len(keys) == 21:
        break
    if time.time() > deadline:
        sys.exit("the console shows %s" % keys)
    time.sleep(0.5)
print("county console: 21 villages, the demo one among them")

# Live video on demand: the gate camera (H.264) plays as HLS; the square
# (H.265, which browsers cannot play) is refused in words.
def watch(camera):
    req = urllib.request.Request(url + "/api/live/demo-village/" + camera,
                                 json.dumps({"viewer": "demo-check-viewer"}).encode(), {"Content-Type": "application/json"})
    return json.load(opener.open(req))
deadline = time.time() + 30
while True:
    gate = watch("gate")
    if gate["phase"] == "playing" and gate["playlist"]:
        break
    if time.time() > deadline:
        sys.exit("live video of the gate camera: %s" % gate)
    time.sleep(0.5)
playlist = opener.open(url + gate["playlist"]).read().decode()
segment = [l for l in playlist.splitlines() if l.endswith(".ts")][0]
ts = opener.open(url + gate["playlist"].rsplit("/", 1)[0] + "/" + segment).read()
if len(ts) < 1000 or ts[0] != 0x47:
    sys.exit("the gate's live segment is not MPEG-TS")
deadline = time.time() + 15
while True:
    square = watch("square")
    if square["phase"] != "asking" or time.time() > deadline:
        break
    time.sleep(0.5)
if square["phase"] != "refused" or square["code"] != "unsupported_codec":
    sys.exit("the H.265 square camera is not refused in words: %s" % square)
print("county console: the gate camera plays live; the H.265 square is refused (unsupported_codec)")
CHECK

# Any camera plays from the node, re-served from its one connection.
restream=$(sed -n 's|.*re-served from the node.s one connection to it: \(rtsp://127.0.0.1:[0-9]*\)/.*|\1|p' "$log" | head -1)
probe=$(ffprobe -v error -rtsp_transport tcp -show_entries stream=codec_name -of csv=p=0 "$restream/gate" 2>&1) ||
  { echo "ffprobe could not play $restream/gate: $probe"; cat "$log"; exit 1; }
[ "$probe" = h264 ] || { echo "the re-served gate is not H.264: $probe"; exit 1; }

kill -INT -- -"$pgid"
deadline=$((SECONDS + 20))
while kill -0 "$pid" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "the demo still runs 20 s after Ctrl-C"; cat "$log"; exit 1; }
  sleep 0.2
done
sleep 0.5  # let the last children be reaped by init before looking
left=$(pgrep -f -- "$run_dir" || true)
if [ -n "$left" ]; then
  echo "processes left behind after Ctrl-C:"; ps -o pid,args -p $(tr '\n' ',' <<<"$left" | sed 's/,$//'); exit 1
fi
if [ -e "$run_dir" ]; then echo "the demo left $run_dir behind"; exit 1; fi
echo "demo: came up, showed the offline alert over MQTT and 21 villages on the county console, re-served the gate, stopped cleanly on Ctrl-C"
