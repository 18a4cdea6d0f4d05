#include "slurm/slurm_apply.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "env/env.h"
#include "reconfig/busy.h"
#include "reconfig/test_support.h"
#include "slurm/slurm_conf_edit.h"
#include "testing/failing_backend.h"
#include "testing/mem_env.h"
#include "testing/status_matchers.h"

namespace migkit::slurm {
namespace {

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  start:
    - devices: all
      mig-enabled: true
      mig-devices: {"3g.20gb": 1, "2g.10gb": 1, "1g.5gb": 2}
  same-count:
    - devices: all
      mig-enabled: true
      mig-devices: {"3g.20gb": 1, "1g.10gb": 1, "1g.5gb": 2}
  five:
    - devices: all
      mig-enabled: true
      mig-devices: {"3g.20gb": 1, "1g.5gb": 4}
)";

constexpr char kSlurmConf[] =
    "ClusterName=migkit\n"
    "NodeName=vm NodeAddr=127.0.0.1 CPUs=2 Gres=gpu:a100_3g.20gb:1,gpu:a100_2g.10gb:1,"
    "gpu:a100_1g.5gb:2 State=UNKNOWN  # the GPU node\n"
    "PartitionName=debug Nodes=ALL Default=YES\n";

// A Slurm that reads its Gres= from slurm.conf on MemEnv when slurmctld restarts, registers
// slurmd anew on its restart, and records every call.
class FakeSlurm : public SlurmControl {
 public:
  explicit FakeSlurm(MemEnv* env) : env_(env) { LoadGres(); }

  StatusOr<std::string> ShowNode(const std::string& node) override {
    return "NodeName=" + node + " Arch=x86_64\n   Gres=" + gres_ + "\n   State=" + state_ +
           " ThreadsPerCore=1\n   SlurmdStartTime=T" + std::to_string(slurmd_starts_) +
           " LastBusyTime=X\n   Reason=" + reason_ + "\n";
  }
  StatusOr<std::string> ShowJobs() override { return jobs_; }
  Status UpdateNode(const std::string& node, const std::string& state,
                    const std::string& reason) override {
    calls.push_back("update " + node + " " + state);
    if (state == "DRAIN") {
      state_ = "MIXED+DRAIN";
      reason_ = reason;
    } else if (state == "RESUME") {
      state_ = "MIXED";
      reason_.clear();
    }
    return Status::Ok();
  }
  Status Restart(const std::string& daemon) override {
    calls.push_back("restart " + daemon);
    if (on_restart) on_restart();
    if (daemon == fail_restart_of) {
      fail_restart_of.clear();
      return Status::Unknown(daemon + " did not start");
    }
    if (daemon == "slurmctld") LoadGres();
    if (daemon == "slurmd") ++slurmd_starts_;
    return Status::Ok();
  }

  std::vector<std::string> calls;
  std::string jobs_;
  std::string reason_;
  std::string fail_restart_of;
  std::function<void()> on_restart;

 private:
  void LoadGres() {
    const std::string conf = env_->Contents("/etc/slurm/slurm.conf");
    const std::size_t p = conf.find("Gres=");
    gres_ = p == std::string::npos ? "" : conf.substr(p + 5, conf.find(' ', p) - p - 5);
  }
  MemEnv* env_;
  std::string gres_;
  std::string state_ = "MIXED";
  int slurmd_starts_ = 0;
};

class SlurmApplyTest : public ::testing::Test {
 protected:
  SlurmApplyTest() : node_(NewTestNode(&env_, "/n", "1xA100-SXM4-40GB")) {
    MustApply(node_.get(), &env_, Desire("start"));
    EXPECT_OK(env_.WriteFileAtomic("/etc/slurm/slurm.conf", kSlurmConf));
    EXPECT_OK(env_.WriteFileAtomic("/etc/slurm/gres.conf", "AutoDetect=nvml\n"));
    slurm_ = std::make_unique<FakeSlurm>(&env_);
    options_.node = "vm";
    options_.slurm_conf = "/etc/slurm/slurm.conf";
    options_.gres_conf = "/etc/slurm/gres.conf";
    options_.config_name = "same-count";
  }
  Desired Desire(const std::string& name) {
    return ConfigDesired(kConfigs, name, MustSnapshot(node_.get()));
  }
  SlurmApplyResult Run(const std::string& name, Backend* backend = nullptr) {
    options_.config_name = name;
    return SlurmApply(
        backend ? backend : node_.get(), &env_, slurm_.get(),
        [this](std::int64_t micros) { env_.Advance(micros); }, Desire(name), options_);
  }
  // The MIG UUID of GI `gi`'s CI 0, or "" if there is none.
  std::string Uuid(int gi) {
    const auto uuids = MustSnapshot(node_.get())[0].mig_uuids;
    auto it = uuids.find({gi, 0});
    return it == uuids.end() ? "" : it->second;
  }

  MemEnv env_;
  std::unique_ptr<EmulatedNode> node_;
  std::unique_ptr<FakeSlurm> slurm_;
  SlurmApplyOptions options_;
};

// The GRES indices of "start" in the plugin's order: 0 = 3g.20gb (GI 2), 1 = 2g.10gb (GI 3),
// 2 and 3 = 1g.5gb (GIs 9 and 10), as slurmd -G reported them (cluster-and-service.md §1.3).
constexpr char kJobOnThe3g[] =
    "JobId=5 JobName=wrap\n   JobState=RUNNING Reason=None\n"
    "     Nodes=vm CPU_IDs=0 Mem=0 GRES=gpu:a100_3g.20gb:1(IDX:0)\n";
constexpr char kJobOnThe2g[] =
    "JobId=7 JobName=wrap\n   JobState=RUNNING Reason=None\n"
    "     Nodes=vm CPU_IDs=0 Mem=0 GRES=gpu:a100_2g.10gb:1(IDX:1)\n";

TEST_F(SlurmApplyTest, KeepsTheJobOnAKeptInstanceAndResumesWithTheNewGres) {
  const std::string uuid_3g = Uuid(2);
  slurm_->jobs_ = kJobOnThe3g;
  const SlurmApplyResult r = Run("same-count");
  ASSERT_EQ(r.outcome, SlurmApplyOutcome::kApplied) << r.status.message();
  EXPECT_TRUE(r.jobs_waited_for.empty());
  EXPECT_EQ(Uuid(2), uuid_3g);
  EXPECT_EQ(r.old_gres, "gpu:a100_3g.20gb:1,gpu:a100_2g.10gb:1,gpu:a100_1g.5gb:2");
  // 1g.10gb: 9856 MiB -> 10 GB (data/gpus/A100-SXM4-40GB.yaml).
  EXPECT_EQ(r.new_gres, "gpu:a100_3g.20gb:1,gpu:a100_1g.10gb:1,gpu:a100_1g.5gb:2");
  EXPECT_EQ(env_.Contents("/etc/slurm/slurm.conf"),
            "ClusterName=migkit\n"
            "NodeName=vm NodeAddr=127.0.0.1 CPUs=2 Gres=gpu:a100_3g.20gb:1,gpu:a100_1g.10gb:1,"
            "gpu:a100_1g.5gb:2 State=UNKNOWN  # the GPU node\n"
            "PartitionName=debug Nodes=ALL Default=YES\n");
  EXPECT_EQ(slurm_->calls, (std::vector<std::string>{"update vm DRAIN", "restart slurmctld",
                                                     "restart slurmd", "update vm RESUME"}));
}

TEST_F(SlurmApplyTest, WaitsForAJobOnAnInstanceThatGoesThenLeavesTheNodeDrained) {
  slurm_->jobs_ = kJobOnThe2g;
  options_.wait_jobs_micros = 3000000;
  options_.poll_micros = 1000000;
  const std::string before = MustSnapshot(node_.get())[0].mig_uuids.begin()->second;
  const SlurmApplyResult r = Run("same-count");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kRefused);
  EXPECT_EQ(r.status.code(), Code::kTimeout);
  EXPECT_EQ(r.jobs_waited_for, std::vector<std::string>{"7"});
  EXPECT_EQ(MustSnapshot(node_.get())[0].mig_uuids.begin()->second, before);
  EXPECT_EQ(env_.Contents("/etc/slurm/slurm.conf"), kSlurmConf);
  EXPECT_EQ(slurm_->calls, (std::vector<std::string>{"update vm DRAIN", "update vm DRAIN"}));
  EXPECT_EQ(slurm_->reason_.rfind("migkit: apply same-count not done: job(s) 7 still hold", 0), 0u)
      << slurm_->reason_;
}

TEST_F(SlurmApplyTest, AJobThatEndsWhileWaitingLetsTheChangeGoOn) {
  slurm_->jobs_ = kJobOnThe2g;
  options_.wait_jobs_micros = 60000000;
  options_.poll_micros = 1000000;
  // The job ends during the first wait.
  SlurmApplyResult r = SlurmApply(
      node_.get(), &env_, slurm_.get(),
      [this](std::int64_t micros) {
        env_.Advance(micros);
        slurm_->jobs_.clear();
      },
      Desire("same-count"), options_);
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kApplied) << r.status.message();
  EXPECT_EQ(r.jobs_waited_for, std::vector<std::string>{"7"});
}

TEST_F(SlurmApplyTest, ANewGpuCountMeansEveryGpuJobMustEndFirst) {
  // Slurm 22.05 kills every job of a node whose GPU count changed; even the kept 3g's job.
  slurm_->jobs_ = kJobOnThe3g;
  const SlurmApplyResult r = Run("five");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kRefused);
  EXPECT_EQ(r.jobs_waited_for, std::vector<std::string>{"5"});
}

TEST_F(SlurmApplyTest, AFailedMigStepRollsBackAndLeavesTheNodeDrainedWithTheReason) {
  const std::vector<GpuInfo> start = MustSnapshot(node_.get());
  FailingBackend failing(node_.get(), 2, Code::kInsufficientResources);
  const SlurmApplyResult r = Run("same-count", &failing);
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kFailed);
  EXPECT_EQ(MustSnapshot(node_.get())[0].state, start[0].state);
  EXPECT_EQ(env_.Contents("/etc/slurm/slurm.conf"), kSlurmConf);
  EXPECT_EQ(slurm_->calls, (std::vector<std::string>{"update vm DRAIN", "update vm DRAIN"}));
  EXPECT_NE(slurm_->reason_.find("layout rolled back"), std::string::npos) << slurm_->reason_;
}

TEST_F(SlurmApplyTest, ARestartThatFailsPutsLayoutAndFilesBack) {
  const std::vector<GpuInfo> start = MustSnapshot(node_.get());
  slurm_->fail_restart_of = "slurmd";
  const SlurmApplyResult r = Run("same-count");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kFailed);
  EXPECT_EQ(MustSnapshot(node_.get())[0].state, start[0].state);  // same IDs and placements
  EXPECT_EQ(env_.Contents("/etc/slurm/slurm.conf"), kSlurmConf);
  EXPECT_EQ(env_.Contents("/etc/slurm/gres.conf"), "AutoDetect=nvml\n");
  EXPECT_EQ(slurm_->calls.back(), "update vm DRAIN");
  EXPECT_NE(r.status.message().find("rolled back: layout, files, daemons"), std::string::npos)
      << r.status.message();
}

TEST_F(SlurmApplyTest, DryRunListsEveryStepAndChangesNothing) {
  options_.dry_run = true;
  const std::vector<GpuInfo> start = MustSnapshot(node_.get());
  const SlurmApplyResult r = Run("same-count");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kPlanned);
  EXPECT_TRUE(slurm_->calls.empty());
  EXPECT_EQ(MustSnapshot(node_.get())[0].state, start[0].state);
  ASSERT_GE(r.steps.size(), 6u);
  EXPECT_EQ(r.steps.front(), "drain node vm (reason: migkit: apply same-count in progress)");
  // Index 1 is the 2g.10gb, which same-count replaces by a 1g.10gb.
  EXPECT_EQ(r.steps[1], "wait for the jobs holding GPU index(es) 1 (removed or renumbered)");
  EXPECT_EQ(r.steps.back(), "resume node vm");
}

TEST_F(SlurmApplyTest, ASlurmConfWithoutTheNodeIsRefusedBeforeAnythingChanges) {
  options_.node = "gpu07";
  const SlurmApplyResult r = Run("same-count");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kRefused);
  EXPECT_EQ(r.status.code(), Code::kNotFound);
  EXPECT_TRUE(slurm_->calls.empty());
}

TEST_F(SlurmApplyTest, NothingToDoWhenLayoutAndFilesAgree) {
  options_.mode = GresConfMode::kAutoDetectNvml;
  ASSERT_EQ(Run("same-count").outcome, SlurmApplyOutcome::kApplied);
  slurm_->calls.clear();
  EXPECT_EQ(Run("same-count").outcome, SlurmApplyOutcome::kAlreadyApplied);
  EXPECT_TRUE(slurm_->calls.empty());
}

TEST_F(SlurmApplyTest, ABusyInstanceTheChangeMustDestroyIsRefusedBeforeTheDrain) {
  // same-count replaces the 2g.10gb (GI 3); a job marked it busy with `migctl busy`.
  const std::vector<GpuInfo> start = MustSnapshot(node_.get());
  BusyStore busy(&env_, "/n");
  BusyMark mark;
  mark.gpu_uuid = start[0].uuid;
  mark.gi_id = 3;
  mark.holder = "job 7";
  ASSERT_OK(busy.Add(mark, env_.NowMicros()));
  options_.busy = &busy;
  const SlurmApplyResult r = Run("same-count");
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kRefused);
  EXPECT_EQ(r.status.code(), Code::kInUse);
  EXPECT_NE(r.status.message().find("busy: job 7"), std::string::npos) << r.status.message();
  EXPECT_TRUE(slurm_->calls.empty());  // not even drained
  EXPECT_EQ(MustSnapshot(node_.get())[0].state, start[0].state);
  EXPECT_EQ(env_.Contents("/etc/slurm/slurm.conf"), kSlurmConf);
  // Released, the same change goes through.
  ASSERT_OK(busy.Remove(mark.gpu_uuid, 3, std::nullopt, "", env_.NowMicros()).status());
  EXPECT_EQ(Run("same-count").outcome, SlurmApplyOutcome::kApplied);
}

// An Env that counts the locks held on one path.
class CountingLocks : public EnvWrapper {
 public:
  CountingLocks(Env* target, std::string path) : EnvWrapper(target), path_(std::move(path)) {}
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path, bool exclusive) override {
    if (path != path_) return EnvWrapper::Lock(path, exclusive);
    ++held;
    ++taken;
    return std::unique_ptr<FileLock>(std::make_unique<Held>(this));
  }
  int held = 0;
  int taken = 0;

 private:
  struct Held : FileLock {
    explicit Held(CountingLocks* owner) : owner_(owner) {}
    ~Held() override { --owner_->held; }
    CountingLocks* owner_;
  };
  std::string path_;
};

TEST_F(SlurmApplyTest, HoldsTheReconfigurationLockFromSnapshotToResume) {
  CountingLocks locks(&env_, "/n/reconfig.lock");
  options_.lock_path = "/n/reconfig.lock";
  int held_at_restart = -1;
  slurm_->on_restart = [&] { held_at_restart = locks.held; };
  const SlurmApplyResult r = SlurmApply(
      node_.get(), &locks, slurm_.get(), [this](std::int64_t micros) { env_.Advance(micros); },
      Desire("same-count"), options_);
  EXPECT_EQ(r.outcome, SlurmApplyOutcome::kApplied);
  EXPECT_EQ(held_at_restart, 1);
  EXPECT_EQ(locks.taken, 1);  // once: Apply inside does not take it again
  EXPECT_EQ(locks.held, 0);   // released at the end
}

}  // namespace
}  // namespace migkit::slurm
