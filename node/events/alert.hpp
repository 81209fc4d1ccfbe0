// An alert as the county sees it: one id for its whole life, a start and,
// for conditions that clear, an end with the duration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "util/clock.hpp"

namespace villagecam::events {

enum class AlertType { CameraOffline, CameraStalled, CameraUnauthorized, ViewTampered, CoverageLost, Motion, Intrusion };
enum class Severity { Info, Warning, Critical };
enum class AlertPhase { Start, Update, End };

const char* toString(AlertType t);
const char* toString(Severity s);
const char* toString(AlertPhase p);
std::optional<AlertType> alertTypeFrom(const std::string& s);

// One camera's part in an alert about an area: why it is not watching.
struct Cause {
  std::string camera_id;
  std::string camera_name;
  std::string code;    // offline, stalled, unauthorized, connecting, disabled, view_tampered
  std::string detail;  // plain words (English), e.g. "connection refused" or "blank, occluded"
  bool operator==(const Cause&) const = default;
};

// An object seen in a zone: its box in normalised coordinates (0..1).
struct ObjectBox {
  double x = 0, y = 0, w = 0, h = 0;
  bool operator==(const ObjectBox&) const = default;
};

// The JPEG of a view an alert refers to (published on the camera's snapshot topic).
struct SnapshotRef {
  std::string id;
  std::string topic;
  WallTime taken_at{};
};

// The evidence clip of an alert (record/recorder.hpp): planned at its start,
// "ready" with its size once written.
struct ClipRef {
  std::string id;
  WallTime start{};
  WallTime end{};
  std::string status;  // recording, ready
  std::optional<std::uintmax_t> bytes;  // when ready
  bool operator==(const ClipRef&) const = default;
};

struct Alert {
  std::string id;  // the same on start and end
  AlertType type = AlertType::CameraOffline;
  Severity severity = Severity::Warning;
  AlertPhase phase = AlertPhase::Start;
  std::string camera_id;    // empty for an area's alert
  std::string camera_name;
  std::string area_id;      // empty for a camera's alert
  std::string area_name;
  std::string area_kind;
  std::string area_grid;  // the area's grid label (网格), empty if none
  std::vector<std::string> issues;  // view_tampered: blank, frozen, defocus, occluded, shifted
  std::optional<double> covered_share;  // view_tampered, occluded: the share of the view covered, 0..1
  std::vector<Cause> causes;        // coverage_lost: why each of the area's cameras is not watching
  std::optional<SnapshotRef> snapshot;
  std::optional<ClipRef> clip;      // tamper and intrusion by default (clips.alert_types)
  std::string zone_id;              // motion, intrusion: the camera's zone
  std::string zone_name;
  std::vector<ObjectBox> objects;   // motion, intrusion: what is in the zone (start, update) or was last
  std::optional<bool> person;       // intrusion in a people-only zone: confirmed by the people check
  std::uint64_t suppressed = 0;     // events of this camera suppressed (cooldown, rate limit) before this one
  WallTime started_at{};
  std::optional<WallTime> ended_at;  // on end
  std::optional<WallTime> updated_at;  // on update
  std::string reason_code;           // machine-readable cause, e.g. "refused"
  std::string detail;                // the node's plain-words reason (English)
  std::string message;               // for people, in the configured language

  std::optional<double> durationSeconds() const;
};

Severity severityOf(AlertType type);

// The human message for an alert in a language: pure, tested as strings.
std::string renderMessage(const Alert& alert, config::Language language);

// The subject an alert is about, e.g. "camera/gate", "view/gate", "area/bridge":
// a subject has at most one open alert.
std::string subjectOf(const Alert& alert);
std::string cameraSubject(const std::string& camera_id);
std::string viewSubject(const std::string& camera_id);
std::string areaSubject(const std::string& area_id);
std::string zoneSubject(const std::string& camera_id, const std::string& zone_id);

// A new random alert id (UUID version 4, lower-case hex).
std::string newAlertId();

}  // namespace villagecam::events
