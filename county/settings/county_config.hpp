// villagecam-county's configuration (config/county.example.yaml): the county
// broker it reads the nodes from, where it keeps its history, where its
// console listens. Loaded as strictly as a node's config: every problem
// named with file:line:column and its key path.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "yaml/config_issue.hpp"

namespace villagecam::county {

enum class StorageEngine { Sqlite, Postgresql };

struct CountyStorageConfig {
  StorageEngine engine = StorageEngine::Sqlite;  // sqlite: <state_dir>/county.sqlite3
  // postgresql: a libpq connection string without a password
  // ("host=db.example port=5432 dbname=villagecam user=county"); the password
  // comes from password_file (first line), never from this file.
  std::string postgresql;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::string> password;  // secret
  bool operator==(const CountyStorageConfig&) const = default;
};

// Which nodes count without an operator's word (docs/county.md, security).
struct AdmissionConfig {
  // Nodes whose status gives an admin code starting with one of these (2 to
  // 12 digits, e.g. the county's 6) are admitted at first sight; others wait
  // for an admin. Empty: every node waits.
  std::vector<std::string> admin_code_prefixes;
  int max_pending = 1000;  // nodes waiting at once; more are refused
  bool operator==(const AdmissionConfig&) const = default;
};

// Live video on demand (docs/county.md, live video): where the nodes push
// (RTSP RECORD into the console's receiver) and with which credentials.
struct CountyLiveConfig {
  bool enabled = false;  // the section is there
  std::string host = "127.0.0.1";  // listen: loopback unless configured
  int port = 8554;
  std::optional<std::filesystem::path> push_passwords_file;
  std::map<std::string, std::string> push_passwords;  // node id -> its push password (secret)
  int max_streams = 8;  // pushes at once from all villages
  bool operator==(const CountyLiveConfig&) const = default;
};

// Evidence clips fetched from the nodes (docs/county.md, clips): kept in
// <state_dir>/clips, the oldest removed first past either bound.
struct CountyClipsConfig {
  std::uintmax_t max_bytes = 2ull << 30;
  int max_days = 30;
  bool upload_on_end = false;  // ask for every alert's clip when the alert ends, not only when a page does
  bool operator==(const CountyClipsConfig&) const = default;
};

struct CountyConfig {
  std::filesystem::path source_file;
  std::string name;      // the county, shown on the console
  std::string timezone;  // IANA name; days of the reports; empty: the system's
  std::filesystem::path state_dir = "/var/lib/villagecam-county";
  config::LoggingConfig logging;
  config::MqttConfig mqtt;                    // client_id defaults to villagecam-county
  std::string topic_root = "villagecam";  // the nodes publish under <root>/<node>/...
  // Two consoles for availability: both name the same group, and each alert
  // reaches one of them ($share/<group>/<root>/+/alerts). Empty: no sharing.
  std::string shared_group;
  // A node whose status does not say its interval (older than
  // node-status/1.3) is taken to publish this often.
  config::Seconds default_status_interval{60};
  config::HttpConfig http = [] {
    config::HttpConfig h;
    h.port = 9820;
    return h;
  }();
  CountyStorageConfig storage;
  AdmissionConfig admission;
  CountyLiveConfig live;
  CountyClipsConfig clips;  // needs live: (clips come through its receiver)
};

CountyConfig loadCountyConfig(const std::filesystem::path& file);
CountyConfig parseCountyConfig(std::string_view yaml, const std::string& file_label,
                               const std::filesystem::path& base_dir);

const char* toString(StorageEngine e);

}  // namespace villagecam::county
