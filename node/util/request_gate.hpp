// What an HTTP server may take of a request before it hands it on: the head
// (request line and headers) within max_head bytes, and a body declared by
// Content-Length within max_body. Transfer-Encoding (chunked) is not taken:
// every body the console and the node accept is small and sized up front.
// Pure: the bytes received so far in, a verdict out (service/guarded_server
// peeks at the socket and asks).
#pragma once

#include <cstddef>
#include <string_view>

namespace villagecam {

struct RequestLimits {
  std::size_t max_head = 16 * 1024;
  std::size_t max_body = 64 * 1024;
};

struct RequestVerdict {
  enum class Kind {
    NeedMore,       // wait for more bytes
    Complete,       // head and body are all here: `bytes` of them
    Bad,            // 400: a malformed head or Content-Length
    LengthRequired, // 411: a body without Content-Length (chunked)
    BodyTooLarge,   // 413
    HeadTooLarge,   // 431
  };
  Kind kind = Kind::NeedMore;
  std::size_t bytes = 0;

  int status() const;  // the HTTP status of a refusal, 0 otherwise
};

RequestVerdict checkRequest(std::string_view received, const RequestLimits& limits);

}  // namespace villagecam
