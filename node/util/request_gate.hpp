// What an HTTP server may take of a request before it hands it on: the head
// (request line and headers) within max_head bytes, and a body declared by
// Content-Length within max_body. Transfer-Encoding (chunked), a body-carrying
// method without Content-Length and a compressed body (Content-Encoding) are
// not taken: every body the console and the node accept is small, sized up
// front and plain. Lines end in CRLF only (a bare LF could hide a header
// from this check that the server's parser would then see).
// Pure: the bytes received so far in, a verdict out (service/guarded_server
// peeks at the socket and asks).
#pragma once

#include <cstddef>
#include <string>
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
    UnsupportedEncoding,  // 415: a Content-Encoding other than identity
  };
  Kind kind = Kind::NeedMore;
  std::size_t bytes = 0;

  int status() const;  // the HTTP status of a refusal, 0 otherwise
};

RequestVerdict checkRequest(std::string_view received, const RequestLimits& limits);

// The group a client address counts in for per-client limits: an IPv4
// address itself, an IPv6 address its /64 (one host holds a whole /64), an
// IPv4-mapped IPv6 address its IPv4 address.
std::string addressGroup(const std::string& address);

}  // namespace villagecam
