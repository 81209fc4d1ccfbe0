#include "access/passwords.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace villagecam::county {
namespace {

// scrypt's cost, OWASP's recommendation: 2^17 x 8 x 1, 128 MiB and ~0.4 s a
// login here; logins are throttled (console/login_throttle.hpp).
constexpr std::uint64_t kN = 1u << 17;
constexpr std::uint64_t kR = 8;
constexpr std::uint64_t kP = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<unsigned char> unbase64(std::string_view text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::vector<unsigned char> scrypt(std::string_view password, const std::vector<unsigned char>& salt, std::uint64_t n,
                                  std::uint64_t r, std::uint64_t p) {
  std::vector<unsigned char> key(kHashBytes);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p, 256ull << 20, key.data(),
                     key.size()) != 1) {
    throw std::runtime_error("scrypt failed");
  }
  return key;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string hex(const unsigned char* data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", data[i]);
  return out;
}

}  // namespace

std::string hashPassword(std::string_view password) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no random bytes");
  const auto key = scrypt(password, salt, kN, kR, kP);
  return fmt::format("scrypt${}${}${}${}${}", kN, kR, kP, base64(salt.data(), salt.size()), base64(key.data(), key.size()));
}

bool verifyPassword(std::string_view password, std::string_view stored) {
  const auto parts = split(stored, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  std::uint64_t n = 0, r = 0, p = 0;
  try {
    n = std::stoull(std::string(parts[1]));
    r = std::stoull(std::string(parts[2]));
    p = std::stoull(std::string(parts[3]));
  } catch (const std::exception&) {
    return false;
  }
  const auto salt = unbase64(parts[4]);
  const auto want = unbase64(parts[5]);
  if (salt.empty() || want.size() != kHashBytes || n < 2 || n > (1u << 20) || r == 0 || r > 32 || p == 0 || p > 16) {
    return false;
  }
  const auto got = scrypt(password, salt, n, r, p);
  return CRYPTO_memcmp(got.data(), want.data(), kHashBytes) == 0;
}

std::string passwordProblem(std::string_view password) {
  if (password.size() < 10) return "a password needs at least 10 characters";
  bool letter = false, other = false;
  for (unsigned char c : password) {
    if (std::isalpha(c)) {
      letter = true;
    } else {
      other = true;
    }
  }
  if (!letter || !other) return "a password needs letters and something else (digits, signs)";
  return {};
}

std::string newSessionToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes");
  return hex(bytes, sizeof bytes);
}

std::string tokenDigest(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(digest, size);
}

}  // namespace villagecam::county
