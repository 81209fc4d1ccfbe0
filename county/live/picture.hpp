// The county's live picture of every node, camera and area, built only from
// what the nodes publish (docs/mqtt.md): the retained state, status, camera
// status and coverage topics, and the alerts. Pure: messages and times in,
// no broker, no clock; a restart rebuilds it from the retained topics.
//
// A node is silent when its state topic says offline (its last will, or a
// clean stop) or when no status came for 3 of its status intervals. A silent
// node's cameras count as not online and its areas as not covered.
//
// A node speaks only for itself: its id is the topic level it publishes
// under, and a payload naming another node (or a camera other than its
// topic's) is refused. A node is counted only once admitted: by an
// operator, or at first sight when its admin code starts with a prefix the
// config admits. Until then it is pending: kept apart (at most
// Admission::max_pending of them, made only by a payload that was read),
// in no rate, its alerts and snapshots not taken. An admitted node's place is the one it was admitted with; a status
// claiming another is shown as a problem and changes nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract/payloads.hpp"
#include "contract/readers.hpp"
#include "util/clock.hpp"

namespace villagecam::county {

using config::Seconds;

// One MQTT message as the feed received it.
struct FeedMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

struct CameraLive {
  std::string id;
  std::string name;
  std::string gb_code;  // its GB/T 28181 device code (camera-status/1.6); empty: none
  health::CameraState state = health::CameraState::Connecting;
  WallTime since{};          // in this state since (the node's clock)
  std::string reason;
  std::string failure;
  contract::ViewReport view;
  WallTime updated_at{};
  WallTime view_seen_since{};  // the county first saw the view in its present state
  std::optional<std::string> snapshot_id;  // the latest snapshot's id, if one came
  health::UptimeStats uptime;              // the node's own ledger: 1 h, 24 h, 7 days
};

// What the console did with a node's latest refused payload.
struct Refusal {
  std::string topic;
  std::string reason;  // escaped and bounded (forLog)
  WallTime at{};
  std::uint64_t count = 0;  // refused payloads of this node so far
};

struct NodeLive {
  std::string key;  // the topic level under the root: villagecam/<key>/...
  std::string node_id;
  contract::Place place;
  std::optional<contract::NodeStatus> status;
  std::optional<contract::CoverageSummary> coverage;
  std::map<std::string, CameraLive> cameras;
  std::map<std::string, WallTime> area_seen_since;  // the county first saw each area in its present state
  bool said_offline = false;       // the state topic's last word
  std::optional<SteadyTime> heard_at;  // the latest status (county's steady clock)
  std::optional<WallTime> silent_since;  // while silent: since when (county's wall clock)
  std::string silent_reason;       // "offline" (will or stop) or "no_status"
  WallTime first_seen{};
  std::optional<contract::Place> claimed_place;  // admitted: a status claims another place than this
  std::optional<Refusal> refused;                // the latest payload refused
  std::uint64_t ignored_while_pending = 0;       // alerts and snapshots not taken before admission

  std::string label() const { return place.village.empty() ? node_id : place.village; }
};

// What one message did to the picture.
struct Applied {
  enum class Kind { Ignored, NodeState, NodeStatus, CameraStatus, CameraRemoved, Coverage, Snapshot, Alert, Bad };
  Kind kind = Kind::Ignored;
  std::string node_key;
  bool admitted_now = false;  // NodeStatus: admitted at first sight by its admin code (store it)
  contract::Place place;      // admitted_now: the place it was admitted with
  std::string error;  // Bad: what was wrong, naming the topic and the JSON path
  std::optional<contract::AlertMessage> alert;  // Alert: the alert read
  std::optional<contract::SnapshotMessage> snapshot;  // Snapshot: the snapshot read
};

// Which nodes count without an operator's word.
struct Admission {
  // A node whose status gives an admin code starting with one of these is
  // admitted at first sight ("410225" admits a county's villages), unless
  // another admitted node holds that code: then an admin decides.
  std::vector<std::string> admin_code_prefixes;
  std::size_t max_pending = 1000;        // nodes waiting; more are refused
  std::size_t max_cameras_per_node = 512;
  std::size_t max_open_alerts_per_node = 1000;  // more starts are refused until some end
  bool admits(const contract::Place& place) const;
};

class LivePicture {
 public:
  // root: the topic level the nodes publish under (villagecam);
  // default_interval: a node's status interval when its status does not say.
  LivePicture(std::string root, Seconds default_interval, Admission admission = {});

  // One message received at `now` (steady) / `wall` (the county's wall clock).
  Applied apply(const FeedMessage& message, SteadyTime now, WallTime wall);

  // Marks nodes silent whose status is 3 intervals late (and lifts it when a
  // status comes); returns the keys of the nodes whose silence changed.
  std::vector<std::string> checkSilence(SteadyTime now, WallTime wall);

  bool silent(const NodeLive& node) const { return node.silent_since.has_value(); }
  // The admitted nodes: the ones every rate and list counts.
  const std::map<std::string, NodeLive>& nodes() const { return nodes_; }
  const NodeLive* node(const std::string& key) const;
  // Nodes heard from but not admitted.
  const std::map<std::string, NodeLive>& pending() const { return pending_; }

  // The nodes admitted before (from the store), with their places.
  void setAdmitted(const std::map<std::string, contract::Place>& admitted);
  // Admits a node (or moves an admitted one) with this place; a pending
  // node's picture so far comes along.
  void admit(const std::string& key, const contract::Place& place);
  const std::map<std::string, contract::Place>& admitted() const { return admitted_; }

  // Open alerts by "<node>/<id>", as the alerts said (start/update adds, end removes).
  const std::map<std::string, contract::AlertMessage>& openAlerts() const { return open_alerts_; }
  void restoreOpenAlerts(std::vector<contract::AlertMessage> open);
  // An alert that reached another console of a shared group (from the store).
  void applyAlert(const contract::AlertMessage& m) { applyAlert(m, m.origin.node_id); }

  Seconds statusInterval(const NodeLive& node) const;

 private:
  NodeLive& nodeFor(const std::string& key, WallTime wall);
  NodeLive* known(const std::string& key);
  NodeLive& entryFor(const std::string& key, WallTime wall);
  Applied applyNodeStatus(const FeedMessage& m, const std::string& key, SteadyTime now, WallTime wall);
  void applyAlert(const contract::AlertMessage& m, const std::string& key);
  std::size_t openAlertsOf(const std::string& key) const;
  void updateSilence(NodeLive& node, SteadyTime now, WallTime wall);

  std::string root_;
  Seconds default_interval_;
  Admission admission_;
  std::map<std::string, NodeLive> nodes_;    // admitted
  std::map<std::string, NodeLive> pending_;  // heard, not admitted
  std::map<std::string, contract::Place> admitted_;
  std::map<std::string, contract::AlertMessage> open_alerts_;  // by "<node>/<alert id>"
};

}  // namespace villagecam::county
