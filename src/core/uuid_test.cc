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

// Stored state (node.json, checkpoints, users' configs and scripts) names GPUs and MIG devices by
// these UUIDs, so a change to the hash would silently re-key it. The expected strings were computed
// outside migkit, by a Python transcription of uuid.cc's FNV-1a + splitmix64 derivation, for the
// seeds the emulated node uses ("migkit-emulated-node/<model>", emu/node_state.cc).
TEST(Uuid, PinnedValuesOfTheEmulatedNode) {
  const std::string h100_0 = MakeGpuUuid("migkit-emulated-node/H100-SXM5-80GB", 0);
  EXPECT_EQ(h100_0, "GPU-0d8e06df-4415-6495-a0bb-6cc49fd81c2f");
  EXPECT_EQ(MakeGpuUuid("migkit-emulated-node/H100-SXM5-80GB", 7),
            "GPU-85441963-d4c9-eac6-bddd-f5797768a105");
  EXPECT_EQ(MakeGpuUuid("migkit-emulated-node/A100-SXM4-40GB", 0),
            "GPU-6fb8b488-99d0-559d-8e74-f0dd00818d9e");
  EXPECT_EQ(MakeMigUuid(h100_0, 1, 0), "MIG-14259e12-de33-54c9-8052-f245cbff0aff");
  EXPECT_EQ(MakeMigUuid(h100_0, 13, 0), "MIG-b7971db4-5a8b-5f0f-936f-8c20ba9b8867");
  EXPECT_EQ(MakeMigUuid("GPU-6fb8b488-99d0-559d-8e74-f0dd00818d9e", 13, 0),
            "MIG-4a34f3ab-2c72-5aa5-bddd-3e4ff3ab14cc");
}

}  // namespace
}  // namespace migkit
