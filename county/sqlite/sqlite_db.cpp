#include "sqlite/sqlite_db.hpp"

namespace villagecam::county::sqlite {

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql), stmt_(nullptr, &sqlite3_finalize) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
    throw StoreError("sqlite: cannot prepare \"" + sql + "\": " + sqlite3_errmsg(db));
  }
  stmt_.reset(s);
}

Statement& Statement::bind(int i, const std::string& text) {
  sqlite3_bind_text(stmt_.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, double value) {
  sqlite3_bind_double(stmt_.get(), i, value);
  return *this;
}
Statement& Statement::bind(int i, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), i, value);
  return *this;
}
Statement& Statement::bindBlob(int i, const std::string& bytes) {
  sqlite3_bind_blob(stmt_.get(), i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindNull(int i) {
  sqlite3_bind_null(stmt_.get(), i);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw StoreError("sqlite: \"" + sql_ + "\" failed: " + sqlite3_errmsg(db_));
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
           : std::string();
}

std::string Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_.get(), col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col))) : std::string();
}

std::optional<std::string> Statement::optionalText(int col) const {
  if (sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL) return std::nullopt;
  return text(col);
}

Database::Database(const std::filesystem::path& file) : db_(nullptr, &sqlite3_close_v2) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK) {
    throw StoreError("sqlite: cannot open " + file.string() + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 5000);
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string what = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("sqlite: \"" + sql.substr(0, 80) + "\" failed: " + what);
  }
}

}  // namespace villagecam::county::sqlite
