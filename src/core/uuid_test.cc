#include "core/uuid.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace migkit {
namespace {

// R470+ MIG UUIDs carry a version-5 nibble and an RFC 4122 variant (mig-facts.md §7).
const std::regex kMigUuid(
    "^MIG-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
const std::regex kGpuUuid("^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

TEST(Uuid, GpuUuidFormat) {
  for (int i = 0; i < 16; ++i) {
    const std::string u = MakeGpuUuid("node-a", i);
    EXPECT_TRUE(std::regex_match(u, kGpuUuid)) << u;
  }
  EXPECT_TRUE(std::regex_match(MakeGpuUuid("", 0), kGpuUuid));
}

TEST(Uuid, MigUuidFormat) {
  const std::string gpu = MakeGpuUuid("node-a", 0);
  for (int gi = 0; gi <= 14; ++gi) {
    for (int ci = 0; ci <= 7; ++ci) {
      const std::string u = MakeMigUuid(gpu, gi, ci);
      EXPECT_TRUE(std::regex_match(u, kMigUuid)) << u << " for GI " << gi << " CI " << ci;
    }
  }
}

// The same (GPU, GI, CI) keeps its UUID across destroy/recreate (mig-facts.md §7), so the
// derivation must be a pure function of its inputs.
TEST(Uuid, Deterministic) {
  EXPECT_EQ(MakeGpuUuid("node-a", 3), MakeGpuUuid("node-a", 3));
  const std::string gpu = MakeGpuUuid("node-a", 3);
  EXPECT_EQ(MakeMigUuid(gpu, 13, 0), MakeMigUuid(gpu, 13, 0));
}

// The UUID depends on the values only, not on where the strings live.
TEST(Uuid, DependsOnValuesOnly) {
  const std::string gpu = MakeGpuUuid("node-a", 0);
  EXPECT_EQ(gpu, MakeGpuUuid(std::string("node-") + "a", 0));
  EXPECT_EQ(MakeMigUuid(gpu, 1, 0), MakeMigUuid(std::string(gpu), 1, 0));
}

TEST(Uuid, GpuUuidsDistinctPerIndexAndSeed) {
  std::set<std::string> seen;
  for (const char* seed : {"node-a", "node-b", "node-a2", ""}) {
    for (int i = 0; i < 32; ++i) {
      EXPECT_TRUE(seen.insert(MakeGpuUuid(seed, i)).second) << seed << " " << i;
    }
  }
}

TEST(Uuid, MigUuidsDistinctPerGiAndCi) {
  const std::string gpu = MakeGpuUuid("node-a", 0);
  std::set<std::string> seen;
  for (int gi = 0; gi <= 14; ++gi) {
    for (int ci = 0; ci <= 7; ++ci) {
      EXPECT_TRUE(seen.insert(MakeMigUuid(gpu, gi, ci)).second) << "GI " << gi << " CI " << ci;
    }
  }
  // (1, 11) and (11, 1) must not be confused by a naive concatenation.
  EXPECT_NE(MakeMigUuid(gpu, 1, 11), MakeMigUuid(gpu, 11, 1));
}

TEST(Uuid, MigUuidsDistinctAcrossGpus) {
  std::set<std::string> seen;
  for (int g = 0; g < 8; ++g) {
    const std::string gpu = MakeGpuUuid("node-a", g);
    for (int gi = 0; gi <= 14; ++gi) {
      for (int ci = 0; ci <= 7; ++ci) {
        EXPECT_TRUE(seen.insert(MakeMigUuid(gpu, gi, ci)).second)
            << "GPU " << g << " GI " << gi << " CI " << ci;
      }
    }
  }
}

TEST(Uuid, MigUuidDiffersFromParent) {
  const std::string gpu = MakeGpuUuid("node-a", 0);
  EXPECT_NE(gpu.substr(4), MakeMigUuid(gpu, 0, 0).substr(4));
}

}  // namespace
}  // namespace migkit
