#include "sim/county_model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <random>

namespace villagecam::county::sim {

std::vector<SimNode> makeCounty(const SimCountyOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::mt19937_64 past(o.seed ^ 0x9e3779b97f4a7c15ULL);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<SimNode> out;
  for (int n = 0; n < o.nodes; ++n) {
    SimNode node;
    const int township = n / o.villages_per_township + 1;
    const int village = n % o.villages_per_township + 1;
    node.id = fmt::format("sim-{:04d}", n + 1);
    // 410225: 兰考县, 开封市, 河南省. Township codes 100+, villages 201+ (村委会).
    node.place = {"模拟县", fmt::format("第{}镇", township), fmt::format("第{}镇{}村", township, village),
                  fmt::format("410225{:03d}{:03d}", 100 + township, 200 + village)};
    // GB/T 28181 device codes: centre 410225 + township (8 digits), industry
    // 00, type, network 0, serial (6 digits) unique in the county.
    const auto centre = fmt::format("410225{:02d}00", township % 100);
    node.gb_code = centre + fmt::format("1180{:06d}", (n + 1) * 100);
    for (int c = 0; c < o.cameras; ++c) {
      SimCamera cam{fmt::format("cam-{:02d}", c + 1), centre + fmt::format("1320{:06d}", (n + 1) * 100 + c + 1)};
      const double r = u(rng);
      if (r < o.offline_share) {
        cam.state = health::CameraState::Offline;
      } else if (r < o.offline_share + o.tampered_share) {
        cam.view = "tampered";
      } else if (r < o.offline_share + o.tampered_share + o.unverified_share) {
        cam.view = "unknown";
      }
      // Its past, from a generator of its own: a seed gives the same county
      // it gave before cameras had a past.
      cam.in_state_before = std::chrono::seconds(static_cast<long>(
          cam.state == health::CameraState::Offline ? 1800 + u(past) * 30 * 3600     // 0.5-30.5 h
                                                    : 3600 + u(past) * 9 * 86400));  // 1 h-9 days
      cam.earlier_down_share = u(past) < 0.5 ? 0 : u(past) * 0.15;
      node.cameras.push_back(cam);
    }
    // An area per three cameras; the first (the entrance) weighs 2.
    for (int a = 0; a * 3 < o.cameras; ++a) {
      SimArea area{fmt::format("area-{:02d}", a + 1), a == 0 ? 2.0 : 1.0, {}};
      for (int c = a * 3; c < std::min(o.cameras, a * 3 + 3); ++c) area.cameras.push_back(c);
      node.areas.push_back(area);
    }
    out.push_back(std::move(node));
  }
  return out;
}

health::AreaState areaState(const SimNode& node, const SimArea& area) {
  bool unverified = false;
  for (int i : area.cameras) {
    const auto& c = node.cameras[static_cast<std::size_t>(i)];
    if (c.state != health::CameraState::Online) continue;
    if (c.view == "ok") return health::AreaState::Covered;
    if (c.view == "unknown") unverified = true;
  }
  return unverified ? health::AreaState::Unverified : health::AreaState::Uncovered;
}

nlohmann::json truth(const std::vector<SimNode>& county) {
  struct Tally {
    int nodes = 0, silent = 0, cameras = 0, online = 0, intact = 0, unverified = 0;
    double weight = 0, covered = 0;
  };
  auto toJson = [](const Tally& t) {
    auto r = [](double a, double b) { return b > 0 ? nlohmann::json(std::round(a / b * 10000) / 10000) : nlohmann::json(nullptr); };
    return nlohmann::json{{"nodes", t.nodes},   {"silent", t.silent}, {"cameras", t.cameras},
                          {"online", t.online}, {"intact", t.intact}, {"unverified", t.unverified},
                          {"rates", {{"online", r(t.online, t.cameras)}, {"intact", r(t.intact, t.cameras)},
                                     {"coverage", r(t.covered, t.weight)}}}};
  };
  Tally all;
  std::map<std::string, Tally> townships;
  for (const auto& node : county) {
    Tally t;
    t.nodes = 1;
    t.silent = node.silent ? 1 : 0;
    t.cameras = static_cast<int>(node.cameras.size());
    for (const auto& c : node.cameras) {
      if (node.silent || c.state != health::CameraState::Online) continue;
      ++t.online;
      t.intact += c.view == "ok";
      t.unverified += c.view == "unknown";
    }
    for (const auto& a : node.areas) {
      t.weight += a.weight;
      if (!node.silent && areaState(node, a) == health::AreaState::Covered) t.covered += a.weight;
    }
    for (Tally* into : {&all, &townships[node.place.township]}) {
      into->nodes += t.nodes;
      into->silent += t.silent;
      into->cameras += t.cameras;
      into->online += t.online;
      into->intact += t.intact;
      into->unverified += t.unverified;
      into->weight += t.weight;
      into->covered += t.covered;
    }
  }
  auto j = toJson(all);
  j["townships"] = nlohmann::json::object();
  for (const auto& [name, t] : townships) j["townships"][name] = toJson(t);
  return j;
}

contract::NodeStatus nodeStatus(const SimNode& node, WallTime started_at, WallTime now, double interval_s) {
  contract::NodeStatus s;
  s.node_id = node.id;
  s.place = node.place;
  s.version = "sim";
  s.gb_code = node.gb_code;
  s.started_at = started_at;
  s.now = now;
  std::vector<health::CameraHealth> cams;
  for (const auto& c : node.cameras) {
    health::CameraHealth h;
    h.id = c.id;
    h.state = c.state;
    cams.push_back(h);
  }
  s.cameras_by_state = contract::countByState(cams);
  int covered = 0, unverified = 0;
  double weight = 0, weight_covered = 0, weight_unverified = 0;
  for (const auto& a : node.areas) {
    const auto st = areaState(node, a);
    weight += a.weight;
    if (st == health::AreaState::Covered) ++covered, weight_covered += a.weight;
    if (st == health::AreaState::Unverified) ++unverified, weight_unverified += a.weight;
  }
  s.areas_total = static_cast<int>(node.areas.size());
  s.areas_covered = covered;
  s.areas_unverified = unverified;
  if (weight > 0) {
    s.coverage_ratio = weight_covered / weight;
    s.coverage_unverified_share = weight_unverified / weight;
  }
  s.clock.synchronised = true;
  s.status_interval_s = interval_s;
  return s;
}

health::UptimeWindow simulatedUptime(const SimCamera& c, WallTime started_at, WallTime now, std::chrono::seconds length) {
  using Secs = std::chrono::duration<double>;
  const double window = Secs(length).count();
  const double in_state = std::min(window, Secs(now - started_at + c.in_state_before).count());
  const double before = window - in_state;
  health::UptimeWindow w;
  const bool up = c.state == health::CameraState::Online;
  (up ? w.up_s : w.down_s) += in_state;
  w.down_s += before * c.earlier_down_share;
  w.up_s += before * (1 - c.earlier_down_share);
  return w;
}

nlohmann::json cameraStatus(const SimNode& node, const SimCamera& c, WallTime started_at, WallTime now) {
  health::CameraHealth h;
  h.id = c.id;
  h.name = node.place.village + c.id;
  h.gb_code = c.gb_code;
  h.url = "rtsp://10.0.0.1/" + c.id;  // what a node publishes (redacted); the console must not show it
  h.state = c.state;
  h.since = started_at - c.in_state_before;
  h.reason = c.state == health::CameraState::Online ? "streaming" : "connection refused";
  if (c.state != health::CameraState::Online) h.failure = "refused";
  if (c.state == health::CameraState::Online) {
    h.codec = "H264";
    h.width = 1280;
    h.height = 720;
    h.fps = 25;
    h.bitrate_kbps = 2048;
  }
  contract::ViewReport view;
  view.state = c.view;
  if (c.view == "tampered") view.issues = {"occluded"}, view.covered_share = 0.5;
  if (c.view != "unknown") view.baseline_at = now - std::chrono::hours(24);
  health::UptimeStats uptime;
  uptime.last_1h = simulatedUptime(c, started_at, now, std::chrono::hours(1));
  uptime.last_24h = simulatedUptime(c, started_at, now, std::chrono::hours(24));
  uptime.last_7d = simulatedUptime(c, started_at, now, std::chrono::hours(24 * 7));
  return contract::cameraStatusJson(h, uptime, view, node.id, now);
}

nlohmann::json coverage(const SimNode& node, WallTime now) {
  contract::CoverageSummary c;
  c.node_id = node.id;
  c.place = node.place;
  c.now = now;
  for (const auto& a : node.areas) {
    health::AreaCoverage ac;
    ac.id = a.id;
    ac.name = node.place.village + a.id;
    ac.kind = a.weight > 1 ? config::AreaKind::Entrance : config::AreaKind::Road;
    ac.weight = a.weight;
    ac.state = areaState(node, a);
    ac.verified = ac.state != health::AreaState::Unverified;
    for (int i : a.cameras) {
      const auto& cam = node.cameras[static_cast<std::size_t>(i)];
      const bool online = cam.state == health::CameraState::Online;
      if (online && cam.view == "ok") {
        ac.cameras.push_back({cam.id, cam.id, health::Watch::Yes, "ok", "watching"});
      } else if (online && cam.view == "unknown") {
        ac.cameras.push_back({cam.id, cam.id, health::Watch::Unknown, "unverified", "online; no view baseline yet"});
      } else if (online) {
        ac.cameras.push_back({cam.id, cam.id, health::Watch::No, "view_tampered", "occluded"});
      } else {
        ac.cameras.push_back({cam.id, cam.id, health::Watch::No, "offline", "connection refused"});
      }
    }
    c.report.areas.push_back(ac);
    if (ac.state != health::AreaState::Unknown) c.report.weight_known += ac.weight;
    if (ac.state == health::AreaState::Covered) c.report.weight_covered += ac.weight;
    if (ac.state == health::AreaState::Unverified) c.report.weight_unverified += ac.weight;
  }
  return contract::coverageJson(c);
}

}  // namespace villagecam::county::sim
