#include "util/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>

namespace villagecam {
namespace {

std::mutex g_mutex;
std::vector<spdlog::sink_ptr> g_sinks;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::level::level_enum toSpd(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return spdlog::level::trace;
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

void ensureSinksLocked() {
  if (!g_sinks.empty()) return;
  // systemd sets JOURNAL_STREAM when our stderr goes to the journal: log there
  // with priorities instead of to a console nobody reads.
  if (std::getenv("JOURNAL_STREAM") != nullptr) {
    g_sinks.push_back(std::make_shared<spdlog::sinks::systemd_sink_mt>("villagecam-node"));
    g_sinks.back()->set_pattern("%n: %v");
  } else {
    g_sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    g_sinks.back()->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-7l%$ %-14n %v");
  }
}

}  // namespace

void setupLogging(LogLevel level) {
  std::lock_guard lock(g_mutex);
  ensureSinksLocked();
  g_level = toSpd(level);
  spdlog::set_level(g_level);
}

void setLogLevel(LogLevel level) {
  std::lock_guard lock(g_mutex);
  g_level = toSpd(level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  ensureSinksLocked();
  auto created = std::make_shared<spdlog::logger>(name, g_sinks.begin(), g_sinks.end());
  created->set_level(g_level);
  spdlog::register_logger(created);
  return created;
}

const char* toString(LogLevel l) {
  static const char* names[] = {"trace", "debug", "info", "warn", "error"};
  return names[static_cast<int>(l)];
}

std::shared_ptr<spdlog::logger> cameraLogger(const std::string& camera_id) { return logger("cam." + camera_id); }

}  // namespace villagecam
