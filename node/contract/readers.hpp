// Readers of every payload of the MQTT contract (docs/mqtt.md,
// docs/schema/*.json): JSON in, the same plain structs the writers take out.
// For the county side and for tests; the node reads its own alerts back from
// the outbox and the open-alert file through alertFromJson (payloads.hpp).
//
// A payload is read if its schema has the major version this code speaks
// (`villagecam.<kind>/1`, minor versions `/1.N` included: fields a later
// minor adds are ignored). Anything else throws PayloadError naming the
// payload kind and the JSON path of what is wrong, e.g.
// "camera-status: /stream/fps: expected a number, got \"fast\"".
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "contract/commands.hpp"
#include "contract/payloads.hpp"

namespace villagecam::contract {

class PayloadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CameraStatusMessage {
  std::string node_id;
  health::CameraHealth health;
  health::UptimeStats uptime;
  ViewReport view;
  std::optional<DetectionReport> detection;
  WallTime updated_at{};
};

struct AlertMessage {
  Origin origin;  // the place is empty from a node older than alert/1.3
  events::Alert alert;
};

struct CommandReplyMessage {
  CommandReply reply;
  config::Language language = config::Language::ZhCN;
};

struct SnapshotMessage {
  std::string node_id;
  Snapshot snapshot;  // jpeg holds the decoded bytes
};

// Throws PayloadError. readAlert also checks what alertFromJson does not:
// the schema, every type and phase name, and the times.
AlertMessage readAlertMessage(const nlohmann::json& j);
events::Alert readAlert(const nlohmann::json& j);  // readAlertMessage(j).alert
CameraStatusMessage readCameraStatus(const nlohmann::json& j);
NodeStatus readNodeStatus(const nlohmann::json& j);
CoverageSummary readCoverage(const nlohmann::json& j);
SnapshotMessage readSnapshot(const nlohmann::json& j);
// A command as a node reads it: every time present, the camera or the alert
// its kind needs, ids only of the contract's characters. Whether it has
// expired or names this node is the node's to judge (it knows the time).
Command readCommand(const nlohmann::json& j);
CommandReplyMessage readCommandReply(const nlohmann::json& j);

// Parses text first, within limits: at most maxPayloadBytes(kind) bytes and
// kMaxPayloadDepth levels of nesting (checked before parsing, so no depth
// reaches the parser); a syntax error, bad UTF-8 or a number no double holds
// is a PayloadError too. Every reader then takes strings of bounded length
// (ids 80 bytes, names 200, free text 2000), finite numbers below 1e12,
// camera counts within kMaxCameras and area weights of 0.01 to 1000.
nlohmann::json parsePayload(const std::string& text, const char* kind);

constexpr std::size_t kMaxPayloadDepth = 12;
// The most cameras (and areas) a node-status may count: a village box has a
// few dozen; no status can weigh more than this in a township's rates.
constexpr int kMaxCameras = 512;
std::size_t maxPayloadBytes(std::string_view kind);
// The byte offset where `text` first nests deeper than max_depth, if it does.
std::optional<std::size_t> deeperThan(std::string_view text, std::size_t max_depth);

// The payload's schema name without its version ("villagecam.alert"), and
// whether this code reads its version.
bool readsSchema(const std::string& schema, const char* expected);

}  // namespace villagecam::contract
