#include "service/token.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(Token, HashIsSha256) {
  // FIPS 180-2's test vector for "abc".
  EXPECT_EQ(HashToken("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Token, NewTokensAreRandomAndLong) {
  const std::string a = NewToken().value();
  const std::string b = NewToken().value();
  EXPECT_EQ(a.size(), 4u + 64u);
  EXPECT_EQ(a.rfind("mgk_", 0), 0u);
  EXPECT_NE(a, b);
}

TEST(Token, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret-token", "secret-token"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "secret-tokem"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret-token"));
}

}  // namespace
}  // namespace migkit
