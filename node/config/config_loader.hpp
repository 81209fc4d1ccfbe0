// Loads and validates a node's YAML configuration (and its secrets file).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "yaml/config_issue.hpp"

namespace villagecam::config {

// The loader's errors are the YAML layer's: each issue located (file:line:column, key path).
using yaml::ConfigError;
using yaml::ConfigIssue;


// Reads, parses and validates; throws ConfigError listing every problem found.
Config loadConfig(const std::filesystem::path& file);

// The same over text already in memory; file_label names it in errors and
// relative paths (secrets_file, state_dir) resolve against base_dir.
Config parseConfig(std::string_view yaml, const std::string& file_label,
                   const std::filesystem::path& base_dir);

}  // namespace villagecam::config
