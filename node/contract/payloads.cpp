#include "contract/payloads.hpp"

#include "events/gb28181_alarm.hpp"

#include <openssl/evp.h>

#include "util/time_format.hpp"

namespace villagecam::contract {
namespace {

using nlohmann::json;

json optionalTime(const std::optional<WallTime>& t) { return t ? json(toRfc3339(*t)) : json(nullptr); }

json window(const health::UptimeWindow& w) {
  const auto r = w.ratio();
  return {{"ratio", r ? json(*r) : json(nullptr)}, {"up_s", w.up_s}, {"down_s", w.down_s}, {"unknown_s", w.unknown_s}};
}

// Base64 through OpenSSL (already linked for MQTT over TLS).
std::string base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Measured values rounded for people and for stable payloads.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

// A share 0..1 to four places; null while there is none.
json share(const std::optional<double>& v) { return v ? json(std::round(*v * 10000.0) / 10000.0) : json(nullptr); }

json textOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// The place's four keys, added at the payload's top level.
void addPlace(json& j, const Place& p) {
  j["region"] = p.region;
  j["township"] = p.township;
  j["village"] = p.village;
  j["admin_code"] = textOrNull(p.admin_code);
}

}  // namespace

Origin originOf(const config::NodeIdentity& node) {
  return {node.id, {node.region, node.township, node.village, node.admin_code}, node.gb_code, {}};
}

Origin originOf(const config::NodeIdentity& node, const std::vector<config::CameraConfig>& cameras) {
  Origin o = originOf(node);
  for (const auto& c : cameras) {
    if (!c.gb_code.empty()) o.camera_gb_codes[c.id] = c.gb_code;
  }
  return o;
}

namespace {

json optionalNumber(std::optional<int> n) { return n ? json(*n) : json(nullptr); }

// The alert as GB/T 28181's alarm notify names it (events/gb28181_alarm.hpp),
// and the device it is about: the camera's code, or the node's for an area's.
json gb28181Json(const events::Alert& a, const Origin& origin) {
  const auto alarm = events::gbAlarmOf(a);
  std::string device;
  if (!a.camera_id.empty()) {
    if (const auto it = origin.camera_gb_codes.find(a.camera_id); it != origin.camera_gb_codes.end()) device = it->second;
  } else {
    device = origin.gb_code;
  }
  return {{"alarm_method", alarm.method},
          {"alarm_type", optionalNumber(alarm.type)},
          {"alarm_type_2016", optionalNumber(alarm.type_2016)},
          {"alarm_priority", alarm.priority},
          {"event_type", optionalNumber(alarm.event_type)},
          {"device_code", device.empty() ? json(nullptr) : json(device)},
          {"node_code", origin.gb_code.empty() ? json(nullptr) : json(origin.gb_code)}};
}

}  // namespace

json alertJson(const events::Alert& a, const Origin& origin, config::Language language) {
  json objects = json::array();
  for (const auto& o : a.objects) {
    objects.push_back({{"x", std::round(o.x * 1000) / 1000}, {"y", std::round(o.y * 1000) / 1000},
                       {"w", std::round(o.w * 1000) / 1000}, {"h", std::round(o.h * 1000) / 1000}});
  }
  json causes = json::array();
  for (const auto& c : a.causes) {
    causes.push_back({{"camera", c.camera_id}, {"name", c.camera_name}, {"code", c.code}, {"detail", c.detail}});
  }
  json j{
      {"schema", kAlertSchema},
      {"id", a.id},
      {"node", origin.node_id},
      {"type", events::toString(a.type)},
      {"severity", events::toString(a.severity)},
      {"phase", events::toString(a.phase)},
      {"camera", a.camera_id.empty() ? json(nullptr) : json{{"id", a.camera_id}, {"name", a.camera_name}}},
      {"area", a.area_id.empty() ? json(nullptr)
                                 : json{{"id", a.area_id}, {"name", a.area_name}, {"kind", a.area_kind},
                                        {"grid", textOrNull(a.area_grid)}}},
      {"zone", a.zone_id.empty() ? json(nullptr)
                                 : json{{"id", a.zone_id}, {"name", a.zone_name},
                                        {"kind", a.type == events::AlertType::Motion ? "motion" : "intrusion"}}},
      {"objects", objects},
      {"person", a.person ? json(*a.person) : json(nullptr)},
      {"suppressed", a.suppressed},
      {"issues", a.issues},
      {"covered_share", a.covered_share ? json(round2(*a.covered_share)) : json(nullptr)},
      {"causes", causes},
      {"snapshot", a.snapshot ? json{{"id", a.snapshot->id},
                                     {"topic", a.snapshot->topic},
                                     {"taken_at", toRfc3339(a.snapshot->taken_at)}}
                              : json(nullptr)},
      {"clip", a.clip ? json{{"id", a.clip->id},
                             {"start", toRfc3339(a.clip->start)},
                             {"end", toRfc3339(a.clip->end)},
                             {"status", a.clip->status},
                             {"bytes", a.clip->bytes ? json(*a.clip->bytes) : json(nullptr)}}
                      : json(nullptr)},
      {"started_at", toRfc3339(a.started_at)},
      {"ended_at", optionalTime(a.ended_at)},
      {"updated_at", optionalTime(a.updated_at)},
      {"duration_s", a.durationSeconds() ? json(round2(*a.durationSeconds())) : json(nullptr)},
      {"reason", a.reason_code},
      {"detail", a.detail},
      {"message", a.message},
      {"language", config::toString(language)},
      {"gb28181", gb28181Json(a, origin)},
  };
  addPlace(j, origin.place);
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
  const auto phase = j.at("phase").get<std::string>();
  a.phase = phase == "end" ? events::AlertPhase::End : phase == "update" ? events::AlertPhase::Update : events::AlertPhase::Start;
  if (const auto& c = j.at("camera"); !c.is_null()) {
    a.camera_id = c.at("id").get<std::string>();
    a.camera_name = c.at("name").get<std::string>();
  }
  if (const auto& area = j.at("area"); !area.is_null()) {
    a.area_id = area.at("id").get<std::string>();
    a.area_name = area.at("name").get<std::string>();
    a.area_kind = area.at("kind").get<std::string>();
    if (const auto g = area.find("grid"); g != area.end() && g->is_string()) a.area_grid = g->get<std::string>();
  }
  a.issues = j.value("issues", std::vector<std::string>{});
  if (const auto it = j.find("covered_share"); it != j.end() && it->is_number()) a.covered_share = it->get<double>();
  for (const auto& c : j.value("causes", json::array())) {
    a.causes.push_back({c.at("camera").get<std::string>(), c.at("name").get<std::string>(),
                        c.at("code").get<std::string>(), c.at("detail").get<std::string>()});
  }
  if (const auto it = j.find("snapshot"); it != j.end() && !it->is_null()) {
    a.snapshot = events::SnapshotRef{it->at("id").get<std::string>(), it->at("topic").get<std::string>(),
                                     fromRfc3339(it->at("taken_at").get<std::string>()).value_or(WallTime{})};
  }
  if (const auto it = j.find("clip"); it != j.end() && it->is_object()) {
    events::ClipRef clip;
    clip.id = it->at("id").get<std::string>();
    clip.start = fromRfc3339(it->at("start").get<std::string>()).value_or(WallTime{});
    clip.end = fromRfc3339(it->at("end").get<std::string>()).value_or(WallTime{});
    clip.status = it->at("status").get<std::string>();
    if (const auto b = it->find("bytes"); b != it->end() && b->is_number_unsigned()) clip.bytes = b->get<std::uintmax_t>();
    a.clip = clip;
  }
  a.started_at = fromRfc3339(j.at("started_at").get<std::string>()).value_or(WallTime{});
  if (!j.at("ended_at").is_null()) a.ended_at = fromRfc3339(j.at("ended_at").get<std::string>());
  if (const auto it = j.find("updated_at"); it != j.end() && !it->is_null()) a.updated_at = fromRfc3339(it->get<std::string>());
  if (const auto it = j.find("zone"); it != j.end() && !it->is_null()) {
    a.zone_id = it->at("id").get<std::string>();
    a.zone_name = it->at("name").get<std::string>();
  }
  for (const auto& o : j.value("objects", json::array())) {
    a.objects.push_back({o.at("x").get<double>(), o.at("y").get<double>(), o.at("w").get<double>(), o.at("h").get<double>()});
  }
  if (const auto it = j.find("person"); it != j.end() && !it->is_null()) a.person = it->get<bool>();
  a.suppressed = j.value("suppressed", std::uint64_t{0});
  a.reason_code = j.at("reason").get<std::string>();
  a.detail = j.at("detail").get<std::string>();
  a.message = j.at("message").get<std::string>();
  return a;
}

json cameraStatusJson(const health::CameraHealth& h, const health::UptimeStats& uptime, const ViewReport& view,
                      const std::string& node_id, WallTime now, const std::optional<DetectionReport>& detection) {
  const bool known = !h.codec.empty();
  return {
      {"schema", kCameraStatusSchema},
      {"node", node_id},
      {"camera", h.id},
      {"name", h.name},
      {"url", h.url},
      {"gb_code", h.gb_code.empty() ? json(nullptr) : json(h.gb_code)},
      {"state", health::toString(h.state)},
      {"since", toRfc3339(h.since)},
      {"reason", h.reason},
      {"failure", h.state == health::CameraState::Online || h.failure.empty() ? json(nullptr) : json(h.failure)},
      {"stream",
       {{"codec", known ? json(h.codec) : json(nullptr)},
        {"width", h.width > 0 ? json(h.width) : json(nullptr)},
        {"height", h.height > 0 ? json(h.height) : json(nullptr)},
        {"fps", round2(h.fps)},
        {"bitrate_kbps", round2(h.bitrate_kbps)},
        {"keyframe_interval_s", h.keyframe_interval_s > 0 ? json(round2(h.keyframe_interval_s)) : json(nullptr)}}},
      {"last_frame_at", optionalTime(h.last_frame)},
      {"reconnects", h.reconnects},
      {"frames",
       {{"received", h.frames_received},
        {"decoded", h.frames_decoded},
        {"dropped", h.frames_dropped},
        {"without_reference", h.frames_without_reference},
        {"corrupt", h.frames_corrupt}}},
      {"uptime", {{"1h", window(uptime.last_1h)}, {"24h", window(uptime.last_24h)}, {"7d", window(uptime.last_7d)}}},
      {"view", {{"state", view.state},
                {"issues", view.issues},
                {"covered_share", view.covered_share ? json(round2(*view.covered_share)) : json(nullptr)},
                {"baseline_at", optionalTime(view.baseline_at)},
                {"measures", view.measures ? json{{"light", round2(view.measures->light)},
                                                  {"contrast", round2(view.measures->contrast)},
                                                  {"sharpness", round2(view.measures->sharpness)},
                                                  {"colour_cast", round2(view.measures->colour_cast)},
                                                  {"noise", round2(view.measures->noise)},
                                                  {"glare_share", round2(view.measures->glare_share)},
                                                  {"cover_share", round2(view.measures->cover_share)},
                                                  {"moved", round2(view.measures->moved)},
                                                  {"stripes", std::round(view.measures->stripes * 1000) / 1000}}
                                           : json(nullptr)},
                {"cadence", view.cadence ? json{{"own_frame_rate", round2(view.cadence->own_frame_rate)},
                                                {"frame_rate", round2(view.cadence->frame_rate)},
                                                {"largest_gap_s", round2(view.cadence->largest_gap_s)},
                                                {"timestamp_jumps", view.cadence->timestamp_jumps},
                                                {"bursts", view.cadence->bursts}}
                                         : json(nullptr)}}},
      {"detection", detection ? json{{"frames", detection->frames},
                                     {"events", detection->events},
                                     {"suppressed", detection->suppressed},
                                     {"global_changes", detection->global_changes}}
                              : json(nullptr)},
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
  json j{
      {"schema", kNodeStatusSchema},
      {"node", s.node_id},
      {"version", s.version},
      {"gb_code", s.gb_code.empty() ? json(nullptr) : json(s.gb_code)},
      {"started_at", toRfc3339(s.started_at)},
      {"uptime_s", std::llround(std::chrono::duration<double>(s.now - s.started_at).count())},
      {"status_interval_s", s.status_interval_s ? json(round2(*s.status_interval_s)) : json(nullptr)},
      {"cameras", cameras},
      {"outbox", {{"depth", s.outbox_depth}, {"bytes", s.outbox_bytes}, {"dropped", s.outbox_dropped}}},
      {"coverage",
       {{"ratio", share(s.coverage_ratio)},
        {"areas", s.areas_total},
        {"covered", s.areas_covered},
        {"unverified", s.areas_unverified},
        {"unverified_share", share(s.coverage_unverified_share)}}},
      {"clock",
       {{"synchronised", s.clock.synchronised ? json(*s.clock.synchronised) : json(nullptr)},
        {"history", s.clock.booking ? "booked" : "unknown"},
        {"steps", s.clock.steps},
        {"last_step_s", s.clock.last_step_s ? json(round2(*s.clock.last_step_s)) : json(nullptr)},
        {"last_step_at", optionalTime(s.clock.last_step_at)}}},
      {"updated_at", toRfc3339(s.now)},
  };
  addPlace(j, s.place);
  return j;
}

namespace {

json minutes(const UncoveredMinutes& m) { return {{"today", round2(m.today)}, {"7d", round2(m.last_7d)}}; }

}  // namespace

json coverageJson(const CoverageSummary& c) {
  json areas = json::array();
  for (const auto& a : c.report.areas) {
    json cameras = json::array();
    for (const auto& w : a.cameras) {
      cameras.push_back({{"id", w.id},
                         {"name", w.name},
                         {"watching", health::toString(w.watching)},
                         {"code", w.code},
                         {"detail", w.detail}});
    }
    const auto it = c.uncovered.find(a.id);
    areas.push_back({{"id", a.id},
                     {"name", a.name},
                     {"kind", config::toString(a.kind)},
                     {"weight", a.weight},
                     {"state", health::toString(a.state)},
                     {"verified", a.verified},
                     {"unverified_reason", a.state == health::AreaState::Unverified ? json(a.unverified_reason)
                                                                                    : json(nullptr)},
                     {"grid", textOrNull(a.grid)},
                     {"watching", a.watching()},
                     {"cameras", cameras},
                     {"uncovered_minutes", minutes(it == c.uncovered.end() ? UncoveredMinutes{} : it->second)}});
  }
  json j{
      {"schema", kCoverageSchema},
      {"node", c.node_id},
      {"ratio", share(c.report.ratio())},
      {"unverified_share", share(c.report.unverifiedShare())},
      {"areas_total", c.report.areas.size()},
      {"areas_covered", c.report.count(health::AreaState::Covered)},
      {"areas_uncovered", c.report.count(health::AreaState::Uncovered)},
      {"areas_unverified", c.report.count(health::AreaState::Unverified)},
      {"areas_unknown", c.report.count(health::AreaState::Unknown)},
      {"uncovered_minutes", minutes(c.uncovered_total)},
      {"areas", areas},
      {"updated_at", toRfc3339(c.now)},
  };
  addPlace(j, c.place);
  return j;
}

json snapshotJson(const Snapshot& s, const std::string& node_id) {
  return {
      {"schema", kSnapshotSchema},
      {"id", s.id},
      {"node", node_id},
      {"camera", s.camera_id},
      {"taken_at", toRfc3339(s.taken_at)},
      {"reason", s.reason},
      {"content_type", "image/jpeg"},
      {"width", s.width},
      {"height", s.height},
      {"jpeg_base64", base64Encode(s.jpeg)},
  };
}

std::map<std::string, int> countByState(const std::vector<health::CameraHealth>& cameras) {
  std::map<std::string, int> out;
  for (auto s : {health::CameraState::Connecting, health::CameraState::Online, health::CameraState::Stalled,
                 health::CameraState::Offline, health::CameraState::Unauthorized}) {
    out[health::toString(s)] = 0;
  }
  for (const auto& c : cameras) ++out[health::toString(c.state)];
  return out;
}

}  // namespace villagecam::contract
