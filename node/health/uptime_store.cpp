#include "health/uptime_store.hpp"

#include "util/atomic_file.hpp"
#include "util/logging.hpp"

namespace villagecam::health {

Presence presenceOf(CameraState state) {
  switch (state) {
    case CameraState::Online: return Presence::Up;
    case CameraState::Connecting: return Presence::Unknown;
    default: return Presence::Down;
  }
}

Presence presenceOf(AreaState state) {
  switch (state) {
    case AreaState::Covered: return Presence::Up;
    case AreaState::Uncovered: return Presence::Down;
    case AreaState::Unverified: return Presence::Down;  // not verified covered: counts against the ratio
    case AreaState::Unknown: return Presence::Unknown;
  }
  return Presence::Unknown;
}


UptimeStore::UptimeStore(std::filesystem::path state_dir, const Clock& clock, std::string file_name, std::string what,
                         std::string subjects)
    : state_dir_(std::move(state_dir)),
      file_name_(std::move(file_name)),
      what_(std::move(what)),
      subjects_(std::move(subjects)),
      clock_(clock),
      log_(logger(what_)) {
  last_flush_ = clock_.steady();
}

void UptimeStore::load() {
  std::lock_guard lock(mutex_);
  const auto text = readFileIfExists(file());
  if (!text) {
    log_->info("no {} history yet at {}; starting one", what_, file().string());
    return;
  }
  try {
    ledger_ = UptimeLedger::fromJson(*text);
    ledger_.prune(clock_.wall());
    log_->info("{} history loaded for {} {}", what_, ledger_.cameras().size(), subjects_);
  } catch (const std::exception& e) {
    const auto aside = file().string() + ".corrupt-" +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          clock_.wall().time_since_epoch()).count());
    std::error_code ec;
    std::filesystem::rename(file(), aside, ec);
    log_->error("{}: {}; kept it as {} and started a new history", file().string(), e.what(), aside);
  }
}

void UptimeStore::account(const std::string& camera, WallTime from, WallTime to, Presence presence) {
  if (presence == Presence::Unknown) return;
  std::lock_guard lock(mutex_);
  ledger_.record(camera, from, to, presence == Presence::Up);
}

bool UptimeStore::flush(bool force) {
  const SteadyTime now = clock_.steady();
  std::string document;
  {
    std::lock_guard lock(mutex_);
    // Ticks come about a second apart; a tick a hair early still counts.
    if (!force && now - last_flush_ < flush_interval_ - std::chrono::milliseconds(100)) return true;
    last_flush_ = now;
    ledger_.prune(clock_.wall());
    document = ledger_.toJson();
  }
  try {
    writeFileAtomically(file(), document);
    if (last_flush_failed_) log_->info("{} history saved again", what_);
    last_flush_failed_ = false;
    return true;
  } catch (const std::exception& e) {
    if (!last_flush_failed_) log_->error("cannot save {} history: {} (kept in memory; retrying)", what_, e.what());
    last_flush_failed_ = true;
    return false;
  }
}

UptimeStats UptimeStore::stats(const std::string& camera) const {
  std::lock_guard lock(mutex_);
  return ledger_.stats(camera, clock_.wall());
}

UptimeWindow UptimeStore::window(const std::string& camera, std::chrono::seconds length) const {
  std::lock_guard lock(mutex_);
  return ledger_.window(camera, clock_.wall(), length);
}

}  // namespace villagecam::health
