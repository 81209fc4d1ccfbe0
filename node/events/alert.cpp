#include "events/alert.hpp"

#include "events/code_words.hpp"
#include "i18n/messages.hpp"

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <tuple>

namespace villagecam::events {

using i18n::Msg;
using i18n::say;


const char* toString(AlertType t) {
  switch (t) {
    case AlertType::CameraOffline: return "camera_offline";
    case AlertType::CameraStalled: return "camera_stalled";
    case AlertType::CameraUnauthorized: return "camera_unauthorized";
    case AlertType::ViewTampered: return "view_tampered";
    case AlertType::CoverageLost: return "coverage_lost";
    case AlertType::Motion: return "motion";
    case AlertType::Intrusion: return "intrusion";
  }
  return "unknown";
}

std::optional<AlertType> alertTypeFrom(const std::string& s) {
  for (auto t : {AlertType::CameraOffline, AlertType::CameraStalled, AlertType::CameraUnauthorized,
                 AlertType::ViewTampered, AlertType::CoverageLost, AlertType::Motion, AlertType::Intrusion}) {
    if (s == toString(t)) return t;
  }
  return std::nullopt;
}

const char* toString(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Critical: return "critical";
  }
  return "warning";
}

const char* toString(AlertPhase p) {
  switch (p) {
    case AlertPhase::Start: return "start";
    case AlertPhase::Update: return "update";
    case AlertPhase::End: return "end";
  }
  return "start";
}

Severity severityOf(AlertType type) {
  switch (type) {
    case AlertType::CameraOffline: return Severity::Critical;
    case AlertType::CameraStalled: return Severity::Warning;
    case AlertType::CameraUnauthorized: return Severity::Critical;
    case AlertType::ViewTampered: return Severity::Critical;
    case AlertType::CoverageLost: return Severity::Critical;
    case AlertType::Motion: return Severity::Info;
    case AlertType::Intrusion: return Severity::Warning;
  }
  return Severity::Warning;
}

std::string cameraSubject(const std::string& camera_id) { return "camera/" + camera_id; }
std::string viewSubject(const std::string& camera_id) { return "view/" + camera_id; }
std::string areaSubject(const std::string& area_id) { return "area/" + area_id; }
std::string zoneSubject(const std::string& camera_id, const std::string& zone_id) {
  return "zone/" + camera_id + "/" + zone_id;
}

std::string subjectOf(const Alert& a) {
  switch (a.type) {
    case AlertType::ViewTampered: return viewSubject(a.camera_id);
    case AlertType::CoverageLost: return areaSubject(a.area_id);
    case AlertType::Motion:
    case AlertType::Intrusion: return zoneSubject(a.camera_id, a.zone_id);
    default: return cameraSubject(a.camera_id);
  }
}

std::optional<double> Alert::durationSeconds() const {
  if (!ended_at) return std::nullopt;
  return std::chrono::duration<double>(*ended_at - started_at).count();
}

namespace {

std::string humanDuration(double seconds, config::Language lang) {
  const long s = std::lround(seconds);
  if (s < 60) return say(lang, Msg::DurationSeconds, s);
  if (s < 3600) return say(lang, Msg::DurationMinutes, s / 60, s % 60);
  return say(lang, Msg::DurationHours, s / 3600, (s % 3600) / 60);
}

// Plain words for a reason code, so the Chinese message is Chinese
// throughout; English keeps the node's own detail (it says more).
std::string reasonWords(const std::string& code, const std::string& detail, config::Language lang) {
  if (lang == config::Language::En) return detail;
  return codeWords(CodeKind::Failure, code, lang).value_or(detail);
}

std::string joinIssues(const std::vector<std::string>& issues, config::Language lang) {
  std::string out;
  for (const auto& i : issues) {
    out += (out.empty() ? "" : say(lang, Msg::IssueSeparator)) + codeWordsOr(CodeKind::ViewIssue, i, lang);
  }
  return out;
}

// Why one camera of an area is not watching, in words (English adds the node's detail).
std::string causeWords(const Cause& c, config::Language lang) {
  const std::string name = c.camera_name.empty() ? c.camera_id : c.camera_name;
  std::string out = say(lang, Msg::AlertCause, name, codeWordsOr(CodeKind::Cause, c.code, lang));
  if (lang == config::Language::En) out += say(lang, Msg::AlertCauseDetail, c.detail);
  return out;
}

}  // namespace

std::string renderMessage(const Alert& a, config::Language lang) {
  const std::string name = a.camera_name.empty() ? a.camera_id : a.camera_name;
  const std::string area = a.area_name.empty() ? a.area_id : a.area_name;
  const std::string reason = reasonWords(a.reason_code, a.detail, lang);
  const std::string zone = a.zone_name.empty() ? a.zone_id : a.zone_name;
  if (a.phase == AlertPhase::Update) {
    const std::string sofar = humanDuration(
        std::chrono::duration<double>(a.updated_at.value_or(a.started_at) - a.started_at).count(), lang);
    return say(lang, Msg::AlertStillInZone, a.objects.size(), zone, name, sofar);
  }
  if (a.phase == AlertPhase::End) {
    const std::string lasted = humanDuration(a.durationSeconds().value_or(0), lang);
    switch (a.type) {
      case AlertType::Motion:
      case AlertType::Intrusion: return say(lang, Msg::AlertZoneClear, zone, name, lasted);
      case AlertType::ViewTampered: return say(lang, Msg::AlertViewNormal, name, lasted);
      case AlertType::CoverageLost: return say(lang, Msg::AlertAreaWatched, area, lasted);
      case AlertType::CameraOffline: return say(lang, Msg::AlertBackOnline, name, lasted);
      case AlertType::CameraStalled: return say(lang, Msg::AlertVideoAgain, name, lasted);
      case AlertType::CameraUnauthorized: return say(lang, Msg::AlertCredentialsAgain, name, lasted);
    }
  }
  switch (a.type) {
    case AlertType::CameraOffline: return say(lang, Msg::AlertOffline, name, reason);
    case AlertType::CameraStalled: return say(lang, Msg::AlertStalled, name, reason);
    case AlertType::CameraUnauthorized: return say(lang, Msg::AlertUnauthorized, name);
    case AlertType::ViewTampered: {
      const std::string share =
          a.covered_share ? say(lang, Msg::AlertCoveredShare, static_cast<int>(*a.covered_share * 100 + 0.5)) : "";
      return say(lang, Msg::AlertTampered, name, joinIssues(a.issues, lang), share);
    }
    case AlertType::Motion: return say(lang, Msg::AlertMotion, zone, name);
    case AlertType::Intrusion:
      return say(lang, a.person.value_or(false) ? Msg::AlertIntrusionPerson : Msg::AlertIntrusion, zone, name);
    case AlertType::CoverageLost: {
      std::string causes;
      for (const auto& c : a.causes) causes += (causes.empty() ? "" : say(lang, Msg::CauseSeparator)) + causeWords(c, lang);
      return say(lang, Msg::AlertNotWatched, area, causes);
    }
  }
  return name;
}

std::string newAlertId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng(), lo = rng();
  const std::uint64_t version_hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;   // version 4
  const std::uint64_t variant_lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;   // RFC 4122
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", version_hi >> 32, (version_hi >> 16) & 0xFFFF,
                     version_hi & 0xFFFF, variant_lo >> 48, variant_lo & 0xFFFFFFFFFFFFull);
}

}  // namespace villagecam::events
