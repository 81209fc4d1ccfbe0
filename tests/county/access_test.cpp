// Operators' passwords: a real KDF (scrypt) with a salt of its own for each,
// checked in constant time; session tokens stored only as digests.
#include <gtest/gtest.h>

#include "access/passwords.hpp"

namespace villagecam::county {
namespace {

TEST(Passwords, AreHashedWithScryptAndASaltOfTheirOwn) {
  const auto a = hashPassword("correct horse 42");
  const auto b = hashPassword("correct horse 42");
  EXPECT_EQ(a.rfind("scrypt$131072$8$1$", 0), 0u) << a;
  EXPECT_NE(a, b);  // salted
  EXPECT_EQ(a.find("correct"), std::string::npos);
  EXPECT_TRUE(verifyPassword("correct horse 42", a));
  EXPECT_TRUE(verifyPassword("correct horse 42", b));
  EXPECT_FALSE(verifyPassword("correct horse 43", a));
  EXPECT_FALSE(verifyPassword("", a));
  EXPECT_FALSE(verifyPassword("correct horse 42", "plain"));
  EXPECT_FALSE(verifyPassword("correct horse 42", "scrypt$99999999999$8$1$AAAA$AAAA"));  // no absurd cost from a row
}

TEST(Passwords, ANewOneMustBeLongAndMixed) {
  EXPECT_EQ(passwordProblem("short1"), "a password needs at least 10 characters");
  EXPECT_EQ(passwordProblem("onlyletters"), "a password needs letters and something else (digits, signs)");
  EXPECT_EQ(passwordProblem("1234567890"), "a password needs letters and something else (digits, signs)");
  EXPECT_EQ(passwordProblem("村口 camera 7"), "");
}

TEST(SessionTokens, AreRandomAndKeptAsDigests) {
  const auto t = newSessionToken();
  EXPECT_EQ(t.size(), 64u);
  EXPECT_NE(t, newSessionToken());
  EXPECT_EQ(tokenDigest(t).size(), 64u);
  EXPECT_NE(tokenDigest(t), t);
  EXPECT_EQ(tokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace villagecam::county
