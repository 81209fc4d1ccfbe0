#include "config/sections.hpp"

#include "config/rtsp_url.hpp"
#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

void readViewQuality(Sections& ctx, const YAML::Node& n, ViewQualityConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "view_quality", kViewQualityKeys);
  auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
    readDuration(ctx, n, "view_quality", key, out, min_s, max_s);
  };
  dur("check_interval", out.check_interval, 0.2, 60);
  dur("health_check_interval", out.health_check_interval, 5, 3600);
  dur("raise_after", out.raise_after, 0, 3600);
  dur("clear_after", out.clear_after, 0, 3600);
  dur("baseline_refresh", out.baseline_refresh, 0, 30 * 86400);
  if (out.baseline_refresh.count() > 0 && out.baseline_refresh.count() < 600) {
    ctx.reader.report(n["baseline_refresh"].Mark(), "view_quality.baseline_refresh", tr(Msg::ConfigBaselineRefresh));
  }
  auto num = [&](const char* key, double& out, double min_v, double max_v) {
    if (auto v = n[key]; v.IsDefined()) out = ctx.reader.number(v, childPath("view_quality", key), min_v, max_v).value_or(out);
  };
  num("blank_contrast", out.blank_contrast, 0.5, 50);
  num("frozen_difference", out.frozen_difference, 0.001, 5);
  num("defocus_ratio", out.defocus_ratio, 0.05, 0.95);
  num("occluded_share", out.occluded_share, 0.1, 1);
  num("shift_fraction", out.shift_fraction, 0.01, 0.5);
  if (auto v = n["coverage_issues"]; v.IsDefined() && ctx.reader.expectSequence(v, "view_quality.coverage_issues")) {
    out.coverage_issues.clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto c = ctx.reader.choice(v[i], indexPath("view_quality.coverage_issues", i), kViewIssueNames)) {
        out.coverage_issues.push_back(kViewIssueNames[*c]);
      }
    }
  }
}

void readHttp(Sections& ctx, const YAML::Node& n, HttpConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "http", kHttpKeys);
  if (auto v = n["enabled"]; v.IsDefined()) out.enabled = ctx.reader.boolean(v, "http.enabled").value_or(true);
  readListen(ctx, n, "http", "127.0.0.1:9810", out.host, out.port);
  readDuration(ctx, n, "http", "request_timeout", out.request_timeout, 1, 120);
  if (auto v = n["max_connections_per_client"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "http.max_connections_per_client", 1, 1000)) out.max_connections_per_client = static_cast<int>(*i);
  }
  static const std::regex address("[0-9.]{7,15}|[0-9a-fA-F:]{2,39}");
  readMatchingStrings(ctx, n, "http", "trusted_proxies", address, tr(Msg::ConfigIpAddressSuchAs, "127.0.0.1"),
                      out.trusted_proxies);
}

void readListen(Sections& ctx, const YAML::Node& section, const std::string& path, const std::string& example,
                std::string& host, int& port) {
  const auto v = section["listen"];
  if (!v.IsDefined()) return;
  static const std::regex listen("([A-Za-z0-9.:-]+|\\[[0-9a-fA-F:]+\\]):([0-9]{1,5})");
  std::smatch m;
  const auto text = ctx.reader.string(v, childPath(path, "listen"));
  if (text && std::regex_match(*text, m, listen) && std::stoi(m[2]) <= 65535) {
    host = m[1];
    port = std::stoi(m[2]);
  } else if (text) {
    ctx.reader.report(v.Mark(), childPath(path, "listen"), tr(Msg::ConfigExpectedHostPort, example, *text));
  }
}

void readRestream(Sections& ctx, const YAML::Node& n, RestreamConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "restream", kRestreamKeys);
  if (auto v = n["enabled"]; v.IsDefined()) out.enabled = ctx.reader.boolean(v, "restream.enabled").value_or(true);
  readListen(ctx, n, "restream", "127.0.0.1:8554", out.host, out.port);
  if (auto v = n["max_viewers_per_camera"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "restream.max_viewers_per_camera", 1, 64)) out.max_viewers_per_camera = static_cast<int>(*i);
  }
  if (auto v = n["max_bitrate_kbps"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "restream.max_bitrate_kbps", 100, 10'000'000)) out.max_bitrate_kbps = static_cast<int>(*i);
  }
  readDuration(ctx, n, "restream", "view_linger", out.view_linger, 0, 3600);
  if (out.enabled && !isLoopbackHost(out.host) && out.viewers.empty()) {
    const auto at = n["listen"].IsDefined() ? n["listen"].Mark() : n.Mark();
    ctx.reader.report(at, "restream.listen",
                      tr(Msg::ConfigOpenWithoutViewers, out.host, "viewers:", "secrets_file", "127.0.0.1"));
  }
}

void readCountyLink(Sections& ctx, const YAML::Node& n, CountyLinkConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "county_link", kCountyLinkKeys);
  if (auto v = ctx.reader.required(n, "county_link", "url")) {
    if (auto text = ctx.reader.string(*v, "county_link.url")) {
      const auto parsed = parseRtspUrl(*text);
      if (!parsed.url) {
        ctx.reader.report(v->Mark(), "county_link.url", parsed.error);
      } else if (parsed.url->scheme != "rtsp") {
        ctx.reader.report(v->Mark(), "county_link.url", tr(Msg::ConfigCountyLinkSchemeSoon, "rtsp://", "rtsps://"));
      } else if (!parsed.url->username.empty() || !parsed.url->password.empty()) {
        ctx.reader.report(v->Mark(), "county_link.url", tr(Msg::ConfigCountyLinkNoCredentials, "password_file"));
      } else if (parsed.url->path != "/" && !parsed.url->path.empty()) {
        ctx.reader.report(v->Mark(), "county_link.url", tr(Msg::ConfigCountyLinkAddressOnly, "rtsp"));
      } else {
        out.host = parsed.url->host;
        out.port = parsed.url->port > 0 ? parsed.url->port : 8555;
      }
    }
  }
  if (auto v = ctx.reader.required(n, "county_link", "password_file")) {
    if (auto p = filePath(ctx, *v, "county_link.password_file")) {
      out.password_file = *p;
      out.password = readPasswordFile(ctx, *v, "county_link.password_file", *p);
    }
  }
  if (auto v = n["max_bitrate_kbps"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "county_link.max_bitrate_kbps", 100, 1'000'000)) out.max_bitrate_kbps = static_cast<int>(*i);
  }
}

void readClips(Sections& ctx, const YAML::Node& n, ClipsConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "clips", kClipsKeys);
  if (auto v = n["enabled"]; v.IsDefined()) out.enabled = ctx.reader.boolean(v, "clips.enabled").value_or(true);
  readDuration(ctx, n, "clips", "pre_roll", out.pre_roll, 0, 60);
  readDuration(ctx, n, "clips", "post_roll", out.post_roll, 1, 300);
  readDuration(ctx, n, "clips", "max_duration", out.max_duration, 2, 3600);
  if (out.max_duration < out.pre_roll + out.post_roll) {
    const auto at = n["max_duration"].IsDefined() ? n["max_duration"].Mark() : n.Mark();
    ctx.reader.report(at, "clips.max_duration", tr(Msg::ConfigAtLeastSum, "pre_roll", "post_roll"));
  }
  if (auto v = n["alert_types"]; v.IsDefined() && ctx.reader.expectSequence(v, "clips.alert_types")) {
    out.alert_types.clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto c = ctx.reader.choice(v[i], indexPath("clips.alert_types", i), kClipAlertTypes)) {
        out.alert_types.push_back(kClipAlertTypes[*c]);
      }
    }
  }
  if (auto v = n["max_bytes"]; v.IsDefined()) {
    out.max_bytes = ctx.reader.size(v, "clips.max_bytes", 16u << 20, 1ull << 40).value_or(out.max_bytes);
  }
}

void readSnapshots(Sections& ctx, const YAML::Node& n, SnapshotsConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "snapshots", kSnapshotKeys);
  if (auto v = n["jpeg_quality"]; v.IsDefined()) {
    out.jpeg_quality = static_cast<int>(ctx.reader.integer(v, "snapshots.jpeg_quality", 10, 100).value_or(80));
  }
  if (auto v = n["max_bytes"]; v.IsDefined()) {
    out.max_bytes = ctx.reader.size(v, "snapshots.max_bytes", 1u << 20, 64ull << 30).value_or(out.max_bytes);
  }
}

}  // namespace villagecam::config
