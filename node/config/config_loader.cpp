#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "config/sections.hpp"
#include "i18n/messages.hpp"
#include "yaml/yaml_reader.hpp"

namespace villagecam::config {
namespace {

using i18n::Msg;
using i18n::tr;

namespace fs = std::filesystem;

// The top level: each section to its reader (sections.hpp), in the order
// that lets later ones use earlier ones (the node id names the MQTT client,
// the secrets are there for the cameras, the cameras for the areas).
Config parseSections(Sections& ctx, std::string_view yaml) {
  Config cfg;
  cfg.source_file = ctx.reader.file();
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    ctx.reader.report(e.mark, "", tr(Msg::ConfigYamlSyntaxError, e.msg));
    throw ConfigError(ctx.reader.takeIssues());
  }
  if (!root.IsDefined() || root.IsNull()) {
    ctx.reader.reportAtFile("", tr(Msg::ConfigFileEmpty, "config/villagecam.example.yaml"));
    throw ConfigError(ctx.reader.takeIssues());
  }
  if (!ctx.reader.expectMap(root, "")) throw ConfigError(ctx.reader.takeIssues());
  ctx.reader.rejectUnknownKeys(root, "", kTopKeys);

  if (auto node = ctx.reader.required(root, "", "node")) readNode(ctx, *node, cfg.node);
  if (auto n = root["state_dir"]; n.IsDefined()) {
    if (auto s = ctx.reader.string(n, "state_dir")) cfg.state_dir = resolve(ctx.base_dir, *s);
  }
  if (auto n = root["uptime_flush_interval"]; n.IsDefined()) {
    if (auto d = ctx.reader.duration(n, "uptime_flush_interval", 1, 600)) cfg.uptime_flush_interval = *d;
  }
  Secrets secrets;
  if (auto n = root["secrets_file"]; n.IsDefined()) {
    if (auto s = filePath(ctx, n, "secrets_file")) {
      cfg.secrets_file = *s;
      secrets = loadSecrets(*cfg.secrets_file, ctx.reader, n.Mark());
      ctx.secrets_loaded = true;
    }
  }
  if (auto n = root["logging"]; n.IsDefined() && ctx.reader.expectMap(n, "logging")) readLogging(ctx, n, cfg.logging);
  if (auto n = root["ingest"]; n.IsDefined() && ctx.reader.expectMap(n, "ingest")) readIngest(ctx, n, cfg.ingest);
  if (auto n = root["mqtt"]; n.IsDefined() && ctx.reader.expectMap(n, "mqtt")) readMqtt(ctx, n, cfg.node.id, cfg.mqtt);
  if (auto n = root["view_quality"]; n.IsDefined() && ctx.reader.expectMap(n, "view_quality")) readViewQuality(ctx, n, cfg.view_quality);
  if (auto n = root["http"]; n.IsDefined() && ctx.reader.expectMap(n, "http")) readHttp(ctx, n, cfg.http);
  if (auto n = root["snapshots"]; n.IsDefined() && ctx.reader.expectMap(n, "snapshots")) readSnapshots(ctx, n, cfg.snapshots);
  cfg.restream.viewers = secrets.viewers;
  if (auto n = root["restream"]; n.IsDefined() && ctx.reader.expectMap(n, "restream")) readRestream(ctx, n, cfg.restream);
  if (auto n = root["county_link"]; n.IsDefined() && ctx.reader.expectMap(n, "county_link")) {
    readCountyLink(ctx, n, cfg.county_link);
  }
  if (auto n = root["clips"]; n.IsDefined() && ctx.reader.expectMap(n, "clips")) readClips(ctx, n, cfg.clips);
  if (auto n = root["alerts"]; n.IsDefined() && ctx.reader.expectMap(n, "alerts")) readAlerts(ctx, n, cfg.alerts);
  if (auto n = ctx.reader.required(root, "", "cameras"); n && ctx.reader.expectSequence(*n, "cameras")) {
    readCameras(ctx, *n, secrets.rtsp, cfg.cameras);
  }
  if (auto n = root["areas"]; n.IsDefined() && ctx.reader.expectSequence(n, "areas")) readAreas(ctx, n, cfg.cameras, cfg.areas);
  if (ctx.reader.hasIssues()) throw ConfigError(ctx.reader.takeIssues());
  return cfg;
}

}  // namespace

const char* toString(Transport t) {
  switch (t) {
    case Transport::Tcp: return "tcp";
    case Transport::Udp: return "udp";
    default: return "auto";
  }
}

const char* toString(RtspClient c) { return kRtspClients[static_cast<size_t>(c)].c_str(); }

const char* toString(AnalysisMode m) { return kAnalysisModes[static_cast<size_t>(m)].c_str(); }

const char* toString(ZoneKind k) { return kZoneKinds[static_cast<size_t>(k)].c_str(); }

const char* toString(AreaKind k) { return kAreaKinds[static_cast<size_t>(k)].c_str(); }

bool isLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}


Config parseConfig(std::string_view yaml, const std::string& file_label, const fs::path& base_dir) {
  YamlReader reader(file_label);
  Sections ctx{reader, base_dir};
  return parseSections(ctx, yaml);
}

Config loadConfig(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError({{file.string(), 0, 0, "", tr(Msg::ConfigCannotReadFile, std::strerror(errno))}});
  }
  std::stringstream text;
  text << in.rdbuf();
  const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return parseConfig(text.str(), file.string(), base);
}

}  // namespace villagecam::config
