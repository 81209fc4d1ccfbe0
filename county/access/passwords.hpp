// Operators' passwords and session tokens (OpenSSL). A password is kept only
// as scrypt's hash with a random salt: "scrypt$<N>$<r>$<p>$<salt>$<hash>",
// base64. A session token is 32 random bytes; the store keeps only its
// SHA-256, so a copy of the database opens no session.
#pragma once

#include <string>
#include <string_view>

namespace villagecam::county {

std::string hashPassword(std::string_view password);
bool verifyPassword(std::string_view password, std::string_view stored);  // constant time in the hash

// What is wrong with a new password, or empty: at least 10 characters, not all one kind.
std::string passwordProblem(std::string_view password);

std::string newSessionToken();                 // 64 hex digits
std::string tokenDigest(std::string_view token);  // SHA-256, hex

}  // namespace villagecam::county
