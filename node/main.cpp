// villagecam-node: command line.
//   run           the daemon
//   check-config  validate a config file and say exactly what is wrong
//   probe         connect to one camera once and report what it sends
//   uptime        print the uptime history kept in the state directory
//   mqtt-test     one round trip through the configured MQTT broker
//   baseline      take the cameras' reference views for view-quality checks
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/baseline_command.hpp"
#include "app/daemon.hpp"
#include "app/mqtt_test.hpp"
#include "app/probe.hpp"
#include "config/config_loader.hpp"
#include "health/uptime_ledger.hpp"
#include "ingest/gst_ptr.hpp"
#include "util/atomic_file.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace {

using namespace villagecam;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadConfig = 2;

std::optional<config::Config> loadOrReport(const std::string& path) {
  try {
    return config::loadConfig(path);
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) std::cerr << issue.format() << '\n';
    std::cerr << fmt::format("{}: {} problem{} found\n", path, e.issues().size(), e.issues().size() == 1 ? "" : "s");
    return std::nullopt;
  }
}

int checkConfig(const std::string& path) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  size_t enabled = 0;
  for (const auto& c : cfg->cameras) enabled += c.enabled ? 1 : 0;
  std::cout << fmt::format("{}: OK: node '{}', {} camera(s), {} enabled, {} area(s)\n", path, cfg->node.id,
                           cfg->cameras.size(), enabled, cfg->areas.size());
  // Not errors, but an installer wants to know: cameras that watch no area.
  for (const auto& c : cfg->cameras) {
    bool used = false;
    for (const auto& a : cfg->areas) used = used || std::find(a.cameras.begin(), a.cameras.end(), c.id) != a.cameras.end();
    if (!used && !cfg->areas.empty()) std::cout << fmt::format("note: camera '{}' is in no area\n", c.id);
  }
  return kExitOk;
}

int run(const std::string& path) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  useTimeZone(cfg->node.timezone);
  setupLogging(cfg->logging.level);
  return app::runDaemon(*cfg);
}

std::string percent(const std::optional<double>& ratio) {
  return ratio ? fmt::format("{:6.2f}%", *ratio * 100.0) : std::string("      -");
}

int uptime(const std::string& path, bool json) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  const auto file = cfg->state_dir / "uptime.json";
  health::UptimeLedger ledger;
  try {
    if (auto text = readFileIfExists(file)) ledger = health::UptimeLedger::fromJson(*text);
  } catch (const std::exception& e) {
    std::cerr << file.string() << ": " << e.what() << '\n';
    return kExitFailure;
  }
  const auto now = std::chrono::system_clock::now();
  nlohmann::json out = nlohmann::json::object();
  if (!json) std::cout << fmt::format("{:<20} {:>8} {:>8} {:>8}   (up / known time)\n", "camera", "1h", "24h", "7d");
  for (const auto& cam : cfg->cameras) {
    const auto s = ledger.stats(cam.id, now);
    if (json) {
      auto win = [](const health::UptimeWindow& w) {
        return nlohmann::json{{"up_s", w.up_s}, {"down_s", w.down_s}, {"unknown_s", w.unknown_s},
                              {"ratio", w.ratio() ? nlohmann::json(*w.ratio()) : nlohmann::json()}};
      };
      out[cam.id] = {{"1h", win(s.last_1h)}, {"24h", win(s.last_24h)}, {"7d", win(s.last_7d)}};
    } else {
      std::cout << fmt::format("{:<20} {:>8} {:>8} {:>8}\n", cam.id, percent(s.last_1h.ratio()),
                               percent(s.last_24h.ratio()), percent(s.last_7d.ratio()));
    }
  }
  if (json) std::cout << out.dump(2) << '\n';
  return kExitOk;
}

int mqttTest(const std::string& path, double timeout) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  if (!cfg->mqtt.enabled) {
    std::cerr << path << ": no mqtt: section; nothing to test\n";
    return kExitBadConfig;
  }
  const auto r = app::runMqttTest(cfg->mqtt, std::chrono::milliseconds(static_cast<long>(timeout * 1000)));
  if (!r.ok) {
    std::cerr << "mqtt-test: FAILED: " << r.error << '\n';
    return kExitFailure;
  }
  std::cout << fmt::format("mqtt-test: OK: {} as {}; published and read back {} in {:.1f} ms\n", r.broker,
                           cfg->mqtt.client_id + "-test", r.topic, r.round_trip_ms);
  return kExitOk;
}

int baseline(const std::string& path, const std::string& only, int frames, double seconds) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  int failed = 0, done = 0;
  for (const auto& cam : cfg->cameras) {
    if (!only.empty() && cam.id != only) continue;
    ++done;
    const auto r = app::takeBaseline(*cfg, cam, frames, seconds);
    if (r.ok) {
      std::cout << fmt::format("{}: baseline saved ({} frames, sharpness {:.0f}) in {}\n", cam.id, r.frames,
                               r.sharpness, (cfg->state_dir / "baselines").string());
    } else {
      std::cerr << fmt::format("{}: FAILED: {}\n", cam.id, r.error);
      ++failed;
    }
  }
  if (done == 0) {
    std::cerr << fmt::format("{}: no camera '{}' in the config\n", path, only);
    return kExitBadConfig;
  }
  return failed ? kExitFailure : kExitOk;
}

int probe(const std::string& url_text, const std::optional<std::string>& snapshot, bool json, double timeout,
          const std::string& transport, const std::string& pipelines_dir) {
  const auto parsed = config::parseRtspUrl(url_text);
  if (!parsed.url) {
    std::cerr << fmt::format("probe: malformed RTSP URL '{}': {}\n", config::redactUrlsIn(url_text), parsed.error);
    return kExitBadConfig;
  }
  app::ProbeOptions options;
  options.url = *parsed.url;
  if (!parsed.url->username.empty() || !parsed.url->password.empty()) {
    options.credentials = config::Credentials{parsed.url->username, parsed.url->password};
  }
  options.transport = transport == "tcp" ? config::Transport::Tcp
                      : transport == "udp" ? config::Transport::Udp
                                           : config::Transport::Auto;
  options.timeout_s = timeout;
  options.pipelines_dir = pipelines_dir;
  if (snapshot) options.snapshot = *snapshot;
  const auto result = app::probeCamera(options);
  if (json) {
    std::cout << app::probeToJson(result).dump(2) << '\n';
  } else {
    (result.ok ? std::cout : std::cerr) << app::formatProbeText(result);
  }
  return result.ok ? kExitOk : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask and the
  // daemon takes the signals in its own loop.
  app::blockTerminationSignals();

  CLI::App cli{"villagecam-node: village CCTV edge node"};
  cli.set_version_flag("--version", VILLAGECAM_VERSION);
  cli.require_subcommand(1);

  std::string config_path;
  auto* run_cmd = cli.add_subcommand("run", "Run the node");
  run_cmd->add_option("-c,--config", config_path, "Config file")->required();

  auto* check_cmd = cli.add_subcommand("check-config", "Validate a config file; exits 2 on any problem");
  check_cmd->add_option("-c,--config", config_path, "Config file")->required();

  bool json = false;
  auto* uptime_cmd = cli.add_subcommand("uptime", "Print the camera uptime kept in the state directory");
  uptime_cmd->add_option("-c,--config", config_path, "Config file")->required();
  uptime_cmd->add_flag("--json", json, "Print JSON");

  double mqtt_timeout = 10;
  auto* mqtt_cmd = cli.add_subcommand("mqtt-test", "Publish and read back one message through the configured broker");
  mqtt_cmd->add_option("-c,--config", config_path, "Config file")->required();
  mqtt_cmd->add_option("--timeout", mqtt_timeout, "Seconds to wait at each step")->check(CLI::Range(1.0, 120.0));

  std::string baseline_camera;
  int baseline_frames = 10;
  double baseline_seconds = 5;
  auto* baseline_cmd = cli.add_subcommand("baseline", "Take the cameras' reference views (at commissioning)");
  baseline_cmd->add_option("-c,--config", config_path, "Config file")->required();
  baseline_cmd->add_option("--camera", baseline_camera, "Only this camera");
  baseline_cmd->add_option("--frames", baseline_frames, "Frames to average")->check(CLI::Range(3, 200));
  baseline_cmd->add_option("--seconds", baseline_seconds, "Spread over this many seconds")->check(CLI::Range(1.0, 600.0));

  std::string url;
  std::optional<std::string> snapshot;
  double timeout = 10;
  std::string transport = "auto";
  std::string pipelines_dir;
  auto* probe_cmd = cli.add_subcommand("probe", "Connect to one camera and report its stream");
  probe_cmd->add_option("url", url, "rtsp://[user:password@]host[:port]/path")->required();
  probe_cmd->add_option("--snapshot", snapshot, "Save a JPEG of the view to this file");
  probe_cmd->add_flag("--json", json, "Print JSON");
  probe_cmd->add_option("--timeout", timeout, "Seconds to wait for the first frame")->check(CLI::Range(0.5, 120.0));
  probe_cmd->add_option("--transport", transport, "tcp, udp or auto")->check(CLI::IsMember({"tcp", "udp", "auto"}));
  probe_cmd->add_option("--pipelines-dir", pipelines_dir, "Folder of pipeline templates");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? kExitOk : kExitBadConfig;
  }

  if (*check_cmd) return checkConfig(config_path);
  if (*uptime_cmd) return uptime(config_path, json);
  if (*mqtt_cmd) return mqttTest(config_path, mqtt_timeout);
  setupLogging(config::LogLevel::Info);
  gst::ensureInitialised();
  if (*baseline_cmd) return baseline(config_path, baseline_camera, baseline_frames, baseline_seconds);
  if (*probe_cmd) return probe(url, snapshot, json, timeout, transport, pipelines_dir);
  if (*run_cmd) return run(config_path);
  return kExitBadConfig;
}
