// A real, throwaway PostgreSQL cluster for tests: initdb and pg_ctl from the
// installed server into a fresh folder, listening on a Unix socket in that
// folder only (no TCP at all), stopped and removed on destruction. initdb
// refuses root, so under root (CI) the server runs as `nobody`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace villagecam::testing {

class TestPostgres {
 public:
  TestPostgres();
  ~TestPostgres();
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  // A new, empty database; returns its libpq conninfo.
  std::string createDatabase(const std::string& name);
  std::string conninfo(const std::string& database = "postgres") const;

 private:
  std::string run(const std::vector<std::string>& argv) const;  // as the server's user; throws on failure

  std::filesystem::path dir_;
  std::filesystem::path bin_;
  std::string os_user_;  // empty: this process's own
};

}  // namespace villagecam::testing
