#include "reconfig/apply.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "config/assert.h"
#include "config/builtin.h"
#include "config/resolve.h"
#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  all-1g:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
  all-7g:
    - devices: all
      mig-enabled: true
      mig-devices:
        7g.80gb: 1
)";

class ApplyTest : public ::testing::Test {
 protected:
  ApplyTest() : node_(NewTestNode(&env_, "/n", "1xH100-SXM5-80GB")), busy_(&env_, "/n") {
    MustApply(node_.get(), &env_, ConfigDesired(kConfigs, "all-1g", MustSnapshot(node_.get())));
    ae_.backend = node_.get();
    ae_.busy = &busy_;
    ae_.env = &env_;
    ae_.sleep = [this](std::int64_t micros) {
      env_.Advance(micros);
      if (on_sleep_) on_sleep_();
    };
    uuid_ = MustSnapshot(node_.get())[0].uuid;
  }
  Desired To(const std::string& name) {
    return ConfigDesired(kConfigs, name, MustSnapshot(node_.get()));
  }

  MemEnv env_;
  std::unique_ptr<EmulatedNode> node_;
  BusyStore busy_;
  ApplyEnv ae_;
  std::function<void()> on_sleep_;
  std::string uuid_;
};

TEST_F(ApplyTest, RefusesToDestroyBusyInstancesUnlessForced) {
  ASSERT_OK(
      busy_.Add(BusyMark{uuid_, 7, std::nullopt, "job-42", 0, std::nullopt}, env_.NowMicros()));
  const std::string before = env_.Contents("/n/node.json");
  ApplyResult r = Apply(ae_, To("all-7g"), {});
  EXPECT_EQ(r.outcome, ApplyOutcome::kBusy);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].mark.holder, "job-42");
  EXPECT_EQ(env_.Contents("/n/node.json"), before);

  ApplyOptions force;
  force.force = true;
  r = Apply(ae_, To("all-7g"), force);
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  // The mark's GI is gone, so the mark went with it.
  ASSERT_OK_AND_ASSIGN(std::vector<BusyMark> marks, busy_.List(env_.NowMicros()));
  EXPECT_TRUE(marks.empty());
}

TEST_F(ApplyTest, WaitsForBusyInstancesOnTheClock) {
  ASSERT_OK(busy_.Add(BusyMark{uuid_, 9, 0, "job-1", 0, std::nullopt}, env_.NowMicros()));
  // The job finishes after 90 simulated seconds.
  const std::int64_t release_at = env_.NowMicros() + 90'000'000;
  on_sleep_ = [&] {
    if (env_.NowMicros() >= release_at) {
      EXPECT_OK(busy_.Remove(uuid_, 9, 0, "job-1", env_.NowMicros()));
    }
  };
  ApplyOptions wait;
  wait.wait_micros = 600'000'000;
  wait.poll_micros = 10'000'000;
  std::vector<std::string> log;
  wait.log = [&](const std::string& l) { log.push_back(l); };
  ApplyResult r = Apply(ae_, To("all-7g"), wait);
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  EXPECT_EQ(r.waited_micros, 90'000'000);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front(),
            "waiting for 1 busy instance (" + uuid_ + " GI 9 CI 0 (held by job-1)); 600s left");
}

TEST_F(ApplyTest, GivesUpWhenTheWaitRunsOut) {
  ASSERT_OK(
      busy_.Add(BusyMark{uuid_, 9, std::nullopt, "job-1", 0, std::nullopt}, env_.NowMicros()));
  ApplyOptions wait;
  wait.wait_micros = 30'000'000;
  wait.poll_micros = 10'000'000;
  ApplyResult r = Apply(ae_, To("all-7g"), wait);
  EXPECT_EQ(r.outcome, ApplyOutcome::kBusy);
  EXPECT_EQ(r.waited_micros, 30'000'000);
}

TEST_F(ApplyTest, AvoidsBusyInstancesWhenItCan) {
  // Mark the 1g at 0:1 busy; going to "1g x5 + 2g" can destroy two other 1g GIs instead.
  const char* yaml = R"(version: v1
mig-configs:
  five:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 5
        2g.20gb: 1
)";
  ASSERT_OK(busy_.Add(BusyMark{uuid_, 7, std::nullopt, "job", 0, std::nullopt}, env_.NowMicros()));
  ApplyResult r = Apply(ae_, ConfigDesired(yaml, "five", MustSnapshot(node_.get())), {});
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  EXPECT_TRUE(r.conflicts.empty());
  ASSERT_NE(MustSnapshot(node_.get())[0].state.FindGpuInstance(7), nullptr);
}

TEST_F(ApplyTest, DryRunChangesNothing) {
  const std::string before = env_.Contents("/n/node.json");
  ApplyOptions dry;
  dry.dry_run = true;
  ApplyResult r = Apply(ae_, To("all-7g"), dry);
  EXPECT_EQ(r.outcome, ApplyOutcome::kPlanned);
  EXPECT_FALSE(r.plan.empty());
  EXPECT_EQ(env_.Contents("/n/node.json"), before);
}

// The example configs written after mig-parted's and the GPU operator's documentation apply on the
// emulator, one after the other in file order, and assert as applied afterwards.
TEST(ExampleConfigs, ApplyOnTheEmulator) {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"mig-parted-dgx-a100.yaml", "8xA100-SXM4-40GB"},
      {"mig-parted-dgx-station-80gb.yaml", "4xA100-SXM4-80GB"},
      {"gpu-operator-custom-config.yaml", "8xH100-SXM5-80GB"},
      {"gpu-operator-hopper-blackwell.yaml", "2xB200"},
      {"gpu-operator-hopper-blackwell.yaml", "2xH200-141GB"},
  };
  for (const auto& [name, spec] : examples) {
    std::ifstream in(std::string(MIGKIT_SOURCE_DIR) + "/data/configs/examples/" + name);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(text.str(), name));
    MemEnv env;
    auto node = NewTestNode(&env, "/n", spec);
    for (const NamedMigConfig& config : file.configs) {
      const std::vector<GpuInfo> gpus = MustSnapshot(node.get());
      ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> targets, ResolveConfig(file, config, gpus));
      Desired d;
      d.configs = targets;
      MustApply(node.get(), &env, d);
      EXPECT_TRUE(CheckApplied(MustSnapshot(node.get()), targets).empty())
          << name << " " << config.name;
    }
  }
}

// Every built-in config applies on a node of every model it selects.
TEST(BuiltinConfigs, ApplyOnEveryModel) {
  const MigConfigFile& file = BuiltinMigConfigs();
  for (const std::string& id :
       {std::string("A100-SXM4-40GB"), std::string("A30-24GB"), std::string("H100-SXM5-80GB"),
        std::string("B200"), std::string("RTX-PRO-6000")}) {
    MemEnv env;
    auto node = NewTestNode(&env, "/n", "1x" + id);
    for (const NamedMigConfig& config : file.configs) {
      ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> targets,
                           ResolveConfig(file, config, MustSnapshot(node.get())));
      if (targets.empty()) continue;
      Desired d;
      d.configs = targets;
      MustApply(node.get(), &env, d);
      EXPECT_TRUE(CheckApplied(MustSnapshot(node.get()), targets).empty())
          << id << " " << config.name;
    }
  }
}

// Issue 14 item 2: applies of different configs running at once on one node, each in its own
// thread with its own EmulatedNode on real files (so flock excludes them as separate processes).
// Holding the reconfiguration lock from plan to verification, none may fail or roll back: each
// plans from what the one before it left.
TEST(ConcurrentApply, ApplicationsHoldingTheLockNeverTearEachOther) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "migkit-apply-XXXXXX").string();
  const std::string dir = ::mkdtemp(tmpl.data());
  {
    const FleetSpec spec = *ParseFleetSpec("2xH100-SXM5-80GB", Catalog::BuiltIn());
    ASSERT_TRUE(EmulatedNode::Initialize(Env::Default(), Catalog::BuiltIn(), dir, spec).ok());
  }
  constexpr int kThreads = 4;
  constexpr int kRounds = 4;
  const char* const configs[] = {"all-1g", "all-7g", "all-1g", "all-7g"};
  std::vector<std::string> failures[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      EmulatorOptions options;
      options.state_dir = dir;
      StatusOr<std::unique_ptr<EmulatedNode>> node =
          EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
      if (!node.ok()) {
        failures[t].push_back(node.status().ToString());
        return;
      }
      StatusOr<std::vector<GpuInfo>> gpus = (*node)->Gpus();
      if (!gpus.ok()) {
        failures[t].push_back(gpus.status().ToString());
        return;
      }
      // Each thread alternates between configs, starting at a different one.
      for (int round = 0; round < kRounds; ++round) {
        const std::string name = configs[(t + round) % 4];
        ApplyEnv ae;
        ae.backend = node->get();
        ae.env = Env::Default();
        ApplyOptions options;
        options.lock_path = dir + "/reconfig.lock";
        const ApplyResult r = Apply(ae, ConfigDesired(kConfigs, name, *gpus), options);
        if (r.outcome != ApplyOutcome::kApplied && r.outcome != ApplyOutcome::kAlreadyApplied) {
          failures[t].push_back(name + ": " + r.status.ToString() + " " + r.report.Summary(r.plan));
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(failures[t].empty()) << "thread " << t << ": " << failures[t].front();
  }
  // The node holds one of the configs, whole: the last apply's.
  auto node = EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), {dir, {}, {}});
  ASSERT_TRUE(node.ok());
  const std::vector<GpuInfo> gpus = *(*node)->Gpus();
  for (const GpuInfo& g : gpus) {
    const size_t n = g.state.gpu_instances.size();
    EXPECT_TRUE(n == 1 || n == 7) << "GPU " << g.index << " has " << n << " GPU instances";
    EXPECT_EQ(n, gpus[0].state.gpu_instances.size());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace migkit
