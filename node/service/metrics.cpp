#include "service/metrics.hpp"

#include <fmt/format.h>

namespace villagecam::service {
namespace {

// One metric family: HELP and TYPE once, then its samples.
class Family {
 public:
  Family(std::string& out, const std::string& name, const std::string& type, const std::string& help)
      : out_(out), name_(name) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(const std::string& labels, double value) {
    out_ += name_;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + number(value) + "\n";
  }

 private:
  static std::string number(double v) {
    if (v == static_cast<double>(static_cast<long long>(v)) && std::abs(v) < 1e15) {
      return std::to_string(static_cast<long long>(v));
    }
    return fmt::format("{:.6g}", v);
  }
  std::string& out_;
  std::string name_;
};

std::string label(const std::string& name, const std::string& value) {
  return name + "=\"" + escapeLabelValue(value) + "\"";
}

}  // namespace

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string renderMetrics(const NodeReport& m) {
  std::string out;
  Family(out, "villagecam_build_info", "gauge", "The node's version, as a label; always 1.")
      .sample(label("version", m.version), 1);
  Family(out, "villagecam_start_time_seconds", "gauge", "When the node started, in seconds since the Unix epoch.")
      .sample("", std::chrono::duration<double>(m.started_at.time_since_epoch()).count());

  auto per_camera = [&](const std::string& name, const std::string& type, const std::string& help, auto value) {
    Family f(out, name, type, help);
    for (const auto& c : m.cameras) {
      if (auto v = value(c)) f.sample(label("camera", c.health.id), *v);
    }
  };
  using Opt = std::optional<double>;
  per_camera("villagecam_camera_up", "gauge", "1 while the camera delivers video, else 0.",
             [](const CameraReport& c) -> Opt { return c.health.state == health::CameraState::Online ? 1 : 0; });
  {
    Family f(out, "villagecam_camera_state", "gauge", "1 for the camera's current state, 0 for the others.");
    for (const auto& c : m.cameras) {
      for (auto s : {health::CameraState::Connecting, health::CameraState::Online, health::CameraState::Stalled,
                     health::CameraState::Offline, health::CameraState::Unauthorized}) {
        f.sample(label("camera", c.health.id) + "," + label("state", health::toString(s)), c.health.state == s ? 1 : 0);
      }
    }
  }
  per_camera("villagecam_camera_frames_received_total", "counter", "Frames received from the camera since the node started.",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.frames_received); });
  per_camera("villagecam_camera_frames_analysed_total", "counter", "Frames decoded and handed to analysis.",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.frames_decoded); });
  per_camera("villagecam_camera_frames_dropped_total", "counter", "Decoded frames dropped because analysis was busy.",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.frames_dropped); });
  per_camera("villagecam_camera_frames_without_reference_total", "counter",
             "Frames kept from the decoder because their references were lost (joined mid-GOP, packet loss).",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.frames_without_reference); });
  per_camera("villagecam_camera_frames_corrupt_total", "counter",
             "Decoded frames the decoder flagged corrupt, dropped before analysis.",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.frames_corrupt); });
  per_camera("villagecam_camera_reconnects_total", "counter", "Times the camera's stream was started again.",
             [](const CameraReport& c) -> Opt { return static_cast<double>(c.health.reconnects); });
  per_camera("villagecam_camera_frames_per_second", "gauge", "Measured frame rate of the camera's stream.",
             [](const CameraReport& c) -> Opt { return c.health.fps; });
  per_camera("villagecam_camera_bitrate_bits_per_second", "gauge", "Measured bit rate of the camera's stream.",
             [](const CameraReport& c) -> Opt { return c.health.bitrate_kbps * 1000.0; });
  {
    Family f(out, "villagecam_camera_uptime_ratio", "gauge",
             "Share of the known time the camera delivered video, over a window (persisted across restarts).");
    for (const auto& c : m.cameras) {
      const std::pair<const char*, const health::UptimeWindow*> windows[] = {
          {"1h", &c.uptime.last_1h}, {"24h", &c.uptime.last_24h}, {"7d", &c.uptime.last_7d}};
      for (const auto& [name, w] : windows) {
        if (auto r = w->ratio()) f.sample(label("camera", c.health.id) + "," + label("window", name), *r);
      }
    }
  }
  per_camera("villagecam_camera_view_ok", "gauge", "1 while the camera's view passes every check, 0 while tampered; absent without a baseline.",
             [](const CameraReport& c) -> Opt {
               if (c.view.state == "unknown") return std::nullopt;
               return c.view.state == "ok" ? 1 : 0;
             });
  per_camera("villagecam_detection_events_total", "counter", "Motion and intrusion events started on the camera.",
             [](const CameraReport& c) -> Opt {
               return c.detection ? Opt(static_cast<double>(c.detection->events)) : std::nullopt;
             });
  per_camera("villagecam_detection_suppressed_total", "counter", "Events suppressed by cooldowns and the rate limit.",
             [](const CameraReport& c) -> Opt {
               return c.detection ? Opt(static_cast<double>(c.detection->suppressed)) : std::nullopt;
             });
  {
    Family f(out, "villagecam_coverage_ratio", "gauge",
             "Weighted share of the known areas (covered, uncovered or unverified) whose coverage is verified.");
    if (auto r = m.coverage.ratio()) f.sample("", *r);
  }
  {
    Family f(out, "villagecam_coverage_unverified_share", "gauge",
             "Weighted share of the known areas watched only by cameras whose view nobody checked lately.");
    if (auto r = m.coverage.unverifiedShare()) f.sample("", *r);
  }
  {
    Family f(out, "villagecam_area_covered", "gauge",
             "1 while a camera whose view passed its checks watches the area, 0 while not; absent while unknown.");
    for (const auto& a : m.coverage.areas) {
      if (a.state == health::AreaState::Unknown) continue;
      f.sample(label("area", a.id) + "," + label("kind", config::toString(a.kind)), a.state == health::AreaState::Covered ? 1 : 0);
    }
  }
  {
    Family f(out, "villagecam_area_unverified", "gauge",
             "1 while the area's cameras deliver video but none has a view checked lately; absent while unknown.");
    for (const auto& a : m.coverage.areas) {
      if (a.state == health::AreaState::Unknown) continue;
      f.sample(label("area", a.id) + "," + label("kind", config::toString(a.kind)),
               a.state == health::AreaState::Unverified ? 1 : 0);
    }
  }
  if (m.mqtt_enabled) {
    Family(out, "villagecam_mqtt_connected", "gauge", "1 while connected to a broker.").sample("", m.mqtt_connected ? 1 : 0);
    Family(out, "villagecam_outbox_alerts", "gauge", "Alerts waiting on disk for the broker.")
        .sample("", static_cast<double>(m.outbox_depth));
    Family(out, "villagecam_outbox_dropped_total", "counter", "Alerts dropped, oldest first, because the outbox was full.")
        .sample("", static_cast<double>(m.outbox_dropped));
    Family(out, "villagecam_alerts_sent_total", "counter", "Alerts the broker acknowledged since the node started.")
        .sample("", static_cast<double>(m.alerts_sent));
  }
  if (m.clips.enabled) {
    Family(out, "villagecam_clips", "gauge", "Evidence clips kept on disk.").sample("", static_cast<double>(m.clips.kept));
    Family(out, "villagecam_clips_bytes", "gauge", "Bytes of the evidence clips kept (clips.max_bytes bounds them).")
        .sample("", static_cast<double>(m.clips.bytes));
    Family(out, "villagecam_clips_writing", "gauge", "Evidence clips being written now.")
        .sample("", static_cast<double>(m.clips.writing));
    Family(out, "villagecam_clip_ring_bytes", "gauge",
           "Encoded video every camera's ring holds in memory for the clips' pre-roll.")
        .sample("", static_cast<double>(m.clips.ring_bytes));
  }
  if (m.restream.enabled) {
    const auto& r = m.restream;
    Family(out, "villagecam_restream_listening", "gauge", "1 while the RTSP re-serving port listens.")
        .sample("", r.listening ? 1 : 0);
    Family(out, "villagecam_restream_outgoing_bits_per_second", "gauge",
           "What every viewer together costs, at the cameras' current bit rates.")
        .sample("", static_cast<double>(r.outgoing_bits_per_second));
    auto per_viewed = [&](const std::string& name, const std::string& type, const std::string& help, auto value) {
      Family f(out, name, type, help);
      for (const auto& c : r.cameras) f.sample(label("camera", c.camera), static_cast<double>(value(c)));
    };
    per_viewed("villagecam_restream_viewers", "gauge", "Viewers watching the camera re-served now.",
               [](const RestreamCameraReport& c) { return c.viewers; });
    per_viewed("villagecam_restream_viewers_started_total", "counter", "Viewers that started watching the camera.",
               [](const RestreamCameraReport& c) { return c.viewers_started; });
    per_viewed("villagecam_restream_viewers_left_total", "counter",
               "Viewers that stopped watching the camera (teardown or connection closed).",
               [](const RestreamCameraReport& c) { return c.viewers_left; });
    per_viewed("villagecam_restream_units_dropped_total", "counter",
               "Encoded frames not sent to the camera's viewers because they fell behind or joined between key frames.",
               [](const RestreamCameraReport& c) { return c.units_dropped; });
    Family f(out, "villagecam_restream_refusals_total", "counter", "Viewers refused, by reason.");
    for (const auto& c : r.cameras) {
      for (const char* reason : {"too_many_viewers", "not_enough_bandwidth", "camera_offline"}) {
        const auto it = c.refusals.find(reason);
        f.sample(label("camera", c.camera) + "," + label("reason", reason),
                 static_cast<double>(it == c.refusals.end() ? 0 : it->second));
      }
    }
  }
  return out;
}

}  // namespace villagecam::service
