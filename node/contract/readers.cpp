#include "contract/readers.hpp"

#include <algorithm>

#include <openssl/evp.h>

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "config/admin_code.hpp"
#include "util/log_text.hpp"
#include "util/time_format.hpp"

namespace villagecam::contract {
namespace {

using nlohmann::json;

// A value as an error shows it: a few dozen bytes of its JSON, escaped.
std::string shown(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return forLog(v.dump(-1, ' ', false, json::error_handler_t::replace), 60);
}

// A view of one JSON value that knows where it is, so that every error names
// the payload kind and the path.
class Field {
 public:
  Field(const json& value, const char* kind, std::string path) : v_(value), kind_(kind), path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw PayloadError(fmt::format("{}: {}: {}", kind_, path_.empty() ? "/" : path_, what));
  }
  Field at(const char* key) const {
    if (!v_.is_object()) fail("expected an object, got " + shown(v_));
    const auto it = v_.find(key);
    if (it == v_.end()) fail(fmt::format("missing key '{}'", key));
    return {*it, kind_, path_ + "/" + key};
  }
  std::optional<Field> find(const char* key) const {  // absent or null: nullopt
    if (!v_.is_object()) fail("expected an object, got " + shown(v_));
    const auto it = v_.find(key);
    if (it == v_.end() || it->is_null()) return std::nullopt;
    return Field{*it, kind_, path_ + "/" + key};
  }
  bool null() const { return v_.is_null(); }
  // Free text (a reason, a message): at most kMaxText bytes.
  std::string text() const {
    if (!v_.is_string()) fail("expected a string, got " + shown(v_));
    const auto& s = v_.get_ref<const std::string&>();
    if (s.size() > kMaxText) fail(fmt::format("longer than {} bytes ({})", kMaxText, s.size()));
    return s;
  }
  // An identifier (a node, camera, area, zone, alert or snapshot id).
  std::string id() const {
    const auto s = text();
    if (s.empty() || s.size() > kMaxId || s.find_first_not_of(kIdChars) != std::string::npos) {
      fail(fmt::format("expected an id (1-{} of A-Z a-z 0-9 _ . : -), got {}", kMaxId, shown(v_)));
    }
    return s;
  }
  // A name for people (a village, a camera): one line, at most kMaxName bytes.
  std::string name() const {
    const auto s = text();
    if (s.size() > kMaxName) fail(fmt::format("a name is at most {} bytes ({})", kMaxName, s.size()));
    // Nothing forLog would escape: no control character (C0, C1), line
    // separator or backslash.
    if (forLog(s, kMaxName + 1) != s) fail("a name holds no control characters, line separators or backslashes");
    return s;
  }
  // A number within [min, max].
  double number(double min, double max) const {
    const double d = number();
    if (d < min || d > max) fail(fmt::format("expected {} to {}, got {}", min, max, shown(v_)));
    return d;
  }
  // An integer within [min, max].
  int integer(int min, int max) const {
    const int i = integer();
    if (i < min || i > max) fail(fmt::format("expected {} to {}, got {}", min, max, i));
    return i;
  }
  // Every number of the contract is a finite measure well below 1e12
  // (seconds, shares, rates, pixels).
  double number() const {
    if (!v_.is_number()) fail("expected a number, got " + shown(v_));
    const double d = v_.get<double>();
    if (!std::isfinite(d) || std::abs(d) > kMaxNumber) fail("number out of range: " + shown(v_));
    return d;
  }
  std::uint64_t count() const {
    if (v_.is_number_unsigned()) return v_.get<std::uint64_t>();
    if (!v_.is_number_integer() || v_.get<long long>() < 0) fail("expected a count, got " + shown(v_));
    return v_.get<std::uint64_t>();
  }
  int integer() const {
    if (!v_.is_number_integer()) fail("expected an integer, got " + shown(v_));
    if (v_.is_number_unsigned() ? v_.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                                : (v_.get<long long>() > std::numeric_limits<int>::max() ||
                                   v_.get<long long>() < std::numeric_limits<int>::min())) {
      fail("integer out of range: " + shown(v_));
    }
    return v_.get<int>();
  }
  bool boolean() const {
    if (!v_.is_boolean()) fail("expected true or false, got " + shown(v_));
    return v_.get<bool>();
  }
  WallTime time() const {
    const auto t = fromRfc3339(text());
    if (!t) fail("expected an RFC 3339 time, got " + shown(v_));
    return *t;
  }
  std::vector<Field> items() const {
    if (!v_.is_array()) fail("expected an array, got " + shown(v_));
    std::vector<Field> out;
    for (std::size_t i = 0; i < v_.size(); ++i) out.emplace_back(v_[i], kind_, path_ + "/" + std::to_string(i));
    return out;
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& f : items()) out.push_back(f.text());
    return out;
  }
  const json& raw() const { return v_; }

  static constexpr std::size_t kMaxText = 2000;
  static constexpr std::size_t kMaxName = 200;
  static constexpr std::size_t kMaxId = 80;
  static constexpr double kMaxNumber = 1e12;
  static constexpr const char* kIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";

 private:
  const json& v_;
  const char* kind_;
  std::string path_;
};

// The enum value whose name (toString) is the field's text.
template <class Enum, std::size_t N>
Enum named(const Field& f, const Enum (&values)[N]) {
  const auto name = f.text();
  std::string known;
  for (auto v : values) {
    if (name == toString(v)) return v;
    known += std::string(known.empty() ? "" : ", ") + toString(v);
  }
  f.fail(fmt::format("unknown value '{}' (expected one of {})", name, known));
}

using health::toString;
using config::toString;
using events::toString;

constexpr health::CameraState kCameraStates[] = {health::CameraState::Connecting, health::CameraState::Online,
                                                 health::CameraState::Stalled, health::CameraState::Offline,
                                                 health::CameraState::Unauthorized};
constexpr health::Watch kWatches[] = {health::Watch::Yes, health::Watch::No, health::Watch::Unknown};
constexpr health::AreaState kAreaStates[] = {health::AreaState::Covered, health::AreaState::Uncovered,
                                             health::AreaState::Unknown, health::AreaState::Unverified};
constexpr config::AreaKind kAreaKinds[] = {config::AreaKind::Entrance, config::AreaKind::Square,
                                           config::AreaKind::Road,     config::AreaKind::Bridge,
                                           config::AreaKind::RiverBank, config::AreaKind::School,
                                           config::AreaKind::Market,   config::AreaKind::Other};
constexpr events::AlertType kAlertTypes[] = {
    events::AlertType::CameraOffline, events::AlertType::CameraStalled, events::AlertType::CameraUnauthorized,
    events::AlertType::ViewTampered,  events::AlertType::CoverageLost,  events::AlertType::Motion,
    events::AlertType::Intrusion};
constexpr events::AlertPhase kPhases[] = {events::AlertPhase::Start, events::AlertPhase::Update,
                                          events::AlertPhase::End};
constexpr events::Severity kSeverities[] = {events::Severity::Info, events::Severity::Warning,
                                            events::Severity::Critical};

Field root(const json& j, const char* kind, const char* schema) {
  Field f(j, kind, "");
  const auto name = f.at("schema").text();
  if (!readsSchema(name, schema)) {
    f.at("schema").fail(fmt::format("'{}' is not a version this reader knows (it reads {}/1 and its minor versions)",
                                    name, schema));
  }
  return f;
}

std::optional<WallTime> optionalTime(const Field& f, const char* key) {
  if (auto v = f.find(key)) return v->time();
  return std::nullopt;
}

health::UptimeWindow window(const Field& f) {
  return {f.at("up_s").number(), f.at("down_s").number(), f.at("unknown_s").number()};
}

contract::UncoveredMinutes minutes(const Field& f) { return {f.at("today").number(), f.at("7d").number()}; }

std::string optionalName(const Field& f, const char* key) {
  if (auto v = f.find(key)) return v->name();
  return {};
}

// The place keys at the top level; absent before node-status/1.3,
// coverage/1.2 and alert/1.3 (region and village were in node-status before).
Place place(const Field& f) {
  Place p{optionalName(f, "region"), optionalName(f, "township"), optionalName(f, "village"),
          optionalName(f, "admin_code")};
  if (!p.admin_code.empty()) {
    if (const auto problem = config::adminCodeProblem(p.admin_code); !problem.empty()) {
      f.at("admin_code").fail(problem);
    }
  }
  return p;
}

std::string base64Decode(const Field& f) {
  if (!f.raw().is_string()) f.fail("expected a base64 string");
  const auto& text = f.raw().get_ref<const std::string&>();
  if (text.size() % 4 != 0) f.fail("not base64 (its length is not a multiple of 4)");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) f.fail("not base64");
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as bytes.
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace

bool readsSchema(const std::string& schema, const char* expected) {
  const std::string major = std::string(expected) + "/1";
  return schema == major || schema.rfind(major + ".", 0) == 0;
}

std::size_t maxPayloadBytes(std::string_view kind) {
  if (kind == "snapshot") return 4u << 20;   // a JPEG of a 4K view, in base64
  if (kind == "coverage") return 1u << 20;   // hundreds of areas with their cameras
  if (kind == "command" || kind == "command-reply") return 8u << 10;  // a few ids, times and a sentence
  return 64u << 10;                          // alert, node-status, camera-status
}

std::optional<std::size_t> deeperThan(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

json parsePayload(const std::string& text, const char* kind) {
  if (const auto max = maxPayloadBytes(kind); text.size() > max) {
    throw PayloadError(fmt::format("{}: {} bytes, more than the {} a {} payload may have", kind, text.size(), max, kind));
  }
  if (const auto at = deeperThan(text, kMaxPayloadDepth)) {
    throw PayloadError(fmt::format("{}: nested deeper than {} levels (at byte {})", kind, kMaxPayloadDepth, *at));
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // syntax, bad UTF-8, a number out of range (1e999)
    throw PayloadError(fmt::format("{}: not JSON ({})", kind, forLog(e.what(), 200)));
  }
}

// A GB/T 28181 device code as a node sends it: 20 digits (the node checked
// its parts when it read its config).
std::string gbCode(const Field& f) {
  std::string code = f.text();
  if (code.size() != 20 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    f.fail("a GB/T 28181 device code is 20 digits");
  }
  return code;
}

events::Alert readAlert(const json& j) { return readAlertMessage(j).alert; }

AlertMessage readAlertMessage(const json& j) {
  const Field f = root(j, "alert", "villagecam.alert");
  // The field by field checks first, so an error names its path.
  named(f.at("type"), kAlertTypes);
  named(f.at("phase"), kPhases);
  named(f.at("severity"), kSeverities);
  f.at("id").id();
  f.at("started_at").time();
  optionalTime(f, "ended_at");
  optionalTime(f, "updated_at");
  for (const char* key : {"camera", "area", "zone", "snapshot"}) {
    if (auto v = f.find(key)) v->at("id").id();
  }
  if (auto s = f.find("snapshot")) s->at("taken_at").time();
  f.at("issues").texts();
  if (auto share = f.find("covered_share"); share && (share->number() < 0 || share->number() > 1)) {
    share->fail("a share is between 0 and 1");
  }
  for (const auto& c : f.at("causes").items()) c.at("camera").id();
  for (const auto& o : f.at("objects").items()) {
    for (const char* k : {"x", "y", "w", "h"}) o.at(k).number();
  }
  if (auto p = f.find("person")) p->boolean();
  f.at("suppressed").count();
  for (const char* key : {"reason", "detail", "message"}) f.at(key).text();
  if (auto area = f.find("area")) optionalName(*area, "grid");
  AlertMessage m{{f.at("node").id(), place(f), {}, {}}, {}};
  std::string device_code;
  if (auto gb = f.find("gb28181")) {  // since alert/1.8; its alarm codes follow from the alert itself
    if (auto v = gb->find("node_code")) m.origin.gb_code = gbCode(*v);
    if (auto v = gb->find("device_code")) device_code = gbCode(*v);
  }
  try {
    m.alert = alertFromJson(j);
  } catch (const std::exception& e) {
    f.fail(e.what());
  }
  if (!device_code.empty() && !m.alert.camera_id.empty()) m.origin.camera_gb_codes[m.alert.camera_id] = device_code;
  return m;
}

CameraStatusMessage readCameraStatus(const json& j) {
  const Field f = root(j, "camera-status", "villagecam.camera-status");
  CameraStatusMessage m;
  m.node_id = f.at("node").id();
  auto& h = m.health;
  h.id = f.at("camera").id();
  h.name = f.at("name").name();
  h.url = f.at("url").text();
  if (auto v = f.find("gb_code"); v) h.gb_code = gbCode(*v);  // since 1.6
  h.state = named(f.at("state"), kCameraStates);
  h.since = f.at("since").time();
  h.reason = f.at("reason").text();
  if (auto v = f.find("failure")) h.failure = v->text();
  const Field stream = f.at("stream");
  if (auto v = stream.find("codec")) h.codec = v->name();
  if (auto v = stream.find("width")) h.width = v->integer();
  if (auto v = stream.find("height")) h.height = v->integer();
  h.fps = stream.at("fps").number();
  h.bitrate_kbps = stream.at("bitrate_kbps").number();
  if (auto v = stream.find("keyframe_interval_s")) h.keyframe_interval_s = v->number();
  h.last_frame = optionalTime(f, "last_frame_at");
  h.reconnects = f.at("reconnects").count();
  const Field frames = f.at("frames");
  h.frames_received = frames.at("received").count();
  h.frames_decoded = frames.at("decoded").count();
  h.frames_dropped = frames.at("dropped").count();
  if (auto v = frames.find("without_reference")) h.frames_without_reference = v->count();  // since 1.1
  if (auto v = frames.find("corrupt")) h.frames_corrupt = v->count();
  const Field uptime = f.at("uptime");
  m.uptime = {window(uptime.at("1h")), window(uptime.at("24h")), window(uptime.at("7d"))};
  const Field view = f.at("view");
  m.view.state = view.at("state").text();
  if (m.view.state != "unknown" && m.view.state != "ok" && m.view.state != "tampered") {
    view.at("state").fail("unknown view state '" + m.view.state + "'");
  }
  m.view.issues = view.at("issues").texts();
  if (auto share = view.find("covered_share")) m.view.covered_share = share->number();
  m.view.baseline_at = optionalTime(view, "baseline_at");
  if (auto measures = view.find("measures")) {  // since 1.4
    auto figure = [&](const char* name) {
      const double v = measures->at(name).number();
      if (v < 0 || v > 1000) measures->at(name).fail("out of range");
      return v;
    };
    m.view.measures = ViewMeasuresReport{figure("light"),       figure("contrast"),    figure("sharpness"),
                                         figure("colour_cast"), figure("noise"),       figure("glare_share"),
                                         figure("cover_share"), figure("moved")};
    if (measures->find("stripes")) m.view.measures->stripes = figure("stripes");  // since 1.5
  }
  if (auto cadence = view.find("cadence")) {  // since 1.5
    auto rate = [&](const char* name) {
      const double v = cadence->at(name).number();
      if (v < 0 || v > 100000) cadence->at(name).fail("out of range");
      return v;
    };
    m.view.cadence = CadenceReport{rate("own_frame_rate"), rate("frame_rate"), rate("largest_gap_s"),
                                   static_cast<std::int64_t>(cadence->at("timestamp_jumps").count()),
                                   static_cast<std::int64_t>(cadence->at("bursts").count())};
  }
  if (auto d = f.find("detection")) {
    m.detection = DetectionReport{d->at("frames").count(), d->at("events").count(), d->at("suppressed").count(),
                                  d->at("global_changes").count()};
  }
  m.updated_at = f.at("updated_at").time();
  return m;
}

NodeStatus readNodeStatus(const json& j) {
  const Field f = root(j, "node-status", "villagecam.node-status");
  NodeStatus s;
  s.node_id = f.at("node").id();
  s.place = place(f);
  s.version = f.at("version").name();
  if (auto v = f.find("gb_code"); v) s.gb_code = gbCode(*v);  // since 1.4
  s.started_at = f.at("started_at").time();
  if (auto v = f.find("status_interval_s")) {  // since 1.3
    s.status_interval_s = v->number();
    if (*s.status_interval_s <= 0 || *s.status_interval_s > 86400) v->fail("expected 0 < seconds <= 86400");
  }
  s.now = f.at("updated_at").time();
  const Field cameras = f.at("cameras");
  // A node has at most kMaxCameras cameras: no count can skew a county's rates past that.
  int total = 0;
  for (auto state : kCameraStates) {
    total += s.cameras_by_state[health::toString(state)] = cameras.at(health::toString(state)).integer(0, kMaxCameras);
  }
  s.cameras_disabled = cameras.at("disabled").integer(0, kMaxCameras);
  if (total + s.cameras_disabled > kMaxCameras) cameras.fail(fmt::format("more than {} cameras", kMaxCameras));
  const Field outbox = f.at("outbox");
  s.outbox_depth = outbox.at("depth").count();
  s.outbox_bytes = outbox.at("bytes").count();
  s.outbox_dropped = outbox.at("dropped").count();
  const Field coverage = f.at("coverage");
  if (auto r = coverage.find("ratio")) s.coverage_ratio = r->number();
  s.areas_total = coverage.at("areas").integer(0, kMaxCameras);
  s.areas_covered = coverage.at("covered").integer(0, kMaxCameras);
  // Since 1.1; a 1.0 node counted unchecked views as covered and said nothing more.
  if (auto u = coverage.find("unverified")) s.areas_unverified = u->integer();
  if (auto u = coverage.find("unverified_share")) s.coverage_unverified_share = u->number();
  if (auto c = f.find("clock")) {  // since 1.2
    if (auto v = c->find("synchronised")) s.clock.synchronised = v->boolean();
    s.clock.booking = c->at("history").text() == "booked";
    s.clock.steps = c->at("steps").count();
    if (auto v = c->find("last_step_s")) s.clock.last_step_s = v->number();
    if (auto v = c->find("last_step_at")) s.clock.last_step_at = v->time();
  }
  return s;
}

CoverageSummary readCoverage(const json& j) {
  const Field f = root(j, "coverage", "villagecam.coverage");
  CoverageSummary c;
  c.node_id = f.at("node").id();
  c.place = place(f);
  c.now = f.at("updated_at").time();
  c.uncovered_total = minutes(f.at("uncovered_minutes"));
  for (const auto& a : f.at("areas").items()) {
    health::AreaCoverage area;
    area.id = a.at("id").id();
    area.name = a.at("name").name();
    area.kind = named(a.at("kind"), kAreaKinds);
    area.weight = a.at("weight").number(0.01, 1000);  // as a node's config allows
    area.state = named(a.at("state"), kAreaStates);
    area.verified = a.at("verified").boolean();
    area.grid = optionalName(a, "grid");
    // A 1.0 node called an area watched only through unchecked views
    // "covered" with verified false: that is what 1.1 calls unverified.
    if (area.state == health::AreaState::Covered && !area.verified) area.state = health::AreaState::Unverified;
    if (area.state == health::AreaState::Unverified) {
      if (auto r = a.find("unverified_reason")) area.unverified_reason = r->text();
    }
    for (const auto& w : a.at("cameras").items()) {
      area.cameras.push_back({w.at("id").id(), w.at("name").name(), named(w.at("watching"), kWatches),
                              w.at("code").text(), w.at("detail").text()});
    }
    c.uncovered[area.id] = minutes(a.at("uncovered_minutes"));
    // The ratio is the areas' own: recomputed, not taken from the rounded one.
    if (area.state != health::AreaState::Unknown) c.report.weight_known += area.weight;
    if (area.state == health::AreaState::Covered) c.report.weight_covered += area.weight;
    if (area.state == health::AreaState::Unverified) c.report.weight_unverified += area.weight;
    c.report.areas.push_back(std::move(area));
  }
  return c;
}

SnapshotMessage readSnapshot(const json& j) {
  const Field f = root(j, "snapshot", "villagecam.snapshot");
  if (f.at("content_type").text() != "image/jpeg") f.at("content_type").fail("expected image/jpeg");
  SnapshotMessage m;
  m.node_id = f.at("node").id();
  auto& s = m.snapshot;
  s.id = f.at("id").id();
  s.camera_id = f.at("camera").id();
  s.taken_at = f.at("taken_at").time();
  s.reason = f.at("reason").text();
  s.width = f.at("width").integer();
  s.height = f.at("height").integer();
  s.jpeg = base64Decode(f.at("jpeg_base64"));
  // Checked by content: a JPEG starts with SOI and a marker, and ends with EOI.
  const bool soi = s.jpeg.size() > 4 && s.jpeg.compare(0, 3, "\xFF\xD8\xFF") == 0;
  const auto tail = s.jpeg.size() > 16 ? s.jpeg.substr(s.jpeg.size() - 16) : s.jpeg;
  if (!soi || tail.find("\xFF\xD9") == std::string::npos) f.at("jpeg_base64").fail("not a JPEG image");
  if (s.width <= 0 || s.height <= 0 || s.width > 16384 || s.height > 16384) f.at("width").fail("not a picture's size");
  return m;
}

namespace {

constexpr CommandKind kCommandKinds[] = {CommandKind::LiveStart, CommandKind::LiveStop, CommandKind::ClipUpload};
constexpr ReplyStatus kReplyStatuses[] = {ReplyStatus::Accepted, ReplyStatus::Refused, ReplyStatus::Ended,
                                          ReplyStatus::Done, ReplyStatus::Failed};
constexpr config::Language kLanguages[] = {config::Language::ZhCN, config::Language::En};

std::string optionalId(const Field& f, const char* key) {
  if (auto v = f.find(key)) return v->id();
  return {};
}

}  // namespace

Command readCommand(const json& j) {
  const Field f = root(j, "command", "villagecam.command");
  Command c;
  c.id = f.at("id").id();
  c.node_id = f.at("node").id();
  c.kind = named(f.at("command"), kCommandKinds);
  c.camera_id = optionalId(f, "camera");
  c.alert_id = optionalId(f, "alert");
  c.issued_at = f.at("issued_at").time();
  c.expires_at = f.at("expires_at").time();
  c.lease_until = optionalTime(f, "lease_until");
  if (c.expires_at < c.issued_at) f.at("expires_at").fail("before issued_at");
  switch (c.kind) {
    case CommandKind::LiveStart:
      if (c.camera_id.empty()) f.at("camera").fail("live_start names a camera");
      if (!c.lease_until) f.at("lease_until").fail("live_start gives the lease's end");
      if (*c.lease_until < c.issued_at) f.at("lease_until").fail("before issued_at");
      break;
    case CommandKind::LiveStop:
      if (c.camera_id.empty()) f.at("camera").fail("live_stop names a camera");
      break;
    case CommandKind::ClipUpload:
      if (c.alert_id.empty()) f.at("alert").fail("clip_upload names an alert");
      break;
  }
  return c;
}

CommandReplyMessage readCommandReply(const json& j) {
  const Field f = root(j, "command-reply", "villagecam.command-reply");
  CommandReplyMessage m;
  auto& r = m.reply;
  r.command_id = f.at("command_id").id();
  r.node_id = f.at("node").id();
  r.kind = named(f.at("command"), kCommandKinds);
  r.camera_id = optionalId(f, "camera");
  r.alert_id = optionalId(f, "alert");
  r.status = named(f.at("status"), kReplyStatuses);
  r.code = optionalId(f, "code");
  r.message = f.at("message").text();
  m.language = named(f.at("language"), kLanguages);
  r.at = f.at("at").time();
  return m;
}

}  // namespace villagecam::contract
