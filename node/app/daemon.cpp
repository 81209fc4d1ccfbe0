#include "app/daemon.hpp"

#include <signal.h>

#include <cerrno>
#include <ctime>

#include "app/node.hpp"
#include "config/config_loader.hpp"
#include "util/logging.hpp"

namespace villagecam::app {
namespace {

sigset_t terminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

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

void blockTerminationSignals() {
  const sigset_t set = terminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int runDaemon(const config::Config& config) {
  auto log = logger("node");
  SystemClock clock;
  std::unique_ptr<Node> node;
  try {
    node = std::make_unique<Node>(config, clock);
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return 1;
  }
  node->start();

  const sigset_t set = terminationSignals();
  const timespec tick{1, 0};
  while (true) {
    siginfo_t info{};
    const int sig = sigtimedwait(&set, &info, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      log->info("{} received; stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) reload(*node, config.source_file);
  }
  node->stop();
  return 0;
}

}  // namespace villagecam::app
