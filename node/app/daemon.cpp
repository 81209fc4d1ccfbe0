#include "app/daemon.hpp"

#include <signal.h>

#include <cerrno>
#include <ctime>

#include "app/node.hpp"
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
    if (sig == SIGHUP) log->warn("SIGHUP received; reloading the config is not supported yet, restart the node");
  }
  node->stop();
  return 0;
}

}  // namespace villagecam::app
