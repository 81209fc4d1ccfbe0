#include "settings/county_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/sections.hpp"
#include "yaml/yaml_reader.hpp"

namespace villagecam::county {
namespace {

// The sections a node's config has too (logging, the MQTT connection, the
// HTTP listener) are read by the node's own readers.
using namespace villagecam::config;
using yaml::ConfigError;
using yaml::YamlReader;

namespace fs = std::filesystem;

const std::vector<std::string> kCountyTopKeys{"county", "state_dir", "logging", "mqtt", "http", "storage", "admission", "live", "clips"};
const std::vector<std::string> kClipsKeys{"max_bytes", "max_days", "upload_on_end"};
const std::vector<std::string> kLiveKeys{"listen", "push_passwords_file", "max_streams"};
const std::vector<std::string> kAdmissionKeys{"admin_code_prefixes", "max_pending"};
const std::vector<std::string> kCountyKeys{"name", "timezone"};
const std::vector<std::string> kCountyMqttKeys{"brokers",        "client_id",     "protocol",      "keepalive",
                                               "connect_timeout", "reconnect_min", "reconnect_max", "username",
                                               "password_file",  "tls",           "topic_root",    "shared_group",
                                               "default_status_interval"};
const std::vector<std::string> kStorageKeys{"engine", "postgresql", "password_file"};
const std::vector<std::string> kEngines{"sqlite", "postgresql"};

void readCounty(Sections& ctx, const YAML::Node& n, CountyConfig& cfg) {
  ctx.reader.rejectUnknownKeys(n, "county", kCountyKeys);
  if (auto v = n["name"]; v.IsDefined()) cfg.name = ctx.reader.string(v, "county.name").value_or("");
  if (auto v = n["timezone"]; v.IsDefined()) {
    if (auto tz = ctx.reader.string(v, "county.timezone")) {
      if (!fs::is_regular_file(fs::path("/usr/share/zoneinfo") / *tz) || tz->find("..") != std::string::npos) {
        ctx.reader.report(v.Mark(), "county.timezone",
                          "unknown time zone '" + *tz + "' (expected a name such as Asia/Shanghai; see /usr/share/zoneinfo)");
      } else {
        cfg.timezone = *tz;
      }
    }
  }
}

// A topic level: no wildcards, no '/', not empty.
bool isTopicLevel(const std::string& s) {
  return !s.empty() && s.find_first_of("+#/ \t") == std::string::npos && s[0] != '$';
}

void readCountyMqtt(Sections& ctx, const YAML::Node& n, CountyConfig& cfg) {
  ctx.reader.rejectUnknownKeys(n, "mqtt", kCountyMqttKeys);
  cfg.mqtt.client_id = "villagecam-county";
  readMqttConnection(ctx, n, cfg.mqtt);
  if (auto v = n["topic_root"]; v.IsDefined()) {
    if (auto root = ctx.reader.string(v, "mqtt.topic_root")) {
      if (std::regex_match(*root, kTopicPrefixPattern)) {
        cfg.topic_root = *root;
      } else {
        ctx.reader.report(v.Mark(), "mqtt.topic_root",
                          "'" + *root + "' is not a topic prefix (no '+', '#', spaces or empty levels)");
      }
    }
  }
  if (auto v = n["shared_group"]; v.IsDefined()) {
    if (auto group = ctx.reader.string(v, "mqtt.shared_group")) {
      if (isTopicLevel(*group)) {
        cfg.shared_group = *group;
      } else {
        ctx.reader.report(v.Mark(), "mqtt.shared_group",
                          "'" + *group + "' is not a group name (one topic level: no '/', '+', '#' or spaces)");
      }
    }
  }
  readDuration(ctx, n, "mqtt", "default_status_interval", cfg.default_status_interval, 5, 3600);
}

void readStorage(Sections& ctx, const YAML::Node& n, CountyStorageConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "storage", kStorageKeys);
  if (auto v = n["engine"]; v.IsDefined()) {
    if (auto i = ctx.reader.choice(v, "storage.engine", kEngines)) out.engine = static_cast<StorageEngine>(*i);
  }
  if (auto v = n["postgresql"]; v.IsDefined()) {
    if (auto conninfo = ctx.reader.string(v, "storage.postgresql")) {
      if (conninfo->find("password") != std::string::npos || conninfo->find("://") != std::string::npos) {
        ctx.reader.report(v.Mark(), "storage.postgresql",
                          "give the connection as key=value pairs without a password "
                          "(\"host=... dbname=... user=...\"); the password goes in storage.password_file");
      } else {
        out.postgresql = *conninfo;
      }
    }
  }
  if (auto v = n["password_file"]; v.IsDefined()) {
    if (auto p = filePath(ctx, v, "storage.password_file")) {
      out.password_file = *p;
      std::ifstream in(*p);
      std::string password;
      if (!in) {
        ctx.reader.report(v.Mark(), "storage.password_file", "cannot read '" + p->string() + "': " + std::strerror(errno));
      } else if (std::getline(in, password); password.empty()) {
        ctx.reader.report(v.Mark(), "storage.password_file", "'" + p->string() + "' is empty");
      } else {
        if (password.back() == '\r') password.pop_back();
        out.password = password;
      }
    }
  }
  if (out.engine == StorageEngine::Postgresql && out.postgresql.empty() && !ctx.reader.hasIssues()) {
    ctx.reader.report(n.Mark(), "storage.postgresql", "engine postgresql needs its connection (\"host=... dbname=... user=...\")");
  }
}

void readAdmission(Sections& ctx, const YAML::Node& n, AdmissionConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "admission", kAdmissionKeys);
  static const std::regex prefix("[0-9]{2,12}");
  readMatchingStrings(ctx, n, "admission", "admin_code_prefixes", prefix,
                      "the first 2 to 12 digits of an admin code (the county's 6: \"410225\")", out.admin_code_prefixes);
  if (auto v = n["max_pending"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "admission.max_pending", 0, 100000)) out.max_pending = static_cast<int>(*i);
  }
}

// The nodes' push passwords: a YAML map of node id to password, in a file of
// its own (chmod 600). Its values are never echoed in an error.
void readPushPasswords(Sections& ctx, const YAML::Node& at, const fs::path& file, CountyLiveConfig& out) {
  std::ifstream in(file);
  if (!in) {
    ctx.reader.report(at.Mark(), "live.push_passwords_file", "cannot read '" + file.string() + "': " + std::strerror(errno));
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  YamlReader reader(file.string(), /*echo_values=*/false);
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    reader.report(e.mark, "", "YAML syntax error: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) {
    reader.reportAtFile("", "no node in it: give each node's push password as <node id>: <password>");
  } else if (reader.expectMap(root, "")) {
    for (const auto& entry : root) {
      const std::string node = entry.first.Scalar();
      if (!std::regex_match(node, kIdPattern)) {
        reader.report(entry.first.Mark(), node, "not a node id (a-z, 0-9, '_' and '-', starting with a letter or digit)");
        continue;
      }
      const auto password = reader.string(entry.second, node);
      if (!password) continue;
      if (password->size() < 16) {
        reader.report(entry.second.Mark(), node, "too short: a push password has at least 16 characters");
        continue;
      }
      out.push_passwords[node] = *password;
    }
  }
  for (auto& issue : reader.takeIssues()) ctx.reader.add(std::move(issue));
}

void readLive(Sections& ctx, const YAML::Node& n, CountyLiveConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "live", kLiveKeys);
  out.enabled = true;
  readListen(ctx, n, "live", "127.0.0.1:8554", out.host, out.port);
  if (auto v = ctx.reader.required(n, "live", "push_passwords_file")) {
    if (auto p = filePath(ctx, *v, "live.push_passwords_file")) {
      out.push_passwords_file = *p;
      readPushPasswords(ctx, *v, *p, out);
    }
  }
  if (auto v = n["max_streams"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "live.max_streams", 1, 256)) out.max_streams = static_cast<int>(*i);
  }
}

void readClips(Sections& ctx, const YAML::Node& n, CountyClipsConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "clips", kClipsKeys);
  if (auto v = n["max_bytes"]; v.IsDefined()) {
    out.max_bytes = ctx.reader.size(v, "clips.max_bytes", 16u << 20, 1ull << 44).value_or(out.max_bytes);
  }
  if (auto v = n["max_days"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "clips.max_days", 1, 3650)) out.max_days = static_cast<int>(*i);
  }
  if (auto v = n["upload_on_end"]; v.IsDefined()) {
    if (auto b = ctx.reader.boolean(v, "clips.upload_on_end")) out.upload_on_end = *b;
  }
}

CountyConfig parseSections(Sections& ctx, std::string_view yaml) {
  CountyConfig cfg;
  cfg.source_file = ctx.reader.file();
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    ctx.reader.report(e.mark, "", "YAML syntax error: " + e.msg);
    throw ConfigError(ctx.reader.takeIssues());
  }
  if (!root.IsDefined() || root.IsNull()) {
    ctx.reader.reportAtFile("", "the file is empty; see config/county.example.yaml");
    throw ConfigError(ctx.reader.takeIssues());
  }
  if (!ctx.reader.expectMap(root, "")) throw ConfigError(ctx.reader.takeIssues());
  ctx.reader.rejectUnknownKeys(root, "", kCountyTopKeys);
  if (auto n = root["county"]; n.IsDefined() && ctx.reader.expectMap(n, "county")) readCounty(ctx, n, cfg);
  if (auto n = root["state_dir"]; n.IsDefined()) {
    if (auto s = ctx.reader.string(n, "state_dir")) cfg.state_dir = resolve(ctx.base_dir, *s);
  }
  if (auto n = root["logging"]; n.IsDefined() && ctx.reader.expectMap(n, "logging")) readLogging(ctx, n, cfg.logging);
  if (auto n = ctx.reader.required(root, "", "mqtt"); n && ctx.reader.expectMap(*n, "mqtt")) readCountyMqtt(ctx, *n, cfg);
  if (auto n = root["http"]; n.IsDefined() && ctx.reader.expectMap(n, "http")) readHttp(ctx, n, cfg.http);
  if (auto n = root["storage"]; n.IsDefined() && ctx.reader.expectMap(n, "storage")) readStorage(ctx, n, cfg.storage);
  if (auto n = root["admission"]; n.IsDefined() && ctx.reader.expectMap(n, "admission")) readAdmission(ctx, n, cfg.admission);
  if (auto n = root["live"]; n.IsDefined() && ctx.reader.expectMap(n, "live")) readLive(ctx, n, cfg.live);
  if (auto n = root["clips"]; n.IsDefined() && ctx.reader.expectMap(n, "clips")) {
    readClips(ctx, n, cfg.clips);
    if (!cfg.live.enabled) ctx.reader.report(n.Mark(), "clips", "clips come through the live video receiver: configure live: too");
  }
  if (ctx.reader.hasIssues()) throw ConfigError(ctx.reader.takeIssues());
  return cfg;
}

}  // namespace

const char* toString(StorageEngine e) { return kEngines[static_cast<std::size_t>(e)].c_str(); }

CountyConfig parseCountyConfig(std::string_view yaml, const std::string& file_label, const fs::path& base_dir) {
  YamlReader reader(file_label);
  Sections ctx{reader, base_dir};
  return parseSections(ctx, yaml);
}

CountyConfig loadCountyConfig(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError({{file.string(), 0, 0, "", std::string("cannot read the file: ") + std::strerror(errno)}});
  }
  std::stringstream text;
  text << in.rdbuf();
  const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return parseCountyConfig(text.str(), file.string(), base);
}

}  // namespace villagecam::county
