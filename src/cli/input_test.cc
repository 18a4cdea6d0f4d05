#include "cli/input.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace migkit::cli {
namespace {

TEST(ParseWait, DurationsAndPlainSeconds) {
  std::int64_t micros = -1;
  ASSERT_TRUE(ParseWait("", &micros));
  EXPECT_EQ(micros, 0);
  ASSERT_TRUE(ParseWait("90", &micros));
  EXPECT_EQ(micros, 90 * kMicros);
  ASSERT_TRUE(ParseWait("30s", &micros));
  EXPECT_EQ(micros, 30 * kMicros);
  ASSERT_TRUE(ParseWait("15m", &micros));
  EXPECT_EQ(micros, 15 * 60 * kMicros);
  ASSERT_TRUE(ParseWait("1h30m", &micros));
  EXPECT_EQ(micros, 90 * 60 * kMicros);
}

TEST(ParseWait, RejectsWhatIsNotADurationAndLeavesTheValue) {
  std::int64_t micros = 7;
  EXPECT_FALSE(ParseWait("soon", &micros));
  EXPECT_FALSE(ParseWait("-5", &micros));
  EXPECT_FALSE(ParseWait("10x", &micros));
  EXPECT_EQ(micros, 7);
}

TEST(ReadInput, ReadsAFileAndNamesAMissingOne) {
  std::string dir = (std::filesystem::temp_directory_path() / "migctl_input.XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  { std::ofstream(dir + "/a.yaml") << "version: v1\n"; }
  StatusOr<std::string> text = ReadInput(dir + "/a.yaml");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "version: v1\n");
  const Status missing = ReadInput(dir + "/missing.yaml").status();
  EXPECT_EQ(missing.code(), Code::kNotFound);
  EXPECT_NE(missing.message().find(dir + "/missing.yaml"), std::string::npos) << missing.message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace migkit::cli
