// villagecam-node: command line.
//   run           the daemon
//   check-config  validate a config file and say exactly what is wrong
//   probe         connect to one camera once and report what it sends
//   uptime        print the uptime history kept in the state directory
//   mqtt-test     one round trip through the configured MQTT broker
//   baseline      take the cameras' reference views for view-quality checks
#include <CLI/CLI.hpp>
#include <malloc.h>

#include "app/daemon.hpp"
#include "commands/baseline.hpp"
#include "commands/check_config.hpp"
#include "commands/exit_codes.hpp"
#include "commands/mqtt_check.hpp"
#include "commands/probe.hpp"
#include "commands/uptime.hpp"
#include "i18n/language.hpp"
#include "ingest/gstreamer.hpp"
#include "service/signals.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace {

using namespace villagecam;

int run(const std::string& path) {
  const auto cfg = commands::loadOrReport(path);
  if (!cfg) return commands::kExitBadConfig;
  useTimeZone(cfg->node.timezone);
  setupLogging(cfg->logging.level);
  return app::runDaemon(*cfg);
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask and the
  // daemon takes the signals in its own loop.
  service::blockTerminationSignals();
  // A decoded picture (1.4 MB at 720p) is mapped and unmapped on its own:
  // with glibc's sliding threshold, the first freed picture pool raises it
  // and every later one stays in the heap, resident, after its decoder is
  // gone (a health-mode camera's decoder lives for one sample a minute).
  // Measured in docs/performance.md: 8 health cameras 158 -> 133 MiB.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // Fixing that threshold also fixes the trim threshold at 128 KiB: each
  // view check's scratch pictures (2-3 MB at the analysis size) were then
  // handed back to the kernel and faulted in again at the next check, a
  // twelfth of a keyframes camera's CPU. Up to 4 MiB free at the top of an
  // arena stay.
  mallopt(M_TRIM_THRESHOLD, 4 << 20);

  CLI::App cli{"villagecam-node: village CCTV edge node"};
  cli.set_version_flag("--version", VILLAGECAM_VERSION);
  cli.require_subcommand(1);
  cli.fallthrough();  // --lang after the command too
  std::string lang_name;
  cli.add_option("--lang", lang_name,
                 "Language of what is printed and logged: zh-CN or en (default: from LC_ALL, LC_MESSAGES, LANG)")
      ->check([](const std::string& v) {
        return i18n::parseLanguage(v) ? std::string() : "expected zh-CN or en, got '" + v + "'";
      });

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
  double probe_seconds = 12;
  std::string transport = "auto";
  std::string pipelines_dir;
  auto* probe_cmd = cli.add_subcommand("probe", "Connect to one camera and report its stream");
  probe_cmd->add_option("url", url, "rtsp://[user:password@]host[:port]/path")->required();
  probe_cmd->add_option("--snapshot", snapshot, "Save a JPEG of the view to this file");
  probe_cmd->add_flag("--json", json, "Print JSON");
  probe_cmd->add_option("--timeout", timeout, "Seconds to wait for the first frame")->check(CLI::Range(0.5, 120.0));
  probe_cmd->add_option("--seconds", probe_seconds,
                        "At most this many seconds of stream, to see two whole GOPs (at least 3 s are measured)")
      ->check(CLI::Range(3.0, 120.0));
  probe_cmd->add_option("--transport", transport, "tcp, udp or auto")->check(CLI::IsMember({"tcp", "udp", "auto"}));
  probe_cmd->add_option("--pipelines-dir", pipelines_dir, "Folder of pipeline templates");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? commands::kExitOk : commands::kExitBadConfig;
  }
  i18n::setProcessLanguage(lang_name.empty() ? i18n::languageFromEnvironment() : *i18n::parseLanguage(lang_name));

  if (*check_cmd) return commands::checkConfig(config_path);
  if (*uptime_cmd) return commands::printUptime(config_path, json);
  if (*mqtt_cmd) return commands::mqttTest(config_path, mqtt_timeout);
  setupLogging(LogLevel::Info);
  ingest::initGStreamer();
  if (*baseline_cmd) return commands::baseline(config_path, baseline_camera, baseline_frames, baseline_seconds);
  if (*probe_cmd) return commands::probe(url, snapshot, json, timeout, probe_seconds, transport, pipelines_dir);
  if (*run_cmd) return run(config_path);
  return commands::kExitBadConfig;
}
