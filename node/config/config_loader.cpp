#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "config/did_you_mean.hpp"
#include "config/yaml_reader.hpp"

namespace villagecam::config {
namespace {

namespace fs = std::filesystem;

const std::regex kIdPattern("[a-z0-9][a-z0-9_-]{0,63}");

const std::vector<std::string> kTopKeys{"node",   "state_dir", "uptime_flush_interval", "secrets_file", "logging",
                                        "ingest", "mqtt",      "alerts",                "view_quality", "snapshots",
                                        "http",   "cameras",   "areas"};
const std::vector<std::string> kHttpKeys{"enabled", "listen"};
const std::vector<std::string> kViewQualityKeys{"check_interval",    "raise_after",    "clear_after",
                                                "baseline_refresh",  "blank_contrast", "frozen_difference",
                                                "defocus_ratio",     "occluded_share", "shift_fraction"};
const std::vector<std::string> kSnapshotKeys{"jpeg_quality", "max_bytes"};
const std::vector<std::string> kAreaKeys{"id", "name", "kind", "weight", "cameras"};
const std::vector<std::string> kAreaKinds{"entrance", "square", "road", "bridge", "river_bank", "school", "market", "other"};
const std::vector<std::string> kMqttKeys{"brokers",       "client_id",     "topic_prefix",  "protocol",
                                         "keepalive",     "connect_timeout", "reconnect_min", "reconnect_max",
                                         "username",      "password_file", "tls",           "status_interval",
                                         "outbox"};
const std::vector<std::string> kTlsKeys{"ca_file", "cert_file", "key_file", "verify_hostname"};
const std::vector<std::string> kOutboxKeys{"max_alerts", "max_bytes"};
const std::vector<std::string> kAlertsKeys{"language"};
const std::vector<std::string> kProtocols{"3.1.1", "5"};
const std::vector<std::string> kLanguages{"zh-CN", "en"};
const std::regex kTopicPrefixPattern("[^#+\\s]+(/[^#+\\s]+)*");
const std::vector<std::string> kNodeKeys{"id", "region", "village", "timezone"};
const std::vector<std::string> kLoggingKeys{"level"};
const std::vector<std::string> kIngestKeys{"pipeline",        "pipelines_dir",      "connect_timeout",
                                           "stall_timeout",   "backoff_initial",    "backoff_max",
                                           "unauthorized_retry", "latency_ms",      "decoder_threads"};
const std::vector<std::string> kCameraKeys{"id",     "name",     "rtsp_url",  "transport",
                                           "secret", "analysis", "detection", "enabled"};
const std::vector<std::string> kDetectionKeys{"fps", "min_area", "masks", "zones", "rate_limit"};
const std::vector<std::string> kRateLimitKeys{"alerts", "per"};
const std::vector<std::string> kZoneKeys{"id",       "name",        "kind",     "polygon",    "schedule",
                                         "min_size", "dwell",       "clear_after", "cooldown", "people_only"};
const std::vector<std::string> kZoneKinds{"motion", "intrusion"};
const std::vector<std::string> kScheduleKeys{"days", "from", "to"};
const std::vector<std::string> kAnalysisKeys{"mode", "fps", "width", "height"};
const std::vector<std::string> kAnalysisModes{"health", "keyframes", "full"};
const std::vector<std::string> kTransports{"auto", "tcp", "udp"};
const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error"};

// Loads the secrets file. Its messages never quote a value.
std::map<std::string, Credentials> loadSecrets(const fs::path& path, YamlReader& config_reader,
                                               const YAML::Mark& declared_at) {
  std::map<std::string, Credentials> out;
  std::ifstream in(path);
  if (!in) {
    config_reader.report(declared_at, "secrets_file",
                         "cannot read '" + path.string() + "': " + std::strerror(errno));
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  YamlReader reader(path.string(), /*echo_values=*/false);
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    reader.report(e.mark, "", "YAML syntax error: " + e.msg);
  }
  if (root.IsDefined() && !root.IsNull() && reader.expectMap(root, "")) {
    reader.rejectUnknownKeys(root, "", {"rtsp"});
    if (const auto rtsp = root["rtsp"]; rtsp.IsDefined() && reader.expectMap(rtsp, "rtsp")) {
      for (const auto& entry : rtsp) {
        const std::string name = entry.first.Scalar();
        const std::string path_here = childPath("rtsp", name);
        if (!reader.expectMap(entry.second, path_here)) continue;
        reader.rejectUnknownKeys(entry.second, path_here, {"username", "password"});
        Credentials c;
        if (auto n = reader.required(entry.second, path_here, "username")) {
          c.username = reader.string(*n, childPath(path_here, "username")).value_or("");
        }
        if (auto n = reader.required(entry.second, path_here, "password")) {
          c.password = reader.string(*n, childPath(path_here, "password")).value_or("");
        }
        out.emplace(name, std::move(c));
      }
    }
  }
  for (auto& issue : reader.takeIssues()) {
    config_reader.add(std::move(issue));
  }
  return out;
}

fs::path resolve(const fs::path& base_dir, const std::string& p) {
  const fs::path path(p);
  return path.is_absolute() ? path : base_dir / path;
}

// Files given to the service through systemd's LoadCredential= live in
// $CREDENTIALS_DIRECTORY; a path may start with ${CREDENTIALS_DIRECTORY}.
constexpr std::string_view kCredentialsVar = "${CREDENTIALS_DIRECTORY}";

std::optional<std::string> expandCredentialsDirectory(const std::string& p) {
  if (p.rfind(kCredentialsVar, 0) != 0) return p;
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (!dir || !*dir) return std::nullopt;
  return std::string(dir) + p.substr(kCredentialsVar.size());
}

class ConfigParser {
 public:
  ConfigParser(const std::string& label, fs::path base_dir) : reader_(label), base_dir_(std::move(base_dir)) {}

  Config parse(std::string_view yaml) {
    Config cfg;
    cfg.source_file = reader_.file();
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
      reader_.report(e.mark, "", "YAML syntax error: " + e.msg);
      throw ConfigError(reader_.takeIssues());
    }
    if (!root.IsDefined() || root.IsNull()) {
      reader_.reportAtFile("", "the file is empty; see config/villagecam.example.yaml");
      throw ConfigError(reader_.takeIssues());
    }
    if (!reader_.expectMap(root, "")) throw ConfigError(reader_.takeIssues());
    reader_.rejectUnknownKeys(root, "", kTopKeys);

    if (auto node = reader_.required(root, "", "node")) readNode(*node, cfg.node);
    if (auto n = root["state_dir"]; n.IsDefined()) {
      if (auto s = reader_.string(n, "state_dir")) cfg.state_dir = resolve(base_dir_, *s);
    }
    if (auto n = root["uptime_flush_interval"]; n.IsDefined()) {
      if (auto d = reader_.duration(n, "uptime_flush_interval", 1, 600)) cfg.uptime_flush_interval = *d;
    }
    std::map<std::string, Credentials> secrets;
    if (auto n = root["secrets_file"]; n.IsDefined()) {
      if (auto s = filePath(n, "secrets_file")) {
        cfg.secrets_file = *s;
        secrets = loadSecrets(*cfg.secrets_file, reader_, n.Mark());
        secrets_loaded_ = true;
      }
    }
    if (auto n = root["logging"]; n.IsDefined() && reader_.expectMap(n, "logging")) {
      reader_.rejectUnknownKeys(n, "logging", kLoggingKeys);
      if (auto l = n["level"]; l.IsDefined()) {
        if (auto i = reader_.choice(l, "logging.level", kLevels)) cfg.logging.level = static_cast<LogLevel>(*i);
      }
    }
    if (auto n = root["ingest"]; n.IsDefined() && reader_.expectMap(n, "ingest")) readIngest(n, cfg.ingest);
    if (auto n = root["mqtt"]; n.IsDefined() && reader_.expectMap(n, "mqtt")) readMqtt(n, cfg.node.id, cfg.mqtt);
    if (auto n = root["view_quality"]; n.IsDefined() && reader_.expectMap(n, "view_quality")) {
      reader_.rejectUnknownKeys(n, "view_quality", kViewQualityKeys);
      auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
        if (auto v = n[key]; v.IsDefined()) {
          if (auto d = reader_.duration(v, childPath("view_quality", key), min_s, max_s)) out = *d;
        }
      };
      dur("check_interval", cfg.view_quality.check_interval, 0.2, 60);
      dur("raise_after", cfg.view_quality.raise_after, 0, 3600);
      dur("clear_after", cfg.view_quality.clear_after, 0, 3600);
      dur("baseline_refresh", cfg.view_quality.baseline_refresh, 0, 30 * 86400);
      if (cfg.view_quality.baseline_refresh.count() > 0 && cfg.view_quality.baseline_refresh.count() < 600) {
        reader_.report(n["baseline_refresh"].Mark(), "view_quality.baseline_refresh",
                       "must be 0 (never) or at least 10m: a baseline learns slowly");
      }
      auto num = [&](const char* key, double& out, double min_v, double max_v) {
        if (auto v = n[key]; v.IsDefined()) out = reader_.number(v, childPath("view_quality", key), min_v, max_v).value_or(out);
      };
      num("blank_contrast", cfg.view_quality.blank_contrast, 0.5, 50);
      num("frozen_difference", cfg.view_quality.frozen_difference, 0.001, 5);
      num("defocus_ratio", cfg.view_quality.defocus_ratio, 0.05, 0.95);
      num("occluded_share", cfg.view_quality.occluded_share, 0.1, 1);
      num("shift_fraction", cfg.view_quality.shift_fraction, 0.01, 0.5);
    }
    if (auto n = root["http"]; n.IsDefined() && reader_.expectMap(n, "http")) {
      reader_.rejectUnknownKeys(n, "http", kHttpKeys);
      if (auto v = n["enabled"]; v.IsDefined()) cfg.http.enabled = reader_.boolean(v, "http.enabled").value_or(true);
      if (auto v = n["listen"]; v.IsDefined()) {
        static const std::regex listen("([A-Za-z0-9.:-]+|\\[[0-9a-fA-F:]+\\]):([0-9]{1,5})");
        std::smatch m;
        const auto text = reader_.string(v, "http.listen");
        if (text && std::regex_match(*text, m, listen) && std::stoi(m[2]) <= 65535) {
          cfg.http.host = m[1];
          cfg.http.port = std::stoi(m[2]);
        } else if (text) {
          reader_.report(v.Mark(), "http.listen", "expected host:port such as 127.0.0.1:9810, got '" + *text + "'");
        }
      }
    }
    if (auto n = root["snapshots"]; n.IsDefined() && reader_.expectMap(n, "snapshots")) {
      reader_.rejectUnknownKeys(n, "snapshots", kSnapshotKeys);
      if (auto v = n["jpeg_quality"]; v.IsDefined()) {
        cfg.snapshots.jpeg_quality = static_cast<int>(reader_.integer(v, "snapshots.jpeg_quality", 10, 100).value_or(80));
      }
      if (auto v = n["max_bytes"]; v.IsDefined()) {
        cfg.snapshots.max_bytes = reader_.size(v, "snapshots.max_bytes", 1u << 20, 64ull << 30).value_or(cfg.snapshots.max_bytes);
      }
    }
    if (auto n = root["alerts"]; n.IsDefined() && reader_.expectMap(n, "alerts")) {
      reader_.rejectUnknownKeys(n, "alerts", kAlertsKeys);
      if (auto l = n["language"]; l.IsDefined()) {
        if (auto i = reader_.choice(l, "alerts.language", kLanguages)) cfg.alerts.language = static_cast<Language>(*i);
      }
    }
    if (auto n = reader_.required(root, "", "cameras"); n && reader_.expectSequence(*n, "cameras")) {
      readCameras(*n, secrets, cfg.cameras);
    }
    if (auto n = root["areas"]; n.IsDefined() && reader_.expectSequence(n, "areas")) readAreas(n, cfg.cameras, cfg.areas);
    if (reader_.hasIssues()) throw ConfigError(reader_.takeIssues());
    return cfg;
  }

 private:
  void readNode(const YAML::Node& n, NodeIdentity& node) {
    if (!reader_.expectMap(n, "node")) return;
    reader_.rejectUnknownKeys(n, "node", kNodeKeys);
    if (auto id = reader_.required(n, "node", "id")) node.id = readId(*id, "node.id").value_or("");
    if (auto v = n["region"]; v.IsDefined()) node.region = reader_.string(v, "node.region").value_or("");
    if (auto v = n["village"]; v.IsDefined()) node.village = reader_.string(v, "node.village").value_or("");
    if (auto v = n["timezone"]; v.IsDefined()) {
      if (auto tz = reader_.string(v, "node.timezone")) {
        static const std::regex name("[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*");
        if (!std::regex_match(*tz, name) || !fs::is_regular_file(fs::path("/usr/share/zoneinfo") / *tz)) {
          reader_.report(v.Mark(), "node.timezone",
                         "unknown time zone '" + *tz + "' (expected a name such as Asia/Shanghai; see /usr/share/zoneinfo)");
        } else {
          node.timezone = *tz;
        }
      }
    }
  }

  void readAreas(const YAML::Node& list, const std::vector<CameraConfig>& cameras, std::vector<AreaConfig>& out) {
    std::vector<std::string> camera_ids;
    for (const auto& c : cameras) camera_ids.push_back(c.id);
    std::map<std::string, YAML::Mark> first_seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node n = list[i];
      const std::string path = indexPath("areas", i);
      if (!reader_.expectMap(n, path)) continue;
      reader_.rejectUnknownKeys(n, path, kAreaKeys);
      AreaConfig area;
      area.id = readUniqueId(n, path, "area", first_seen).value_or("");
      area.name = area.id;
      if (auto v = n["name"]; v.IsDefined()) area.name = reader_.string(v, childPath(path, "name")).value_or(area.id);
      if (auto v = reader_.required(n, path, "kind")) {
        if (auto k = reader_.choice(*v, childPath(path, "kind"), kAreaKinds)) area.kind = static_cast<AreaKind>(*k);
      }
      if (auto v = n["weight"]; v.IsDefined()) {
        area.weight = reader_.number(v, childPath(path, "weight"), 0.01, 1000).value_or(area.weight);
      }
      const std::string cpath = childPath(path, "cameras");
      if (auto v = reader_.required(n, path, "cameras"); v && reader_.expectSequence(*v, cpath)) {
        if (v->size() == 0) {
          reader_.report(v->Mark(), cpath, "an area needs at least one camera; without one it can never be covered");
        }
        for (size_t j = 0; j < v->size(); ++j) {
          const YAML::Node c = (*v)[j];
          auto id = reader_.string(c, indexPath(cpath, j));
          if (!id) continue;
          if (std::find(camera_ids.begin(), camera_ids.end(), *id) == camera_ids.end()) {
            const auto near = didYouMean(*id, camera_ids);
            reader_.report(c.Mark(), indexPath(cpath, j),
                           "no camera '" + *id + "' in cameras" + (near ? " (did you mean '" + *near + "'?)" : ""));
            continue;
          }
          if (std::find(area.cameras.begin(), area.cameras.end(), *id) != area.cameras.end()) {
            reader_.report(c.Mark(), indexPath(cpath, j), "camera '" + *id + "' is listed twice");
            continue;
          }
          area.cameras.push_back(*id);
        }
      }
      out.push_back(std::move(area));
    }
  }

  std::optional<std::string> readId(const YAML::Node& n, const std::string& path) {
    auto id = reader_.string(n, path);
    if (id && !std::regex_match(*id, kIdPattern)) {
      reader_.report(n.Mark(), path,
                     "'" + *id + "' is not a valid id (expected 1 to 64 of a-z, 0-9, '-' and '_', "
                     "starting with a letter or digit)");
      return std::nullopt;
    }
    return id;
  }

  // The required `id` of a list entry, reported if it was used before in the list.
  std::optional<std::string> readUniqueId(const YAML::Node& entry, const std::string& path, const std::string& what,
                                          std::map<std::string, YAML::Mark>& first_seen) {
    const auto id = reader_.required(entry, path, "id");
    if (!id) return std::nullopt;
    auto s = readId(*id, childPath(path, "id"));
    if (!s) return std::nullopt;
    if (auto [it, fresh] = first_seen.emplace(*s, id->Mark()); !fresh) {
      reader_.report(id->Mark(), childPath(path, "id"),
                     "duplicate " + what + " id '" + *s + "' (first defined at " + reader_.file() + ":" +
                         std::to_string(it->second.line + 1) + ":" + std::to_string(it->second.column + 1) + ")");
    }
    return s;
  }

  // A file's path: relative to the config's folder, or under
  // ${CREDENTIALS_DIRECTORY} (systemd's LoadCredential=).
  std::optional<fs::path> filePath(const YAML::Node& n, const std::string& path) {
    const auto text = reader_.string(n, path);
    if (!text) return std::nullopt;
    const auto expanded = expandCredentialsDirectory(*text);
    if (!expanded) {
      reader_.report(n.Mark(), path,
                     "uses ${CREDENTIALS_DIRECTORY}, which is set only when systemd starts the node with "
                     "LoadCredential= (see systemd/villagecam-node.service)");
      return std::nullopt;
    }
    return resolve(base_dir_, *expanded);
  }

  void readIngest(const YAML::Node& n, IngestConfig& in) {
    reader_.rejectUnknownKeys(n, "ingest", kIngestKeys);
    auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
      if (auto v = n[key]; v.IsDefined()) {
        if (auto d = reader_.duration(v, childPath("ingest", key), min_s, max_s)) out = *d;
      }
    };
    if (auto v = n["pipeline"]; v.IsDefined()) {
      if (auto s = reader_.string(v, "ingest.pipeline")) in.pipeline = *s;
    }
    if (auto v = n["pipelines_dir"]; v.IsDefined()) {
      if (auto s = reader_.string(v, "ingest.pipelines_dir")) in.pipelines_dir = resolve(base_dir_, *s);
    }
    dur("connect_timeout", in.connect_timeout, 1, 120);
    dur("stall_timeout", in.stall_timeout, 1, 300);
    dur("backoff_initial", in.backoff_initial, 0.1, 60);
    dur("backoff_max", in.backoff_max, 1, 3600);
    dur("unauthorized_retry", in.unauthorized_retry, 5, 86400);
    if (in.backoff_max < in.backoff_initial) {
      reader_.report(n["backoff_max"].Mark(), "ingest.backoff_max", "must not be shorter than ingest.backoff_initial");
    }
    if (auto v = n["latency_ms"]; v.IsDefined()) {
      if (auto i = reader_.integer(v, "ingest.latency_ms", 0, 5000)) in.latency_ms = static_cast<int>(*i);
    }
    if (auto v = n["decoder_threads"]; v.IsDefined()) {
      if (auto i = reader_.integer(v, "ingest.decoder_threads", 0, 16)) in.decoder_threads = static_cast<int>(*i);
    }
  }

  void readMqtt(const YAML::Node& n, const std::string& node_id, MqttConfig& mqtt) {
    mqtt.enabled = true;
    reader_.rejectUnknownKeys(n, "mqtt", kMqttKeys);
    if (auto list = reader_.required(n, "mqtt", "brokers"); list && reader_.expectSequence(*list, "mqtt.brokers")) {
      for (size_t i = 0; i < list->size(); ++i) {
        const YAML::Node b = (*list)[i];
        const std::string path = indexPath("mqtt.brokers", i);
        auto uri = reader_.string(b, path);
        if (!uri) continue;
        static const std::regex broker("(tcp|ssl|mqtt|mqtts|ws|wss)://[^/:@\\s]+(:[0-9]{1,5})?/?");
        if (!std::regex_match(*uri, broker)) {
          reader_.report(b.Mark(), path, "'" + redactUrlsIn(*uri) +
                                             "' is not a broker address (expected tcp://host:1883 or ssl://host:8883)");
          continue;
        }
        mqtt.brokers.push_back(*uri);
      }
      if (list->size() == 0) reader_.report(list->Mark(), "mqtt.brokers", "needs at least one broker");
    }
    mqtt.client_id = "villagecam-" + node_id;
    mqtt.topic_prefix = "villagecam/" + node_id;
    if (auto v = n["client_id"]; v.IsDefined()) mqtt.client_id = reader_.string(v, "mqtt.client_id").value_or(mqtt.client_id);
    if (auto v = n["topic_prefix"]; v.IsDefined()) {
      if (auto p = reader_.string(v, "mqtt.topic_prefix")) {
        if (std::regex_match(*p, kTopicPrefixPattern)) {
          mqtt.topic_prefix = *p;
        } else {
          reader_.report(v.Mark(), "mqtt.topic_prefix",
                         "'" + *p + "' is not a topic prefix (no '+', '#', spaces or empty levels)");
        }
      }
    }
    if (auto v = n["protocol"]; v.IsDefined()) {
      if (auto i = reader_.choice(v, "mqtt.protocol", kProtocols)) mqtt.version = static_cast<MqttVersion>(*i);
    }
    auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
      if (auto v = n[key]; v.IsDefined()) {
        if (auto d = reader_.duration(v, childPath("mqtt", key), min_s, max_s)) out = *d;
      }
    };
    dur("keepalive", mqtt.keepalive, 5, 3600);
    dur("connect_timeout", mqtt.connect_timeout, 1, 120);
    dur("reconnect_min", mqtt.reconnect_min, 1, 600);
    dur("reconnect_max", mqtt.reconnect_max, 1, 3600);
    dur("status_interval", mqtt.status_interval, 5, 3600);
    if (auto v = n["username"]; v.IsDefined()) mqtt.username = reader_.string(v, "mqtt.username").value_or("");
    if (auto v = n["password_file"]; v.IsDefined()) {
      if (auto p = filePath(v, "mqtt.password_file")) {
        mqtt.password_file = *p;
        readPasswordFile(v, *mqtt.password_file, mqtt);
      }
    }
    if (auto v = n["tls"]; v.IsDefined() && reader_.expectMap(v, "mqtt.tls")) {
      TlsConfig tls;
      reader_.rejectUnknownKeys(v, "mqtt.tls", kTlsKeys);
      auto file = [&](const char* key) -> std::optional<fs::path> {
        const YAML::Node f = v[key];
        if (!f.IsDefined()) return std::nullopt;
        const auto p = filePath(f, childPath("mqtt.tls", key));
        if (!p) return std::nullopt;
        const fs::path path = *p;
        if (std::ifstream probe(path); !probe) {
          reader_.report(f.Mark(), childPath("mqtt.tls", key),
                         "cannot read '" + path.string() + "': " + std::strerror(errno));
        }
        return path;
      };
      tls.ca_file = file("ca_file").value_or(fs::path());
      tls.cert_file = file("cert_file");
      tls.key_file = file("key_file");
      if (tls.cert_file.has_value() != tls.key_file.has_value()) {
        reader_.report(v.Mark(), "mqtt.tls", "cert_file and key_file go together: give both or neither");
      }
      if (auto h = v["verify_hostname"]; h.IsDefined()) {
        tls.verify_hostname = reader_.boolean(h, "mqtt.tls.verify_hostname").value_or(true);
      }
      mqtt.tls = tls;
    }
    if (auto v = n["outbox"]; v.IsDefined() && reader_.expectMap(v, "mqtt.outbox")) {
      reader_.rejectUnknownKeys(v, "mqtt.outbox", kOutboxKeys);
      if (auto m = v["max_alerts"]; m.IsDefined()) {
        mqtt.outbox_max_alerts = static_cast<size_t>(reader_.integer(m, "mqtt.outbox.max_alerts", 10, 10000000).value_or(10000));
      }
      if (auto m = v["max_bytes"]; m.IsDefined()) {
        mqtt.outbox_max_bytes = reader_.size(m, "mqtt.outbox.max_bytes", 64u << 10, 64ull << 30).value_or(16u << 20);
      }
    }
  }

  void readPasswordFile(const YAML::Node& at, const fs::path& path, MqttConfig& mqtt) {
    std::ifstream in(path);
    if (!in) {
      reader_.report(at.Mark(), "mqtt.password_file", "cannot read '" + path.string() + "': " + std::strerror(errno));
      return;
    }
    std::string password;
    std::getline(in, password);  // the first line; a trailing newline is not part of it
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      reader_.report(at.Mark(), "mqtt.password_file", "'" + path.string() + "' is empty");
      return;
    }
    mqtt.password = password;
  }

  void readCameras(const YAML::Node& list, const std::map<std::string, Credentials>& secrets,
                   std::vector<CameraConfig>& out) {
    std::map<std::string, YAML::Mark> first_seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node n = list[i];
      const std::string path = indexPath("cameras", i);
      if (!reader_.expectMap(n, path)) continue;
      reader_.rejectUnknownKeys(n, path, kCameraKeys);
      CameraConfig cam;
      cam.id = readUniqueId(n, path, "camera", first_seen).value_or("");
      cam.name = cam.id;
      if (auto v = n["name"]; v.IsDefined()) cam.name = reader_.string(v, childPath(path, "name")).value_or(cam.id);
      if (auto v = reader_.required(n, path, "rtsp_url")) readUrl(*v, childPath(path, "rtsp_url"), cam);
      if (auto v = n["transport"]; v.IsDefined()) {
        if (auto t = reader_.choice(v, childPath(path, "transport"), kTransports)) {
          cam.transport = static_cast<Transport>(*t);
        }
      }
      if (auto v = n["secret"]; v.IsDefined()) readSecretRef(v, childPath(path, "secret"), secrets, cam);
      if (auto v = n["enabled"]; v.IsDefined()) cam.enabled = reader_.boolean(v, childPath(path, "enabled")).value_or(true);
      std::optional<AnalysisMode> explicit_mode;
      if (auto v = n["analysis"]; v.IsDefined() && reader_.expectMap(v, childPath(path, "analysis"))) {
        const std::string apath = childPath(path, "analysis");
        reader_.rejectUnknownKeys(v, apath, kAnalysisKeys);
        if (auto m = v["mode"]; m.IsDefined()) {
          if (auto i = reader_.choice(m, childPath(apath, "mode"), kAnalysisModes)) {
            explicit_mode = static_cast<AnalysisMode>(*i);
          }
        }
        if (auto f = v["fps"]; f.IsDefined()) cam.analysis.fps = reader_.number(f, childPath(apath, "fps"), 0.1, 30).value_or(cam.analysis.fps);
        if (auto w = v["width"]; w.IsDefined()) cam.analysis.width = static_cast<int>(reader_.integer(w, childPath(apath, "width"), 32, 3840).value_or(cam.analysis.width));
        if (auto h = v["height"]; h.IsDefined()) cam.analysis.height = static_cast<int>(reader_.integer(h, childPath(apath, "height"), 32, 2160).value_or(cam.analysis.height));
        if (cam.analysis.width % 2 || cam.analysis.height % 2) {
          reader_.report(v.Mark(), apath, "width and height must be even numbers of pixels");
        }
      }
      if (auto v = n["detection"]; v.IsDefined() && reader_.expectMap(v, childPath(path, "detection"))) {
        readDetection(v, childPath(path, "detection"), cam.detection);
        if (cam.detection.enabled() && explicit_mode && *explicit_mode != AnalysisMode::Full) {
          reader_.report(v.Mark(), childPath(path, "detection"),
                         std::string("zones need every frame: set analysis.mode to full (it is ") +
                             toString(*explicit_mode) + ")");
        }
      }
      // By role: a camera with zones decodes every frame; one that only
      // watches its area needs key frames for its view checks.
      cam.analysis.mode = explicit_mode.value_or(cam.detection.enabled() ? AnalysisMode::Full : AnalysisMode::Keyframes);
      out.push_back(std::move(cam));
    }
  }

  std::optional<Polygon> readPolygon(const YAML::Node& n, const std::string& path) {
    if (!reader_.expectSequence(n, path)) return std::nullopt;
    Polygon polygon;
    bool ok = true;
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node p = n[i];
      const std::string ppath = indexPath(path, i);
      if (!p.IsSequence() || p.size() != 2) {
        reader_.report(p.Mark(), ppath, "expected a point [x, y] with x and y from 0 to 1");
        ok = false;
        continue;
      }
      const auto x = reader_.number(p[0], ppath + ".x", 0, 1);
      const auto y = reader_.number(p[1], ppath + ".y", 0, 1);
      if (!x || !y) {
        ok = false;
        continue;
      }
      polygon.push_back({*x, *y});
    }
    if (ok && polygon.size() < 3) {
      reader_.report(n.Mark(), path, "a polygon needs at least 3 points");
      return std::nullopt;
    }
    return ok ? std::optional<Polygon>(polygon) : std::nullopt;
  }

  void readSchedule(const YAML::Node& n, const std::string& path, WeeklySchedule& schedule) {
    if (!reader_.expectSequence(n, path)) return;
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node w = n[i];
      const std::string wpath = indexPath(path, i);
      if (!reader_.expectMap(w, wpath)) continue;
      reader_.rejectUnknownKeys(w, wpath, kScheduleKeys);
      ScheduleWindow window;
      window.days = {0, 1, 2, 3, 4, 5, 6};
      if (auto d = w["days"]; d.IsDefined()) {
        if (auto text = reader_.string(d, childPath(wpath, "days"))) {
          if (auto days = parseDays(*text)) {
            window.days = *days;
          } else {
            reader_.report(d.Mark(), childPath(wpath, "days"),
                           "expected days such as daily, mon-fri, sat,sun or mon,wed-fri, got '" + *text + "'");
          }
        }
      }
      bool ok = true;
      for (const char* key : {"from", "to"}) {
        const auto v = reader_.required(w, wpath, key);
        if (!v) {
          ok = false;
          continue;
        }
        const auto text = reader_.string(*v, childPath(wpath, key));
        const auto minute = text ? parseClock(*text) : std::nullopt;
        if (text && !minute) {
          reader_.report(v->Mark(), childPath(wpath, key), "expected a time of day such as 19:00, got '" + *text + "'");
        }
        if (!minute) ok = false;
        (std::string(key) == "from" ? window.from_minute : window.to_minute) = minute.value_or(0);
      }
      if (ok && window.from_minute == window.to_minute) {
        reader_.report(w.Mark(), wpath, "from and to are the same time: the window would be empty");
        continue;
      }
      if (ok) schedule.windows.push_back(std::move(window));
    }
  }

  void readDetection(const YAML::Node& n, const std::string& path, DetectionConfig& d) {
    reader_.rejectUnknownKeys(n, path, kDetectionKeys);
    if (auto v = n["fps"]; v.IsDefined()) d.fps = reader_.number(v, childPath(path, "fps"), 0.5, 30).value_or(d.fps);
    if (auto v = n["min_area"]; v.IsDefined()) {
      d.min_area = reader_.number(v, childPath(path, "min_area"), 0.0001, 0.5).value_or(d.min_area);
    }
    if (auto v = n["masks"]; v.IsDefined() && reader_.expectSequence(v, childPath(path, "masks"))) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto p = readPolygon(v[i], indexPath(childPath(path, "masks"), i))) d.masks.push_back(std::move(*p));
      }
    }
    if (auto v = n["rate_limit"]; v.IsDefined() && reader_.expectMap(v, childPath(path, "rate_limit"))) {
      const std::string rpath = childPath(path, "rate_limit");
      reader_.rejectUnknownKeys(v, rpath, kRateLimitKeys);
      if (auto a = v["alerts"]; a.IsDefined()) {
        d.max_alerts = static_cast<int>(reader_.integer(a, childPath(rpath, "alerts"), 1, 10000).value_or(d.max_alerts));
      }
      if (auto p = v["per"]; p.IsDefined()) d.rate_period = reader_.duration(p, childPath(rpath, "per"), 1, 86400).value_or(d.rate_period);
    }
    const std::string zpath = childPath(path, "zones");
    if (auto v = reader_.required(n, path, "zones"); v && reader_.expectSequence(*v, zpath)) {
      std::map<std::string, YAML::Mark> first_seen;
      for (size_t i = 0; i < v->size(); ++i) {
        const YAML::Node z = (*v)[i];
        const std::string p = indexPath(zpath, i);
        if (!reader_.expectMap(z, p)) continue;
        reader_.rejectUnknownKeys(z, p, kZoneKeys);
        ZoneConfig zone;
        zone.id = readUniqueId(z, p, "zone", first_seen).value_or("");
        zone.name = zone.id;
        if (auto x = z["name"]; x.IsDefined()) zone.name = reader_.string(x, childPath(p, "name")).value_or(zone.id);
        if (auto x = reader_.required(z, p, "kind")) {
          if (auto k = reader_.choice(*x, childPath(p, "kind"), kZoneKinds)) zone.kind = static_cast<ZoneKind>(*k);
        }
        if (zone.kind == ZoneKind::Motion) zone.dwell = Seconds(0.2);
        if (auto x = reader_.required(z, p, "polygon")) {
          if (auto poly = readPolygon(*x, childPath(p, "polygon"))) zone.polygon = std::move(*poly);
        }
        if (auto x = z["schedule"]; x.IsDefined()) readSchedule(x, childPath(p, "schedule"), zone.schedule);
        if (auto x = z["min_size"]; x.IsDefined()) {
          zone.min_size = reader_.number(x, childPath(p, "min_size"), 0.0001, 1).value_or(zone.min_size);
        }
        auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
          if (auto x = z[key]; x.IsDefined()) out = reader_.duration(x, childPath(p, key), min_s, max_s).value_or(out);
        };
        dur("dwell", zone.dwell, 0, 600);
        dur("clear_after", zone.clear_after, 0.5, 3600);
        dur("cooldown", zone.cooldown, 0, 86400);
        if (auto x = z["people_only"]; x.IsDefined()) {
          zone.people_only = reader_.boolean(x, childPath(p, "people_only")).value_or(false);
        }
        d.zones.push_back(std::move(zone));
      }
    }
  }

  void readUrl(const YAML::Node& v, const std::string& path, CameraConfig& cam) {
    auto text = reader_.string(v, path);
    if (!text) return;
    auto parsed = parseRtspUrl(*text);
    if (!parsed.url) {
      reader_.report(v.Mark(), path, "malformed RTSP URL '" + redactUrlsIn(*text) + "': " + parsed.error);
      return;
    }
    cam.url = *parsed.url;
    if (!cam.url.username.empty() || !cam.url.password.empty()) {
      cam.credentials = Credentials{cam.url.username, cam.url.password};
    }
  }

  void readSecretRef(const YAML::Node& v, const std::string& path,
                     const std::map<std::string, Credentials>& secrets, CameraConfig& cam) {
    auto name = reader_.string(v, path);
    if (!name) return;
    if (!secrets_loaded_) {
      reader_.report(v.Mark(), path, "names secret '" + *name + "' but no secrets_file is set");
      return;
    }
    if (cam.credentials) {
      reader_.report(v.Mark(), path, "credentials given twice: in rtsp_url and as a secret; keep one");
      return;
    }
    const auto it = secrets.find(*name);
    if (it == secrets.end()) {
      reader_.report(v.Mark(), path, "no entry '" + *name + "' under rtsp: in the secrets file");
      return;
    }
    cam.credentials = it->second;
  }

  YamlReader reader_;
  fs::path base_dir_;
  bool secrets_loaded_ = false;
};

}  // namespace

const char* toString(Transport t) {
  switch (t) {
    case Transport::Tcp: return "tcp";
    case Transport::Udp: return "udp";
    default: return "auto";
  }
}

const char* toString(AnalysisMode m) { return kAnalysisModes[static_cast<size_t>(m)].c_str(); }

const char* toString(ZoneKind k) { return kZoneKinds[static_cast<size_t>(k)].c_str(); }

const char* toString(AreaKind k) { return kAreaKinds[static_cast<size_t>(k)].c_str(); }

const char* toString(Language l) { return l == Language::En ? "en" : "zh-CN"; }

Config parseConfig(std::string_view yaml, const std::string& file_label, const fs::path& base_dir) {
  ConfigParser parser(file_label, base_dir);
  return parser.parse(yaml);
}

Config loadConfig(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError({{file.string(), 0, 0, "", std::string("cannot read the file: ") + std::strerror(errno)}});
  }
  std::stringstream text;
  text << in.rdbuf();
  const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return parseConfig(text.str(), file.string(), base);
}

}  // namespace villagecam::config
