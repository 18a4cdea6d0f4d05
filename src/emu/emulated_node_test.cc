#include "emu/emulated_node.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace migkit {
namespace {

// A fresh directory per test, removed afterwards.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "migkit-emu-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScopedTempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Fails every atomic write after the first `allowed` ones.
class FailingWriteEnv : public EnvWrapper {
 public:
  FailingWriteEnv(Env* target, int allowed) : EnvWrapper(target), allowed_(allowed) {}
  Status WriteFileAtomic(const std::string& path, std::string_view contents) override {
    if (allowed_-- > 0) return EnvWrapper::WriteFileAtomic(path, contents);
    return Status::IoError(path + ": injected write failure");
  }

 private:
  int allowed_;
};

class EmulatedNodeTest : public testing::Test {
 protected:
  std::unique_ptr<EmulatedNode> Open(const char* spec, Env* env = Env::Default()) {
    EmulatorOptions options;
    options.state_dir = dir_.path();
    if (spec != nullptr) options.spec = *ParseFleetSpec(spec, Catalog::BuiltIn());
    StatusOr<std::unique_ptr<EmulatedNode>> node =
        EmulatedNode::Open(env, &Catalog::BuiltIn(), options);
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    return node.ok() ? std::move(node).value() : nullptr;
  }

  ScopedTempDir dir_;
};

TEST_F(EmulatedNodeTest, DefaultNodeIsDgxH100WithMigOff) {
  auto node = Open(nullptr);
  StatusOr<std::vector<GpuInfo>> gpus = node->Gpus();
  ASSERT_TRUE(gpus.ok());
  ASSERT_EQ(gpus->size(), 8u);
  EXPECT_EQ((*gpus)[0].model->product_name, "NVIDIA H100 80GB HBM3");
  EXPECT_FALSE((*gpus)[7].state.mig_current);
  EXPECT_NE(node->Describe().find("8xH100-SXM5-80GB"), std::string::npos);
}

TEST_F(EmulatedNodeTest, StatePersistsAcrossOpens) {
  {
    auto node = Open("H100-SXM5-80GB");
    Status activation;
    ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
    EXPECT_TRUE(activation.ok());  // Hopper: immediate
    ASSERT_TRUE(node->CreateGpuInstance(0, 9, std::nullopt).ok());
  }
  auto node = Open(nullptr);
  StatusOr<std::vector<GpuInfo>> gpus = node->Gpus();
  ASSERT_TRUE(gpus.ok());
  ASSERT_EQ((*gpus)[0].state.gpu_instances.size(), 1u);
  EXPECT_EQ((*gpus)[0].state.gpu_instances[0].profile_id, 9);
}

TEST_F(EmulatedNodeTest, AmperePendingUntilReset) {
  auto node = Open("A100-SXM4-40GB");
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  EXPECT_EQ(activation.code(), Code::kResetRequired);
  EXPECT_EQ(node->CreateGpuInstance(0, 19, std::nullopt).status().code(), Code::kNotSupported);
  ASSERT_TRUE(node->ResetGpu(0).ok());
  EXPECT_TRUE(node->CreateGpuInstance(0, 19, std::nullopt).ok());
}

TEST_F(EmulatedNodeTest, SpecMismatchIsAnErrorWithAWayOut) {
  Open("A100-SXM4-40GB");
  EmulatorOptions options;
  options.state_dir = dir_.path();
  options.spec = *ParseFleetSpec("2xA30-24GB", Catalog::BuiltIn());
  StatusOr<std::unique_ptr<EmulatedNode>> node =
      EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), Code::kInvalidArgument);
  EXPECT_NE(node.status().message().find("migctl emulator init --force --emulate 2xA30-24GB"),
            std::string::npos);
}

TEST_F(EmulatedNodeTest, FailedOperationLeavesFileByteForByte) {
  auto node = Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  ASSERT_TRUE(node->CreateGpuInstance(0, 5, std::nullopt).ok());  // 4g.40gb at 0:4
  const std::string before = ReadAll(node->state_path());
  EXPECT_EQ(node->CreateGpuInstance(0, 0, std::nullopt).status().code(),
            Code::kInsufficientResources);
  EXPECT_EQ(node->CreateGpuInstance(0, 9, 0).status().code(), Code::kInsufficientResources);
  EXPECT_EQ(node->CreateGpuInstance(0, 9, 3).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(node->DestroyGpuInstance(0, 14).code(), Code::kNotFound);
  EXPECT_EQ(node->CreateGpuInstance(9, 19, std::nullopt).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadAll(node->state_path()), before);
}

TEST_F(EmulatedNodeTest, WriteFailureKeepsOldState) {
  Open("H100-SXM5-80GB");  // creates the file
  FailingWriteEnv env(Env::Default(), 1);
  auto node = Open(nullptr, &env);
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());  // the one allowed write
  const std::string before = ReadAll(node->state_path());
  Status s = node->CreateGpuInstance(0, 19, std::nullopt).status();
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_EQ(ReadAll(node->state_path()), before);
  auto fresh = Open(nullptr);
  EXPECT_TRUE((*fresh->Gpus())[0].state.gpu_instances.empty());
}

TEST_F(EmulatedNodeTest, CorruptStateFileIsReportedNotReset) {
  Open("H100-SXM5-80GB");
  const std::string path = dir_.path() + "/node.json";
  std::ofstream(path) << "{\"format\": 1, \"spec\": ";
  EmulatorOptions options;
  options.state_dir = dir_.path();
  StatusOr<std::unique_ptr<EmulatedNode>> node =
      EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), Code::kCorruption);
  EXPECT_NE(node.status().message().find(path), std::string::npos);
  EXPECT_EQ(ReadAll(path), "{\"format\": 1, \"spec\": ");
}

TEST_F(EmulatedNodeTest, ProcessFaultsFireOnceInThisProcess) {
  EmulatorOptions options;
  options.state_dir = dir_.path();
  options.spec = *ParseFleetSpec("H100-SXM5-80GB", Catalog::BuiltIn());
  options.process_faults = *ParseFaultRules("create-gi=in_use");
  auto node = std::move(EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options)).value();
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  Status s = node->CreateGpuInstance(0, 19, std::nullopt).status();
  EXPECT_EQ(s.code(), Code::kInUse);
  EXPECT_EQ(s.ToString(), "In use by another client: injected fault create-gi=in_use");
  EXPECT_TRUE(node->CreateGpuInstance(0, 19, std::nullopt).ok());
}

TEST_F(EmulatedNodeTest, SharedFaultsAreConsumedAcrossOpens) {
  auto node = Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  ASSERT_TRUE(
      node->AddFault({FaultOp::kCreateGpuInstance, -1, Code::kInsufficientResources, 1}).ok());
  auto other = Open(nullptr);
  EXPECT_EQ(other->CreateGpuInstance(0, 19, std::nullopt).status().code(),
            Code::kInsufficientResources);
  EXPECT_TRUE(node->CreateGpuInstance(0, 19, std::nullopt).ok());
  EXPECT_TRUE(node->Load()->faults.empty());
}

TEST_F(EmulatedNodeTest, ActivationFaultKeepsModePendingOnHopper) {
  auto node = Open("H100-SXM5-80GB");
  ASSERT_TRUE(node->AddFault({FaultOp::kMigActivation, 0, Code::kResetRequired, 1}).ok());
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  EXPECT_EQ(activation.code(), Code::kResetRequired);
  GpuState s = (*node->Gpus())[0].state;
  EXPECT_FALSE(s.mig_current);
  EXPECT_TRUE(s.mig_pending);
  ASSERT_TRUE(node->ResetGpu(0).ok());
  EXPECT_TRUE((*node->Gpus())[0].state.mig_current);
}

TEST_F(EmulatedNodeTest, UnchangedStateIsNotParsedAgain) {
  auto node = Open("2xH100-SXM5-80GB");
  StatusOr<std::shared_ptr<const NodeState>> first = node->Snapshot();
  StatusOr<std::shared_ptr<const NodeState>> second = node->Snapshot();
  ASSERT_TRUE(first.ok() && second.ok());
  // The same object: the file was not read and parsed again.
  EXPECT_EQ(first->get(), second->get());
}

TEST_F(EmulatedNodeTest, SnapshotSeesAnotherWritersChangeOnTheNextCall) {
  auto reader = Open("2xH100-SXM5-80GB");
  auto writer = Open(nullptr);
  ASSERT_FALSE((*reader->Snapshot())->gpus[1].state.mig_current);
  Status activation;
  ASSERT_TRUE(writer->SetMigMode(1, true, &activation).ok());
  EXPECT_TRUE((*reader->Snapshot())->gpus[1].state.mig_current);
  ASSERT_TRUE(writer->CreateGpuInstance(1, 19, std::nullopt).ok());
  EXPECT_EQ((*reader->Snapshot())->gpus[1].state.gpu_instances.size(), 1u);
  ASSERT_TRUE(writer->AddFault({FaultOp::kReset, 0, Code::kInUse, 1}).ok());
  EXPECT_EQ((*reader->Snapshot())->faults.size(), 1u);
}

TEST_F(EmulatedNodeTest, SnapshotSeesAReplacementOfTheSameSize) {
  // Two versions of the same size written in quick succession (same timestamp tick): only the
  // file's identity tells them apart.
  auto reader = Open("H100-SXM5-80GB");
  const NodeState before = **reader->Snapshot();
  NodeState changed = before;
  ASSERT_FALSE(changed.gpus[0].uuid.empty());
  changed.gpus[0].uuid.back() = changed.gpus[0].uuid.back() == '0' ? '1' : '0';
  const std::string text = SerializeNodeState(changed);
  ASSERT_EQ(text.size(), SerializeNodeState(before).size());
  ASSERT_TRUE(Env::Default()->WriteFileAtomic(dir_.path() + "/node.json", text).ok());
  EXPECT_EQ((*reader->Snapshot())->gpus[0].uuid, changed.gpus[0].uuid);
}

TEST_F(EmulatedNodeTest, ReadingTakesNoLock) {
  // A reader sees a consistent file without the lock (writers rename whole files into place), so
  // a writer holding the exclusive lock does not stall queries.
  auto node = Open("H100-SXM5-80GB");
  auto other = Open(nullptr);
  StatusOr<std::unique_ptr<FileLock>> held = Env::Default()->Lock(dir_.path() + "/node.lock", true);
  ASSERT_TRUE(held.ok());
  StatusOr<NodeState> state = other->Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->gpus.size(), 1u);
}

TEST_F(EmulatedNodeTest, SnapshotReportsAFileCorruptedAfterOpen) {
  auto node = Open("H100-SXM5-80GB");
  ASSERT_TRUE(node->Snapshot().ok());
  ASSERT_TRUE(Env::Default()->WriteFileAtomic(dir_.path() + "/node.json", "{").ok());
  EXPECT_EQ(node->Snapshot().status().code(), Code::kCorruption);
}

TEST_F(EmulatedNodeTest, ConcurrentProcessesLoseNoUpdates) {
  {
    auto node = Open("A100-SXM4-40GB,H100-SXM5-80GB");
    Status activation;
    ASSERT_TRUE(node->SetMigMode(1, true, &activation).ok());
  }
  // Seven processes each create one auto-placed 1g on the H100 at the same time.
  std::vector<pid_t> children;
  for (int i = 0; i < 7; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      EmulatorOptions options;
      options.state_dir = dir_.path();
      auto node = EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
      bool ok = node.ok() && (*node)->CreateGpuInstance(1, 19, std::nullopt).ok();
      ::_exit(ok ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto node = Open(nullptr);
  const GpuState s = (*node->Gpus())[1].state;
  ASSERT_EQ(s.gpu_instances.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(s.gpu_instances[static_cast<size_t>(i)].id, 7 + i);
}

TEST_F(EmulatedNodeTest, MigUuidsAreStableAcrossDestroyAndRecreate) {
  auto node = Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_TRUE(node->SetMigMode(0, true, &activation).ok());
  StatusOr<GpuInstance> gi = node->CreateGpuInstance(0, 19, 6);
  ASSERT_TRUE(gi.ok());
  ASSERT_TRUE(node->CreateComputeInstance(0, gi->id, 0, std::nullopt).ok());
  const std::string uuid = (*node->Gpus())[0].mig_uuids.at({13, 0});
  EXPECT_EQ(uuid.substr(0, 4), "MIG-");
  ASSERT_TRUE(node->DestroyComputeInstance(0, 13, 0).ok());
  ASSERT_TRUE(node->DestroyGpuInstance(0, 13).ok());
  ASSERT_TRUE(node->CreateGpuInstance(0, 19, 6).ok());
  ASSERT_TRUE(node->CreateComputeInstance(0, 13, 0, std::nullopt).ok());
  EXPECT_EQ((*node->Gpus())[0].mig_uuids.at({13, 0}), uuid);
}

}  // namespace
}  // namespace migkit
