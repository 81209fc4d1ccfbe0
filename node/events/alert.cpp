#include "events/alert.hpp"

#include <fmt/format.h>

#include <cmath>
#include <random>

namespace villagecam::events {

const char* toString(AlertType t) {
  switch (t) {
    case AlertType::CameraOffline: return "camera_offline";
    case AlertType::CameraStalled: return "camera_stalled";
    case AlertType::CameraUnauthorized: return "camera_unauthorized";
  }
  return "unknown";
}

std::optional<AlertType> alertTypeFrom(const std::string& s) {
  for (auto t : {AlertType::CameraOffline, AlertType::CameraStalled, AlertType::CameraUnauthorized}) {
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

const char* toString(AlertPhase p) { return p == AlertPhase::Start ? "start" : "end"; }

Severity severityOf(AlertType type) {
  switch (type) {
    case AlertType::CameraOffline: return Severity::Critical;
    case AlertType::CameraStalled: return Severity::Warning;
    case AlertType::CameraUnauthorized: return Severity::Critical;
  }
  return Severity::Warning;
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

// Plain words for a reason code, so the Chinese message is Chinese throughout.
std::string reasonWords(const std::string& code, const std::string& detail, config::Language lang) {
  if (lang == config::Language::En) return detail;
  static const std::pair<const char*, const char*> zh[] = {
      {"unauthorized", "用户名或密码错误"}, {"not_found", "码流路径不存在"}, {"refused", "连接被拒绝"},
      {"unreachable", "网络不可达"},       {"timeout", "无响应"},          {"stream_ended", "码流中断"},
      {"unsupported_codec", "不支持的编码"}, {"stalled", "画面停止"},      {"other", "其他故障"},
  };
  for (const auto& [c, words] : zh) {
    if (code == c) return words;
  }
  return detail;
}

}  // namespace

std::string renderMessage(const Alert& a, config::Language lang) {
  const std::string name = a.camera_name.empty() ? a.camera_id : a.camera_name;
  const std::string reason = reasonWords(a.reason_code, a.detail, lang);
  const bool zh = lang == config::Language::ZhCN;
  if (a.phase == AlertPhase::End) {
    const std::string lasted = humanDuration(a.durationSeconds().value_or(0), lang);
    switch (a.type) {
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
