#include "app/reload_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace villagecam::app {
namespace {

std::string list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? std::string("none") : out;
}

const config::CameraConfig* findCamera(const config::Config& c, const std::string& id) {
  const auto it = std::find_if(c.cameras.begin(), c.cameras.end(), [&](const auto& cam) { return cam.id == id; });
  return it == c.cameras.end() ? nullptr : &*it;
}

}  // namespace

std::vector<std::string> sectionsNeedingRestart(const config::Config& a, const config::Config& b) {
  std::vector<std::string> out;
  auto check = [&](bool same, const char* path) {
    if (!same) out.emplace_back(path);
  };
  check(a.node == b.node, "node");
  check(a.state_dir == b.state_dir, "state_dir");
  check(a.uptime_flush_interval == b.uptime_flush_interval, "uptime_flush_interval");
  check(a.restream == b.restream, "restream");
  check(a.county_link == b.county_link, "county_link");
  check(a.clips == b.clips, "clips");
  const auto &m = a.mqtt, &n = b.mqtt;
  if (m.enabled != n.enabled) {
    out.emplace_back("mqtt");
  } else {
    check(m.brokers == n.brokers, "mqtt.brokers");
    check(m.client_id == n.client_id, "mqtt.client_id");
    check(m.topic_prefix == n.topic_prefix, "mqtt.topic_prefix");
    check(m.version == n.version, "mqtt.protocol");
    check(m.keepalive == n.keepalive, "mqtt.keepalive");
    check(m.connect_timeout == n.connect_timeout, "mqtt.connect_timeout");
    check(m.reconnect_min == n.reconnect_min, "mqtt.reconnect_min");
    check(m.reconnect_max == n.reconnect_max, "mqtt.reconnect_max");
    check(m.username == n.username, "mqtt.username");
    check(m.password_file == n.password_file && m.password == n.password, "mqtt.password_file");
    check(m.tls == n.tls, "mqtt.tls");
    check(m.status_interval == n.status_interval, "mqtt.status_interval");
    check(m.outbox_max_alerts == n.outbox_max_alerts && m.outbox_max_bytes == n.outbox_max_bytes, "mqtt.outbox");
  }
  check(a.alerts == b.alerts, "alerts");
  check(a.view_quality == b.view_quality, "view_quality");
  check(a.snapshots == b.snapshots, "snapshots");
  check(a.http == b.http, "http");
  // The alerts carry each camera's GB/T 28181 code as the node started with it.
  for (const auto& cam : b.cameras) {
    const auto* old = findCamera(a, cam.id);
    if (old && old->gb_code != cam.gb_code) out.push_back("cameras[" + cam.id + "].gb_code");
  }
  return out;
}

ReloadPlan planReload(const config::Config& before, const config::Config& after, const StreamKeys& running,
                      const StreamKeys& wanted) {
  ReloadPlan plan;
  for (const auto& [id, key] : running) {
    if (!wanted.count(id)) plan.remove.push_back(id);
  }
  for (const auto& cam : after.cameras) {  // in the new config's order
    const auto w = wanted.find(cam.id);
    if (w == wanted.end()) continue;
    const auto r = running.find(cam.id);
    if (r == running.end()) {
      plan.add.push_back(cam.id);
      continue;
    }
    if (r->second != w->second) {
      plan.restart.push_back(cam.id);
      continue;
    }
    const auto* old = findCamera(before, cam.id);
    if (!cam.detection.enabled() || (old && old->detection == cam.detection)) continue;
    plan.retune.push_back(cam.id);
    if (!old) continue;
    for (const auto& z : old->detection.zones) {
      const bool kept = std::any_of(cam.detection.zones.begin(), cam.detection.zones.end(),
                                    [&](const auto& nz) { return nz.id == z.id; });
      if (!kept) plan.zones_gone[cam.id].push_back(z.id);
    }
  }
  std::set<std::string> areas_after;
  for (const auto& a : after.areas) areas_after.insert(a.id);
  for (const auto& a : before.areas) {
    if (!areas_after.count(a.id)) plan.areas_gone.push_back(a.id);
  }
  plan.log_level_changed = before.logging.level != after.logging.level;
  plan.at_restart = sectionsNeedingRestart(before, after);
  return plan;
}

std::string ReloadPlan::summary(std::size_t cameras_running) const {
  return fmt::format("{} camera(s) running; added: {}; restarted: {}; removed: {}; zones retuned in place: {}{}",
                     cameras_running, list(add), list(restart), list(remove), list(retune),
                     at_restart.empty() ? "" : "; applies at the next restart: " + list(at_restart));
}

}  // namespace villagecam::app
