// A problem found in a config file, located so an installer can go straight to it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace villagecam::yaml {

struct ConfigIssue {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no place in a file
  int column = 0;  // 1-based
  std::string key_path;  // e.g. cameras[2].rtsp_url; may be empty
  std::string message;

  // "file:line:col: key.path: message"
  std::string format() const;
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

}  // namespace villagecam::yaml
