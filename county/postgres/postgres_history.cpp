#include "postgres/postgres_history.hpp"

#include <fmt/format.h>

#include "util/time_format.hpp"

namespace villagecam::county::postgres {
namespace {

constexpr const char* kChannel = "villagecam_alerts";
constexpr long long kMigrationLock = 0x76696c6c01;  // "vill" 1
constexpr long long kBookingLock = 0x76696c6c02;

// Each migration once, in order; never edit one that has shipped.
const std::vector<std::pair<int, std::string>> kMigrations = {
    {1, R"(
CREATE TABLE alert_events (
  id TEXT NOT NULL, phase TEXT NOT NULL, updated_at TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL,
  payload JSONB NOT NULL, PRIMARY KEY (id, phase, updated_at));
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, node TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL, admin_code TEXT NOT NULL,
  type TEXT NOT NULL, severity TEXT NOT NULL, phase TEXT NOT NULL, camera TEXT NOT NULL, area TEXT NOT NULL,
  zone TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ, updated_at TIMESTAMPTZ,
  snapshot TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX alerts_by_start ON alerts (started_at);
CREATE INDEX alerts_open ON alerts (started_at) WHERE ended_at IS NULL;
CREATE TABLE camera_days (
  day DATE NOT NULL, node TEXT NOT NULL, camera TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
  online DOUBLE PRECISION NOT NULL, intact DOUBLE PRECISION NOT NULL, unverified DOUBLE PRECISION NOT NULL,
  down DOUBLE PRECISION NOT NULL, PRIMARY KEY (day, node, camera));
CREATE TABLE area_days (
  day DATE NOT NULL, node TEXT NOT NULL, area TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
  weight DOUBLE PRECISION NOT NULL, covered DOUBLE PRECISION NOT NULL, unverified DOUBLE PRECISION NOT NULL,
  uncovered DOUBLE PRECISION NOT NULL, PRIMARY KEY (day, node, area));
CREATE TABLE silences (
  node TEXT NOT NULL, reason TEXT NOT NULL, began_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ,
  PRIMARY KEY (node, began_at));
)"},
    {2, R"(
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL);
CREATE TABLE sessions (token_digest TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                       expires_at TIMESTAMPTZ NOT NULL);
CREATE TABLE snapshots (id TEXT PRIMARY KEY, node TEXT NOT NULL, camera TEXT NOT NULL, reason TEXT NOT NULL,
                        taken_at TIMESTAMPTZ NOT NULL, jpeg BYTEA NOT NULL);
CREATE INDEX snapshots_latest ON snapshots (node, camera, taken_at);
)"},
    {3, R"(
ALTER TABLE snapshots ADD COLUMN received_at TIMESTAMPTZ;
UPDATE snapshots SET received_at = taken_at;
ALTER TABLE snapshots ALTER COLUMN received_at SET NOT NULL;
CREATE INDEX snapshots_received ON snapshots (node, camera, received_at);
CREATE TABLE nodes (node TEXT PRIMARY KEY, region TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
                    admin_code TEXT NOT NULL, admitted_by TEXT NOT NULL, admitted_at TIMESTAMPTZ NOT NULL);
)"},
    {4, R"(
ALTER TABLE alerts ADD COLUMN clip TEXT NOT NULL DEFAULT '';
)"},
};

// Times travel as RFC 3339 text both ways.
const std::string kTime = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
std::string timeOut(const std::string& column) {
  std::string out = kTime;
  out.replace(out.find("%s"), 2, column);
  return out;
}

std::string text(const std::optional<WallTime>& t) { return t ? toRfc3339(*t) : std::string(); }

std::optional<WallTime> timeIn(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return fromRfc3339(f.as<std::string>());
}

std::string alertColumns() {
  return "id, node, township, village, admin_code, type, severity, phase, camera, area, zone, " + timeOut("started_at") +
         ", " + timeOut("ended_at") + ", " + timeOut("updated_at") + ", snapshot, message, clip";
}

AlertRecord recordOf(const pqxx::row& r) {
  AlertRecord a;
  a.id = r[0].as<std::string>();
  a.node = r[1].as<std::string>();
  a.township = r[2].as<std::string>();
  a.village = r[3].as<std::string>();
  a.admin_code = r[4].as<std::string>();
  a.type = r[5].as<std::string>();
  a.severity = r[6].as<std::string>();
  a.phase = r[7].as<std::string>();
  a.camera = r[8].as<std::string>();
  a.area = r[9].as<std::string>();
  a.zone = r[10].as<std::string>();
  a.started_at = timeIn(r[11]).value_or(WallTime{});
  a.ended_at = timeIn(r[12]);
  a.updated_at = timeIn(r[13]);
  a.snapshot = r[14].as<std::string>();
  a.message = r[15].as<std::string>();
  a.clip = r[16].as<std::string>();
  return a;
}

}  // namespace

// Takes NOTIFYs of alerts stored by other consoles.
class PostgresHistory::Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection& c, std::set<std::string>& heard)
      : pqxx::notification_receiver(c, kChannel), heard_(heard) {}
  void operator()(const std::string& payload, int backend_pid) override {
    if (backend_pid != conn().backendpid()) heard_.insert(payload);
  }

 private:
  std::set<std::string>& heard_;
};

PostgresHistory::PostgresHistory(std::string conninfo, std::optional<std::string> password)
    : conninfo_(std::move(conninfo)), password_(std::move(password)) {
  std::lock_guard lock(mutex_);
  auto& c = connection();
  pqxx::work tx(c);
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);  // two consoles starting at once
  tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)");
  for (const auto& [version, sql] : kMigrations) {
    if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", version).empty()) continue;
    tx.exec(sql);
    tx.exec_params("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", version);
  }
  tx.commit();
}

PostgresHistory::~PostgresHistory() {
  listener_.reset();
  conn_.reset();
}

pqxx::connection& PostgresHistory::connection() {
  if (conn_ && conn_->is_open()) return *conn_;
  listener_.reset();
  conn_.reset();
  leading_ = false;  // a lost session lost its lock too
  try {
    std::string info = conninfo_;
    if (password_) {
      // libpq's quoting: single quotes, backslash-escaped.
      std::string quoted;
      for (char ch : *password_) {
        if (ch == '\'' || ch == '\\') quoted += '\\';
        quoted += ch;
      }
      info += " password='" + quoted + "'";
    }
    conn_ = std::make_unique<pqxx::connection>(info);
    listener_ = std::make_unique<Listener>(*conn_, heard_);
  } catch (const std::exception& e) {
    conn_.reset();
    // libpq's message names host and user, never the password.
    throw StoreError("postgresql: cannot connect (" + conninfo_ + "): " + e.what());
  }
  return *conn_;
}

template <class F>
auto PostgresHistory::withTransaction(const char* what, F&& f) {
  try {
    auto& c = connection();
    pqxx::work tx(c);
    if constexpr (std::is_void_v<decltype(f(tx))>) {
      f(tx);
      tx.commit();
    } else {
      auto out = f(tx);
      tx.commit();
      return out;
    }
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    throw StoreError(std::string("postgresql: connection lost while ") + what + ": " + e.what());
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError(std::string("postgresql: ") + what + " failed: " + e.what());
  }
}

int PostgresHistory::schemaVersion() {
  std::lock_guard lock(mutex_);
  return withTransaction("reading the schema version", [](pqxx::work& tx) {
    return tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
  });
}

bool PostgresHistory::addAlert(const contract::AlertMessage& message, WallTime received_at) {
  const auto r = alertRecordOf(message);
  const auto payload = contract::alertJson(message.alert, message.origin, config::Language::ZhCN).dump();
  std::lock_guard lock(mutex_);
  return withTransaction("storing an alert", [&](pqxx::work& tx) {
    const auto owner = tx.exec_params("SELECT node FROM alerts WHERE id = $1", r.id);
    if (!owner.empty() && owner[0][0].as<std::string>() != r.node) return false;  // another node's alert
    const auto inserted = tx.exec_params(
        "INSERT INTO alert_events (id, phase, updated_at, received_at, payload) VALUES ($1, $2, $3, $4, $5::jsonb) "
        "ON CONFLICT DO NOTHING",
        r.id, r.phase, text(r.updated_at), toRfc3339(received_at), payload);
    if (inserted.affected_rows() == 0) return false;
    const std::string values =
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, NULLIF($13, '')::timestamptz, "
        "NULLIF($14, '')::timestamptz, $15, $16, $17)";
    auto args = [&](auto&&... rest) {
      return tx.exec_params(rest..., r.id, r.node, r.township, r.village, r.admin_code, r.type, r.severity, r.phase,
                            r.camera, r.area, r.zone, toRfc3339(r.started_at), text(r.ended_at), text(r.updated_at),
                            r.snapshot, r.message, r.clip);
    };
    const auto created = args("INSERT INTO alerts (id, node, township, village, admin_code, type, severity, phase, camera, "
                              "area, zone, started_at, ended_at, updated_at, snapshot, message, clip) VALUES " + values +
                              " ON CONFLICT (id) DO NOTHING");
    if (created.affected_rows() == 0) {
      // Another word about a stored alert: the row is locked while it is decided.
      const auto stored = tx.exec_params("SELECT " + alertColumns() + " FROM alerts WHERE id = $1 FOR UPDATE", r.id);
      if (!stored.empty() && supersedes(r, recordOf(stored[0]))) {
        tx.exec_params("UPDATE alerts SET phase = $2, ended_at = NULLIF($3, '')::timestamptz, "
                       "updated_at = NULLIF($4, '')::timestamptz, message = $5, "
                       "snapshot = CASE WHEN $6 = '' THEN snapshot ELSE $6 END, "
                       "clip = CASE WHEN $7 = '' THEN clip ELSE $7 END WHERE id = $1",
                       r.id, r.phase, text(r.ended_at), text(r.updated_at), r.message, r.snapshot, r.clip);
      }
    }
    tx.exec_params("SELECT pg_notify($1, $2)", std::string(kChannel), r.id);
    return true;
  });
}

std::vector<AlertRecord> PostgresHistory::alerts(const AlertQuery& q) {
  std::string sql = "SELECT " + alertColumns() + " FROM alerts WHERE ($1 = '' OR started_at >= NULLIF($1, '')::timestamptz)"
                    " AND ($2 = '' OR started_at < NULLIF($2, '')::timestamptz) AND ($3 = '' OR type = $3)"
                    " AND ($4 = '' OR township = $4) AND ($5 = '' OR node = $5)";
  if (q.open_only) sql += " AND ended_at IS NULL";
  sql += " ORDER BY started_at DESC, id LIMIT " + std::to_string(std::max(1, q.limit));
  std::lock_guard lock(mutex_);
  return withTransaction("reading alerts", [&](pqxx::work& tx) {
    std::vector<AlertRecord> out;
    for (const auto& row : tx.exec_params(sql, text(q.from), text(q.to), q.type, q.township, q.node)) {
      out.push_back(recordOf(row));
    }
    return out;
  });
}

namespace {

// Rows are written in chunks of many rows a statement (a county books
// 15,000 cameras a minute): "VALUES ($1::date, $2, ...), ($10::date, ...)".
constexpr std::size_t kRowsPerStatement = 500;

std::string valuesFor(std::size_t rows, std::size_t columns, const std::vector<std::string>& casts) {
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r ? ", (" : "(";
    for (std::size_t c = 0; c < columns; ++c) {
      out += (c ? ", $" : "$") + std::to_string(r * columns + c + 1) + casts[c];
    }
    out += ")";
  }
  return out;
}

std::string number(double v) { return fmt::format("{:.6f}", v); }

}  // namespace

void PostgresHistory::addSeconds(const std::vector<CameraSeconds>& camera_rows, const std::vector<AreaSeconds>& area_rows) {
  // One row a key per statement: ON CONFLICT may not touch a row twice.
  const auto cameras = merged(camera_rows);
  const auto areas = merged(area_rows);
  static const std::vector<std::string> kCasts = {"::date", "", "", "", "", "::float8", "::float8", "::float8", "::float8"};
  std::lock_guard lock(mutex_);
  withTransaction("storing booked time", [&](pqxx::work& tx) {
    for (std::size_t at = 0; at < cameras.size(); at += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, cameras.size() - at);
      std::vector<std::string> params;
      params.reserve(n * 9);
      for (std::size_t i = at; i < at + n; ++i) {
        const auto& c = cameras[i];
        for (const auto& v : {c.day, c.node, c.camera, c.township, c.village, number(c.online), number(c.intact),
                              number(c.unverified), number(c.down)}) {
          params.push_back(v);
        }
      }
      tx.exec_params(
          "INSERT INTO camera_days AS d (day, node, camera, township, village, online, intact, unverified, down) VALUES " +
              valuesFor(n, 9, kCasts) +
              " ON CONFLICT (day, node, camera) DO UPDATE SET township = excluded.township, "
              "village = excluded.village, online = d.online + excluded.online, intact = d.intact + excluded.intact, "
              "unverified = d.unverified + excluded.unverified, down = d.down + excluded.down",
          pqxx::prepare::make_dynamic_params(params));
    }
    for (std::size_t at = 0; at < areas.size(); at += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, areas.size() - at);
      std::vector<std::string> params;
      params.reserve(n * 9);
      for (std::size_t i = at; i < at + n; ++i) {
        const auto& a = areas[i];
        for (const auto& v : {a.day, a.node, a.area, a.township, a.village, number(a.weight), number(a.covered),
                              number(a.unverified), number(a.uncovered)}) {
          params.push_back(v);
        }
      }
      tx.exec_params(
          "INSERT INTO area_days AS d (day, node, area, township, village, weight, covered, unverified, uncovered) "
          "VALUES " + valuesFor(n, 9, kCasts) +
              " ON CONFLICT (day, node, area) DO UPDATE SET township = excluded.township, "
              "village = excluded.village, weight = excluded.weight, covered = d.covered + excluded.covered, "
              "unverified = d.unverified + excluded.unverified, uncovered = d.uncovered + excluded.uncovered",
          pqxx::prepare::make_dynamic_params(params));
    }
  });
}

std::vector<CameraSeconds> PostgresHistory::cameraDays(const std::string& from_day, const std::string& to_day) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading camera days", [&](pqxx::work& tx) {
    std::vector<CameraSeconds> out;
    for (const auto& r : tx.exec_params("SELECT day::text, node, camera, township, village, online, intact, unverified, "
                                        "down FROM camera_days WHERE day BETWEEN $1::date AND $2::date "
                                        "ORDER BY day, node, camera",
                                        from_day, to_day)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), r[5].as<double>(), r[6].as<double>(), r[7].as<double>(), r[8].as<double>()});
    }
    return out;
  });
}

std::vector<AreaSeconds> PostgresHistory::areaDays(const std::string& from_day, const std::string& to_day) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading area days", [&](pqxx::work& tx) {
    std::vector<AreaSeconds> out;
    for (const auto& r : tx.exec_params("SELECT day::text, node, area, township, village, weight, covered, unverified, "
                                        "uncovered FROM area_days WHERE day BETWEEN $1::date AND $2::date "
                                        "ORDER BY day, node, area",
                                        from_day, to_day)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), r[5].as<double>(), r[6].as<double>(), r[7].as<double>(), r[8].as<double>()});
    }
    return out;
  });
}

void PostgresHistory::silenceBegan(const SilenceRecord& s) {
  std::lock_guard lock(mutex_);
  withTransaction("storing a silence", [&](pqxx::work& tx) {
    tx.exec_params("INSERT INTO silences (node, reason, began_at) VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING",
                   s.node, s.reason, toRfc3339(s.began_at));
  });
}

void PostgresHistory::silenceEnded(const std::string& node, WallTime at) {
  std::lock_guard lock(mutex_);
  withTransaction("ending a silence", [&](pqxx::work& tx) {
    tx.exec_params("UPDATE silences SET ended_at = $2::timestamptz WHERE node = $1 AND ended_at IS NULL", node,
                   toRfc3339(at));
  });
}

std::vector<SilenceRecord> PostgresHistory::silences(WallTime from, WallTime to) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading silences", [&](pqxx::work& tx) {
    std::vector<SilenceRecord> out;
    for (const auto& r : tx.exec_params("SELECT node, reason, " + timeOut("began_at") + ", " + timeOut("ended_at") +
                                            " FROM silences WHERE began_at < $2::timestamptz AND "
                                            "(ended_at IS NULL OR ended_at >= $1::timestamptz) ORDER BY began_at",
                                        toRfc3339(from), toRfc3339(to))) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), timeIn(r[2]).value_or(WallTime{}), timeIn(r[3])});
    }
    return out;
  });
}

bool PostgresHistory::booksTime() {
  std::lock_guard lock(mutex_);
  try {
    auto& c = connection();
    if (!leading_) {
      pqxx::nontransaction tx(c);
      leading_ = tx.exec_params("SELECT pg_try_advisory_lock($1)", kBookingLock)[0][0].as<bool>();
    }
  } catch (const std::exception&) {
    conn_.reset();
    leading_ = false;
  }
  return leading_;
}

std::vector<AlertRecord> PostgresHistory::alertsFromOthers() {
  std::lock_guard lock(mutex_);
  try {
    connection().get_notifs();
  } catch (const std::exception&) {
    conn_.reset();
    return {};
  }
  if (heard_.empty()) return {};
  std::vector<std::string> ids(heard_.begin(), heard_.end());
  heard_.clear();
  return withTransaction("reading alerts of other consoles", [&](pqxx::work& tx) {
    std::vector<AlertRecord> out;
    for (const auto& id : ids) {
      for (const auto& row : tx.exec_params("SELECT " + alertColumns() + " FROM alerts WHERE id = $1", id)) {
        out.push_back(recordOf(row));
      }
    }
    return out;
  });
}

void PostgresHistory::putUser(const UserRecord& u) {
  std::lock_guard lock(mutex_);
  withTransaction("storing a user", [&](pqxx::work& tx) {
    tx.exec_params("INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4::timestamptz) "
                   "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
                   u.name, u.role, u.password_hash, toRfc3339(u.created_at));
  });
}

std::optional<UserRecord> PostgresHistory::user(const std::string& name) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading a user", [&](pqxx::work& tx) -> std::optional<UserRecord> {
    const auto r = tx.exec_params("SELECT name, role, password_hash, " + timeOut("created_at") +
                                      " FROM users WHERE name = $1",
                                  name);
    if (r.empty()) return std::nullopt;
    return UserRecord{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                      timeIn(r[0][3]).value_or(WallTime{})};
  });
}

std::vector<UserRecord> PostgresHistory::users() {
  std::lock_guard lock(mutex_);
  return withTransaction("reading users", [&](pqxx::work& tx) {
    std::vector<UserRecord> out;
    for (const auto& r : tx.exec("SELECT name, role, password_hash, " + timeOut("created_at") + " FROM users ORDER BY name")) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), timeIn(r[3]).value_or(WallTime{})});
    }
    return out;
  });
}

void PostgresHistory::putSession(const SessionRecord& s) {
  std::lock_guard lock(mutex_);
  withTransaction("storing a session", [&](pqxx::work& tx) {
    tx.exec_params("DELETE FROM sessions WHERE expires_at < $1::timestamptz", toRfc3339(s.created_at));
    tx.exec_params("INSERT INTO sessions (token_digest, name, created_at, expires_at) "
                   "VALUES ($1, $2, $3::timestamptz, $4::timestamptz)",
                   s.token_digest, s.user, toRfc3339(s.created_at), toRfc3339(s.expires_at));
  });
}

std::optional<SessionRecord> PostgresHistory::session(const std::string& digest, WallTime now) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading a session", [&](pqxx::work& tx) -> std::optional<SessionRecord> {
    const auto r = tx.exec_params("SELECT token_digest, name, " + timeOut("created_at") + ", " + timeOut("expires_at") +
                                      " FROM sessions WHERE token_digest = $1 AND expires_at > $2::timestamptz",
                                  digest, toRfc3339(now));
    if (r.empty()) return std::nullopt;
    return SessionRecord{r[0][0].as<std::string>(), r[0][1].as<std::string>(), timeIn(r[0][2]).value_or(WallTime{}),
                         timeIn(r[0][3]).value_or(WallTime{})};
  });
}

void PostgresHistory::dropSession(const std::string& digest) {
  std::lock_guard lock(mutex_);
  withTransaction("ending a session",
                  [&](pqxx::work& tx) { tx.exec_params("DELETE FROM sessions WHERE token_digest = $1", digest); });
}

bool PostgresHistory::putSnapshot(const SnapshotRecord& r) {
  std::lock_guard lock(mutex_);
  return withTransaction("storing a snapshot", [&](pqxx::work& tx) {
    const auto inserted = tx.exec_params(
        "INSERT INTO snapshots (id, node, camera, reason, taken_at, jpeg, received_at) "
        "VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::timestamptz) ON CONFLICT DO NOTHING",
        r.id, r.node, r.camera, r.reason, toRfc3339(r.taken_at), pqxx::binarystring(r.jpeg), toRfc3339(r.received_at));
    if (inserted.affected_rows() == 0) return false;  // stored before, or another node's id
    tx.exec_params("DELETE FROM snapshots WHERE received_at < $1::timestamptz",
                   toRfc3339(r.received_at - kSnapshotDays));
    // The node's own oldest go once it holds more than its share.
    tx.exec_params(
        "DELETE FROM snapshots WHERE id IN (SELECT id FROM (SELECT id, SUM(length(jpeg)) OVER "
        "(ORDER BY received_at DESC, id DESC) AS kept FROM snapshots WHERE node = $1) s WHERE kept > $2)",
        r.node, static_cast<long long>(kSnapshotBytesPerNode));
    return true;
  });
}

namespace {

SnapshotRecord snapshotOf(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
          timeIn(r[4]).value_or(WallTime{}), pqxx::binarystring(r[5]).str(), timeIn(r[6]).value_or(WallTime{})};
}

}  // namespace

std::optional<SnapshotRecord> PostgresHistory::snapshot(const std::string& id) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading a snapshot", [&](pqxx::work& tx) -> std::optional<SnapshotRecord> {
    const auto r = tx.exec_params("SELECT id, node, camera, reason, " + timeOut("taken_at") + ", jpeg, " +
                                      timeOut("received_at") + " FROM snapshots WHERE id = $1",
                                  id);
    if (r.empty()) return std::nullopt;
    return snapshotOf(r[0]);
  });
}

std::optional<SnapshotRecord> PostgresHistory::latestSnapshot(const std::string& node, const std::string& camera) {
  std::lock_guard lock(mutex_);
  return withTransaction("reading a snapshot", [&](pqxx::work& tx) -> std::optional<SnapshotRecord> {
    const auto r = tx.exec_params("SELECT id, node, camera, reason, " + timeOut("taken_at") + ", jpeg, " +
                                      timeOut("received_at") +
                                      " FROM snapshots WHERE node = $1 AND camera = $2 "
                                      "ORDER BY received_at DESC LIMIT 1",
                                  node, camera);
    if (r.empty()) return std::nullopt;
    return snapshotOf(r[0]);
  });
}

void PostgresHistory::admitNode(const NodeRecord& n) {
  std::lock_guard lock(mutex_);
  withTransaction("admitting a node", [&](pqxx::work& tx) {
    tx.exec_params("INSERT INTO nodes (node, region, township, village, admin_code, admitted_by, admitted_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz) ON CONFLICT (node) DO UPDATE SET "
                   "region = $2, township = $3, village = $4, admin_code = $5, admitted_by = $6, admitted_at = $7::timestamptz",
                   n.node, n.place.region, n.place.township, n.place.village, n.place.admin_code, n.admitted_by,
                   toRfc3339(n.admitted_at));
  });
}

std::vector<NodeRecord> PostgresHistory::admittedNodes() {
  std::lock_guard lock(mutex_);
  return withTransaction("reading the admitted nodes", [&](pqxx::work& tx) {
    std::vector<NodeRecord> out;
    for (const auto& r : tx.exec("SELECT node, region, township, village, admin_code, admitted_by, " +
                                 timeOut("admitted_at") + " FROM nodes ORDER BY node")) {
      out.push_back({r[0].as<std::string>(),
                     {r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<std::string>()},
                     r[5].as<std::string>(),
                     timeIn(r[6]).value_or(WallTime{})});
    }
    return out;
  });
}

}  // namespace villagecam::county::postgres
