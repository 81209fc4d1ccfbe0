#include "mqtt/payloads.hpp"

#include "util/time_format.hpp"

namespace villagecam::mqtt {
namespace {

using nlohmann::json;

json optionalTime(const std::optional<WallTime>& t) { return t ? json(toRfc3339(*t)) : json(nullptr); }

json window(const health::UptimeWindow& w) {
  const auto r = w.ratio();
  return {{"ratio", r ? json(*r) : json(nullptr)}, {"up_s", w.up_s}, {"down_s", w.down_s}, {"unknown_s", w.unknown_s}};
}

// Measured values rounded for people and for stable payloads.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

json alertJson(const events::Alert& a, const std::string& node_id, config::Language language) {
  json j{
      {"schema", kAlertSchema},
      {"id", a.id},
      {"node", node_id},
      {"type", events::toString(a.type)},
      {"severity", events::toString(a.severity)},
      {"phase", events::toString(a.phase)},
      {"camera", {{"id", a.camera_id}, {"name", a.camera_name}}},
      {"area", a.area.empty() ? json(nullptr) : json(a.area)},
      {"started_at", toRfc3339(a.started_at)},
      {"ended_at", optionalTime(a.ended_at)},
      {"duration_s", a.durationSeconds() ? json(round2(*a.durationSeconds())) : json(nullptr)},
      {"reason", a.reason_code},
      {"detail", a.detail},
      {"message", a.message},
      {"language", config::toString(language)},
  };
  return j;
}

events::Alert alertFromJson(const json& j) {
  events::Alert a;
  a.id = j.at("id").get<std::string>();
  a.type = events::alertTypeFrom(j.at("type").get<std::string>()).value_or(events::AlertType::CameraOffline);
  const auto severity = j.at("severity").get<std::string>();
  a.severity = severity == "critical" ? events::Severity::Critical
               : severity == "info"   ? events::Severity::Info
                                      : events::Severity::Warning;
  a.phase = j.at("phase").get<std::string>() == "end" ? events::AlertPhase::End : events::AlertPhase::Start;
  a.camera_id = j.at("camera").at("id").get<std::string>();
  a.camera_name = j.at("camera").at("name").get<std::string>();
  if (!j.at("area").is_null()) a.area = j.at("area").get<std::string>();
  a.started_at = fromRfc3339(j.at("started_at").get<std::string>()).value_or(WallTime{});
  if (!j.at("ended_at").is_null()) a.ended_at = fromRfc3339(j.at("ended_at").get<std::string>());
  a.reason_code = j.at("reason").get<std::string>();
  a.detail = j.at("detail").get<std::string>();
  a.message = j.at("message").get<std::string>();
  return a;
}

json cameraStatusJson(const ingest::CameraHealth& h, const health::UptimeStats& uptime, const ViewReport& view,
                      const std::string& node_id, WallTime now) {
  const bool known = !h.codec.empty();
  return {
      {"schema", kCameraStatusSchema},
      {"node", node_id},
      {"camera", h.id},
      {"name", h.name},
      {"url", h.url},
      {"state", ingest::toString(h.state)},
      {"since", toRfc3339(h.since)},
      {"reason", h.reason},
      {"failure", h.state == ingest::CameraState::Online || h.failure.empty() ? json(nullptr) : json(h.failure)},
      {"stream",
       {{"codec", known ? json(h.codec) : json(nullptr)},
        {"width", h.width > 0 ? json(h.width) : json(nullptr)},
        {"height", h.height > 0 ? json(h.height) : json(nullptr)},
        {"fps", round2(h.fps)},
        {"bitrate_kbps", round2(h.bitrate_kbps)},
        {"keyframe_interval_s", h.keyframe_interval_s > 0 ? json(round2(h.keyframe_interval_s)) : json(nullptr)}}},
      {"last_frame_at", optionalTime(h.last_frame)},
      {"reconnects", h.reconnects},
      {"frames", {{"received", h.frames_received}, {"decoded", h.frames_decoded}, {"dropped", h.frames_dropped}}},
      {"uptime", {{"1h", window(uptime.last_1h)}, {"24h", window(uptime.last_24h)}, {"7d", window(uptime.last_7d)}}},
      {"view", {{"state", view.state}, {"issues", view.issues}, {"baseline_at", optionalTime(view.baseline_at)}}},
      {"updated_at", toRfc3339(now)},
  };
}

json nodeStatusJson(const NodeStatus& s) {
  json cameras = json::object();
  int total = 0;
  for (const auto& [state, count] : s.cameras_by_state) {
    cameras[state] = count;
    total += count;
  }
  cameras["total"] = total;
  cameras["disabled"] = s.cameras_disabled;
  return {
      {"schema", kNodeStatusSchema},
      {"node", s.node_id},
      {"region", s.region},
      {"village", s.village},
      {"version", s.version},
      {"started_at", toRfc3339(s.started_at)},
      {"uptime_s", std::llround(std::chrono::duration<double>(s.now - s.started_at).count())},
      {"cameras", cameras},
      {"outbox", {{"depth", s.outbox_depth}, {"bytes", s.outbox_bytes}, {"dropped", s.outbox_dropped}}},
      {"updated_at", toRfc3339(s.now)},
  };
}

std::map<std::string, int> countByState(const std::vector<ingest::CameraHealth>& cameras) {
  std::map<std::string, int> out;
  for (auto s : {ingest::CameraState::Connecting, ingest::CameraState::Online, ingest::CameraState::Stalled,
                 ingest::CameraState::Offline, ingest::CameraState::Unauthorized}) {
    out[ingest::toString(s)] = 0;
  }
  for (const auto& c : cameras) ++out[ingest::toString(c.state)];
  return out;
}

}  // namespace villagecam::mqtt
