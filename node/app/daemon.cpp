#include "app/daemon.hpp"

#include <opencv2/core/utility.hpp>

#include "app/node.hpp"
#include "config/config_loader.hpp"
#include "service/http_endpoint.hpp"
#include "service/liveness.hpp"
#include "service/signals.hpp"
#include "service/systemd_notify.hpp"
#include "util/logging.hpp"

namespace villagecam::app {
namespace {

namespace systemd = service::systemd;

// SIGHUP: the config file again. A config with problems is rejected with
// every problem logged, and the running one stays.
void reload(Node& node, const std::filesystem::path& file) {
  auto log = logger("node");
  log->info("SIGHUP received; reloading {}", file.string());
  config::Config next;
  try {
    next = config::loadConfig(file);
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) log->error("reload: {}", issue.format());
    log->error("reload rejected ({} problem(s)); still running the config loaded before", e.issues().size());
    return;
  }
  try {
    log->info("reloaded: {}", node.reload(std::move(next)));
  } catch (const std::exception& e) {
    log->error("reload rejected: {}; still running the config loaded before", e.what());
  }
}

}  // namespace

int runDaemon(const config::Config& config) {
  auto log = logger("node");
  // Each camera's analysis runs on its own worker thread; OpenCV's own pool
  // on top of that only adds hand-offs and spinning (CPU seconds, not speed,
  // is what an edge box runs out of). bench/node_bench measures the node so.
  cv::setNumThreads(1);
  SystemClock clock;
  std::unique_ptr<Node> node;
  try {
    node = std::make_unique<Node>(config, clock);
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return 1;
  }
  node->start();
  std::unique_ptr<service::HttpEndpoint> http;
  if (config.http.enabled) {
    http = std::make_unique<service::HttpEndpoint>(config.http, *node, config.restream.viewers);
    try {
      const int port = http->start();
      log->info("HTTP endpoint on http://{}:{} (/healthz, /metrics, /status, /clips)", config.http.host, port);
    } catch (const std::exception& e) {
      log->error("{}; running without the HTTP endpoint", e.what());
      http.reset();
    }
  }
  systemd::ready(node->summary());

  // The watchdog is pinged only while every heartbeat is fresh: a thread
  // hung for half the watchdog interval stops the pings, and systemd
  // restarts the node before the interval runs out.
  const auto watchdog = systemd::watchdogInterval();
  const Duration max_age = watchdog ? *watchdog / 2 : Duration::zero();
  if (watchdog) log->info("systemd watchdog every {:.0f} s", toSeconds(*watchdog));
  std::vector<std::string> reported_stale;
  int rounds = 0;
  while (true) {
    const char* name = "";
    const auto sig = service::waitForSignal(std::chrono::seconds(1), &name);
    if (sig == service::Signal::Stop) {
      log->info("{} received; stopping", name);
      break;
    }
    if (sig == service::Signal::Reload) {
      systemd::reloading();
      reload(*node, config.source_file);
      systemd::ready(node->summary());
    }
    if (watchdog) {
      const auto stale = service::staleHeartbeats(node->heartbeats(), std::chrono::steady_clock::now(), max_age);
      if (stale.empty()) {
        systemd::watchdogPing();
      } else if (stale != reported_stale) {
        std::string names;
        for (const auto& n : stale) names += (names.empty() ? "" : ", ") + n;
        log->critical("not answering for over {:.0f} s: {}; the watchdog will restart the node", toSeconds(max_age),
                      names);
      }
      reported_stale = stale;
    }
    if (++rounds % 5 == 0) systemd::status(node->summary());
  }
  systemd::stopping();
  if (http) http->stop();
  node->stop();
  return 0;
}

}  // namespace villagecam::app
