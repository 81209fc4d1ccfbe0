// Typed configuration of a villagecam node. Built once by loadConfig() from
// YAML; everything after that reads these structs, never YAML.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/rtsp_url.hpp"
#include "i18n/language.hpp"
#include "util/log_level.hpp"
#include "util/weekly_schedule.hpp"

namespace villagecam::config {

using Seconds = std::chrono::duration<double>;

enum class Transport { Auto, Tcp, Udp };

// Which RTSP client reads a camera: GStreamer's rtspsrc, FFmpeg's demuxer
// (libavformat; one thread a camera, no jitter buffer), or auto: the
// demuxer for streams nobody decodes every frame of (analysis modes
// keyframes and health, main streams re-served) over plain rtsp://, rtspsrc
// for the rest (full decoding, rtsps:// whose certificate it verifies).
enum class RtspClient { Auto, Gstreamer, Ffmpeg };

const char* toString(Transport t);
const char* toString(RtspClient c);

struct Credentials {
  std::string username;
  std::string password;  // secret: never logged, never published
  bool operator==(const Credentials&) const = default;
};

// How much of a camera's stream is decoded (docs/performance.md):
//   health     nothing: depayload and parse only (timing, bitrate, GOP, stalls)
//   keyframes  key frames only (delta units dropped before the decoder):
//              enough for view quality and coverage
//   full       every frame: needed for motion and zones
enum class AnalysisMode { Health, Keyframes, Full };
const char* toString(AnalysisMode m);

struct AnalysisConfig {
  AnalysisMode mode = AnalysisMode::Full;
  double fps = 2.0;  // frames per second handed to analysis
  int width = 640;
  int height = 360;
  bool operator==(const AnalysisConfig&) const = default;
};

// A polygon in normalised coordinates: x and y from 0 to 1 of the picture.
struct Point {
  double x = 0;
  double y = 0;
  bool operator==(const Point&) const = default;
};
using Polygon = std::vector<Point>;

enum class ZoneKind { Motion, Intrusion };
const char* toString(ZoneKind k);

struct ZoneConfig {
  std::string id;  // unique on its camera
  std::string name;
  ZoneKind kind = ZoneKind::Intrusion;
  Polygon polygon;
  WeeklySchedule schedule;        // empty: always watched
  double min_size = 0.002;        // share of the picture an object must cover
  Seconds dwell{2};               // an object must stay this long (motion zones: 0.2 s, two frames at the default rate)
  Seconds clear_after{5};         // the zone must be clear this long to end the event
  Seconds cooldown{30};           // after an end, no new start this soon
  bool people_only = false;       // confirm with the HOG people detector
  bool operator==(const ZoneConfig&) const = default;
};

struct DetectionConfig {
  double fps = 5;                 // frames analysed per second
  double min_area = 0.0015;       // smaller blobs are noise (share of the picture)
  std::vector<Polygon> masks;     // regions where motion is ignored (trees, a busy road)
  std::vector<ZoneConfig> zones;  // none: no detection on this camera
  int max_alerts = 10;            // per camera, at most this many event starts...
  Seconds rate_period{600};       // ...in this period; the rest are suppressed and counted
  bool enabled() const { return !zones.empty(); }
  bool operator==(const DetectionConfig&) const = default;
};

struct CameraConfig {
  std::string id;  // [a-z0-9_-], unique; used in topics and logger names
  std::string name;
  RtspUrl url;     // without credentials; see credentials
  std::optional<Credentials> credentials;
  // The camera's main stream, pulled only while someone watches it
  // re-served (restream); url is then the sub stream that is analysed.
  // Its credentials are those of url unless it carries its own.
  std::optional<RtspUrl> view_url;
  std::optional<Credentials> view_credentials;
  Transport transport = Transport::Auto;
  AnalysisConfig analysis;
  DetectionConfig detection;
  bool enabled = true;
  // A PTZ camera that patrols (or that operators turn): how long its view
  // may be away from its preset, the view its baseline holds, before it is
  // reported `off_preset`. nullopt: a fixed camera (away is `shifted`).
  std::optional<Seconds> patrol_time;
  // Its GB/T 28181 device code (20 digits, type 131 or 132), empty: none.
  std::string gb_code;
};

// Frames a second the camera's stream hands to analysis: the higher of the
// analysis rate (view checks) and the detection rate, when it detects.
inline double streamedFps(const CameraConfig& c) {
  return c.detection.enabled() && c.detection.fps > c.analysis.fps ? c.detection.fps : c.analysis.fps;
}

struct IngestConfig {
  std::string pipeline = "software";     // template name under pipelines_dir
  std::filesystem::path pipelines_dir;   // empty: the installed or source default
  Seconds connect_timeout{10};
  Seconds stall_timeout{3};  // peers take 15 to 90 s; 3 s never fires on a healthy stream (bench/node_bench)
  Seconds backoff_initial{1};
  Seconds backoff_max{30};
  Seconds unauthorized_retry{120};
  int latency_ms = 200;
  int decoder_threads = 1;
  RtspClient rtsp_client = RtspClient::Auto;
  bool operator==(const IngestConfig&) const = default;
};

struct NodeIdentity {
  std::string id;
  std::string region;     // label: the county (or anything above the township)
  std::string township;   // label: the township (乡镇) the village belongs to
  std::string village;    // label: the village this box serves
  // The village's 12-digit statistical area code (统计用区划代码): 6 digits of
  // county (GB/T 2260), 3 of township, 3 of village; empty: not configured.
  std::string admin_code;
  // The node's GB/T 28181 device code (20 digits; config/gb_device_code.hpp),
  // empty: not configured.
  std::string gb_code;
  std::string timezone;  // IANA name, e.g. Asia/Shanghai; empty: the system's
  // While the kernel calls the wall clock unsynchronised, history (uptime,
  // coverage minutes) is left unknown: the minutes it would be booked at may
  // be wrong. True: book them anyway (a box whose clock is kept right by
  // other means).
  bool trust_unsynchronised_clock = false;
  bool operator==(const NodeIdentity&) const = default;
};

struct LoggingConfig {
  LogLevel level = LogLevel::Info;
  bool operator==(const LoggingConfig&) const = default;
};

enum class MqttVersion { V3_1_1, V5 };
using Language = i18n::Language;  // of what the node publishes (alerts.language)
using i18n::toString;

struct TlsConfig {
  std::filesystem::path ca_file;                  // empty: the system's CA store
  std::optional<std::filesystem::path> cert_file;  // client certificate (with key_file)
  std::optional<std::filesystem::path> key_file;
  bool verify_hostname = true;
  bool operator==(const TlsConfig&) const = default;
};

struct MqttConfig {
  bool enabled = false;               // the mqtt: section is present
  std::vector<std::string> brokers;   // tried in order: tcp://, ssl://, mqtt://, mqtts://
  std::string client_id;              // default villagecam-<node id>
  std::string topic_prefix;           // default villagecam/<node id>
  MqttVersion version = MqttVersion::V3_1_1;
  Seconds keepalive{30};
  Seconds connect_timeout{10};
  Seconds reconnect_min{1};
  Seconds reconnect_max{60};
  std::string username;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::string> password;  // secret, read from password_file
  std::optional<TlsConfig> tls;
  Seconds status_interval{60};
  std::size_t outbox_max_alerts = 10000;
  std::size_t outbox_max_bytes = 16u << 20;
  bool operator==(const MqttConfig&) const = default;
};

struct AlertsConfig {
  Language language = Language::ZhCN;
  bool operator==(const AlertsConfig&) const = default;
};

struct ViewQualityConfig {
  Seconds check_interval{2};  // how often a camera's view is judged (10 votes in raise_after)
  // Analysis mode health: how often one key frame is decoded to check the
  // view (the stream itself is judged every check_interval).
  Seconds health_check_interval{60};
  Seconds raise_after{20};    // an issue must hold this long to be raised
  Seconds clear_after{10};    // and be gone this long to be cleared
  // How often a clean view may replace the baseline (0: never). A refresh
  // must pass every check against both the current and the commissioning
  // baseline, so a tampered view is never learned.
  Seconds baseline_refresh{6 * 3600};
  // Thresholds (docs/view-quality.md); the defaults hold on the test footage.
  double blank_contrast = 4.0;       // brightness spread below this: no content
  double frozen_difference = 0.05;   // mean change between checks below this: frozen
  double defocus_ratio = 0.35;       // sharpness below this share of the baseline's
  double occluded_share = 1.0 / 3;   // a cover hiding this share of the textured view or more
  double shift_fraction = 0.05;      // moved more than this share of the frame
  // The issues that leave a view unwatched: its areas are not covered (nor
  // its camera intact) while one is raised. The others (shaking) are
  // reported and alerted, and the view still counts as watched.
  std::vector<std::string> coverage_issues{"blank", "frozen", "defocus", "occluded", "shifted", "glare", "stripes", "snow", "off_preset"};
  bool operator==(const ViewQualityConfig&) const = default;
};

// The local HTTP endpoint: /healthz, /metrics, /status.
struct HttpConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";  // keep it on loopback unless a firewall guards the box
  int port = 9810;                 // 0: any free port (logged)
  // Limits every client meets (service/guarded_server.hpp): a request's
  // head and body must arrive within request_timeout, and one address holds
  // at most max_connections_per_client connections at once.
  Seconds request_timeout{10};
  int max_connections_per_client = 16;
  // Addresses of reverse proxies (nginx) whose X-Forwarded-For names the
  // client; from any other address the header is ignored. Proxies are not
  // held to the per-address connection bound.
  std::vector<std::string> trusted_proxies;
  bool operator==(const HttpConfig&) const = default;
};

// Re-serving every camera over RTSP from the node's one connection to it
// (relay/restream_server.hpp).
struct RestreamConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";  // beyond loopback only with viewer accounts
  int port = 8554;                 // 0: any free port (logged)
  int max_viewers_per_camera = 4;
  int max_bitrate_kbps = 20000;    // all viewers together: the node's outgoing budget
  // A camera's main stream (view_url) is let go this long after its last
  // viewer leaves.
  Seconds view_linger{30};
  // Viewer accounts (RTSP digest), from `viewers:` in the secrets file:
  // name to password. None: anyone who reaches the port may watch, which
  // the config allows on loopback only.
  std::map<std::string, std::string> viewers;  // secret
  bool operator==(const RestreamConfig&) const = default;
};

bool isLoopbackHost(const std::string& host);

// Where the node pushes live video when the county asks (docs/mqtt.md,
// Commands): the county console's receiver. The node connects out (the
// county cannot reach into the village), RTSP RECORD over TCP, as user
// <node id> with its own push credential (not its MQTT one).
struct CountyLinkConfig {
  std::string host;  // empty: no link (every live view is refused as such)
  int port = 8555;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::string> password;  // secret: the first line of password_file
  int max_bitrate_kbps = 4000;  // all pushes together: the village uplink's share for live video
  bool enabled() const { return !host.empty(); }
  bool operator==(const CountyLinkConfig&) const = default;
};

// Evidence clips: the seconds of video around an alert, kept as MP4 under
// <state_dir>/clips (record/recorder.hpp).
struct ClipsConfig {
  bool enabled = true;
  Seconds pre_roll{5};
  Seconds post_roll{10};
  Seconds max_duration{60};  // an alert longer than the rolls: the clip ends this long after it starts at most
  std::vector<std::string> alert_types{"view_tampered", "intrusion"};
  std::size_t max_bytes = 1024u << 20;  // all clips; the oldest are removed first
  bool operator==(const ClipsConfig&) const = default;
};

struct SnapshotsConfig {
  int jpeg_quality = 80;                 // 10 to 100
  std::size_t max_bytes = 64u << 20;     // kept under <state_dir>/snapshots, oldest removed first
  bool operator==(const SnapshotsConfig&) const = default;
};

enum class AreaKind { Entrance, Square, Road, Bridge, RiverBank, School, Market, Other };
const char* toString(AreaKind k);

// A public area the village wants watched, and the cameras that watch it.
struct AreaConfig {
  std::string id;  // same rules as camera ids
  std::string name;
  AreaKind kind = AreaKind::Other;
  double weight = 1.0;               // its share of the coverage ratio
  std::vector<std::string> cameras;  // ids of configured cameras, at least one
  std::string grid;                  // label: the grid (网格) it belongs to; empty: none
  bool operator==(const AreaConfig&) const = default;
};

struct Config {
  std::filesystem::path source_file;
  NodeIdentity node;
  std::filesystem::path state_dir = "/var/lib/villagecam";
  Seconds uptime_flush_interval{30};  // how often uptime history is saved
  std::optional<std::filesystem::path> secrets_file;
  LoggingConfig logging;
  IngestConfig ingest;
  MqttConfig mqtt;
  AlertsConfig alerts;
  ViewQualityConfig view_quality;
  SnapshotsConfig snapshots;
  HttpConfig http;
  RestreamConfig restream;
  ClipsConfig clips;
  CountyLinkConfig county_link;  // off unless configured
  std::vector<CameraConfig> cameras;
  std::vector<AreaConfig> areas;
};

}  // namespace villagecam::config
