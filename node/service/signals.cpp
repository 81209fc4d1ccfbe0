#include "service/signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace villagecam::service {
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

Signal waitForSignal(Duration timeout, const char** name) {
  const sigset_t set = terminationSignals();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  const timespec wait{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  siginfo_t info{};
  const int sig = sigtimedwait(&set, &info, &wait);
  if (sig == SIGINT || sig == SIGTERM) {
    if (name) *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    return Signal::Stop;
  }
  return sig == SIGHUP ? Signal::Reload : Signal::None;
}

}  // namespace villagecam::service
