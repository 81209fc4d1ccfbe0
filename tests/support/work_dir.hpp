// A working folder for a benchmark's configs and state, under the system's
// temporary directory, named after the process, removed at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace villagecam::testing {

class WorkDir {
 public:
  explicit WorkDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace villagecam::testing
