// Logging: console, or the journal when systemd started us; one logger per
// camera ("cam.<id>") so every line says which camera it is about.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "util/log_level.hpp"

namespace villagecam {

// Sets up the sinks once for the process; call before any logger is made.
void setupLogging(LogLevel level);
void setLogLevel(LogLevel level);

// The logger named `name`, created on first use with the process's sinks.
std::shared_ptr<spdlog::logger> logger(const std::string& name);
std::shared_ptr<spdlog::logger> cameraLogger(const std::string& camera_id);

}  // namespace villagecam
