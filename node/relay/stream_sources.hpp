// Where the restream server gets a camera's video: the stream the node
// analyses (is the camera up, what does it cost), and the stream its viewers
// get, which may be the camera's main stream, pulled only while watched.
#pragma once

#include <memory>
#include <string>

#include "ingest/encoded_fanout.hpp"

namespace villagecam::relay {

class StreamSources {
 public:
  virtual ~StreamSources() = default;
  // The camera's analysed stream; null if the node has no such camera.
  // Thread-safe.
  virtual std::shared_ptr<ingest::EncodedFanout> analysed(const std::string& camera) const = 0;
  // What its viewers get, without starting anything (for its bit rate).
  virtual std::shared_ptr<ingest::EncodedFanout> viewed(const std::string& camera) const = 0;
  // What its viewers get, pulled from now on until the matching release().
  virtual std::shared_ptr<ingest::EncodedFanout> acquire(const std::string& camera) = 0;
  virtual void release(const std::string& camera) = 0;
};

}  // namespace villagecam::relay
