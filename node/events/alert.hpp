// An alert as the county sees it: one id for its whole life, a start and,
// for conditions that clear, an end with the duration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "util/clock.hpp"

namespace villagecam::events {

enum class AlertType { CameraOffline, CameraStalled, CameraUnauthorized };
enum class Severity { Info, Warning, Critical };
enum class AlertPhase { Start, End };

const char* toString(AlertType t);
const char* toString(Severity s);
const char* toString(AlertPhase p);
std::optional<AlertType> alertTypeFrom(const std::string& s);

struct Alert {
  std::string id;  // the same on start and end
  AlertType type = AlertType::CameraOffline;
  Severity severity = Severity::Warning;
  AlertPhase phase = AlertPhase::Start;
  std::string camera_id;
  std::string camera_name;
  std::string area;  // empty when no area is known
  WallTime started_at{};
  std::optional<WallTime> ended_at;  // on end
  std::string reason_code;           // machine-readable cause, e.g. "refused"
  std::string detail;                // the node's plain-words reason (English)
  std::string message;               // for people, in the configured language

  std::optional<double> durationSeconds() const;
};

Severity severityOf(AlertType type);

// The human message for an alert in a language: pure, tested as strings.
std::string renderMessage(const Alert& alert, config::Language language);

// A new random alert id (UUID version 4, lower-case hex).
std::string newAlertId();

}  // namespace villagecam::events
