// The history in PostgreSQL, for a county that runs two consoles on one
// database. Each console stores the alerts its share of the MQTT shared
// subscription brings (every message once, by its key, whoever stores it),
// and tells the other through NOTIFY, so both show every alert. One console
// books time: the one holding the advisory lock; if it goes, its session
// ends, the lock frees and the other takes over within a second.
// Migrations are numbered, applied in order under a lock at connect.
#pragma once

#include <pqxx/pqxx>

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "history/history_store.hpp"

namespace villagecam::county::postgres {

class PostgresHistory final : public HistoryStore {
 public:
  // conninfo: libpq key=value pairs; password kept apart, never logged.
  PostgresHistory(std::string conninfo, std::optional<std::string> password);
  ~PostgresHistory() override;

  std::string engine() const override { return "postgresql " + conninfo_; }
  int schemaVersion() override;
  bool addAlert(const contract::AlertMessage& message, WallTime received_at) override;
  std::vector<AlertRecord> alerts(const AlertQuery& query) override;
  void addSeconds(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas) override;
  std::vector<CameraSeconds> cameraDays(const std::string& from_day, const std::string& to_day) override;
  std::vector<AreaSeconds> areaDays(const std::string& from_day, const std::string& to_day) override;
  void silenceBegan(const SilenceRecord& silence) override;
  void silenceEnded(const std::string& node, WallTime at) override;
  std::vector<SilenceRecord> silences(WallTime from, WallTime to) override;
  bool booksTime() override;
  std::vector<AlertRecord> alertsFromOthers() override;
  void putUser(const UserRecord& user) override;
  std::optional<UserRecord> user(const std::string& name) override;
  std::vector<UserRecord> users() override;
  void putSession(const SessionRecord& session) override;
  std::optional<SessionRecord> session(const std::string& token_digest, WallTime now) override;
  void dropSession(const std::string& token_digest) override;
  bool putSnapshot(const SnapshotRecord& snapshot) override;
  std::optional<SnapshotRecord> snapshot(const std::string& id) override;
  std::optional<SnapshotRecord> latestSnapshot(const std::string& node, const std::string& camera) override;
  void admitNode(const NodeRecord& node) override;
  std::vector<NodeRecord> admittedNodes() override;

 private:
  class Listener;
  pqxx::connection& connection();  // (re)connects; throws StoreError
  template <class F>
  auto withTransaction(const char* what, F&& f);

  std::string conninfo_;
  std::optional<std::string> password_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Listener> listener_;
  std::set<std::string> heard_;  // alert ids other consoles stored, not yet taken
  bool leading_ = false;
  std::string backend_pid_;
};

}  // namespace villagecam::county::postgres
