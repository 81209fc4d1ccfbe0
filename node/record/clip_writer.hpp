// One evidence clip being written: the units it is given (the ring's
// pre-roll, then live ones until its end) muxed into an MP4 without
// re-encoding (appsrc ! <codec>parse ! mp4mux ! filesink), first to
// <final>.part; finish() ends the stream, waits for the muxer, syncs the
// file and renames it into place.
//
// Threads: the sink side runs on the camera's streaming thread and never
// blocks (a clip whose muxer falls far behind stops taking units: it is cut
// short, not the camera); finish() on the recorder's finisher thread.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ingest/encoded_fanout.hpp"
#include "util/clock.hpp"

namespace villagecam::record {

struct WrittenClip {
  std::uintmax_t bytes = 0;
  std::uint64_t units = 0;
  WallTime first{};  // arrival of its first unit
  WallTime last{};   // ...and of its last
};

class ClipWriter final : public ingest::EncodedSink {
 public:
  // Throws std::runtime_error if the pipeline cannot be built (an unknown
  // codec). Units arriving after `until` are not taken.
  ClipWriter(const ingest::EncodedFormat& format, std::filesystem::path final_path, WallTime until);
  ~ClipWriter() override;
  ClipWriter(const ClipWriter&) = delete;
  ClipWriter& operator=(const ClipWriter&) = delete;

  void format(const ingest::EncodedFormat& format) override;
  void unit(const ingest::EncodedUnit& unit) override;
  void interrupted() override;  // the camera's stream broke: the clip ends there
  void closed() override;

  // Moves the end (a long alert), never before what was already taken; a
  // clip that took its last unit stays as it is.
  void setUntil(WallTime until);
  WallTime until() const;
  // Taken its last unit: its end passed, or the stream broke.
  bool complete() const;

  // Ends the file and puts it at final_path (atomically). Returns what was
  // written, or nullopt (and removes the part file) if nothing usable was.
  std::optional<WrittenClip> finish(Duration timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace villagecam::record
