// villagecam-test-cameras: RTSP test cameras for tests and the demo, on
// gst-rtsp-server, bound to 127.0.0.1 only.
//
//   villagecam-test-cameras [--port N] [--auth-port N] --camera SPEC [--camera SPEC ...]
//                           [--hang-port] [--garbage-port]
//   SPEC: NAME[,codec=h264|h265|mjpeg][,user=U,password=P][,size=WxH][,fps=N][,file=PATH]
//         [,start=midgop][,loss=PERCENT][,idle=SECONDS][,gop=SECONDS][,stamp=1]
//
// A camera with file=PATH serves that H.264 or H.265 elementary stream
// (Annex B, as codec= says), looped, at its frame rate, without encoding it
// again: real footage, and many cameras cost the server almost nothing
// (bench/node_bench uses it). cap, enter and leave need a synthetic camera.
// start=midgop (file cameras): every new session starts halfway between two
// key frames, as when a client joins a running camera; its first frames
// cannot be decoded. loss=PERCENT: that share of RTP packets is dropped on
// the way out (randomly, as on a lossy link), for every client.
// idle=SECONDS (file cameras): the camera loops only the clip's first
// SECONDS (which must end on a key frame) until told to `play`; then it plays
// the rest once, straight on from the idle part (no jump in the picture), and
// idles again. bench/detection_eval's cases are made that way: a normal view
// to take a baseline and settle on, then the case.
//
// stamp=1 (synthetic cameras): each frame carries the wall-clock time it
// left the camera's image pipeline (before encoding), as a code of 16x16
// blocks in its top left corner (FrameStamp below; bench/live_latency reads
// it back in the browser for the glass-to-glass latency).
//
// Cameras with a user and password are served on the auth port, the others on
// the RTSP port. Prints one line
// "READY rtsp_port=N auth_port=N [hang_port=N] [garbage_port=N]" when it
// listens, then obeys commands on stdin, one per line, answering "OK ..." or
// "ERR ...":
//   stop NAME    close the camera's sessions and unmount it (as if unplugged)
//   start NAME [at=S]  mount it again; with at=S (idle= cameras) the next
//                session sees the case from S seconds into it (S on a key
//                frame), as a camera unplugged while the case went on
//   freeze NAME  keep sessions open but send no more video (a hung encoder)
//   thaw NAME    send video again
//   still NAME   the picture stops but the encoder goes on encoding it (a hung
//                image pipeline): delta frames shrink to nothing, key frames
//                repeat the same picture
//   move NAME    the picture moves again
//   stutter NAME the camera sends one frame in four (an overloaded encoder):
//                the stream's timestamps step four frames at a time
//   smooth NAME  every frame again
//   cap NAME     put a lens cap on: the picture turns black
//   uncap NAME   take it off
//   enter NAME   an intruder appears in the lower right of the picture and
//                moves about there (a moving ball on a dark patch)
//   stand NAME   the intruder stands still where it is (a still, textured
//                patch in its place: the background model would learn it)
//   leave NAME   it goes away
//   play NAME    (idle= cameras) play the case after the idle part: answers
//                "OK play NAME in S", S the seconds until its first frame is
//                sent (the idle part's end), or ERR if nobody is watching
//   position NAME  (idle= cameras) "OK position NAME S": the case time of
//                the frame last sent, or "OK position NAME idle"
//   connections  how many RTSP connections each server has accepted
//   quit         exit (so does end of input)
// A hang port accepts TCP connections and never answers; a garbage port
// answers every connection with random bytes.
#include <arpa/inet.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <gst/video/video.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct CameraSpec {
  std::string name;
  std::string codec = "h264";
  std::string user;
  std::string password;
  int width = 640;
  int height = 360;
  int fps = 10;
  std::string file;  // a pre-encoded elementary stream to loop instead of encoding
  bool mid_gop = false;  // file cameras: sessions start halfway into a GOP
  double loss = 0;       // share of RTP packets dropped, 0..1
  double idle = 0;       // file cameras: seconds looped until `play`, 0: loop the whole clip
  double gop = 2;        // synthetic cameras: seconds from one key frame to the next
  bool stamp = false;    // synthetic cameras: the wall-clock time in every frame
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "villagecam-test-cameras: " << message << std::endl;
  std::exit(2);
}

// A looped clip: its access units (each key frame preceded by its parameter
// sets, so a client may join at any key frame) and their rate.
struct Clip {
  std::vector<GstBuffer*> units;  // owned for the life of the process
  GstCaps* caps = nullptr;
  GstClockTime frame_duration = 0;
};

std::map<std::string, Clip> g_clips;  // by file and codec

const Clip& loadClip(const CameraSpec& spec) {
  const std::string key = spec.codec + ":" + spec.file;
  if (auto it = g_clips.find(key); it != g_clips.end()) return it->second;
  const std::string parser = spec.codec == "h264" ? "h264parse" : "h265parse";
  // Length-prefixed with the parameter sets in the caps (avc / hvc1), as a
  // camera's encoder hands them over: the payloader announces them in the SDP
  // (sprop-parameter-sets), so a client joining between key frames can decode
  // at once, as it can with a real camera.
  const std::string caps = spec.codec == "h264" ? "video/x-h264,stream-format=avc" : "video/x-h265,stream-format=hvc1";
  GError* error = nullptr;
  gchar* location = g_strescape(spec.file.c_str(), nullptr);
  const std::string line = "filesrc location=\"" + std::string(location) + "\" ! " + parser +
                           " config-interval=-1 ! " + caps +
                           ",alignment=au ! appsink name=sink sync=false";
  g_free(location);
  GstElement* pipeline = gst_parse_launch(line.c_str(), &error);
  if (!pipeline) die("cannot read " + spec.file + ": " + (error ? error->message : "?"));
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  Clip clip;
  while (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    if (!clip.caps) clip.caps = gst_caps_copy(gst_sample_get_caps(sample));
    clip.units.push_back(gst_buffer_ref(gst_sample_get_buffer(sample)));
    gst_sample_unref(sample);
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  if (GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    GError* e = nullptr;
    gst_message_parse_error(m, &e, nullptr);
    die("cannot read " + spec.file + ": " + (e ? e->message : "?"));
  }
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (clip.units.empty()) die(spec.file + ": no " + spec.codec + " frames in it");
  gint num = 0, den = 1;
  gst_structure_get_fraction(gst_caps_get_structure(clip.caps, 0), "framerate", &num, &den);
  if (num <= 0) num = spec.fps, den = 1;
  clip.frame_duration = gst_util_uint64_scale_int(GST_SECOND, den, num);
  return g_clips.emplace(key, std::move(clip)).first->second;
}

// Plays a clip into one media's appsrc at the clip's rate, stamped with the
// pipeline's running time, like a live camera: frames made before the media
// plays are not sent; a new media starts at the clip's first key frame.
class ClipFeeder {
 public:
  // `case_from`: play the case from that unit after the idle part at once.
  ClipFeeder(const Clip& clip, GstElement* appsrc, bool mid_gop, std::size_t idle_units,
             std::optional<std::size_t> case_from = std::nullopt)
      : clip_(clip),
        appsrc_(GST_ELEMENT(gst_object_ref(appsrc))),
        start_(case_from ? std::min(idle_units + *case_from, clip.units.size() - 1) : mid_gop ? midGop(clip) : 0),
        idle_units_(idle_units),
        playing_(case_from.has_value()) {
    gst_app_src_set_caps(GST_APP_SRC(appsrc_), clip_.caps);
    thread_ = std::thread([this] { run(); });
  }
  ~ClipFeeder() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    gst_object_unref(appsrc_);
  }
  ClipFeeder(const ClipFeeder&) = delete;
  ClipFeeder& operator=(const ClipFeeder&) = delete;

  // Idle cameras: play the rest of the clip once the idle part ends. Returns
  // the time until the rest's first frame is sent (nullopt: not idling).
  std::optional<std::chrono::nanoseconds> play() {
    std::lock_guard lock(mutex_);
    if (idle_units_ == 0 || playing_ || index_ >= idle_units_) return std::nullopt;
    playing_ = true;
    const auto period = std::chrono::nanoseconds(clip_.frame_duration);
    // Frame index_ goes out at next_; the rest's first at next_ + (idle - index_) periods.
    return next_ + period * static_cast<long>(idle_units_ - index_) - std::chrono::steady_clock::now();
  }

  // Idle cameras: the case time of the unit last sent (nullopt: idling).
  std::optional<double> position() {
    std::lock_guard lock(mutex_);
    if (!playing_ || index_ <= idle_units_ || index_ == start_) return std::nullopt;
    return static_cast<double>(index_ - 1 - idle_units_) * static_cast<double>(clip_.frame_duration) / GST_SECOND;
  }

 private:
  void run() {
    const auto period = std::chrono::nanoseconds(clip_.frame_duration);
    std::unique_lock lock(mutex_);
    next_ = std::chrono::steady_clock::now();
    index_ = start_;
    while (!wake_.wait_until(lock, next_, [this] { return stopping_; })) {
      next_ += period;
      GstClock* clock = gst_element_get_clock(appsrc_);
      if (!clock) continue;  // not playing yet: this frame is not seen by anyone
      const GstClockTime now = gst_clock_get_time(clock) - gst_element_get_base_time(appsrc_);
      gst_object_unref(clock);
      GstBuffer* unit = gst_buffer_copy(clip_.units[index_]);  // shares the memory, own timestamps
      GST_BUFFER_PTS(unit) = GST_BUFFER_DTS(unit) = now;
      GST_BUFFER_DURATION(unit) = clip_.frame_duration;
      index_ = nextIndex();
      gst_app_src_push_buffer(GST_APP_SRC(appsrc_), unit);
    }
  }

  std::size_t nextIndex() {
    const std::size_t next = index_ + 1;
    if (idle_units_ > 0 && next == idle_units_ && !playing_) return 0;  // idle: loop the first part
    if (next < clip_.units.size()) return next;
    playing_ = false;
    return 0;
  }

  // Halfway between the clip's first two key frames (or into its only GOP).
  static std::size_t midGop(const Clip& clip) {
    std::vector<std::size_t> keys;
    for (std::size_t i = 0; i < clip.units.size() && keys.size() < 2; ++i) {
      if (!GST_BUFFER_FLAG_IS_SET(clip.units[i], GST_BUFFER_FLAG_DELTA_UNIT)) keys.push_back(i);
    }
    const std::size_t first = keys.empty() ? 0 : keys[0];
    const std::size_t next = keys.size() > 1 ? keys[1] : clip.units.size();
    return first + (next - first) / 2;
  }

  const Clip& clip_;
  GstElement* appsrc_;
  const std::size_t start_;
  const std::size_t idle_units_;  // 0: loop the whole clip
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool playing_ = false;  // idle cameras: the rest of the clip is playing or asked for
  std::size_t index_ = 0;  // the next unit to send
  std::chrono::steady_clock::time_point next_;  // when it goes out
  std::thread thread_;
};

// A picture held while a synthetic camera is "still": every frame that
// reaches the encoder is replaced by a copy of the first one held.
struct HeldPicture {
  std::atomic<bool> still{false};
  std::atomic<bool> stutter{false};  // pass one frame in four
  std::atomic<unsigned> frames{0};
  std::mutex mutex;
  GstBuffer* held = nullptr;  // guarded by mutex

  void release() {
    std::lock_guard lock(mutex);
    if (held) gst_buffer_unref(held);
    held = nullptr;
  }
};

GstPadProbeReturn holdPicture(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* hold = static_cast<HeldPicture*>(data);
  if (hold->stutter && hold->frames++ % 4 != 0) return GST_PAD_PROBE_DROP;
  if (!hold->still) return GST_PAD_PROBE_OK;
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  std::lock_guard lock(hold->mutex);
  if (!hold->held) {
    hold->held = gst_buffer_copy_deep(buffer);
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* copy = gst_buffer_copy(hold->held);  // the same picture, this frame's times
  GST_BUFFER_PTS(copy) = GST_BUFFER_PTS(buffer);
  GST_BUFFER_DTS(copy) = GST_BUFFER_DTS(buffer);
  GST_BUFFER_DURATION(copy) = GST_BUFFER_DURATION(buffer);
  gst_buffer_unref(buffer);
  GST_PAD_PROBE_INFO_DATA(info) = copy;
  return GST_PAD_PROBE_OK;
}

// The frame's wall-clock time (ms since the epoch, 44 bits) as 48 blocks of
// 16x16 pixels, two rows of 24 from the top left, white (Y 235) for 1 and
// black (16) for 0, colourless: a white and a black block, the 44 bits most
// significant first, then the parity of each half. Blocks this large survive
// any encoder's quantiser; bench/live_latency.mjs decodes them.
constexpr int kStampBlock = 16, kStampColumns = 24, kStampBits = 44;

GstPadProbeReturn stampFrame(GstPad* pad, GstPadProbeInfo* info, gpointer) {
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  GstCaps* caps = gst_pad_get_current_caps(pad);
  GstVideoInfo video;
  const bool known = caps && gst_video_info_from_caps(&video, caps);
  if (caps) gst_caps_unref(caps);
  if (!known || GST_VIDEO_INFO_WIDTH(&video) < kStampBlock * kStampColumns ||
      GST_VIDEO_INFO_HEIGHT(&video) < 2 * kStampBlock) {
    return GST_PAD_PROBE_OK;
  }
  const auto ms = static_cast<std::uint64_t>(g_get_real_time() / 1000) & ((std::uint64_t{1} << kStampBits) - 1);
  std::vector<bool> bits{true, false};
  for (int i = kStampBits - 1; i >= 0; --i) bits.push_back((ms >> i) & 1);
  for (int half = 0; half < 2; ++half) {
    bool parity = false;
    for (int i = 0; i < kStampBits / 2; ++i) parity ^= bits[2 + half * kStampBits / 2 + i];
    bits.push_back(parity);
  }
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &video, buffer, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
  for (std::size_t b = 0; b < bits.size(); ++b) {
    const int x0 = static_cast<int>(b % kStampColumns) * kStampBlock, y0 = static_cast<int>(b / kStampColumns) * kStampBlock;
    for (int plane = 0; plane < 3; ++plane) {
      const int shift = plane == 0 ? 0 : 1;  // I420: chroma at half size
      auto* data = static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, plane));
      const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, plane);
      const guint8 value = plane == 0 ? (bits[b] ? 235 : 16) : 128;
      for (int y = y0 >> shift; y < (y0 + kStampBlock) >> shift; ++y) {
        std::memset(data + y * stride + (x0 >> shift), value, kStampBlock >> shift);
      }
    }
  }
  gst_video_frame_unmap(&frame);
  return GST_PAD_PROBE_OK;
}

struct Camera {
  CameraSpec spec;
  std::unique_ptr<HeldPicture> hold = std::make_unique<HeldPicture>();
  bool frozen = false;
  bool capped = false;  // lens cap on: a black picture
  bool intruder = false;  // something moving in the lower right
  bool standing = false;  // ...or standing still there
  std::vector<GstRTSPMedia*> media;  // borrowed: dropped on "unprepared"
  std::map<GstRTSPMedia*, std::unique_ptr<ClipFeeder>> feeders;  // file cameras: one per media
  std::optional<double> case_at;  // idle= cameras: the next media plays the case from here (seconds)
};

// Cameras with credentials are served by a second server whose auth has no
// default token, so a request without credentials is challenged (401) rather
// than told the path does not exist (404), as a real camera does.
struct Server {
  GstRTSPServer* server = nullptr;       // open cameras
  GstRTSPServer* auth_server = nullptr;  // cameras with credentials
  GstRTSPMountPoints* mounts = nullptr;
  GstRTSPMountPoints* auth_mounts = nullptr;
  GMainLoop* loop = nullptr;
  std::map<std::string, Camera> cameras;
  int connections = 0;       // RTSP connections accepted by the open server
  int auth_connections = 0;  // and by the auth server
};

Server g_server;


CameraSpec parseSpec(const std::string& text) {
  CameraSpec spec;
  std::stringstream in(text);
  std::string part;
  std::getline(in, spec.name, ',');
  if (spec.name.empty()) die("camera spec without a name: " + text);
  while (std::getline(in, part, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) die("bad camera option '" + part + "'");
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "codec") {
      spec.codec = value;
    } else if (key == "user") {
      spec.user = value;
    } else if (key == "password") {
      spec.password = value;
    } else if (key == "size") {
      if (std::sscanf(value.c_str(), "%dx%d", &spec.width, &spec.height) != 2) die("bad size " + value);
    } else if (key == "fps") {
      spec.fps = std::stoi(value);
    } else if (key == "file") {
      spec.file = value;
    } else if (key == "start" && value == "midgop") {
      spec.mid_gop = true;
    } else if (key == "idle") {
      spec.idle = std::stod(value);
      if (spec.idle <= 0) die("idle is a number of seconds above 0: " + value);
    } else if (key == "stamp") {
      spec.stamp = value == "1";
    } else if (key == "gop") {
      spec.gop = std::stod(value);
      if (spec.gop <= 0) die("gop is a number of seconds above 0: " + value);
    } else if (key == "loss") {
      spec.loss = std::stod(value) / 100.0;
      if (spec.loss < 0 || spec.loss >= 1) die("loss is a percentage below 100: " + value);
    } else {
      die("unknown camera option '" + key + "'");
    }
  }
  if (spec.codec != "h264" && spec.codec != "h265" && spec.codec != "mjpeg") die("unknown codec " + spec.codec);
  if (!spec.file.empty() && spec.codec == "mjpeg") die("file= takes an H.264 or H.265 elementary stream");
  if (spec.idle > 0 && spec.file.empty()) die(spec.name + ": idle= needs a file= camera");
  return spec;
}

// The units an idle= camera loops: its first `idle` seconds, which must end
// where a key frame starts (so the loop and the rest both start cleanly).
std::size_t idleUnits(const CameraSpec& spec) {
  if (spec.idle <= 0) return 0;
  const Clip& clip = loadClip(spec);
  const auto units = static_cast<std::size_t>(std::llround(spec.idle * GST_SECOND / clip.frame_duration));
  if (units == 0 || units >= clip.units.size()) die(spec.name + ": idle= must be shorter than the clip");
  if (GST_BUFFER_FLAG_IS_SET(clip.units[units], GST_BUFFER_FLAG_DELTA_UNIT)) {
    die(spec.name + ": idle=" + std::to_string(spec.idle) + " s does not end on a key frame of " + spec.file);
  }
  return units;
}

std::string fileLaunchLine(const CameraSpec& s) {
  const std::string pay = s.codec == "h264" ? "rtph264pay" : "rtph265pay";
  return "( appsrc name=src is-live=true format=time ! valve name=valve drop=false ! " + pay +
         " name=pay0 pt=96 config-interval=-1 )";
}

std::string launchLine(const CameraSpec& s) {
  if (!s.file.empty()) return fileLaunchLine(s);
  std::ostringstream out;
  // A textured scene (colour bars) with sensor-like noise and a ball moving
  // in the upper left corner: live content that view-quality checks can
  // baseline and motion outside any lower-right zone. The intruder (sink_3)
  // waits, invisible, in the lower right.
  // The layers are made as fast as the compositor takes them, and one
  // clocksync paces what it makes: a live source late on a loaded machine
  // would be left out of a frame by a live compositor, and a key frame
  // without the noise layer keeps its GOP without texture where the noise
  // was (a false "occluded" on a good view). No layer is ever left out.
  out << "( compositor name=mix background=black sink_2::alpha=0.06 sink_3::alpha=0 sink_3::xpos=" << s.width * 5 / 8
      << " sink_3::ypos=" << s.height * 5 / 8 << " sink_4::alpha=0 sink_4::xpos=" << s.width * 5 / 8
      << " sink_4::ypos=" << s.height * 5 / 8 << " ! video/x-raw,format=I420,width=" << s.width
      << ",height=" << s.height << ",framerate=" << s.fps << "/1 ! clocksync ! videobalance name=cap ! valve name=valve drop=false ! ";
  const int gop = std::max(1, static_cast<int>(std::lround(s.fps * s.gop)));
  // Constant quantiser, as most IP cameras' VBR mode: a picture that stops
  // moving collapses the delta frames to a few bytes while key frames keep
  // re-encoding it (the frozen-but-encoding class the node must see).
  if (s.codec == "h264") {
    out << "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=" << gop
        << " pass=quant quantizer=28 ! rtph264pay name=pay0 pt=96 config-interval=-1";
  } else if (s.codec == "h265") {
    out << "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=" << gop
        << " qp=28 ! rtph265pay name=pay0 pt=96 config-interval=-1";
  } else {
    out << "jpegenc quality=60 ! rtpjpegpay name=pay0 pt=26";
  }
  const std::string size = ",width=" + std::to_string(s.width) + ",height=" + std::to_string(s.height);
  const std::string rate = ",framerate=" + std::to_string(s.fps) + "/1";
  out << " videotestsrc is-live=false pattern=smpte ! video/x-raw,format=I420" << size << rate << " ! mix.sink_0";
  out << " videotestsrc is-live=false pattern=ball ! video/x-raw,format=I420,width=" << s.width / 4
      << ",height=" << s.height / 4 << rate << " ! mix.sink_1";
  out << " videotestsrc is-live=false pattern=snow ! video/x-raw,format=I420" << size << rate << " ! mix.sink_2";
  out << " videotestsrc is-live=false pattern=ball motion=sweep ! video/x-raw,format=I420,width=" << s.width / 4
      << ",height=" << s.height / 4 << rate << " ! mix.sink_3";
  out << " videotestsrc is-live=false pattern=smpte ! video/x-raw,format=I420,width=" << s.width / 4
      << ",height=" << s.height / 4 << rate << " ! mix.sink_4";
  out << " )";
  return out.str();
}

void setValves(Camera& cam) {
  for (GstRTSPMedia* media : cam.media) {
    GstElement* bin = gst_rtsp_media_get_element(media);
    if (!bin) continue;
    if (GstElement* valve = gst_bin_get_by_name(GST_BIN(bin), "valve")) {
      g_object_set(valve, "drop", cam.frozen ? TRUE : FALSE, nullptr);
      gst_object_unref(valve);
    }
    if (GstElement* cap = gst_bin_get_by_name(GST_BIN(bin), "cap")) {
      // A lens cap: no light at all.
      g_object_set(cap, "contrast", cam.capped ? 0.0 : 1.0, "brightness", cam.capped ? -1.0 : 0.0, "saturation",
                   cam.capped ? 0.0 : 1.0, nullptr);
      gst_object_unref(cap);
    }
    if (GstElement* mix = gst_bin_get_by_name(GST_BIN(bin), "mix")) {
      if (GstPad* pad = gst_element_get_static_pad(mix, "sink_3")) {
        g_object_set(pad, "alpha", cam.intruder && !cam.standing ? 1.0 : 0.0, nullptr);
        gst_object_unref(pad);
      }
      if (GstPad* pad = gst_element_get_static_pad(mix, "sink_4")) {
        g_object_set(pad, "alpha", cam.intruder && cam.standing ? 1.0 : 0.0, nullptr);
        gst_object_unref(pad);
      }
      gst_object_unref(mix);
    }
    gst_object_unref(bin);
  }
}

// Drops a share of the RTP packets leaving a payloader, like a lossy link.
struct PacketLoss {
  double share;
  std::mt19937 rng{7};
  bool lose() { return std::uniform_real_distribution<double>(0, 1)(rng) < share; }
};

GstPadProbeReturn losePackets(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* loss = static_cast<PacketLoss*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
    return loss->lose() ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
  }
  GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
  GST_PAD_PROBE_INFO_DATA(info) = list;
  for (guint i = gst_buffer_list_length(list); i-- > 0;) {
    if (loss->lose()) gst_buffer_list_remove(list, i, 1);
  }
  return gst_buffer_list_length(list) == 0 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

void addPacketLoss(GstRTSPMedia* media, double share) {
  GstElement* bin = gst_rtsp_media_get_element(media);
  if (GstElement* pay = gst_bin_get_by_name(GST_BIN(bin), "pay0")) {
    GstPad* src = gst_element_get_static_pad(pay, "src");
    gst_pad_add_probe(src, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                      losePackets, new PacketLoss{share}, [](gpointer p) { delete static_cast<PacketLoss*>(p); });
    gst_object_unref(src);
    gst_object_unref(pay);
  }
  gst_object_unref(bin);
}

void onMediaUnprepared(GstRTSPMedia* media, gpointer name) {
  auto& cam = g_server.cameras[static_cast<const char*>(name)];
  std::erase(cam.media, media);
  cam.feeders.erase(media);
}

void onMediaConfigure(GstRTSPMediaFactory*, GstRTSPMedia* media, gpointer name) {
  auto& cam = g_server.cameras[static_cast<const char*>(name)];
  cam.media.push_back(media);
  if (!cam.spec.file.empty()) {
    GstElement* bin = gst_rtsp_media_get_element(media);
    GstElement* src = gst_bin_get_by_name(GST_BIN(bin), "src");
    const Clip& clip = loadClip(cam.spec);
    std::optional<std::size_t> case_from;
    if (cam.case_at) {
      case_from = static_cast<std::size_t>(std::llround(*cam.case_at * GST_SECOND / clip.frame_duration));
      cam.case_at.reset();
    }
    cam.feeders[media] = std::make_unique<ClipFeeder>(clip, src, cam.spec.mid_gop, idleUnits(cam.spec), case_from);
    gst_object_unref(src);
    gst_object_unref(bin);
  }
  if (cam.spec.loss > 0) addPacketLoss(media, cam.spec.loss);
  if (cam.spec.file.empty()) {
    GstElement* bin = gst_rtsp_media_get_element(media);
    if (GstElement* cap = gst_bin_get_by_name(GST_BIN(bin), "cap")) {
      GstPad* src = gst_element_get_static_pad(cap, "src");
      gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, holdPicture, cam.hold.get(), nullptr);
      if (cam.spec.stamp) gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, stampFrame, nullptr, nullptr);
      gst_object_unref(src);
      gst_object_unref(cap);
    }
    gst_object_unref(bin);
  }
  g_signal_connect(media, "unprepared", G_CALLBACK(onMediaUnprepared), name);
  setValves(cam);
}

void mount(Camera& cam) {
  GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
  gst_rtsp_media_factory_set_launch(factory, launchLine(cam.spec).c_str());
  gst_rtsp_media_factory_set_shared(factory, TRUE);
  const bool with_auth = !cam.spec.user.empty();
  const std::string role = with_auth ? "user-" + cam.spec.name : "anonymous";
  gst_rtsp_media_factory_add_role(factory, role.c_str(), GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
                                  GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, nullptr);
  // The name string lives as long as the map entry, which outlives the server.
  g_signal_connect(factory, "media-configure", G_CALLBACK(onMediaConfigure),
                   const_cast<char*>(g_server.cameras.find(cam.spec.name)->first.c_str()));
  gst_rtsp_mount_points_add_factory(with_auth ? g_server.auth_mounts : g_server.mounts,
                                    ("/" + cam.spec.name).c_str(), factory);
}

struct KickContext {
  std::string path;
  bool found = false;
};

GstRTSPFilterResult matchMedia(GstRTSPSession*, GstRTSPSessionMedia* sm, gpointer data) {
  auto* ctx = static_cast<KickContext*>(data);
  gint matched = 0;
  if (gst_rtsp_session_media_matches(sm, ctx->path.c_str(), &matched) &&
      matched == static_cast<gint>(ctx->path.size())) {
    ctx->found = true;
  }
  return GST_RTSP_FILTER_KEEP;
}

GstRTSPFilterResult matchSession(GstRTSPClient*, GstRTSPSession* session, gpointer data) {
  gst_rtsp_session_filter(session, matchMedia, data);
  return GST_RTSP_FILTER_KEEP;
}

GstRTSPFilterResult kickClient(GstRTSPServer*, GstRTSPClient* client, gpointer data) {
  auto* ctx = static_cast<KickContext*>(data);
  ctx->found = false;
  gst_rtsp_client_session_filter(client, matchSession, data);
  return ctx->found ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
}

std::string command(const std::string& line) {
  std::istringstream in(line);
  std::string verb, name;
  in >> verb >> name;
  if (verb == "quit") {
    g_main_loop_quit(g_server.loop);
    return "OK quit";
  }
  if (verb == "connections") {
    return "OK connections rtsp=" + std::to_string(g_server.connections) +
           " auth=" + std::to_string(g_server.auth_connections);
  }
  auto it = g_server.cameras.find(name);
  if (it == g_server.cameras.end()) return "ERR no camera '" + name + "'";
  Camera& cam = it->second;
  const std::string path = "/" + name;
  if (verb == "stop") {
    const bool with_auth = !cam.spec.user.empty();
    gst_rtsp_mount_points_remove_factory(with_auth ? g_server.auth_mounts : g_server.mounts, path.c_str());
    KickContext ctx{path};
    gst_rtsp_server_client_filter(with_auth ? g_server.auth_server : g_server.server, kickClient, &ctx);
  } else if (verb == "start") {
    std::string at;
    in >> at;
    if (!at.empty()) {
      if (at.rfind("at=", 0) != 0 || cam.spec.idle <= 0) return "ERR start NAME at=SECONDS, for an idle= camera";
      cam.case_at = std::stod(at.substr(3));
    }
    mount(cam);
  } else if (verb == "position") {
    if (cam.spec.idle <= 0) return "ERR position needs an idle= camera";
    if (cam.feeders.empty()) return "ERR " + name + ": nobody is watching";
    const auto at = cam.feeders.begin()->second->position();
    if (!at) return "OK position " + name + " idle";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", *at);
    return "OK position " + name + " " + seconds;
  } else if (verb == "freeze" || verb == "thaw") {
    cam.frozen = verb == "freeze";
    setValves(cam);
  } else if (verb == "still" || verb == "move") {
    if (!cam.spec.file.empty()) return "ERR still needs a synthetic camera";
    cam.hold->release();
    cam.hold->still = verb == "still";
  } else if (verb == "stutter" || verb == "smooth") {
    if (!cam.spec.file.empty()) return "ERR stutter needs a synthetic camera";
    cam.hold->stutter = verb == "stutter";
  } else if (verb == "cap" || verb == "uncap") {
    cam.capped = verb == "cap";
    setValves(cam);
  } else if (verb == "enter" || verb == "leave" || verb == "stand") {
    cam.intruder = verb != "leave";
    cam.standing = verb == "stand";
    setValves(cam);
  } else if (verb == "play") {
    if (cam.spec.idle <= 0) return "ERR play needs an idle= camera";
    std::optional<std::chrono::nanoseconds> until;
    for (auto& [media, feeder] : cam.feeders) {
      if (auto t = feeder->play(); t && (!until || *t < *until)) until = t;
    }
    if (!until) return "ERR " + name + ": nobody is watching, or it is already playing";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", std::chrono::duration<double>(*until).count());
    return "OK play " + name + " in " + seconds;
  } else {
    return "ERR unknown command '" + verb + "'";
  }
  return "OK " + verb + " " + name;
}

gboolean runCommand(gpointer data) {
  std::unique_ptr<std::string> line(static_cast<std::string*>(data));
  std::cout << command(*line) << std::endl;
  return G_SOURCE_REMOVE;
}

int listenLoopback() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    die(std::string("cannot listen: ") + std::strerror(errno));
  }
  return fd;
}

int portOf(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

// Accepts and holds every connection, saying nothing: a camera hung in connect.
void hangForever(int listener) {
  std::vector<int> held;
  while (true) {
    const int c = ::accept(listener, nullptr, nullptr);
    if (c >= 0) held.push_back(c);
  }
}

// Answers every connection with random bytes, then keeps it open.
void answerGarbage(int listener) {
  std::mt19937 rng(42);
  std::vector<int> held;
  while (true) {
    const int c = ::accept(listener, nullptr, nullptr);
    if (c < 0) continue;
    std::string junk(4096, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    (void)!::write(c, junk.data(), junk.size());
    held.push_back(c);
  }
}

void onClientConnected(GstRTSPServer*, GstRTSPClient*, gpointer counter) { ++*static_cast<int*>(counter); }

GstRTSPServer* newServer(int port, bool with_auth) {
  GstRTSPServer* server = gst_rtsp_server_new();
  gst_rtsp_server_set_address(server, "127.0.0.1");
  gst_rtsp_server_set_service(server, std::to_string(port).c_str());
  GstRTSPAuth* auth = gst_rtsp_auth_new();
  if (!with_auth) {
    GstRTSPToken* anonymous =
        gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, "anonymous", nullptr);
    gst_rtsp_auth_set_default_token(auth, anonymous);
    gst_rtsp_token_unref(anonymous);
  }
  gst_rtsp_server_set_auth(server, auth);
  g_object_unref(auth);
  // The pool defaults to one thread: many clients connecting at once (a node
  // with thirty cameras, baselines in parallel) would queue behind each other.
  GstRTSPThreadPool* pool = gst_rtsp_server_get_thread_pool(server);
  gst_rtsp_thread_pool_set_max_threads(pool, 16);
  g_object_unref(pool);
  g_signal_connect(server, "client-connected", G_CALLBACK(onClientConnected),
                   with_auth ? &g_server.auth_connections : &g_server.connections);
  return server;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int port = 0, auth_port = 0;
  bool hang = false, garbage = false;
  std::vector<CameraSpec> specs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      port = std::stoi(argv[++i]);
    } else if (arg == "--auth-port" && i + 1 < argc) {
      auth_port = std::stoi(argv[++i]);
    } else if (arg == "--camera" && i + 1 < argc) {
      specs.push_back(parseSpec(argv[++i]));
    } else if (arg == "--hang-port") {
      hang = true;
    } else if (arg == "--garbage-port") {
      garbage = true;
    } else {
      die("unknown argument '" + arg + "' (see the comment at the top of test_camera_server.cpp)");
    }
  }

  g_server.loop = g_main_loop_new(nullptr, FALSE);
  g_server.server = newServer(port, /*with_auth=*/false);
  g_server.mounts = gst_rtsp_server_get_mount_points(g_server.server);
  g_server.auth_server = newServer(auth_port, /*with_auth=*/true);
  g_server.auth_mounts = gst_rtsp_server_get_mount_points(g_server.auth_server);

  GstRTSPAuth* auth = gst_rtsp_server_get_auth(g_server.auth_server);
  for (const auto& spec : specs) {
    g_server.cameras[spec.name].spec = spec;
    if (spec.user.empty()) continue;
    const std::string role = "user-" + spec.name;
    GstRTSPToken* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, role.c_str(), nullptr);
    gchar* basic = gst_rtsp_auth_make_basic(spec.user.c_str(), spec.password.c_str());
    gst_rtsp_auth_add_basic(auth, basic, token);
    g_free(basic);
    gst_rtsp_token_unref(token);
  }
  g_object_unref(auth);
  for (auto& [name, cam] : g_server.cameras) {
    if (!cam.spec.file.empty()) idleUnits(cam.spec), loadClip(cam.spec);  // a bad file or idle= is named before READY
    mount(cam);
  }

  if (gst_rtsp_server_attach(g_server.server, nullptr) == 0) die("cannot listen on 127.0.0.1:" + std::to_string(port));
  if (gst_rtsp_server_attach(g_server.auth_server, nullptr) == 0) die("cannot listen for the auth server");
  std::ostringstream ready;
  ready << "READY rtsp_port=" << gst_rtsp_server_get_bound_port(g_server.server)
        << " auth_port=" << gst_rtsp_server_get_bound_port(g_server.auth_server);
  if (hang) {
    const int fd = listenLoopback();
    ready << " hang_port=" << portOf(fd);
    std::thread(hangForever, fd).detach();
  }
  if (garbage) {
    const int fd = listenLoopback();
    ready << " garbage_port=" << portOf(fd);
    std::thread(answerGarbage, fd).detach();
  }
  std::cout << ready.str() << std::endl;

  std::thread([] {
    std::string line;
    while (std::getline(std::cin, line)) g_idle_add(runCommand, new std::string(line));
    g_idle_add(runCommand, new std::string("quit"));
  }).detach();

  g_main_loop_run(g_server.loop);
  std::_Exit(0);  // detached threads block in accept(); leave without unwinding them
}
