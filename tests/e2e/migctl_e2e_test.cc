// End-to-end tests of migctl: each test runs the real binary (MIGCTL_PATH) against an emulated
// node in a fresh state directory, with a controlled environment, and checks stdout, stderr, the
// exit code and the state left behind. Expected values come from mig-facts.md (section numbers in
// the comments).
#include <gtest/gtest.h>
#include <sys/stat.h>  // mkfifo

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "migctl_runner.h"

namespace {

using nlohmann::json;
using namespace migkit::e2e;  // NOLINT(build/namespaces): the runner is these tests' vocabulary

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

class MigctlE2e : public MigctlTestBase<> {
 protected:
  /// Every later run emulates `spec` (MIGKIT_EMULATE); without a call, the default DGX H100.
  void Emulate(const std::string& spec) { emulate_ = spec; }

  /// The environment of a run: a private state directory and HOME, no colour, MIGKIT_EMULATE when
  /// set, and `extra` on top (an empty value removes a variable).
  Env Environment(const Env& extra) const {
    Env overrides = {{"MIGKIT_BACKEND", "emulator"},  // never a real GPU, even where one exists
                     {"MIGKIT_EMULATE", emulate_}};
    for (const auto& [key, value] : extra) overrides[key] = value;
    return RunEnvironment(dir_, kInheritedVariables, overrides);
  }

  Result Run(const std::vector<std::string>& args, const Env& extra = {}) const {
    return RunMigctl(args, Environment(extra));
  }

  /// Runs `args`, expects exit 0, returns stdout.
  std::string RunOk(const std::vector<std::string>& args, const Env& extra = {}) const {
    const Result r = Run(args, extra);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    return r.out;
  }

  /// Runs `args --json`, expects exit 0 and nothing on stderr, returns the parsed stdout.
  json RunJson(std::vector<std::string> args) const {
    args.push_back("--json");
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    EXPECT_EQ(r.err, "") << Show(args, r);
    json parsed = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << Show(args, r);
    return parsed;
  }

  /// An A100-SXM4-40GB node with MIG enabled and in effect on GPU 0 (Ampere needs the reset).
  void A100WithMig() {
    Emulate("A100-SXM4-40GB");
    RunOk({"mig", "enable", "-i", "0"});
    RunOk({"reset", "-i", "0"});
  }

  std::string StatePath() const { return StateDir() + "/node.json"; }

  std::string emulate_;
};

// ---- Reading the node -------------------------------------------------------------------------

TEST_F(MigctlE2e, DefaultNodeIsEightH100sWithMigDisabled) {
  const json gpus = RunJson({"gpus"});
  ASSERT_EQ(gpus.size(), 8u);
  for (size_t i = 0; i < gpus.size(); ++i) {
    EXPECT_EQ(Keys(gpus[i]), (std::set<std::string>{"gpu", "name", "model", "uuid", "pci_bus_id",
                                                    "mig_current", "mig_pending"}));
    EXPECT_EQ(gpus[i]["gpu"], i);
    EXPECT_EQ(gpus[i]["name"], "NVIDIA H100 80GB HBM3");
    EXPECT_EQ(gpus[i]["model"], "H100-SXM5-80GB");
    EXPECT_EQ(gpus[i]["mig_current"], false);
    EXPECT_EQ(gpus[i]["mig_pending"], false);
    EXPECT_EQ(gpus[i]["uuid"].get<std::string>().rfind("GPU-", 0), 0u);
  }
  EXPECT_EQ(gpus[0]["pci_bus_id"], "00000000:18:00.0");
  const std::string table = RunOk({"gpus"});
  EXPECT_TRUE(Contains(table, "NVIDIA H100 80GB HBM3")) << table;
  EXPECT_EQ(Count(table, "Disabled"), 8) << table;
}

// mig-facts.md §3.5, the complete H100 transcript.
TEST_F(MigctlE2e, H100ProfilesJsonMatchesTheFacts) {
  Emulate("H100-SXM5-80GB");
  json profiles = RunJson({"profiles", "-i", "0"});
  ASSERT_EQ(profiles.size(), 7u);
  struct Row {
    const char* name;
    int id, slices, total, memory, sms, ce, dec, enc, jpeg, ofa;
    std::vector<int> starts;
    int size;
  };
  const std::vector<Row> facts = {
      {"1g.10gb", 19, 1, 7, 9984, 16, 1, 1, 0, 1, 0, {0, 1, 2, 3, 4, 5, 6}, 1},
      {"1g.10gb+me", 20, 1, 1, 9984, 16, 1, 1, 0, 1, 1, {0, 1, 2, 3, 4, 5, 6}, 1},
      {"1g.20gb", 15, 1, 4, 20096, 26, 1, 1, 0, 1, 0, {0, 2, 4, 6}, 2},
      {"2g.20gb", 14, 2, 3, 20096, 32, 2, 2, 0, 2, 0, {0, 2, 4}, 2},
      {"3g.40gb", 9, 3, 2, 40448, 60, 3, 3, 0, 3, 0, {0, 4}, 4},
      {"4g.40gb", 5, 4, 1, 40448, 64, 4, 4, 0, 4, 0, {0}, 4},
      {"7g.80gb", 0, 7, 1, 81152, 132, 8, 7, 0, 7, 1, {0}, 8},
  };
  for (size_t i = 0; i < facts.size(); ++i) {
    const json& p = profiles[i];
    const Row& f = facts[i];
    SCOPED_TRACE(f.name);
    EXPECT_EQ(Keys(p), (std::set<std::string>{"gpu", "name", "id", "slices", "instances_free",
                                              "instances_total", "memory_mib", "sms", "ce", "dec",
                                              "enc", "jpeg", "ofa", "placements"}));
    EXPECT_EQ(p["gpu"], 0);
    EXPECT_EQ(p["name"], f.name);
    EXPECT_EQ(p["id"], f.id);
    EXPECT_EQ(p["slices"], f.slices);
    EXPECT_EQ(p["instances_free"], 0);  // MIG is disabled
    EXPECT_EQ(p["instances_total"], f.total);
    EXPECT_EQ(p["memory_mib"], f.memory);
    EXPECT_EQ(p["sms"], f.sms);
    EXPECT_EQ(p["ce"], f.ce);
    EXPECT_EQ(p["dec"], f.dec);
    EXPECT_EQ(p["enc"], f.enc);
    EXPECT_EQ(p["jpeg"], f.jpeg);
    EXPECT_EQ(p["ofa"], f.ofa);
    json placements = json::array();
    for (int s : f.starts) placements.push_back({{"start", s}, {"size", f.size}});
    EXPECT_EQ(p["placements"], placements);
  }
  // Hopper enables MIG at once (§9); then Free equals Total on an empty GPU.
  RunOk({"mig", "enable", "-i", "0"});
  profiles = RunJson({"profiles", "-i", "0"});
  for (const json& p : profiles) EXPECT_EQ(p["instances_free"], p["instances_total"]) << p;
}

// The -lgip box of mig-facts.md §8, as captured on an A100-40GB with every instance in use.
TEST_F(MigctlE2e, ProfilesTableHasTheNvidiaSmiShape) {
  Emulate("A100-SXM4-40GB");
  const Result r = Run({"profiles"});
  ASSERT_EQ(r.exit_code, 0) << Show({"profiles"}, r);
  // The top of the box, character for character (the raw string starts with a newline).
  constexpr std::string_view kExpected = R"(
+-----------------------------------------------------------------------------+
| GPU instance profiles:                                                      |
| GPU   Name             ID    Instances   Memory     P2P    SM    DEC   ENC  |
|                              Free/Total   GiB              CE    JPEG  OFA  |
|=============================================================================|
|   0  MIG 1g.5gb        19     0/7        4.75       No     14     0     0   |
|                                                             1     0     0   |
+-----------------------------------------------------------------------------+
|   0  MIG 1g.5gb+me     20     0/1        4.75       No     14     1     0   |
|                                                             1     1     1   |
+-----------------------------------------------------------------------------+
|   0  MIG 1g.10gb       15     0/4        9.62       No     14     1     0   |
)";
  EXPECT_TRUE(Contains(r.out, std::string(kExpected.substr(1)))) << r.out;
  EXPECT_TRUE(Contains(r.err, "MIG is not in effect on GPU 0")) << r.err;
}

TEST_F(MigctlE2e, PlacementsLookLikeNvidiaSmiLgipp) {
  Emulate("A100-SXM4-40GB");
  const std::string out = RunOk({"placements"});
  EXPECT_EQ(out,
            "GPU  0 Profile ID 19 Placements: {0,1,2,3,4,5,6}:1\n"
            "GPU  0 Profile ID 20 Placements: {0,1,2,3,4,5,6}:1\n"
            "GPU  0 Profile ID 15 Placements: {0,2,4,6}:2\n"
            "GPU  0 Profile ID 14 Placements: {0,2,4}:2\n"
            "GPU  0 Profile ID  9 Placements: {0,4}:4\n"
            "GPU  0 Profile ID  5 Placement : {0}:4\n"
            "GPU  0 Profile ID  0 Placement : {0}:8\n");
}

// ---- MIG mode ---------------------------------------------------------------------------------

// Ampere keeps a MIG mode change pending until the GPU is reset (mig-facts.md §9).
TEST_F(MigctlE2e, A100MigEnableIsPendingUntilReset) {
  Emulate("A100-SXM4-40GB");
  const Result enable = Run({"mig", "enable", "-i", "0"});
  ASSERT_EQ(enable.exit_code, 0) << Show({"mig", "enable"}, enable);
  EXPECT_EQ(enable.out, "Enabled MIG Mode for GPU 00000000:18:00.0\nAll done.\n");
  EXPECT_TRUE(Contains(enable.err,
                       "Warning: MIG mode is in pending enable state for GPU 00000000:18:00.0: GPU "
                       "requires reset"))
      << enable.err;
  EXPECT_TRUE(Contains(enable.err, "migctl reset -i 0")) << enable.err;
  json gpus = RunJson({"gpus"});
  EXPECT_EQ(gpus[0]["mig_current"], false);
  EXPECT_EQ(gpus[0]["mig_pending"], true);
  EXPECT_TRUE(Contains(RunOk({"gpus"}), "Disabled (pending: Enabled)"));

  const Result create = Run({"create-gi", "19"});
  EXPECT_EQ(create.exit_code, 1) << Show({"create-gi", "19"}, create);
  EXPECT_TRUE(Contains(create.err, "Not Supported")) << create.err;

  EXPECT_EQ(RunOk({"reset", "-i", "0"}),
            "GPU 00000000:18:00.0 was successfully reset.\nAll done.\n");
  gpus = RunJson({"gpus"});
  EXPECT_EQ(gpus[0]["mig_current"], true);
  EXPECT_EQ(gpus[0]["mig_pending"], true);
}

TEST_F(MigctlE2e, H100MigEnableIsImmediate) {
  const Result r = Run({"mig", "enable", "-i", "3"});
  ASSERT_EQ(r.exit_code, 0) << Show({"mig", "enable", "-i", "3"}, r);
  EXPECT_EQ(r.err, "");
  const json gpus = RunJson({"gpus"});
  EXPECT_EQ(gpus[3]["mig_current"], true);
  EXPECT_EQ(gpus[2]["mig_current"], false);
}

TEST_F(MigctlE2e, ResetWithoutExplicitGpusIsRefused) {
  const Result r = Run({"reset"});
  EXPECT_EQ(r.exit_code, 2) << Show({"reset"}, r);
  EXPECT_TRUE(Contains(r.err, "--all")) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(RunOk({"reset", "--all"}),
            std::string("GPU 00000000:18:00.0 was successfully reset.\n") +
                "GPU 00000000:2A:00.0 was successfully reset.\n"
                "GPU 00000000:3A:00.0 was successfully reset.\nGPU 00000000:5D:00.0 was "
                "successfully reset.\n"
                "GPU 00000000:9A:00.0 was successfully reset.\nGPU 00000000:AB:00.0 was "
                "successfully reset.\n"
                "GPU 00000000:BA:00.0 was successfully reset.\nGPU 00000000:DB:00.0 was "
                "successfully reset.\n"
                "All done.\n");
}

TEST_F(MigctlE2e, DisablingMigWithInstancesIsInUse) {
  A100WithMig();
  RunOk({"create-gi", "9"});
  const Result r = Run({"mig", "disable", "-i", "0"});
  EXPECT_EQ(r.exit_code, 1) << Show({"mig", "disable"}, r);
  EXPECT_TRUE(Contains(r.err,
                       "Unable to disable MIG Mode for GPU 00000000:18:00.0: In use by "
                       "another client"))
      << r.err;
}

// `migctl emulator device-files` writes what Slurm's gpu/nvml plugin reads: mig-minors with the
// driver's numbering (mig-facts.md §7: gpu1/gi7 = 3 + 135 + 63 = 201, its CI 0 = 202) and the
// device entries of the GPUs and MIG devices. `-i` also takes the sysfs bus ID form.
TEST_F(MigctlE2e, DeviceFilesForAMountNamespace) {
  Emulate("2xH100-SXM5-80GB");
  RunOk({"mig", "enable", "-i", "0000:2a:00.0"});
  RunOk({"create-gi", "-i", "1", "1g.10gb:0", "-C"});
  const std::string root = dir_ + "/tree";
  const std::string listed = RunOk({"emulator", "device-files", "--root", root});
  EXPECT_EQ(listed, root + "/proc/driver/nvidia-caps/mig-minors\n" + root + "/dev/nvidiactl\n" +
                        root + "/dev/nvidia0\n" + root + "/dev/nvidia1\n" + root +
                        "/dev/nvidia-caps/nvidia-cap1\n" + root + "/dev/nvidia-caps/nvidia-cap2\n" +
                        root + "/dev/nvidia-caps/nvidia-cap201\n" + root +
                        "/dev/nvidia-caps/nvidia-cap202\n");
  std::ifstream in(root + "/proc/driver/nvidia-caps/mig-minors");
  const std::string minors((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(minors.rfind("config 1\nmonitor 2\ngpu0/gi0/access 3\ngpu0/gi0/ci0/access 4\n", 0), 0u);
  EXPECT_NE(minors.find("\ngpu1/gi7/access 201\ngpu1/gi7/ci0/access 202\n"), std::string::npos);
  EXPECT_TRUE(minors.ends_with("\ngpu31/gi14/ci7/access 4322\n"));
}

// ---- Creating and destroying GPU instances ----------------------------------------------------

// NVIDIA's documented example (mig-facts.md §4.3): auto-placed 1g, 1g, 2g fragment both halves, so
// the 3g of `-cgi 19,19,14,9` fails, while `-cgi 9,19,14,19` succeeds.
TEST_F(MigctlE2e, A100DocumentedExampleFailsOn3gLast) {
  A100WithMig();
  const Result bad = Run({"create-gi", "19,19,14,9"});
  EXPECT_EQ(bad.exit_code, 1) << Show({"create-gi", "19,19,14,9"}, bad);
  EXPECT_EQ(
      bad.out,
      "Successfully created GPU instance ID 13 on GPU  0 using profile MIG 1g.5gb (ID 19)\n"
      "Successfully created GPU instance ID 11 on GPU  0 using profile MIG 1g.5gb (ID 19)\n"
      "Successfully created GPU instance ID  3 on GPU  0 using profile MIG 2g.10gb (ID 14)\n");
  EXPECT_TRUE(Contains(bad.err,
                       "Unable to create a GPU instance on GPU  0 using profile 9: "
                       "Insufficient Resources\n"))
      << bad.err;
  EXPECT_TRUE(Contains(bad.err, "3g.20gb fits only at 0:4 or 4:4, both taken")) << bad.err;
  EXPECT_TRUE(Contains(bad.err, "hint: create the larger profiles first")) << bad.err;
  EXPECT_TRUE(Contains(bad.err, "migctl create-gi -i 0 9,14,19,19")) << bad.err;
  EXPECT_TRUE(Contains(bad.err, "Failed to create GPU instances: Insufficient Resources"))
      << bad.err;
  EXPECT_EQ(RunJson({"instances"}).size(), 3u);

  EXPECT_EQ(Count(RunOk({"destroy-gi", "--all"}), "Successfully destroyed GPU instance"), 3);
  const std::string good = RunOk({"create-gi", "9,19,14,19"});
  EXPECT_EQ(Count(good, "Successfully created GPU instance"), 4) << good;
  EXPECT_EQ(RunJson({"instances"}).size(), 4u);
}

// mig-facts.md §4.3: 7 x 1g on an empty 8-slot GPU land on starts 6, 4, 5, 0, 1, 2, 3.
TEST_F(MigctlE2e, A100SevenAutoPlaced1gLandOnDocumentedStarts) {
  A100WithMig();
  const std::string out = RunOk({"create-gi", "19,19,19,19,19,19,19"});
  std::vector<int> created;
  for (size_t pos = out.find("GPU instance ID "); pos != std::string::npos;
       pos = out.find("GPU instance ID ", pos + 1)) {
    created.push_back(std::stoi(out.substr(pos + 16, 2)));
  }
  EXPECT_EQ(created, (std::vector<int>{13, 11, 12, 7, 8, 9, 10})) << out;
  std::map<int, int> start_of;
  for (const json& gi : RunJson({"instances"})) {
    EXPECT_EQ(Keys(gi), (std::set<std::string>{"gpu", "gi_id", "profile", "profile_id", "start",
                                               "size", "cis"}));
    EXPECT_EQ(gi["profile"], "1g.5gb");
    EXPECT_EQ(gi["size"], 1);
    start_of[gi["gi_id"].get<int>()] = gi["start"].get<int>();
  }
  EXPECT_EQ(start_of,
            (std::map<int, int>{{13, 6}, {11, 4}, {12, 5}, {7, 0}, {8, 1}, {9, 2}, {10, 3}}));
  const Result eighth = Run({"create-gi", "19"});
  EXPECT_EQ(eighth.exit_code, 1);
  EXPECT_TRUE(Contains(eighth.err, "Insufficient Resources")) << eighth.err;
}

TEST_F(MigctlE2e, ExplicitPlacementAndLongProfileNames) {
  A100WithMig();
  EXPECT_EQ(RunOk({"create-gi", "MIG 3G.20GB:0", "-C"}),
            "Successfully created GPU instance ID  1 on GPU  0 using profile MIG 3g.20gb (ID  9)\n"
            "Successfully created compute instance ID  0 on GPU  0 GPU instance ID  1 using "
            "profile MIG 3g.20gb (ID  2)\n");
  const Result bad_start = Run({"create-gi", "9:2"});
  EXPECT_EQ(bad_start.exit_code, 2) << bad_start.err;
  EXPECT_TRUE(Contains(bad_start.err, "{0,4}:4")) << bad_start.err;
}

TEST_F(MigctlE2e, CreateGiWithoutMigIsNotSupported) {
  const Result r = Run({"create-gi", "19", "-i", "0"});
  EXPECT_EQ(r.exit_code, 1) << Show({"create-gi", "19", "-i", "0"}, r);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err,
                       "Unable to create a GPU instance on GPU  0 using profile 19: Not "
                       "Supported"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "migctl mig enable -i 0")) << r.err;
}

TEST_F(MigctlE2e, UnknownProfileIsAUsageErrorListingValidNames) {
  A100WithMig();
  const Result r = Run({"create-gi", "19,3g.40gb"});
  EXPECT_EQ(r.exit_code, 2) << Show({"create-gi", "19,3g.40gb"}, r);
  EXPECT_TRUE(Contains(r.err, "unknown GPU instance profile '3g.40gb' for A100-SXM4-40GB"))
      << r.err;
  for (const char* valid :
       {"1g.5gb (ID 19)", "1g.5gb+me (ID 20)", "1g.10gb (ID 15)", "2g.10gb (ID 14)",
        "3g.20gb (ID 9)", "4g.20gb (ID 5)", "7g.40gb (ID 0)"}) {
    EXPECT_TRUE(Contains(r.err, valid)) << valid << "\n" << r.err;
  }
  EXPECT_EQ(RunJson({"instances"}).size(), 0u) << "a usage error must create nothing";
}

TEST_F(MigctlE2e, GpuIndexOutOfRangeIsAUsageError) {
  const Result r = Run({"gpus", "-i", "8"});
  EXPECT_EQ(r.exit_code, 2) << Show({"gpus", "-i", "8"}, r);
  EXPECT_TRUE(Contains(r.err, "GPU index 8 is out of range; this node has 8 GPUs (valid: 0-7)"))
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Run({"create-gi", "19", "-i", "0,9"}).exit_code, 2);
}

TEST_F(MigctlE2e, ParseErrorsAreUsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"bogus"},
                                             {"gpus", "--bogus"},
                                             {"create-gi"},
                                             {"create-ci"},
                                             {"destroy-ci", "--gi", "x", "--all"},
                                             {"mig"},
                                             {"layouts"}}) {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << Show(args, r);
    EXPECT_TRUE(Contains(r.err, "migctl: error: ")) << Show(args, r);
  }
}

// ---- Compute instances ------------------------------------------------------------------------

TEST_F(MigctlE2e, CreateAndDestroyComputeInstances) {
  A100WithMig();
  EXPECT_EQ(
      RunOk({"create-gi", "9"}),
      "Successfully created GPU instance ID  2 on GPU  0 using profile MIG 3g.20gb (ID  9)\n");
  EXPECT_EQ(RunOk({"create-ci", "--gi", "2"}),
            "Successfully created compute instance ID  0 on GPU  0 GPU instance ID  2 using "
            "profile MIG 3g.20gb (ID  2)\n");

  // A GI with a CI cannot be destroyed (IN_USE, mig-facts.md §9), and migctl says what to do.
  const Result in_use = Run({"destroy-gi", "--gi", "2"});
  EXPECT_EQ(in_use.exit_code, 1) << Show({"destroy-gi", "--gi", "2"}, in_use);
  EXPECT_TRUE(Contains(in_use.err,
                       "Unable to destroy GPU instance ID  2 from GPU  0: In use by "
                       "another client\n"))
      << in_use.err;
  EXPECT_TRUE(Contains(in_use.err,
                       "it still has 1 compute instance(s); destroy them first: "
                       "migctl destroy-ci -i 0 --gi 2 --all"))
      << in_use.err;

  EXPECT_EQ(RunOk({"destroy-ci", "--gi", "2", "--ci", "0"}),
            "Successfully destroyed compute instance ID  0 from GPU  0 GPU instance ID  2\n");
  // Three 1-slice CIs fill a 3g (mig-facts.md §5: 1c.3g.20gb x3), by name and by CI profile ID.
  EXPECT_EQ(RunOk({"create-ci", "--gi", "2", "1c.3g.20gb,MIG 1c.3g.20gb", "0"}),
            "Successfully created compute instance ID  0 on GPU  0 GPU instance ID  2 using "
            "profile MIG 1c.3g.20gb (ID  0)\n"
            "Successfully created compute instance ID  1 on GPU  0 GPU instance ID  2 using "
            "profile MIG 1c.3g.20gb (ID  0)\n"
            "Successfully created compute instance ID  2 on GPU  0 GPU instance ID  2 using "
            "profile MIG 1c.3g.20gb (ID  0)\n");
  const json gis = RunJson({"instances"});
  ASSERT_EQ(gis.size(), 1u);
  ASSERT_EQ(gis[0]["cis"].size(), 3u);
  std::set<std::string> uuids;
  for (const json& ci : gis[0]["cis"]) {
    EXPECT_EQ(Keys(ci), (std::set<std::string>{"ci_id", "profile", "profile_id", "uuid"}));
    uuids.insert(ci["uuid"].get<std::string>());
    EXPECT_EQ(ci["uuid"].get<std::string>().rfind("MIG-", 0), 0u) << ci;
  }
  EXPECT_EQ(uuids.size(), 3u);
  EXPECT_EQ(gis[0]["cis"][2]["profile"], "1c.3g.20gb");
  const Result full = Run({"create-ci", "--gi", "2", "1c.3g.20gb"});
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_TRUE(Contains(full.err, "Insufficient Resources")) << full.err;

  const Result unknown = Run({"create-ci", "--gi", "2", "4c.3g.20gb"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "1c.3g.20gb (ID 0)")) << unknown.err;

  EXPECT_EQ(Count(RunOk({"destroy-ci", "--gi", "2", "--all"}), "Successfully destroyed"), 3);
  EXPECT_EQ(RunOk({"destroy-gi", "--gi", "2"}),
            "Successfully destroyed GPU instance ID  2 from GPU  0\n");
}

TEST_F(MigctlE2e, DestroyGiAllNeedsWithCiForInstancesThatHaveComputeInstances) {
  A100WithMig();
  RunOk({"create-gi", "9,9", "-C"});
  const Result refused = Run({"destroy-gi", "--all"});
  EXPECT_EQ(refused.exit_code, 1) << Show({"destroy-gi", "--all"}, refused);
  EXPECT_EQ(Count(refused.err, "In use by another client"), 3) << refused.err;  // 2 lines + summary
  EXPECT_EQ(RunJson({"instances"}).size(), 2u);
  const std::string out = RunOk({"destroy-gi", "--all", "--with-ci"});
  EXPECT_EQ(Count(out, "Successfully destroyed compute instance"), 2) << out;
  EXPECT_EQ(Count(out, "Successfully destroyed GPU instance"), 2) << out;
  EXPECT_EQ(RunJson({"instances"}).size(), 0u);
}

TEST_F(MigctlE2e, DestroyingAMissingGpuInstanceIsNotFound) {
  A100WithMig();
  const Result r = Run({"destroy-gi", "--gi", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "Unable to destroy GPU instance ID  3 from GPU  0: Not Found"))
      << r.err;
}

// ---- Status -----------------------------------------------------------------------------------

// H100 auto placement (mig-facts.md §4.3, data/gpus/H100-SXM5-80GB.yaml): 3g.40gb at 4:4 (GI 2),
// 2g.20gb at 0:2 (GI 3), 1g.10gb at 2:1 (GI 9); only unit 3 stays free, so one more 1g.10gb fits
// and nothing else (1g.20gb needs 2:2, 2g.20gb too, 3g/4g/7g a free half or the whole GPU).
TEST_F(MigctlE2e, StatusPictureShowsInstancesAndRemainingCapacity) {
  Emulate("H100-SXM5-80GB");
  RunOk({"mig", "enable"});
  RunOk({"create-gi", "9,14,19", "-C"});
  const std::string out = RunOk({"status"});
  for (const char* expected :
       {"GPU 0: NVIDIA H100 80GB HBM3 (H100-SXM5-80GB)  MIG Enabled", "| GI 3", "| GI 9", "| free",
        "| GI 2", "| 3g.40gb", "| 2g.20gb", "| 1g.10gb", "free units: 3",
        "memory: 70528 of 81559 MiB", "could still create: 1g.10gb x1\n"}) {
    EXPECT_TRUE(Contains(out, expected)) << expected << "\n" << out;
  }
  EXPECT_FALSE(Contains(out, "\x1b[")) << "no colour when stdout is not a terminal";
  const json status = RunJson({"status"});
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(Keys(status[0]),
            (std::set<std::string>{"gpu", "name", "model", "mig_current", "mig_pending", "units",
                                   "gpu_instances", "free_units", "can_create", "memory_used_mib",
                                   "memory_total_mib"}));
  EXPECT_EQ(status[0]["units"], 8);
  EXPECT_EQ(status[0]["free_units"], json::array({3}));
  EXPECT_EQ(status[0]["can_create"], json::parse(R"([{"profile":"1g.10gb","id":19,"count":1}])"));
  EXPECT_EQ(status[0]["gpu_instances"].size(), 3u);
}

TEST_F(MigctlE2e, StatusSaysHowToEnableMig) {
  Emulate("A100-SXM4-40GB");
  const std::string out = RunOk({"status"});
  EXPECT_TRUE(Contains(out,
                       "MIG is disabled. Enable it with `migctl mig enable -i 0`, then "
                       "`migctl reset -i 0`"))
      << out;
}

// ---- Layouts and models -----------------------------------------------------------------------

// scheduling.md §4.1 / mig-facts.md §4.1: 19 maximal A100 layouts of the classic five profiles on
// current drivers; 18 when 3g+4g may not coexist (drivers before R510).
TEST_F(MigctlE2e, A100LayoutCountsMatchTheClassicEnumeration) {
  const std::vector<std::string> base = {"layouts", "A100-SXM4-40GB", "--profiles",
                                         "1g.5gb,2g.10gb,3g.20gb,4g.20gb,7g.40gb"};
  const std::string maximal = RunOk(base);
  EXPECT_TRUE(Contains(maximal, "\n19 maximal layouts\n")) << maximal;
  std::vector<std::string> forbid = base;
  forbid.insert(forbid.end(), {"--forbid", "3g.20gb+4g.20gb"});
  EXPECT_TRUE(Contains(RunOk(forbid), "\n18 maximal layouts\n"));
  const json j = RunJson(forbid);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"model", "count", "layouts"}));
  EXPECT_EQ(j["model"], "A100-SXM4-40GB");
  EXPECT_EQ(j["count"], 18);
  ASSERT_EQ(j["layouts"].size(), 18u);
  EXPECT_EQ(Keys(j["layouts"][0][0]), (std::set<std::string>{"profile", "id", "start", "size"}));
  const Result unknown = Run({"layouts", "Z100"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "A100-SXM4-40GB")) << unknown.err;
}

TEST_F(MigctlE2e, ModelsListTheCatalog) {
  const json models = RunJson({"models"});
  bool found = false;
  for (const json& m : models) {
    EXPECT_EQ(Keys(m),
              (std::set<std::string>{"id", "name", "architecture", "memory_mib", "placement_units",
                                     "compute_slices", "max_gpu_instances"}));
    if (m["id"] == "H100-SXM5-80GB") {
      found = true;
      EXPECT_EQ(m["name"], "NVIDIA H100 80GB HBM3");
      EXPECT_EQ(m["architecture"], "Hopper");
      EXPECT_EQ(m["memory_mib"], 81559);
      EXPECT_EQ(m["placement_units"], 8);
    }
  }
  EXPECT_TRUE(found);
}

// ---- JSON and help on every command -----------------------------------------------------------

TEST_F(MigctlE2e, EveryReadCommandPrintsParsableJson) {
  A100WithMig();
  RunOk({"create-gi", "9,19", "-C"});
  const json placements = RunJson({"placements"});
  ASSERT_FALSE(placements.empty());
  EXPECT_EQ(Keys(placements[0]), (std::set<std::string>{"gpu", "id", "name", "placements"}));
  EXPECT_EQ(RunJson({"instances"}).size(), 2u);
  EXPECT_EQ(RunJson({"status"}).size(), 1u);
  EXPECT_EQ(RunJson({"gpus"}).size(), 1u);
  EXPECT_EQ(RunJson({"profiles"}).size(), 7u);
  EXPECT_FALSE(RunJson({"models"}).empty());
  EXPECT_EQ(RunJson({"layouts", "A30-24GB"})["model"], "A30-24GB");
  const json show = RunJson({"emulator", "show"});
  EXPECT_EQ(Keys(show), (std::set<std::string>{"state_dir", "state_file", "spec", "gpus", "faults",
                                               "process_faults"}));
  EXPECT_EQ(show["spec"], "A100-SXM4-40GB");
  EXPECT_EQ(show["state_file"], StatePath());
  EXPECT_EQ(Keys(RunJson({"emulator", "fault", "list"})),
            (std::set<std::string>{"faults", "process_faults"}));
}

TEST_F(MigctlE2e, HelpForEveryCommandMentionsItsArguments) {
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
      {{}, {"status", "create-gi", "Exit status", "MIGKIT_EMULATE"}},
      {{"status"}, {"--gpu", "--json", "Examples"}},
      {{"gpus"}, {"--gpu", "--json"}},
      {{"profiles"}, {"--gpu", "--json"}},
      {{"placements"}, {"--gpu", "--json"}},
      {{"instances"}, {"--gpu", "--json"}},
      {{"mig"}, {"enable", "disable"}},
      {{"mig", "enable"}, {"--gpu"}},
      {{"mig", "disable"}, {"--gpu"}},
      {{"reset"}, {"--gpu", "--all"}},
      {{"create-gi"}, {"PROFILE[:START]", "--with-ci", "--gpu"}},
      {{"create-ci"}, {"--gi", "PROFILE", "--gpu"}},
      {{"destroy-ci"}, {"--gi", "--ci", "--all"}},
      {{"destroy-gi"}, {"--gi", "--all", "--with-ci"}},
      {{"layouts"}, {"model", "--all", "--profiles", "--forbid", "--json"}},
      {{"models"}, {"--json"}},
      {{"emulator"}, {"show", "init", "fault"}},
      {{"emulator", "show"}, {"--json"}},
      {{"emulator", "init"}, {"--emulate", "--force"}},
      {{"emulator", "fault"}, {"add", "list", "clear"}},
      {{"emulator", "fault", "add"}, {"RULE", "OP[@GPU]=CODE"}},
      {{"emulator", "fault", "list"}, {"--json"}},
      {{"emulator", "fault", "clear"}, {"Examples"}},
  };
  for (const auto& [command, mentions] : cases) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    for (const std::string& m : mentions)
      EXPECT_TRUE(Contains(r.out, m)) << m << "\n" << Show(args, r);
  }
  const Result version = Run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(Contains(version.out, "migctl ")) << version.out;
}

// ---- Concurrency ------------------------------------------------------------------------------

// Seven processes racing for the seven 1g slots: the emulator's file lock serialises them, so all
// succeed and no update is lost.
TEST_F(MigctlE2e, ConcurrentCreatesLoseNoUpdate) {
  A100WithMig();
  std::vector<Result> results(7);
  std::vector<std::thread> threads;
  for (Result& r : results) {
    threads.emplace_back([this, &r] { r = Run({"create-gi", "19", "-i", "0"}); });
  }
  for (std::thread& t : threads) t.join();
  for (const Result& r : results) EXPECT_EQ(r.exit_code, 0) << Show({"create-gi", "19"}, r);
  std::set<int> ids;
  for (const json& gi : RunJson({"instances"})) ids.insert(gi["gi_id"].get<int>());
  EXPECT_EQ(ids, (std::set<int>{7, 8, 9, 10, 11, 12, 13}));
}

// Eight processes, one per GPU of the default node, each creating two GIs with CIs and destroying
// one of them again, all at once.
TEST_F(MigctlE2e, ConcurrentCreateAndDestroyOnDifferentGpusStayConsistent) {
  RunOk({"mig", "enable"});
  std::vector<std::string> failures(8);
  std::vector<std::thread> threads;
  for (int gpu = 0; gpu < 8; ++gpu) {
    threads.emplace_back([this, gpu, &failures] {
      const std::string i = std::to_string(gpu);
      for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
               {"create-gi", "-i", i, "9:0,19", "-C"},
               {"destroy-gi", "-i", i, "--gi", "1", "--with-ci"}}) {
        const Result r = Run(args);
        if (r.exit_code != 0) failures[static_cast<size_t>(gpu)] += Show(args, r);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  const json gis = RunJson({"instances"});
  ASSERT_EQ(gis.size(), 8u);
  for (size_t n = 0; n < gis.size(); ++n) {
    EXPECT_EQ(gis[n]["gpu"], n);
    EXPECT_EQ(gis[n]["gi_id"], 13);  // the 1g went to start 6 (mig-facts.md §4.3)
    EXPECT_EQ(gis[n]["profile"], "1g.10gb");
    EXPECT_EQ(gis[n]["cis"].size(), 1u);
  }
}

// ---- Environment and state errors -------------------------------------------------------------

TEST_F(MigctlE2e, CorruptStateFileExits3AndIsLeftUntouched) {
  std::filesystem::create_directories(StateDir());
  const std::string garbage = "{\"format\": 1, \"gpus\": [oops\n";
  { std::ofstream(StatePath(), std::ios::binary) << garbage; }
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"gpus"}, {"create-gi", "19"}, {"status", "--json"}}) {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 3) << Show(args, r);
    EXPECT_TRUE(Contains(r.err, StatePath())) << r.err;
    EXPECT_TRUE(Contains(r.err, "migctl emulator init --force")) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(ReadFile(StatePath()), garbage);
  // The way out the message names.
  const Result refused = Run({"emulator", "init"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_EQ(ReadFile(StatePath()), garbage);
  RunOk({"emulator", "init", "--force"});
  EXPECT_EQ(RunJson({"gpus"}).size(), 8u);
}

TEST_F(MigctlE2e, BadMigkitEmulateIsAnEnvironmentError) {
  const Result r = Run({"gpus"}, {{"MIGKIT_EMULATE", "Z100-SXM9"}});
  EXPECT_EQ(r.exit_code, 3) << Show({"gpus"}, r);
  EXPECT_TRUE(Contains(r.err, "MIGKIT_EMULATE")) << r.err;
}

TEST_F(MigctlE2e, EmulatorInitReplacesTheNodeOnlyWithForce) {
  RunOk({"gpus"});  // creates the default node
  const Result refused = Run({"emulator", "init", "--emulate", "2xA30-24GB"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  RunOk({"emulator", "init", "--force", "--emulate", "2xA30-24GB"});
  const json gpus = RunJson({"gpus"});
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus[1]["model"], "A30-24GB");
  EXPECT_TRUE(Contains(RunOk({"emulator", "show"}), "2xA30-24GB"));
}

// ---- Fault injection --------------------------------------------------------------------------

TEST_F(MigctlE2e, ProcessFaultFromMigkitFaults) {
  A100WithMig();
  const Result r = Run({"create-gi", "19"}, {{"MIGKIT_FAULTS", "create-gi=in_use"}});
  EXPECT_EQ(r.exit_code, 1) << Show({"create-gi", "19"}, r);
  EXPECT_TRUE(Contains(r.err,
                       "Unable to create a GPU instance on GPU  0 using profile 19: In use "
                       "by another client"))
      << r.err;
  EXPECT_EQ(RunJson({"instances"}).size(), 0u);
  RunOk({"create-gi", "19"});  // the next process has no fault
}

TEST_F(MigctlE2e, SharedFaultFiresOnceForTheNextProcess) {
  A100WithMig();
  RunOk({"emulator", "fault", "add", "create-gi=insufficient_resources"});
  EXPECT_TRUE(Contains(RunOk({"emulator", "fault", "list"}), "create-gi=insufficient_resources"));
  const Result first = Run({"create-gi", "19"});
  EXPECT_EQ(first.exit_code, 1) << Show({"create-gi", "19"}, first);
  EXPECT_TRUE(Contains(first.err, "Insufficient Resources")) << first.err;
  RunOk({"create-gi", "19"});
  EXPECT_EQ(RunOk({"emulator", "fault", "list"}), "no shared faults\n");
  const Result bad_rule = Run({"emulator", "fault", "add", "create-gi=on_fire"});
  EXPECT_EQ(bad_rule.exit_code, 2);
  EXPECT_TRUE(Contains(bad_rule.err, "insufficient_resources")) << bad_rule.err;
}

TEST_F(MigctlE2e, VerboseNamesTheBackendOnStderrOnly) {
  const Result r = Run({"gpus", "--json", "-v"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, "# emulated node: 8xH100-SXM5-80GB")) << r.err;
  EXPECT_FALSE(json::parse(r.out, nullptr, false).is_discarded());
}

// ---- Issue 14: state you can trust --------------------------------------------------------------

// A hostile node.json ends in exit 3 naming the path and the way out, through NVML (the default)
// and directly alike; `emulator init --force` then replaces it.
TEST_F(MigctlE2e, HostileStateFileIsRefusedWithTheWayOut) {
  RunOk({"status"});  // creates the node
  for (const std::string kind : {"fifo", "dangling-link", "dev-zero-link"}) {
    std::filesystem::remove(StatePath());
    if (kind == "fifo") {
      ASSERT_EQ(::mkfifo(StatePath().c_str(), 0644), 0);
    } else {
      std::filesystem::create_symlink(kind == "dangling-link" ? dir_ + "/nowhere" : "/dev/zero",
                                      StatePath());
    }
    for (const char* backend : {"emulator", "direct"}) {
      const Result r = Run({"status"}, {{"MIGKIT_BACKEND", backend}});
      EXPECT_EQ(r.exit_code, 3) << kind << " " << backend << Show({"status"}, r);
      EXPECT_TRUE(Contains(r.err, StatePath())) << r.err;
      EXPECT_TRUE(Contains(r.err, "migctl emulator init --force")) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/nowhere"));  // nothing created behind the link
    const Result init = Run({"emulator", "init"});
    EXPECT_NE(init.exit_code, 0) << kind;  // refuses without --force
    RunOk({"emulator", "init", "--force"});
    EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::symlink_status(StatePath())));
    RunOk({"status"});
  }
}

TEST_F(MigctlE2e, CorruptStateHasTheSameCauseAndExitCodeThroughNvml) {
  RunOk({"status"});
  { std::ofstream(StatePath()) << "{\"format\": 1, \"spec\": \"H100-SXM5-80GB\", \"gpus\": null}"; }
  const Result direct = Run({"status"}, {{"MIGKIT_BACKEND", "direct"}});
  const Result nvml = Run({"status"}, {{"MIGKIT_BACKEND", "emulator"}});
  EXPECT_EQ(direct.exit_code, 3) << Show({"status"}, direct);
  EXPECT_EQ(nvml.exit_code, 3) << Show({"status"}, nvml);
  EXPECT_TRUE(Contains(nvml.err, "\"gpus\" is null")) << nvml.err;
  EXPECT_FALSE(Contains(nvml.err, "Unknown Error")) << nvml.err;
}

TEST_F(MigctlE2e, CliEdgesOfIssue14) {
  // An unknown command is an error even with --help.
  const Result unknown = Run({"destroy-everything", "--help"});
  EXPECT_EQ(unknown.exit_code, 2) << Show({"destroy-everything", "--help"}, unknown);
  EXPECT_TRUE(Contains(unknown.err, "destroy-everything")) << unknown.err;
  // A count too large for an int is a bad count, not an unknown model.
  const Result big = Run({"status"}, {{"MIGKIT_EMULATE", "99999999999xH100-SXM5-80GB"}});
  EXPECT_EQ(big.exit_code, 3) << Show({"status"}, big);
  EXPECT_TRUE(Contains(big.err, "GPU count")) << big.err;
  EXPECT_FALSE(Contains(big.err, "unknown GPU model")) << big.err;

  Emulate("H100-SXM5-80GB");
  RunOk({"mig", "enable", "-i", "0"});
  // 7g.80gb (profile 0) spans the GPU and is GI 0 (mig-facts.md §4.2).
  RunOk({"create-gi", "-i", "0", "0"});
  // Naming a GPU instance twice destroys it once, as -i 0,0 selects GPU 0 once.
  const std::string once = RunOk({"destroy-gi", "-i", "0", "--gi", "0,0"});
  EXPECT_EQ(Count(once, "Successfully destroyed GPU instance"), 1) << once;
  // destroy-ci without --gi or --ci destroys every compute instance, as nvidia-smi mig -dci.
  RunOk({"create-gi", "-i", "0", "0"});
  RunOk({"create-ci", "-i", "0", "--gi", "0", "1c.7g.80gb,1c.7g.80gb"});
  const std::string all = RunOk({"destroy-ci", "-i", "0"});
  EXPECT_EQ(Count(all, "Successfully destroyed compute instance"), 2) << all;

  // plan: limits a user may not give.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--time-limit", "-1"},
                                             {"--time-limit", "nan"},
                                             {"--time-limit", "1e18"},
                                             {"--gpus-per-node", "0"}}) {
    std::vector<std::string> argv = {"plan", "--fleet", "2xH100-SXM5-80GB", "--demand",
                                     "1g.10gb=2"};
    argv.insert(argv.end(), args.begin(), args.end());
    const Result r = Run(argv);
    EXPECT_EQ(r.exit_code, 2) << Show(argv, r);
    EXPECT_TRUE(Contains(r.err, args[0])) << r.err;
  }
  // A config file with two YAML documents is refused, not cut to the first.
  const std::string file = dir_ + "/two.yaml";
  std::ofstream(file) << "version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: "
                         "false\n---\nversion: v1\nmig-configs:\n  b:\n    - devices: all\n"
                         "      mig-enabled: false\n";
  const Result two = Run({"apply", "-f", file, "-c", "a"});
  EXPECT_EQ(two.exit_code, 2) << Show({"apply"}, two);
  EXPECT_TRUE(Contains(two.err, "2 YAML documents")) << two.err;
}

}  // namespace
