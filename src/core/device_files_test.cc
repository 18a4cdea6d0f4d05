#include "core/device_files.h"

#include <gtest/gtest.h>

#include <sstream>

namespace migkit {
namespace {

// mig-facts.md §7 and cluster-and-service.md §1.2: gi minor = 3 + 135·gpu + 9·gi,
// ci minor = gi minor + 1 + ci; the listing starts "config 1", "monitor 2",
// "gpu0/gi0/access 3", "gpu0/gi0/ci0/access 4" and ends at "gpu31/gi14/ci7/access 4322".
TEST(DeviceFiles, MinorsFollowTheDriversNumbering) {
  EXPECT_EQ(MigGiCapMinor(0, 0), 3);
  EXPECT_EQ(MigCiCapMinor(0, 0, 0), 4);
  EXPECT_EQ(MigCiCapMinor(31, 14, 7), 4322);
  EXPECT_EQ(MigGiCapMinor(1, 2), 3 + 135 + 18);
}

TEST(DeviceFiles, MigDeviceHasThreeFiles) {
  const MigDeviceFiles f = MigDeviceFilesFor(1, 7, 0);
  EXPECT_EQ(f.gpu, "/dev/nvidia1");
  EXPECT_EQ(f.gi_cap_minor, 3 + 135 + 63);
  EXPECT_EQ(f.gi, "/dev/nvidia-caps/nvidia-cap201");
  EXPECT_EQ(f.ci, "/dev/nvidia-caps/nvidia-cap202");
  EXPECT_EQ(f.gi_caps_name, "gpu1/gi7/access");
  EXPECT_EQ(f.ci_caps_name, "gpu1/gi7/ci0/access");
}

TEST(DeviceFiles, MigMinorsListsEveryMinorInOrder) {
  std::istringstream in(MigMinorsText());
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u + 32u * 15u * 9u);
  EXPECT_EQ(lines[0], "config 1");
  EXPECT_EQ(lines[1], "monitor 2");
  EXPECT_EQ(lines[2], "gpu0/gi0/access 3");
  EXPECT_EQ(lines[3], "gpu0/gi0/ci0/access 4");
  EXPECT_EQ(lines.back(), "gpu31/gi14/ci7/access 4322");
  // Minor N is on line N-1 (1-based: every minor from 1 to 4322 appears once, in order).
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].substr(lines[i].rfind(' ') + 1), std::to_string(i + 1)) << lines[i];
  }
}

}  // namespace
}  // namespace migkit
