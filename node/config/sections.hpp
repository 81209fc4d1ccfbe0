// The config's sections, each read by its own function (config_loader.cpp
// reads the top level and calls them): every one reports what is wrong
// through the YamlReader with file:line:column and the key path, and goes on,
// so one run lists every problem. Internal to the config layer.
#pragma once

#include "config/gb_device_code.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "i18n/messages.hpp"
#include "yaml/yaml_reader.hpp"

namespace villagecam::config {

using yaml::childPath;
using yaml::indexPath;
using yaml::YamlReader;


// The keys each section knows and the names of its choices.
inline const std::regex kIdPattern("[a-z0-9][a-z0-9_-]{0,63}");

inline const std::vector<std::string> kTopKeys{"node",   "state_dir", "uptime_flush_interval", "secrets_file", "logging",
                                        "ingest", "mqtt",      "alerts",                "view_quality", "snapshots",
                                        "http",   "restream",  "clips",     "county_link", "cameras", "areas"};
inline const std::vector<std::string> kCountyLinkKeys{"url", "password_file", "max_bitrate_kbps"};
inline const std::vector<std::string> kClipsKeys{"enabled", "pre_roll", "post_roll", "max_duration", "alert_types",
                                                 "max_bytes"};
inline const std::vector<std::string> kClipAlertTypes{"camera_offline", "camera_stalled", "view_tampered",
                                                      "coverage_lost", "motion", "intrusion"};
inline const std::vector<std::string> kRestreamKeys{"enabled", "listen", "max_viewers_per_camera", "max_bitrate_kbps",
                                                    "view_linger"};
inline const std::vector<std::string> kHttpKeys{"enabled", "listen", "request_timeout", "max_connections_per_client",
                                               "trusted_proxies"};
inline const std::vector<std::string> kViewQualityKeys{
    "check_interval", "health_check_interval", "raise_after",    "clear_after",   "baseline_refresh",
    "blank_contrast", "frozen_difference",     "defocus_ratio",  "occluded_share", "shift_fraction",
    "coverage_issues"};
// The view issues analysis reports (analysis::kViewIssues, by name).
inline const std::vector<std::string> kViewIssueNames{"blank", "frozen", "defocus",      "occluded",    "shifted", "shaking",
                                                      "glare", "dark",   "low_contrast", "colour_cast", "snow",
                                                      "stripes",     "stutter",     "off_preset"};
inline const std::vector<std::string> kSnapshotKeys{"jpeg_quality", "max_bytes"};
inline const std::vector<std::string> kAreaKeys{"id", "name", "kind", "weight", "cameras", "grid"};
inline const std::vector<std::string> kAreaKinds{"entrance", "square", "road", "bridge", "river_bank", "school", "market", "other"};
inline const std::vector<std::string> kMqttKeys{"brokers",       "client_id",     "topic_prefix",  "protocol",
                                         "keepalive",     "connect_timeout", "reconnect_min", "reconnect_max",
                                         "username",      "password_file", "tls",           "status_interval",
                                         "outbox"};
inline const std::vector<std::string> kTlsKeys{"ca_file", "cert_file", "key_file", "verify_hostname"};
inline const std::vector<std::string> kOutboxKeys{"max_alerts", "max_bytes"};
inline const std::vector<std::string> kAlertsKeys{"language"};
inline const std::vector<std::string> kProtocols{"3.1.1", "5"};
inline const std::vector<std::string> kLanguages{"zh-CN", "en"};
inline const std::regex kTopicPrefixPattern("[^#+\\s]+(/[^#+\\s]+)*");
inline const std::vector<std::string> kNodeKeys{"id", "region", "township", "village", "admin_code", "gb_code",
                                        "timezone", "trust_unsynchronised_clock"};
inline const std::vector<std::string> kLoggingKeys{"level"};
inline const std::vector<std::string> kIngestKeys{"pipeline",        "pipelines_dir",      "connect_timeout",
                                           "stall_timeout",   "backoff_initial",    "backoff_max",
                                           "unauthorized_retry", "latency_ms",      "decoder_threads",
                                           "rtsp_client"};
inline const std::vector<std::string> kCameraKeys{"id",     "name",     "rtsp_url",  "view_url", "transport",
                                           "secret", "analysis", "detection", "enabled",  "patrol_time",
                                           "gb_code"};
inline const std::vector<std::string> kDetectionKeys{"fps", "min_area", "masks", "zones", "rate_limit"};
inline const std::vector<std::string> kRateLimitKeys{"alerts", "per"};
inline const std::vector<std::string> kZoneKeys{"id",       "name",        "kind",     "polygon",    "schedule",
                                         "min_size", "dwell",       "clear_after", "cooldown", "people_only"};
inline const std::vector<std::string> kZoneKinds{"motion", "intrusion"};
inline const std::vector<std::string> kScheduleKeys{"days", "from", "to"};
// What a schedule's `days` may be, as its error shows them (config values, not words).
inline const std::vector<std::string> kDaysExamples{"daily", "mon-fri", "sat,sun", "mon,wed-fri"};
inline const std::vector<std::string> kAnalysisKeys{"mode", "fps", "width", "height"};
inline const std::vector<std::string> kAnalysisModes{"health", "keyframes", "full"};
inline const std::vector<std::string> kTransports{"auto", "tcp", "udp"};
inline const std::vector<std::string> kRtspClients{"auto", "gstreamer", "ffmpeg"};
inline const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error"};


// What the section readers share: the reader that collects the issues, the
// folder relative paths are taken from, whether a secrets file was read.
struct Sections {
  YamlReader& reader;
  std::filesystem::path base_dir;
  bool secrets_loaded = false;
};

// Shared pieces (sections.cpp).
std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& p);
std::optional<std::string> readId(Sections& ctx, const YAML::Node& n, const std::string& path);
// A GB/T 28181 device code (config/gb_device_code.hpp); nullopt (and a
// problem reported) if it is not a valid one for the role.
std::optional<std::string> readGbCode(Sections& ctx, const YAML::Node& v, const std::string& path, GbDeviceRole role);
// The required `id` of a list entry; one used before in the list is reported
// with `duplicate` (ConfigDuplicateCameraId...: the id, where it was first).
std::optional<std::string> readUniqueId(Sections& ctx, const YAML::Node& entry, const std::string& path,
                                        i18n::Msg duplicate, std::map<std::string, YAML::Mark>& first_seen);
// section[key], when it is there, into `out` (a duration such as 30s, 5m,
// 1h or a number of seconds, from min_s to max_s); a bad one is reported
// and `out` is left as it was.
void readDuration(Sections& ctx, const YAML::Node& section, const std::string& path, const char* key, Seconds& out,
                  double min_s, double max_s);
std::optional<std::filesystem::path> filePath(Sections& ctx, const YAML::Node& n, const std::string& path);
// The first line of a password file (a trailing CR dropped); a file that
// cannot be read or is empty is reported at `at` (never quoting it).
std::optional<std::string> readPasswordFile(Sections& ctx, const YAML::Node& at, const std::string& path,
                                            const std::filesystem::path& file);
// section[key], when it is there, a list of strings each matching `pattern`,
// appended to `out`; each one that does not is reported as "expected <what>"
// (`what` a noun of the catalogue, already in the process's language).
void readMatchingStrings(Sections& ctx, const YAML::Node& section, const std::string& path, const char* key,
                         const std::regex& pattern, const std::string& what, std::vector<std::string>& out);
// What the secrets file holds: camera credentials by name (rtsp:), and the
// restream's viewer accounts (viewers:, name to password).
struct Secrets {
  std::map<std::string, Credentials> rtsp;
  std::map<std::string, std::string> viewers;
};
Secrets loadSecrets(const std::filesystem::path& path, YamlReader& config_reader, const YAML::Mark& declared_at);
// host:port such as 127.0.0.1:8554 or [::1]:8554 at section.listen, when it is there.
void readListen(Sections& ctx, const YAML::Node& section, const std::string& path, const std::string& example,
                std::string& host, int& port);

// One function a section.
void readNode(Sections& ctx, const YAML::Node& n, NodeIdentity& node);                      // read_node.cpp
void readLogging(Sections& ctx, const YAML::Node& n, LoggingConfig& out);                   // read_node.cpp
void readAlerts(Sections& ctx, const YAML::Node& n, AlertsConfig& out);                     // read_node.cpp
void readIngest(Sections& ctx, const YAML::Node& n, IngestConfig& in);                      // read_ingest.cpp
void readMqtt(Sections& ctx, const YAML::Node& n, const std::string& node_id, MqttConfig& mqtt);  // read_mqtt.cpp
// The keys of a connection (brokers, client_id, protocol, timeouts,
// credentials, tls), without the check for unknown keys (read_mqtt.cpp).
void readMqttConnection(Sections& ctx, const YAML::Node& n, MqttConfig& mqtt);
void readViewQuality(Sections& ctx, const YAML::Node& n, ViewQualityConfig& out);           // read_local.cpp
void readHttp(Sections& ctx, const YAML::Node& n, HttpConfig& out);                         // read_local.cpp
void readSnapshots(Sections& ctx, const YAML::Node& n, SnapshotsConfig& out);               // read_local.cpp
void readRestream(Sections& ctx, const YAML::Node& n, RestreamConfig& out);                 // read_local.cpp
void readClips(Sections& ctx, const YAML::Node& n, ClipsConfig& out);                       // read_local.cpp
void readCountyLink(Sections& ctx, const YAML::Node& n, CountyLinkConfig& out);             // read_local.cpp
void readCameras(Sections& ctx, const YAML::Node& list, const std::map<std::string, Credentials>& secrets,
                 std::vector<CameraConfig>& out);                                           // read_cameras.cpp
void readDetection(Sections& ctx, const YAML::Node& n, const std::string& path, DetectionConfig& d);  // read_detection.cpp
void readAreas(Sections& ctx, const YAML::Node& list, const std::vector<CameraConfig>& cameras,
               std::vector<AreaConfig>& out);                                               // read_areas.cpp

}  // namespace villagecam::config
