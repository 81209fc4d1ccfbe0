// SQLite through RAII: a connection and prepared statements that finalize
// themselves; every failure throws StoreError with SQLite's own words and
// the statement that failed.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "history/history_store.hpp"

namespace villagecam::county::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  Statement(Statement&&) = default;

  Statement& bind(int i, const std::string& text);
  Statement& bind(int i, double value);
  Statement& bind(int i, std::int64_t value);
  Statement& bindNull(int i);
  Statement& bindBlob(int i, const std::string& bytes);
  Statement& bind(int i, const std::optional<std::string>& text) { return text ? bind(i, *text) : bindNull(i); }

  bool step();  // true: a row is there
  void run() { step(); }
  void reset();

  std::string text(int col) const;
  std::optional<std::string> optionalText(int col) const;
  std::string blob(int col) const;
  double number(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

 private:
  sqlite3* db_;
  std::string sql_;
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt_;
};

class Database {
 public:
  explicit Database(const std::filesystem::path& file);
  sqlite3* handle() const { return db_.get(); }
  void exec(const std::string& sql);
  Statement prepare(const std::string& sql) { return Statement(db_.get(), sql); }
  int changes() const { return sqlite3_changes(db_.get()); }

 private:
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace villagecam::county::sqlite
