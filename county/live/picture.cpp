#include "live/picture.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/rtsp_url.hpp"
#include "contract/topics.hpp"
#include "util/log_text.hpp"

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

// A node's topic level: what a node id may be (config's kIdPattern, and
// upper case and dots from older nodes).
bool isNodeKey(const std::string& key) {
  if (key.empty() || key.size() > 64) return false;
  return key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == std::string::npos;
}

std::string alertKey(const std::string& node, const std::string& id) { return node + "/" + id; }

}  // namespace

bool Admission::admits(const contract::Place& place) const {
  if (place.admin_code.empty()) return false;
  for (const auto& prefix : admin_code_prefixes) {
    if (place.admin_code.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

LivePicture::LivePicture(std::string root, Seconds default_interval, Admission admission)
    : root_(std::move(root)), default_interval_(default_interval), admission_(std::move(admission)) {}

const NodeLive* LivePicture::node(const std::string& key) const {
  const auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

NodeLive* LivePicture::known(const std::string& key) {
  if (auto it = nodes_.find(key); it != nodes_.end()) return &it->second;
  if (auto it = pending_.find(key); it != pending_.end()) return &it->second;
  if (admitted_.count(key)) return &nodeFor(key, {});
  return nullptr;
}

// The node's entry, admitted or pending; a new node waits, while there is
// room (a valid payload was read from it: refused ones make no entry).
NodeLive& LivePicture::entryFor(const std::string& key, WallTime wall) {
  if (NodeLive* node = known(key)) return *node;
  if (pending_.size() >= admission_.max_pending) {
    throw contract::PayloadError(
        fmt::format("{} nodes already wait for admission; not taking more", pending_.size()));
  }
  auto& p = pending_[key];
  p.key = p.node_id = key;
  p.first_seen = wall;
  return p;
}

// An admitted node's entry, made on first use.
NodeLive& LivePicture::nodeFor(const std::string& key, WallTime wall) {
  auto [it, added] = nodes_.try_emplace(key);
  if (added) {
    it->second.key = key;
    it->second.node_id = key;
    it->second.first_seen = wall;
    if (const auto a = admitted_.find(key); a != admitted_.end()) it->second.place = a->second;
  }
  return it->second;
}

void LivePicture::setAdmitted(const std::map<std::string, contract::Place>& admitted) {
  for (const auto& [key, place] : admitted) {
    if (auto a = admitted_.find(key); a != admitted_.end() && a->second == place) continue;
    admit(key, place);
  }
}

void LivePicture::admit(const std::string& key, const contract::Place& place) {
  admitted_[key] = place;
  if (auto p = pending_.find(key); p != pending_.end()) {
    nodes_[key] = std::move(p->second);
    pending_.erase(p);
  }
  if (auto it = nodes_.find(key); it != nodes_.end()) {
    auto& node = it->second;
    const auto claimed = node.status ? node.status->place : node.place;
    node.place = place;
    if (claimed == place || !node.status) {
      node.claimed_place.reset();
    } else {
      node.claimed_place = claimed;
    }
  }
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

Applied LivePicture::applyNodeStatus(const FeedMessage& m, const std::string& key, SteadyTime now, WallTime wall) {
  Applied out;
  out.node_key = key;
  auto status = contract::readNodeStatus(contract::parsePayload(m.payload, "node-status"));
  if (status.node_id != key) {
    throw contract::PayloadError(
        fmt::format("node-status: /node: '{}' is not the node of this topic ('{}'): a node speaks only for itself",
                    status.node_id, key));
  }
  // At first sight by its code, unless that village is another node's already.
  const bool code_taken = std::any_of(admitted_.begin(), admitted_.end(), [&](const auto& a) {
    return a.first != key && a.second.admin_code == status.place.admin_code;
  });
  if (!admitted_.count(key) && !code_taken && admission_.admits(status.place)) {
    admit(key, status.place);
    out.admitted_now = true;
    out.place = status.place;
  }
  NodeLive* node = admitted_.count(key) ? &nodeFor(key, wall) : &entryFor(key, wall);
  if (const auto a = admitted_.find(key); a != admitted_.end()) {
    node->place = a->second;
    if (status.place == a->second) {
      node->claimed_place.reset();
    } else {
      node->claimed_place = status.place;
    }
  } else {
    node->place = status.place;
  }
  // A retained status is as old as it says (the node's clock, never
  // later than now): a dead node's last status does not count as fresh.
  auto heard = now;
  if (m.retained && status.now < wall) {
    heard -= std::chrono::duration_cast<Duration>(
        std::min<std::chrono::duration<double>>(wall - status.now, std::chrono::hours(24)));
  }
  node->heard_at = heard;
  node->status = std::move(status);
  updateSilence(*node, now, wall);
  out.kind = Applied::Kind::NodeStatus;
  return out;
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
    // What the payload held may be quoted in the reason: never a password.
    const auto reason = forLog(config::redactUrlsIn(what), 300);
    out.error = fmt::format("{}: {}", forLog(m.topic, 120), reason);
    if (NodeLive* node = isNodeKey(key) ? known(key) : nullptr) {
      const auto count = node->refused ? node->refused->count + 1 : 1;
      node->refused = Refusal{forLog(m.topic, 120), reason, wall, count};
    }
    return out;
  };
  if (!isNodeKey(key)) return bad("not a node id (1-64 of A-Z a-z 0-9 _ . -)");
  // The payload must be about the node (and camera) of its topic.
  auto ownNode = [&](const std::string& named, const char* kind) {
    if (named != key) {
      throw contract::PayloadError(fmt::format("{}: /node: '{}' is not the node of this topic ('{}'): a node speaks only for itself",
                                               kind, named, key));
    }
  };
  auto ownCamera = [&](const std::string& named, const char* kind) {
    if (named != rest[1]) {
      throw contract::PayloadError(
          fmt::format("{}: /camera: '{}' is not the camera of this topic ('{}')", kind, named, rest[1]));
    }
  };
  try {
    if (rest.size() == 1 && rest[0] == "state") {
      NodeLive* node = known(key);
      if (m.payload.empty()) {  // cleared: the node was retired
        nodes_.erase(key);
        pending_.erase(key);
        out.kind = Applied::Kind::NodeState;
        return out;
      }
      if (m.payload != contract::kStateOnline && m.payload != contract::kStateOffline) {
        return bad(fmt::format("state: expected online or offline, got '{}'", forLog(m.payload, 40)));
      }
      if (!node) node = &entryFor(key, wall);
      node->said_offline = m.payload == contract::kStateOffline;
      if (!node->said_offline && !node->heard_at) node->heard_at = now;  // the interval counts from here
      updateSilence(*node, now, wall);
      out.kind = Applied::Kind::NodeState;
      return out;
    }
    if (rest.size() == 1 && rest[0] == "status") {
      if (m.payload.empty()) return out;
      return applyNodeStatus(m, key, now, wall);
    }
    if (rest.size() == 1 && rest[0] == "coverage") {
      if (m.payload.empty()) return out;
      auto coverage = contract::readCoverage(contract::parsePayload(m.payload, "coverage"));
      ownNode(coverage.node_id, "coverage");
      NodeLive* node = &entryFor(key, wall);
      auto stateBefore = [&](const std::string& id) -> std::optional<health::AreaState> {
        if (!node->coverage) return std::nullopt;
        for (const auto& a : node->coverage->report.areas) {
          if (a.id == id) return a.state;
        }
        return std::nullopt;
      };
      for (auto& area : coverage.report.areas) {
        for (auto& watcher : area.cameras) watcher.detail = config::redactUrlsIn(watcher.detail);
      }
      std::map<std::string, WallTime> seen;
      for (const auto& area : coverage.report.areas) {
        const auto it = node->area_seen_since.find(area.id);
        seen[area.id] = stateBefore(area.id) == area.state && it != node->area_seen_since.end() ? it->second : wall;
      }
      node->area_seen_since = std::move(seen);
      node->coverage = std::move(coverage);
      out.kind = Applied::Kind::Coverage;
      return out;
    }
    if (rest.size() == 3 && rest[0] == "cameras" && rest[2] == "status") {
      NodeLive* node = known(key);
      if (m.payload.empty()) {  // the camera left the node's config
        if (node) node->cameras.erase(rest[1]);
        out.kind = Applied::Kind::CameraRemoved;
        return out;
      }
      const auto s = contract::readCameraStatus(contract::parsePayload(m.payload, "camera-status"));
      ownNode(s.node_id, "camera-status");
      ownCamera(s.health.id, "camera-status");
      if (!node) node = &entryFor(key, wall);
      if (!node->cameras.count(s.health.id) && node->cameras.size() >= admission_.max_cameras_per_node) {
        return bad(fmt::format("camera-status: the node already has {} cameras, the most a node may have",
                               node->cameras.size()));
      }
      auto& cam = node->cameras[s.health.id];
      const bool view_changed = cam.id.empty() || cam.view.state != s.view.state || cam.view.issues != s.view.issues;
      cam.id = s.health.id;
      cam.name = s.health.name;
      cam.gb_code = s.health.gb_code;
      cam.state = s.health.state;
      cam.since = s.health.since;
      cam.reason = config::redactUrlsIn(s.health.reason);
      cam.failure = config::redactUrlsIn(s.health.failure);
      cam.view = s.view;
      cam.updated_at = s.updated_at;
      cam.uptime = s.uptime;
      if (view_changed) cam.view_seen_since = wall;
      out.kind = Applied::Kind::CameraStatus;
      return out;
    }
    const bool camera_snapshot = rest.size() == 3 && rest[0] == "cameras" && rest[2] == "snapshot";
    const bool alert_snapshot = rest.size() == 2 && rest[0] == "snapshots";
    if (camera_snapshot || alert_snapshot) {
      if (m.payload.empty()) return out;
      auto s = contract::readSnapshot(contract::parsePayload(m.payload, "snapshot"));
      ownNode(s.node_id, "snapshot");
      if (camera_snapshot) ownCamera(s.snapshot.camera_id, "snapshot");
      if (alert_snapshot && s.snapshot.id != rest[1]) {
        return bad(fmt::format("snapshot: /id: '{}' is not the snapshot of this topic", s.snapshot.id));
      }
      s.snapshot.reason = config::redactUrlsIn(s.snapshot.reason);
      auto it = nodes_.find(key);
      if (it == nodes_.end()) {  // pending, or not heard yet: not taken
        if (auto p = pending_.find(key); p != pending_.end()) ++p->second.ignored_while_pending;
        return out;
      }
      if (camera_snapshot) {
        if (auto cam = it->second.cameras.find(s.snapshot.camera_id); cam != it->second.cameras.end()) {
          cam->second.snapshot_id = s.snapshot.id;
        }
      }
      out.kind = Applied::Kind::Snapshot;
      out.snapshot = std::move(s);
      return out;
    }
    if (rest.size() == 1 && rest[0] == "alerts") {
      auto a = contract::readAlertMessage(contract::parsePayload(m.payload, "alert"));
      ownNode(a.origin.node_id, "alert");
      if (!admitted_.count(key)) {  // pending, or not heard yet: not taken
        if (auto p = pending_.find(key); p != pending_.end()) ++p->second.ignored_while_pending;
        return out;
      }
      a.origin.place = admitted_.at(key);  // where the county put the node, not what it says
      if (a.alert.phase != events::AlertPhase::End && !open_alerts_.count(alertKey(key, a.alert.id)) &&
          openAlertsOf(key) >= admission_.max_open_alerts_per_node) {
        return bad(fmt::format("alert: the node already has {} open alerts, the most a node may have",
                               admission_.max_open_alerts_per_node));
      }
      for (auto* text : {&a.alert.detail, &a.alert.message}) *text = config::redactUrlsIn(*text);
      for (auto& cause : a.alert.causes) cause.detail = config::redactUrlsIn(cause.detail);
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
  const auto id = alertKey(m.origin.node_id.empty() ? key : m.origin.node_id, m.alert.id);
  if (m.alert.phase == events::AlertPhase::End) {
    open_alerts_.erase(id);
    return;
  }
  auto& open = open_alerts_[id];
  // A late duplicate of the start does not replace a newer update.
  if (!open.alert.id.empty() && m.alert.phase == events::AlertPhase::Start &&
      open.alert.phase == events::AlertPhase::Update) {
    return;
  }
  open = m;
  if (open.origin.node_id.empty()) open.origin.node_id = key;
}

std::size_t LivePicture::openAlertsOf(const std::string& key) const {
  const auto from = open_alerts_.lower_bound(key + "/");
  const auto to = open_alerts_.lower_bound(key + "0");  // '0' follows '/'
  return static_cast<std::size_t>(std::distance(from, to));
}

void LivePicture::restoreOpenAlerts(std::vector<contract::AlertMessage> open) {
  for (auto& m : open) open_alerts_[alertKey(m.origin.node_id, m.alert.id)] = std::move(m);
}

std::vector<std::string> LivePicture::checkSilence(SteadyTime now, WallTime wall) {
  std::vector<std::string> changed;
  for (auto& [key, node] : nodes_) {
    const bool was = node.silent_since.has_value();
    updateSilence(node, now, wall);
    if (was != node.silent_since.has_value()) changed.push_back(key);
  }
  for (auto& [key, node] : pending_) updateSilence(node, now, wall);
  return changed;
}

}  // namespace villagecam::county
