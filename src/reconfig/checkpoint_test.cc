#include "reconfig/checkpoint.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reconfig/apply.h"
#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  balanced:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 2
        2g.20gb: 1
        1c.3g.40gb: 2
  all-1g:
    - devices: [0]
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
    - devices: [1]
      mig-enabled: false
)";

TEST(Checkpoint, RoundTripsThroughJson) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "2xH100-SXM5-80GB");
  MustApply(node.get(), &env, ConfigDesired(kConfigs, "balanced", MustSnapshot(node.get())));
  const std::vector<GpuInfo> gpus = MustSnapshot(node.get());
  const Checkpoint c = MakeCheckpoint(gpus, env.NowMicros());
  const std::string text = SerializeCheckpoint(c, gpus);
  EXPECT_NE(text.find("\"created\": \"2026-01-01T10:00:00Z\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"profile\": \"1c.3g.40gb\""), std::string::npos) << text;
  ASSERT_OK_AND_ASSIGN(Checkpoint parsed, ParseCheckpoint(text, "cp.json"));
  EXPECT_EQ(parsed, c);
}

TEST(Checkpoint, RestoresExactlyAndKeepsWhatIsStillThere) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "2xH100-SXM5-80GB");
  MustApply(node.get(), &env, ConfigDesired(kConfigs, "balanced", MustSnapshot(node.get())));
  const std::string saved_file = env.Contents("/n/node.json");
  const std::vector<GpuInfo> saved = MustSnapshot(node.get());
  const Checkpoint c = MakeCheckpoint(saved, 0);

  MustApply(node.get(), &env, ConfigDesired(kConfigs, "all-1g", MustSnapshot(node.get())));
  const std::vector<GpuInfo> now = MustSnapshot(node.get());
  ASSERT_OK_AND_ASSIGN(std::vector<LayoutTarget> targets, CheckpointTargets(c, now));
  Desired d;
  d.exact = true;
  d.layouts = targets;
  ApplyEnv ae;
  ae.backend = node.get();
  ae.env = &env;
  const ApplyResult r = Apply(ae, d, {});
  ASSERT_EQ(r.outcome, ApplyOutcome::kApplied) << r.status.ToString();
  // GPU 0 kept the 1g GIs that the checkpoint also has (at the same placements).
  EXPECT_GT(r.plan.gpus[0].kept, 0);
  EXPECT_EQ(env.Contents("/n/node.json"), saved_file);
  // A second restore has nothing to do.
  EXPECT_EQ(Apply(ae, d, {}).outcome, ApplyOutcome::kAlreadyApplied);
}

TEST(Checkpoint, RejectsForeignGpusAndBadFiles) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  Checkpoint c = MakeCheckpoint(MustSnapshot(node.get()), 0);
  c.gpus[0].uuid = "GPU-00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(
      CheckpointTargets(c, MustSnapshot(node.get())).status(),
      Status::InvalidArgument("the checkpoint's GPU 0 (GPU-00000000-0000-0000-0000-000000000000) "
                              "is not on this node"));
  c = MakeCheckpoint(MustSnapshot(node.get()), 0);
  c.gpus[0].model_id = "A100-SXM4-40GB";
  EXPECT_EQ(
      CheckpointTargets(c, MustSnapshot(node.get())).status(),
      Status::InvalidArgument("GPU " + c.gpus[0].uuid +
                              " is an H100-SXM5-80GB but the checkpoint recorded A100-SXM4-40GB"));
  EXPECT_EQ(
      ParseCheckpoint("{\"format\": 2}", "cp.json").status(),
      Status::ParseError("cp.json: not a migkit checkpoint (expected {\"format\": 1, \"gpus\": "
                         "[...]}, as `migctl checkpoint` writes)"));
  EXPECT_CODE(ParseCheckpoint("{", "cp.json"), Code::kParseError);
}

// Issue 14 item 4: hand-edited checkpoints are refused, never coerced or half-restored.
TEST(Checkpoint, RefusesCoercedValuesAndInconsistentInstances) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  MustApply(node.get(), &env, ConfigDesired(kConfigs, "balanced", MustSnapshot(node.get())));
  const std::vector<GpuInfo> gpus = MustSnapshot(node.get());
  const std::string text = SerializeCheckpoint(MakeCheckpoint(gpus, 0), gpus);
  using Edit = std::function<void(nlohmann::json&)>;
  // Parsing refuses what is not of the type and range migkit writes.
  for (const Edit& edit : std::vector<Edit>{
           [](auto& j) { j["gpus"][0]["gpu_instances"][0]["id"] = 4294967298ULL; },
           [](auto& j) { j["gpus"][0]["gpu_instances"][0]["id"] = 2.9; },
           [](auto& j) { j["gpus"][0]["mig_enabled"] = 1; },
           [](auto& j) { j["gpus"][0]["gpu_instances"] = nullptr; },
           [](auto& j) { j["gpus"][0]["uuid"] = "GPU-\x1b[31m"; },
           [](auto& j) { j["gpus"].push_back(j["gpus"][0]); },  // the same GPU twice
           [](auto& j) { j["format"] = true; },
       }) {
    nlohmann::json j = nlohmann::json::parse(text);
    edit(j);
    StatusOr<Checkpoint> c = ParseCheckpoint(j.dump(), "cp.json");
    ASSERT_FALSE(c.ok()) << j.dump();
    EXPECT_EQ(c.status().code(), Code::kParseError);
    EXPECT_EQ(c.status().message().rfind("cp.json: ", 0), 0u) << c.status().message();
  }
  // Restoring refuses what this GPU's driver could not have produced, or names that lie.
  for (const Edit& edit : std::vector<Edit>{
           [](auto& j) { j["gpus"][0]["gpu_instances"][0]["id"] = 13; },  // not its placement's
           [](auto& j) { j["gpus"][0]["gpu_instances"][0]["profile"] = "7g.80gb"; },
       }) {
    nlohmann::json j = nlohmann::json::parse(text);
    edit(j);
    StatusOr<Checkpoint> c = ParseCheckpoint(j.dump(), "cp.json");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    const auto targets = CheckpointTargets(*c, gpus);
    ASSERT_FALSE(targets.ok()) << j.dump();
    EXPECT_EQ(targets.status().code(), Code::kInvalidArgument);
    EXPECT_NE(targets.status().message().find(gpus[0].uuid), std::string::npos);
  }
  // The file as written restores.
  EXPECT_TRUE(CheckpointTargets(*ParseCheckpoint(text, "cp.json"), gpus).ok());
}

}  // namespace
}  // namespace migkit
