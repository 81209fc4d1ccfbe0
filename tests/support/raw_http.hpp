// A client that speaks HTTP as badly as an attacker would: raw bytes over a
// socket bound to a loopback address of its choice (127.0.0.2 is another
// client to the server), sent whole or a byte at a time, with the answer
// read until the server closes or the time is up.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "util/unique_fd.hpp"  // villagecam::UniqueFd

namespace villagecam::testing {

// A connected TCP socket to 127.0.0.1:port from `from`; throws on failure.
villagecam::UniqueFd connectFrom(int port, const std::string& from = "127.0.0.1");

// Sends all of `bytes` (MSG_NOSIGNAL); false if the peer is gone.
bool sendAll(int fd, const std::string& bytes);

// Reads until the peer closes or `timeout` passes; what came.
std::string readAll(int fd, std::chrono::milliseconds timeout);

// One request, whole: the answer (status line, headers, body).
std::string rawRequest(int port, const std::string& request, const std::string& from = "127.0.0.1",
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The status code of an answer, or 0.
int statusOf(const std::string& answer);

}  // namespace villagecam::testing
