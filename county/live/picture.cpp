#include "live/picture.hpp"

#include <fmt/format.h>

#include "contract/topics.hpp"

namespace villagecam::county {
namespace {

// Splits "a/b/c" into its levels.
std::vector<std::string> levels(const std::string& topic) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto slash = topic.find('/', start);
    out.push_back(topic.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

LivePicture::LivePicture(std::string root, Seconds default_interval)
    : root_(std::move(root)), default_interval_(default_interval) {}

const NodeLive* LivePicture::node(const std::string& key) const {
  const auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

NodeLive& LivePicture::nodeFor(const std::string& key) {
  auto [it, added] = nodes_.try_emplace(key);
  if (added) {
    it->second.key = key;
    it->second.node_id = key;
  }
  return it->second;
}

Seconds LivePicture::statusInterval(const NodeLive& node) const {
  if (node.status && node.status->status_interval_s && *node.status->status_interval_s > 0) {
    return Seconds(*node.status->status_interval_s);
  }
  return default_interval_;
}

void LivePicture::updateSilence(NodeLive& node, SteadyTime now, WallTime wall) {
  std::string reason;
  if (node.said_offline) {
    reason = "offline";
  } else if (!node.heard_at || now - *node.heard_at > 3 * statusInterval(node)) {
    reason = "no_status";
  }
  if (reason.empty()) {
    node.silent_since.reset();
    node.silent_reason.clear();
  } else if (!node.silent_since || node.silent_reason != reason) {
    if (!node.silent_since) node.silent_since = wall;
    node.silent_reason = reason;
  }
}

Applied LivePicture::apply(const FeedMessage& m, SteadyTime now, WallTime wall) {
  const auto parts = levels(m.topic);
  Applied out;
  if (m.topic.rfind(root_ + "/", 0) != 0) return out;
  // The root may itself have levels: take what follows it.
  const auto root_levels = levels(root_).size();
  if (parts.size() < root_levels + 2) return out;
  const std::string key = parts[root_levels];
  const std::vector<std::string> rest(parts.begin() + static_cast<long>(root_levels) + 1, parts.end());
  out.node_key = key;
  auto bad = [&](const std::string& what) {
    out.kind = Applied::Kind::Bad;
    out.error = fmt::format("{}: {}", m.topic, what);
    return out;
  };
  try {
    if (rest.size() == 1 && rest[0] == "state") {
      auto& node = nodeFor(key);
      if (m.payload.empty()) {  // cleared: the node was retired
        nodes_.erase(key);
        out.kind = Applied::Kind::NodeState;
        return out;
      }
      if (m.payload != contract::kStateOnline && m.payload != contract::kStateOffline) {
        return bad(fmt::format("state: expected online or offline, got '{}'", m.payload.substr(0, 40)));
      }
      node.said_offline = m.payload == contract::kStateOffline;
      if (!node.said_offline && !node.heard_at) node.heard_at = now;  // the interval counts from here
      updateSilence(node, now, wall);
      out.kind = Applied::Kind::NodeState;
      return out;
    }
    if (rest.size() == 1 && rest[0] == "status") {
      if (m.payload.empty()) return out;
      auto status = contract::readNodeStatus(contract::parsePayload(m.payload, "node-status"));
      auto& node = nodeFor(key);
      node.node_id = status.node_id;
      node.place = status.place;
      // A retained status is as old as it says (the node's clock, never
      // later than now): a dead node's last status does not count as fresh.
      auto heard = now;
      if (m.retained && status.now < wall) {
        heard -= std::chrono::duration_cast<Duration>(std::min<std::chrono::duration<double>>(
            wall - status.now, std::chrono::hours(24)));
      }
      node.heard_at = heard;
      node.status = std::move(status);
      updateSilence(node, now, wall);
      out.kind = Applied::Kind::NodeStatus;
      return out;
    }
    if (rest.size() == 1 && rest[0] == "coverage") {
      if (m.payload.empty()) return out;
      auto coverage = contract::readCoverage(contract::parsePayload(m.payload, "coverage"));
      auto& node = nodeFor(key);
      auto stateBefore = [&](const std::string& id) -> std::optional<health::AreaState> {
        if (!node.coverage) return std::nullopt;
        for (const auto& a : node.coverage->report.areas) {
          if (a.id == id) return a.state;
        }
        return std::nullopt;
      };
      std::map<std::string, WallTime> seen;
      for (const auto& area : coverage.report.areas) {
        const auto it = node.area_seen_since.find(area.id);
        seen[area.id] = stateBefore(area.id) == area.state && it != node.area_seen_since.end() ? it->second : wall;
      }
      node.area_seen_since = std::move(seen);
      if (node.place == contract::Place{}) node.place = coverage.place;
      node.coverage = std::move(coverage);
      out.kind = Applied::Kind::Coverage;
      return out;
    }
    if (rest.size() == 3 && rest[0] == "cameras" && rest[2] == "status") {
      auto& node = nodeFor(key);
      if (m.payload.empty()) {  // the camera left the node's config
        node.cameras.erase(rest[1]);
        out.kind = Applied::Kind::CameraRemoved;
        return out;
      }
      const auto s = contract::readCameraStatus(contract::parsePayload(m.payload, "camera-status"));
      auto& cam = node.cameras[s.health.id];
      const bool view_changed = cam.id.empty() || cam.view.state != s.view.state || cam.view.issues != s.view.issues;
      cam.id = s.health.id;
      cam.name = s.health.name;
      cam.state = s.health.state;
      cam.since = s.health.since;
      cam.reason = s.health.reason;
      cam.failure = s.health.failure;
      cam.view = s.view;
      cam.updated_at = s.updated_at;
      cam.uptime = s.uptime;
      if (view_changed) cam.view_seen_since = wall;
      out.kind = Applied::Kind::CameraStatus;
      return out;
    }
    if (rest.size() == 3 && rest[0] == "cameras" && rest[2] == "snapshot") {
      if (m.payload.empty()) return out;
      auto s = contract::readSnapshot(contract::parsePayload(m.payload, "snapshot"));
      auto& node = nodeFor(key);
      if (auto it = node.cameras.find(s.snapshot.camera_id); it != node.cameras.end()) it->second.snapshot_id = s.snapshot.id;
      out.kind = Applied::Kind::Snapshot;
      out.snapshot = std::move(s);
      return out;
    }
    if (rest.size() == 2 && rest[0] == "snapshots") {
      if (m.payload.empty()) return out;
      out.snapshot = contract::readSnapshot(contract::parsePayload(m.payload, "snapshot"));
      out.kind = Applied::Kind::Snapshot;
      return out;
    }
    if (rest.size() == 1 && rest[0] == "alerts") {
      auto a = contract::readAlertMessage(contract::parsePayload(m.payload, "alert"));
      applyAlert(a, key);
      out.kind = Applied::Kind::Alert;
      out.alert = std::move(a);
      return out;
    }
  } catch (const contract::PayloadError& e) {
    return bad(e.what());
  }
  return out;
}

void LivePicture::applyAlert(const contract::AlertMessage& m, const std::string& key) {
  if (m.alert.phase == events::AlertPhase::End) {
    open_alerts_.erase(m.alert.id);
    return;
  }
  auto& open = open_alerts_[m.alert.id];
  // A late duplicate of the start does not replace a newer update.
  if (!open.alert.id.empty() && m.alert.phase == events::AlertPhase::Start &&
      open.alert.phase == events::AlertPhase::Update) {
    return;
  }
  open = m;
  if (open.origin.node_id.empty()) open.origin.node_id = key;
}

void LivePicture::restoreOpenAlerts(std::vector<contract::AlertMessage> open) {
  for (auto& m : open) open_alerts_[m.alert.id] = std::move(m);
}

std::vector<std::string> LivePicture::checkSilence(SteadyTime now, WallTime wall) {
  std::vector<std::string> changed;
  for (auto& [key, node] : nodes_) {
    const bool was = node.silent_since.has_value();
    updateSilence(node, now, wall);
    if (was != node.silent_since.has_value()) changed.push_back(key);
  }
  return changed;
}

}  // namespace villagecam::county
