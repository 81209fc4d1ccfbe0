// The history in one SQLite file (<state_dir>/county.sqlite3): WAL, every
// commit synced, schema migrations numbered and applied in order at open.
// For one console; a county with two uses PostgreSQL.
#pragma once

#include <filesystem>
#include <mutex>

#include "history/history_store.hpp"
#include "sqlite/sqlite_db.hpp"

namespace villagecam::county::sqlite {

class SqliteHistory final : public HistoryStore {
 public:
  explicit SqliteHistory(const std::filesystem::path& file);

  std::string engine() const override { return "sqlite " + file_.string(); }
  int schemaVersion() override;
  bool addAlert(const contract::AlertMessage& message, WallTime received_at) override;
  std::vector<AlertRecord> alerts(const AlertQuery& query) override;
  void addSeconds(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas) override;
  std::vector<CameraSeconds> cameraDays(const std::string& from_day, const std::string& to_day) override;
  std::vector<AreaSeconds> areaDays(const std::string& from_day, const std::string& to_day) override;
  void silenceBegan(const SilenceRecord& silence) override;
  void silenceEnded(const std::string& node, WallTime at) override;
  std::vector<SilenceRecord> silences(WallTime from, WallTime to) override;
  bool booksTime() override { return true; }
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
  void migrate();

  std::filesystem::path file_;
  std::mutex mutex_;  // one connection, used from the event thread and the HTTP threads
  Database db_;
};

}  // namespace villagecam::county::sqlite
