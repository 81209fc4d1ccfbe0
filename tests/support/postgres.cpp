#include "postgres.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "mosquitto.hpp"  // runCommand

namespace villagecam::testing {

namespace fs = std::filesystem;

namespace {

// The newest installed server's programs (/usr/lib/postgresql/<major>/bin).
fs::path serverBin() {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
  }
  if (found.empty()) throw std::runtime_error("no PostgreSQL server installed (/usr/lib/postgresql/*/bin/initdb)");
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
  });
  return found.back();
}

}  // namespace

TestPostgres::TestPostgres() : bin_(serverBin()) {
  static int counter = 0;
  dir_ = fs::temp_directory_path() / ("vc-pg-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  if (::geteuid() == 0) {
    os_user_ = "nobody";
    runCommand({"/usr/bin/chown", "nobody", dir_.string()});
  }
  run({(bin_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "villagecam", "-A", "trust", "--no-sync",
       "-E", "UTF8", "--locale=C"});
  run({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-w", "-t", "60", "-l", (dir_ / "server.log").string(),
       "-o", "-k " + dir_.string() + " -c listen_addresses='' -p 5432 -c fsync=off", "start"});
}

TestPostgres::~TestPostgres() {
  try {
    run({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"});
  } catch (const std::exception&) {
    // removed below either way
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string TestPostgres::run(const std::vector<std::string>& argv) const {
  std::vector<std::string> full;
  if (!os_user_.empty()) full = {"/usr/sbin/runuser", "-u", os_user_, "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  auto [code, out] = runCommand(full);
  if (code != 0) throw std::runtime_error(argv.front() + " failed (" + std::to_string(code) + "):\n" + out);
  return out;
}

std::string TestPostgres::conninfo(const std::string& database) const {
  return "host=" + dir_.string() + " port=5432 user=villagecam dbname=" + database;
}

std::string TestPostgres::createDatabase(const std::string& name) {
  run({(bin_ / "psql").string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo(), "-c",
       "CREATE DATABASE \"" + name + "\""});
  return conninfo(name);
}

}  // namespace villagecam::testing
