// Strict, located reading of YAML nodes into typed values. Every problem is
// recorded as a ConfigIssue (file:line:col, key path, what was expected) and
// reading goes on, so one run of check-config reports them all.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "i18n/messages.hpp"
#include "yaml/config_issue.hpp"

namespace villagecam::yaml {

std::string childPath(const std::string& parent, const std::string& key);
std::string indexPath(const std::string& parent, size_t index);

class YamlReader {
 public:
  // echo_values=false for files holding secrets: messages never quote a value.
  explicit YamlReader(std::string file, bool echo_values = true)
      : file_(std::move(file)), echo_values_(echo_values) {}

  void report(const YAML::Mark& at, const std::string& path, const std::string& message);
  void add(ConfigIssue issue) { issues_.push_back(std::move(issue)); }
  void reportAtFile(const std::string& path, const std::string& message);

  // True if node is a mapping; otherwise reports "expected a mapping".
  bool expectMap(const YAML::Node& node, const std::string& path);
  bool expectSequence(const YAML::Node& node, const std::string& path);
  // Reports keys not in allowed (with a did-you-mean) and keys given twice.
  void rejectUnknownKeys(const YAML::Node& map, const std::string& path,
                         const std::vector<std::string>& allowed);
  // The child node, or a null-valued Node after reporting it missing.
  std::optional<YAML::Node> required(const YAML::Node& map, const std::string& path,
                                     const std::string& key);

  std::optional<std::string> string(const YAML::Node& node, const std::string& path);
  std::optional<long> integer(const YAML::Node& node, const std::string& path, long min, long max);
  std::optional<double> number(const YAML::Node& node, const std::string& path, double min, double max);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  // "500ms", "10s", "5m", "2h", or a plain number of seconds.
  std::optional<std::chrono::duration<double>> duration(const YAML::Node& node, const std::string& path,
                                                        double min_s, double max_s);
  // "512KB", "16MB", "1GB" (powers of 1024) or a plain number of bytes.
  std::optional<std::size_t> size(const YAML::Node& node, const std::string& path, std::size_t min,
                                  std::size_t max);
  // One of the names in choices, returned as its index.
  std::optional<size_t> choice(const YAML::Node& node, const std::string& path,
                               const std::vector<std::string>& choices);

  const std::string& file() const { return file_; }
  // Every issue, in file order (line, then column).
  std::vector<ConfigIssue> takeIssues();
  bool hasIssues() const { return !issues_.empty(); }

 private:
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, i18n::Msg expected);
  std::string quoted(const std::string& value) const;

  std::string file_;
  bool echo_values_;
  std::vector<ConfigIssue> issues_;
};

}  // namespace villagecam::yaml
