// The emulated node's CC state: persisted, applied by a reset, and the MIG policy (cc-facts.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "emu/emulated_node.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

class CcEmulatorTest : public testing::Test {
 protected:
  std::unique_ptr<EmulatedNode> Open(const char* spec) {
    EmulatorOptions options;
    options.state_dir = dir_.path();
    if (spec != nullptr) options.spec = *ParseFleetSpec(spec, Catalog::BuiltIn());
    StatusOr<std::unique_ptr<EmulatedNode>> node =
        EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    return node.ok() ? std::move(node).value() : nullptr;
  }
  ScopedTempDir dir_;
};

TEST_F(CcEmulatorTest, ModeIsPendingUntilResetAndPersists) {
  auto node = Open("2xH100-SXM5-80GB");
  ASSERT_OK(node->SetCcMode(0, CcMode::kOn));
  ASSERT_OK_AND_ASSIGN(CcReport r, node->CcStatus());
  EXPECT_EQ(r.gpus[0].current, CcMode::kOff);
  EXPECT_EQ(r.gpus[0].pending, CcMode::kOn);
  EXPECT_EQ(r.system.cc_feature, 0u);
  ASSERT_OK(node->ResetGpu(0));
  auto again = Open(nullptr);  // another process sees the same state
  ASSERT_OK_AND_ASSIGN(r, again->CcStatus());
  EXPECT_EQ(r.gpus[0].current, CcMode::kOn);
  EXPECT_EQ(r.gpus[1].current, CcMode::kOff);
  EXPECT_EQ(r.system.cc_feature, 1u);
  EXPECT_EQ(r.system.environment, 2u);
}

TEST_F(CcEmulatorTest, ResetIntoCcClearsHopperMig) {
  auto node = Open("H100-SXM5-80GB");
  Status activation;
  ASSERT_OK(node->SetMigMode(0, true, &activation));
  ASSERT_OK(node->CreateGpuInstance(0, 19, std::nullopt).status());
  ASSERT_OK(node->SetCcMode(0, CcMode::kOn));
  ASSERT_OK(node->ResetGpu(0));
  ASSERT_OK_AND_ASSIGN(std::vector<GpuInfo> gpus, node->Gpus());
  EXPECT_FALSE(gpus[0].state.mig_current);
  EXPECT_TRUE(gpus[0].state.gpu_instances.empty());
}

TEST_F(CcEmulatorTest, DefaultPolicyRefusesMigOnCcGpu) {
  auto node = Open("H100-SXM5-80GB");
  ASSERT_OK(node->SetCcMode(0, CcMode::kOn));
  ASSERT_OK(node->ResetGpu(0));
  const std::string before = [&] {
    std::ifstream in(node->state_path());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  Status activation;
  Status s = node->SetMigMode(0, true, &activation);
  EXPECT_CODE(s, Code::kNotSupported);
  EXPECT_NE(s.message().find("no NVIDIA driver documents MIG together with CC"), std::string::npos);
  std::ifstream in(node->state_path());
  std::stringstream after;
  after << in.rdbuf();
  EXPECT_EQ(after.str(), before);  // a refused operation leaves node.json unchanged
  ASSERT_OK(node->SetCcNodeSettings(MigWithCcPolicy::kAllow, std::nullopt));
  ASSERT_OK(node->SetMigMode(0, true, &activation));
  ASSERT_OK(node->CreateGpuInstance(0, 19, std::nullopt).status());
  ASSERT_OK(node->SetCcNodeSettings(MigWithCcPolicy::kRefuse, std::nullopt));
  EXPECT_CODE(node->CreateGpuInstance(0, 19, std::nullopt), Code::kNotSupported);
}

TEST_F(CcEmulatorTest, ReadyLatchAndThresholdPersist) {
  auto node = Open("H100-SXM5-80GB");
  EXPECT_CODE(node->SetCcReady(true), Code::kNotSupported);  // CC off
  ASSERT_OK(node->SetCcMode(0, CcMode::kOn));
  ASSERT_OK(node->ResetGpu(0));
  ASSERT_OK(node->SetCcKeyRotationThreshold(52));
  ASSERT_OK(node->SetCcReady(true));
  EXPECT_CODE(node->SetCcKeyRotationThreshold(53), Code::kInvalidState);
  ASSERT_OK(node->SetCcReady(false));
  EXPECT_CODE(Open(nullptr)->SetCcReady(true), Code::kInvalidArgument);  // latched, in any process
  ASSERT_OK_AND_ASSIGN(CcReport r, node->CcStatus());
  EXPECT_EQ(r.node.attacker_advantage, 52u);
  ASSERT_OK(node->ResetGpu(0));  // a reset starts a new CC session
  EXPECT_OK(node->SetCcReady(true));
}

TEST_F(CcEmulatorTest, PpcieIsNodeWide) {
  auto node = Open("2xH100-SXM5-80GB");
  ASSERT_OK(node->SetCcMode(1, CcMode::kOn));
  ASSERT_OK(node->SetPpcieMode(true));
  ASSERT_OK(node->ResetGpu(0));
  ASSERT_OK(node->ResetGpu(1));
  ASSERT_OK_AND_ASSIGN(CcReport r, node->CcStatus());
  EXPECT_TRUE(r.gpus[0].ppcie_current);
  EXPECT_TRUE(r.gpus[1].ppcie_current);
  EXPECT_EQ(r.gpus[1].current, CcMode::kOff);  // mutually exclusive
  EXPECT_EQ(r.system.multi_gpu_mode, 1u);
  EXPECT_EQ(r.system.cc_feature, 0u);
}

TEST_F(CcEmulatorTest, OldStateFileWithoutCcFieldsLoads) {
  auto node = Open("H100-SXM5-80GB");
  ASSERT_NE(node, nullptr);
  ASSERT_OK_AND_ASSIGN(NodeState fresh, node->Load());
  // A node.json written before CC existed: format 1, no CC field anywhere.
  nlohmann::json old = nlohmann::json::parse(SerializeNodeState(fresh));
  old["format"] = 1;
  old.erase("cc");
  for (nlohmann::json& g : old["gpus"]) {
    for (const char* key : {"cc_mode", "cc_mode_pending", "ppcie", "ppcie_pending"}) g.erase(key);
  }
  const std::string path = dir_.path() + "/node.json";
  ASSERT_OK_AND_ASSIGN(NodeState s, ParseNodeState(old.dump(1), Catalog::BuiltIn(), path));
  EXPECT_EQ(s.gpus[0].cc, GpuCcState{});
  EXPECT_EQ(s.cc, NodeCcState{});

  // Format 1 has no CC fields: one there is damage, not a default to keep.
  nlohmann::json mixed = old;
  mixed["gpus"][0]["ppcie"] = false;
  EXPECT_EQ(ParseNodeState(mixed.dump(1), Catalog::BuiltIn(), path).status().code(),
            Code::kCorruption);
  // Format 2 must hold every CC field: a missing one is refused, never defaulted.
  nlohmann::json partial = nlohmann::json::parse(SerializeNodeState(fresh));
  partial["gpus"][0].erase("ppcie_pending");
  const Status refused = ParseNodeState(partial.dump(1), Catalog::BuiltIn(), path).status();
  EXPECT_EQ(refused.code(), Code::kCorruption);
  EXPECT_NE(refused.message().find("GPU 0: has no ppcie_pending"), std::string::npos)
      << refused.message();
}

TEST_F(CcEmulatorTest, DamagedCcFieldIsCorruption) {
  auto node = Open("A100-SXM4-40GB");
  ASSERT_OK_AND_ASSIGN(NodeState s, node->Load());
  std::string text = SerializeNodeState(s);
  const size_t at = text.find("\"cc_mode\": \"off\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 16, "\"cc_mode\": \"on\"");
  StatusOr<NodeState> bad = ParseNodeState(text, Catalog::BuiltIn(), "node.json");
  EXPECT_CODE(bad, Code::kCorruption);
  EXPECT_NE(bad.status().message().find("A100-SXM4-40GB has no confidential computing mode"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace migkit
