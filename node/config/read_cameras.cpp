#include "config/sections.hpp"

#include <optional>
#include <tuple>
#include <utility>

#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

namespace {

// An RTSP URL at `path`, reported there (password hidden) if malformed; its
// credentials, if it carries any, as the second.
std::optional<std::pair<RtspUrl, std::optional<Credentials>>> readRtspUrl(Sections& ctx, const YAML::Node& v,
                                                                           const std::string& path) {
  auto text = ctx.reader.string(v, path);
  if (!text) return std::nullopt;
  auto parsed = parseRtspUrl(*text);
  if (!parsed.url) {
    ctx.reader.report(v.Mark(), path, tr(Msg::ConfigMalformedRtspUrl, redactUrlsIn(*text), parsed.error));
    return std::nullopt;
  }
  std::optional<Credentials> credentials;
  if (!parsed.url->username.empty() || !parsed.url->password.empty()) {
    credentials = Credentials{parsed.url->username, parsed.url->password};
  }
  return std::make_pair(*parsed.url, credentials);
}

void readSecretRef(Sections& ctx, const YAML::Node& v, const std::string& path,
                   const std::map<std::string, Credentials>& secrets, CameraConfig& cam) {
  auto name = ctx.reader.string(v, path);
  if (!name) return;
  if (!ctx.secrets_loaded) {
    ctx.reader.report(v.Mark(), path, tr(Msg::ConfigSecretWithoutSecretsFile, *name, "secrets_file"));
    return;
  }
  if (cam.credentials) {
    ctx.reader.report(v.Mark(), path, tr(Msg::ConfigCredentialsTwice, "rtsp_url"));
    return;
  }
  const auto it = secrets.find(*name);
  if (it == secrets.end()) {
    ctx.reader.report(v.Mark(), path, tr(Msg::ConfigNoSuchSecret, *name, "rtsp:"));
    return;
  }
  cam.credentials = it->second;
}

}  // namespace

void readCameras(Sections& ctx, const YAML::Node& list, const std::map<std::string, Credentials>& secrets,
                 std::vector<CameraConfig>& out) {
  std::map<std::string, YAML::Mark> first_seen;
  std::map<std::string, std::string> gb_codes;  // code -> the path that has it first
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string path = indexPath("cameras", i);
    if (!ctx.reader.expectMap(n, path)) continue;
    ctx.reader.rejectUnknownKeys(n, path, kCameraKeys);
    CameraConfig cam;
    cam.id = readUniqueId(ctx, n, path, Msg::ConfigDuplicateCameraId, first_seen).value_or("");
    cam.name = cam.id;
    if (auto v = n["name"]; v.IsDefined()) cam.name = ctx.reader.string(v, childPath(path, "name")).value_or(cam.id);
    if (auto v = n["gb_code"]; v.IsDefined()) {
      if (auto code = readGbCode(ctx, v, childPath(path, "gb_code"), GbDeviceRole::Camera)) {
        if (auto [it, fresh] = gb_codes.emplace(*code, childPath(path, "gb_code")); !fresh) {
          ctx.reader.report(v.Mark(), childPath(path, "gb_code"), tr(Msg::ConfigSameDeviceCode, it->second));
        } else {
          cam.gb_code = *code;
        }
      }
    }
    if (auto v = ctx.reader.required(n, path, "rtsp_url")) {
      if (auto url = readRtspUrl(ctx, *v, childPath(path, "rtsp_url"))) std::tie(cam.url, cam.credentials) = *url;
    }
    if (auto v = n["view_url"]; v.IsDefined()) {
      if (auto url = readRtspUrl(ctx, v, childPath(path, "view_url"))) {
        cam.view_url = url->first;
        cam.view_credentials = url->second;
      }
    }
    if (auto v = n["transport"]; v.IsDefined()) {
      if (auto t = ctx.reader.choice(v, childPath(path, "transport"), kTransports)) {
        cam.transport = static_cast<Transport>(*t);
      }
    }
    if (auto v = n["secret"]; v.IsDefined()) readSecretRef(ctx, v, childPath(path, "secret"), secrets, cam);
    if (auto v = n["enabled"]; v.IsDefined()) cam.enabled = ctx.reader.boolean(v, childPath(path, "enabled")).value_or(true);
    if (auto v = n["patrol_time"]; v.IsDefined()) cam.patrol_time = ctx.reader.duration(v, childPath(path, "patrol_time"), 1, 86400);
    std::optional<AnalysisMode> explicit_mode;
    if (auto v = n["analysis"]; v.IsDefined() && ctx.reader.expectMap(v, childPath(path, "analysis"))) {
      const std::string apath = childPath(path, "analysis");
      ctx.reader.rejectUnknownKeys(v, apath, kAnalysisKeys);
      if (auto m = v["mode"]; m.IsDefined()) {
        if (auto i = ctx.reader.choice(m, childPath(apath, "mode"), kAnalysisModes)) {
          explicit_mode = static_cast<AnalysisMode>(*i);
        }
      }
      if (auto f = v["fps"]; f.IsDefined()) cam.analysis.fps = ctx.reader.number(f, childPath(apath, "fps"), 0.1, 30).value_or(cam.analysis.fps);
      if (auto w = v["width"]; w.IsDefined()) cam.analysis.width = static_cast<int>(ctx.reader.integer(w, childPath(apath, "width"), 32, 3840).value_or(cam.analysis.width));
      if (auto h = v["height"]; h.IsDefined()) cam.analysis.height = static_cast<int>(ctx.reader.integer(h, childPath(apath, "height"), 32, 2160).value_or(cam.analysis.height));
      if (cam.analysis.width % 2 || cam.analysis.height % 2) {
        ctx.reader.report(v.Mark(), apath, tr(Msg::ConfigEvenPixels, "width", "height"));
      }
    }
    if (auto v = n["detection"]; v.IsDefined() && ctx.reader.expectMap(v, childPath(path, "detection"))) {
      readDetection(ctx, v, childPath(path, "detection"), cam.detection);
      if (cam.detection.enabled() && explicit_mode && *explicit_mode != AnalysisMode::Full) {
        ctx.reader.report(v.Mark(), childPath(path, "detection"),
                          tr(Msg::ConfigZonesNeedFullMode, "analysis.mode", toString(AnalysisMode::Full),
                             toString(*explicit_mode)));
      }
    }
    // By role: a camera with zones decodes every frame; one that only
    // watches its area needs key frames for its view checks.
    cam.analysis.mode = explicit_mode.value_or(cam.detection.enabled() ? AnalysisMode::Full : AnalysisMode::Keyframes);
    if (cam.view_url && !cam.view_credentials) cam.view_credentials = cam.credentials;  // the same camera
    out.push_back(std::move(cam));
  }
}

}  // namespace villagecam::config
