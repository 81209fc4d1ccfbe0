// The durable alert queue: an alert is on disk (one file, written and synced)
// before it counts as raised, and leaves only when the broker acknowledged
// it. Survives broker outages of any length, restarts and kill -9. Bounded by
// count and bytes: when full, the oldest alerts go first and are counted as
// dropped (the count survives restarts too).
//
// Thread-safe: the node pushes, the publisher peeks and acknowledges.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace villagecam::mqtt {

class Outbox {
 public:
  struct Limits {
    std::size_t max_entries = 10000;
    std::size_t max_bytes = 16u << 20;
  };
  struct Entry {
    std::uint64_t seq = 0;
    std::string payload;
  };

  // Loads what a previous run left in `dir` (created if missing).
  Outbox(std::filesystem::path dir, Limits limits);

  // Stores a payload; returns its sequence number. If the disk refuses
  // (full, read-only) the entry is kept in memory, sent all the same, and
  // counted in unsaved(); the error is logged once per episode.
  std::uint64_t push(std::string payload);
  // Up to `max` entries with seq > after, oldest first.
  std::vector<Entry> peek(std::uint64_t after, std::size_t max) const;
  // The broker has it: forget it (idempotent).
  void ack(std::uint64_t seq);

  std::size_t depth() const;
  std::size_t bytes() const;
  std::uint64_t dropped() const;
  std::uint64_t unsaved() const;
  std::uint64_t oldestSeq() const;  // 0 when empty

 private:
  std::filesystem::path fileFor(std::uint64_t seq) const;
  void load();
  void enforceLimitsLocked();
  void saveDroppedLocked();

  std::filesystem::path dir_;
  Limits limits_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // oldest first
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::uint64_t unsaved_ = 0;
  bool disk_failing_ = false;
};

}  // namespace villagecam::mqtt
