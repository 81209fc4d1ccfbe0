#include "events/alert.hpp"

#include "events/code_words.hpp"

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <tuple>

namespace villagecam::events {

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
  const bool zh = lang == config::Language::ZhCN;
  if (s < 60) return zh ? fmt::format("{}秒", s) : fmt::format("{} s", s);
  if (s < 3600) return zh ? fmt::format("{}分{}秒", s / 60, s % 60) : fmt::format("{} min {} s", s / 60, s % 60);
  return zh ? fmt::format("{}小时{}分", s / 3600, (s % 3600) / 60)
            : fmt::format("{} h {} min", s / 3600, (s % 3600) / 60);
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
    out += (out.empty() ? "" : (lang == config::Language::ZhCN ? "，" : ", ")) + codeWordsOr(CodeKind::ViewIssue, i, lang);
  }
  return out;
}

// Why one camera of an area is not watching, in words.
std::string causeWords(const Cause& c, config::Language lang) {
  const std::string name = c.camera_name.empty() ? c.camera_id : c.camera_name;
  const std::string state = codeWordsOr(CodeKind::Cause, c.code, lang);
  if (lang == config::Language::En) return fmt::format("camera '{}' {}: {}", name, state, c.detail);
  return fmt::format("摄像头「{}」{}", name, state);
}

}  // namespace

std::string renderMessage(const Alert& a, config::Language lang) {
  const std::string name = a.camera_name.empty() ? a.camera_id : a.camera_name;
  const std::string area = a.area_name.empty() ? a.area_id : a.area_name;
  const std::string reason = reasonWords(a.reason_code, a.detail, lang);
  const bool zh = lang == config::Language::ZhCN;
  const std::string zone = a.zone_name.empty() ? a.zone_id : a.zone_name;
  if (a.phase == AlertPhase::Update) {
    const std::string sofar = humanDuration(
        std::chrono::duration<double>(a.updated_at.value_or(a.started_at) - a.started_at).count(), lang);
    return zh ? fmt::format("摄像头「{}」区域「{}」仍有目标（已{}，{}个）", name, zone, sofar, a.objects.size())
              : fmt::format("Still {} object(s) in zone '{}' of camera '{}' ({} so far)", a.objects.size(), zone, name,
                            sofar);
  }
  if (a.phase == AlertPhase::End) {
    const std::string lasted = humanDuration(a.durationSeconds().value_or(0), lang);
    switch (a.type) {
      case AlertType::Motion:
      case AlertType::Intrusion:
        return zh ? fmt::format("摄像头「{}」区域「{}」已无目标（持续{}）", name, zone, lasted)
                  : fmt::format("Zone '{}' of camera '{}' is clear again after {}", zone, name, lasted);
      case AlertType::ViewTampered:
        return zh ? fmt::format("摄像头「{}」画面已恢复正常（异常{}）", name, lasted)
                  : fmt::format("Camera '{}' shows its normal view again after {}", name, lasted);
      case AlertType::CoverageLost:
        return zh ? fmt::format("区域「{}」恢复监控覆盖（中断{}）", area, lasted)
                  : fmt::format("Area '{}' is watched again after {}", area, lasted);
      case AlertType::CameraOffline:
        return zh ? fmt::format("摄像头「{}」已恢复在线（离线{}）", name, lasted)
                  : fmt::format("Camera '{}' is back online after {}", name, lasted);
      case AlertType::CameraStalled:
        return zh ? fmt::format("摄像头「{}」画面已恢复（中断{}）", name, lasted)
                  : fmt::format("Camera '{}' is delivering video again after {}", name, lasted);
      case AlertType::CameraUnauthorized:
        return zh ? fmt::format("摄像头「{}」认证已恢复（{}）", name, lasted)
                  : fmt::format("Camera '{}' accepts the credentials again after {}", name, lasted);
    }
  }
  switch (a.type) {
    case AlertType::CameraOffline:
      return zh ? fmt::format("摄像头「{}」离线：{}", name, reason)
                : fmt::format("Camera '{}' is offline: {}", name, reason);
    case AlertType::CameraStalled:
      return zh ? fmt::format("摄像头「{}」画面停止：{}", name, reason)
                : fmt::format("Camera '{}' stopped delivering video: {}", name, reason);
    case AlertType::CameraUnauthorized:
      return zh ? fmt::format("摄像头「{}」拒绝登录：请检查用户名和密码", name)
                : fmt::format("Camera '{}' refuses the credentials: check the user name and password", name);
    case AlertType::ViewTampered: {
      const int covered = a.covered_share ? static_cast<int>(*a.covered_share * 100 + 0.5) : -1;
      const std::string share = covered < 0 ? ""
                                : zh         ? fmt::format("（约 {}% 画面被遮挡）", covered)
                                             : fmt::format(" ({}% of the view covered)", covered);
      return zh ? fmt::format("摄像头「{}」画面异常：{}{}", name, joinIssues(a.issues, lang), share)
                : fmt::format("Camera '{}' view tampered: {}{}", name, joinIssues(a.issues, lang), share);
    }
    case AlertType::Motion:
      return zh ? fmt::format("摄像头「{}」区域「{}」有移动目标", name, zone)
                : fmt::format("Motion in zone '{}' of camera '{}'", zone, name);
    case AlertType::Intrusion:
      return zh ? fmt::format("摄像头「{}」区域「{}」有{}闯入", name, zone, a.person.value_or(false) ? "人员" : "目标")
                : fmt::format("Intrusion in zone '{}' of camera '{}'{}", zone, name,
                              a.person.value_or(false) ? ": a person" : "");
    case AlertType::CoverageLost: {
      std::string causes;
      for (const auto& c : a.causes) causes += (causes.empty() ? "" : (zh ? "；" : "; ")) + causeWords(c, lang);
      return zh ? fmt::format("区域「{}」失去监控覆盖：{}", area, causes)
                : fmt::format("Area '{}' is not watched: {}", area, causes);
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
