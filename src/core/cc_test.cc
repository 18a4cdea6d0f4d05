// The CC rules of core/cc.h against cc-facts.md §1, §3, §4, §5.4 (values typed from the facts).
#include "core/cc.h"

#include <gtest/gtest.h>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

const GpuModel& H100() { return TestModel("H100-SXM5-80GB"); }

std::vector<CcGpu> Node(const GpuModel& m, int n, GpuCcState cc = {}) {
  return std::vector<CcGpu>(static_cast<size_t>(n), CcGpu{&m, cc});
}

TEST(Cc, ModeWordsAreGpuAdminToolsWords) {
  EXPECT_EQ(CcModeName(CcMode::kOff), "off");
  EXPECT_EQ(CcModeName(CcMode::kOn), "on");
  EXPECT_EQ(CcModeName(CcMode::kDevtools), "devtools");
  EXPECT_EQ(*ParseCcMode("DevTools"), CcMode::kDevtools);
  StatusOr<CcMode> bad = ParseCcMode("ppcie");
  EXPECT_CODE(bad, Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("off, on, devtools"), std::string::npos);
}

TEST(Cc, SetIsPendingUntilResetAndResetClearsHopperMig) {
  GpuCcState cc;
  GpuState mig;
  mig.mig_current = mig.mig_pending = true;
  NodeCcState node;
  ASSERT_OK(SetPendingCcMode(H100(), &cc, CcMode::kOn));
  EXPECT_EQ(cc.current, CcMode::kOff);  // §4.3: active only after a reset
  EXPECT_EQ(cc.pending, CcMode::kOn);
  ApplyCcReset(H100(), &cc, &mig, &node);
  EXPECT_EQ(cc.current, CcMode::kOn);
  EXPECT_FALSE(mig.mig_current);  // I1: H100 MIG mode does not survive the reset
  EXPECT_FALSE(mig.mig_pending);
}

TEST(Cc, ResetWithoutCcChangeKeepsMig) {
  GpuCcState cc;
  GpuState mig;
  mig.mig_current = mig.mig_pending = true;
  NodeCcState node;
  ApplyCcReset(H100(), &cc, &mig, &node);
  EXPECT_TRUE(mig.mig_current);
}

TEST(Cc, AmpereHasNoCcMode) {
  GpuCcState cc;
  EXPECT_CODE(SetPendingCcMode(TestModel("A100-SXM4-40GB"), &cc, CcMode::kOn), Code::kNotSupported);
  EXPECT_OK(SetPendingCcMode(TestModel("A100-SXM4-40GB"), &cc, CcMode::kOff));
}

TEST(Cc, CcAndPpcieExcludeEachOther) {
  std::vector<CcGpu> gpus = Node(H100(), 2);
  ASSERT_OK(SetPendingCcMode(H100(), &gpus[0].cc, CcMode::kOn));
  std::vector<CcGpu*> ptrs = {&gpus[0], &gpus[1]};
  ASSERT_OK(SetPendingPpcie(ptrs, true));
  EXPECT_EQ(gpus[0].cc.pending, CcMode::kOff);  // C5: setting PPCIe clears the CC knobs
  EXPECT_TRUE(gpus[0].cc.ppcie_pending);
  EXPECT_TRUE(gpus[1].cc.ppcie_pending);
  ASSERT_OK(SetPendingCcMode(H100(), &gpus[1].cc, CcMode::kDevtools));
  EXPECT_FALSE(gpus[1].cc.ppcie_pending);  // ... and vice versa
}

TEST(Cc, PpcieNeedsEveryGpuCapable) {
  std::vector<CcGpu> gpus = {{&H100(), {}}, {&TestModel("B200"), {}}};
  std::vector<CcGpu*> ptrs = {&gpus[0], &gpus[1]};
  Status s = SetPendingPpcie(ptrs, true);
  EXPECT_CODE(s, Code::kNotSupported);
  EXPECT_NE(s.message().find("GPU 1 (B200)"), std::string::npos) << s.message();
  EXPECT_FALSE(gpus[0].cc.ppcie_pending);
}

TEST(Cc, SystemViewFollowsRm) {
  // §5.4: default UNAVAILABLE / DISABLED / OFF / NONE.
  CcSystemView v = CcSystem(Node(H100(), 2), NodeCcState{});
  EXPECT_EQ(v.environment, 0u);
  EXPECT_EQ(v.cc_feature, 0u);
  EXPECT_EQ(v.devtools_mode, 0u);
  EXPECT_EQ(v.multi_gpu_mode, 0u);
  EXPECT_EQ(v.gpus_caps, 1u);
  // CC on => PROD, ENABLED.
  v = CcSystem(Node(H100(), 2, {CcMode::kOn, CcMode::kOn, false, false}), {});
  EXPECT_EQ(v.environment, 2u);
  EXPECT_EQ(v.cc_feature, 1u);
  EXPECT_EQ(v.multi_gpu_mode, 0u);  // Hopper: no NVLE
  // devtools => SIM and devToolsMode 1.
  v = CcSystem(Node(H100(), 1, {CcMode::kDevtools, CcMode::kDevtools, false, false}), {});
  EXPECT_EQ(v.environment, 1u);
  EXPECT_EQ(v.cc_feature, 1u);
  EXPECT_EQ(v.devtools_mode, 1u);
  // PPCIe => PROD, ccFeature DISABLED, PROTECTED_PCIE.
  v = CcSystem(Node(H100(), 8, {CcMode::kOff, CcMode::kOff, true, true}), {});
  EXPECT_EQ(v.environment, 2u);
  EXPECT_EQ(v.cc_feature, 0u);
  EXPECT_EQ(v.multi_gpu_mode, 1u);
  // Blackwell CC on: NVLE only with more than one GPU.
  const GpuCcState on{CcMode::kOn, CcMode::kOn, false, false};
  EXPECT_EQ(CcSystem(Node(TestModel("B200"), 1, on), {}).multi_gpu_mode, 0u);
  EXPECT_EQ(CcSystem(Node(TestModel("B200"), 2, on), {}).multi_gpu_mode, 2u);
  // An A100 in the node: not every GPU is CC-capable.
  EXPECT_EQ(CcSystem(Node(TestModel("A100-SXM4-40GB"), 1), {}).gpus_caps, 0u);
}

TEST(Cc, ReadyStateLatches) {
  const std::vector<CcGpu> gpus = Node(H100(), 1, {CcMode::kOn, CcMode::kOn, false, false});
  NodeCcState node;
  EXPECT_CODE(SetCcReady(gpus, &node, 2), Code::kInvalidArgument);
  ASSERT_OK(SetCcReady(gpus, &node, 1));
  EXPECT_TRUE(node.ready);
  ASSERT_OK(SetCcReady(gpus, &node, 0));  // §5.4: true then false latches the fatal flag
  EXPECT_FALSE(node.ready);
  EXPECT_CODE(SetCcReady(gpus, &node, 1), Code::kInvalidArgument);
  EXPECT_CODE(SetCcReady(gpus, &node, 0), Code::kInvalidArgument);
}

TEST(Cc, KeyRotationThresholdRangeAndReadyRule) {
  const std::vector<CcGpu> gpus = Node(H100(), 1, {CcMode::kOn, CcMode::kOn, false, false});
  NodeCcState node;
  EXPECT_EQ(node.attacker_advantage, 60u);  // RM's SECURITY_POLICY_ATTACKER_ADVANTAGE_DEFAULT
  EXPECT_CODE(SetCcAttackerAdvantage(gpus, &node, 49), Code::kInvalidArgument);
  EXPECT_CODE(SetCcAttackerAdvantage(gpus, &node, 66), Code::kInvalidArgument);
  ASSERT_OK(SetCcAttackerAdvantage(gpus, &node, 50));
  ASSERT_OK(SetCcAttackerAdvantage(gpus, &node, 65));
  ASSERT_OK(SetCcReady(gpus, &node, 1));
  EXPECT_CODE(SetCcAttackerAdvantage(gpus, &node, 55), Code::kInvalidState);
  EXPECT_EQ(node.attacker_advantage, 65u);
}

TEST(Cc, CallsNeedACcMode) {
  NodeCcState node;
  EXPECT_CODE(SetCcReady(Node(H100(), 1), &node, 1), Code::kNotSupported);
  EXPECT_CODE(SetCcAttackerAdvantage(Node(H100(), 1), &node, 55), Code::kNotSupported);
}

TEST(Cc, MigPolicyDefaultRefuses) {
  NodeCcState node;
  const GpuCcState on{CcMode::kOn, CcMode::kOn, false, false};
  Status s = CheckMigAllowed(on, node);
  EXPECT_CODE(s, Code::kNotSupported);
  EXPECT_NE(s.message().find("no NVIDIA driver documents MIG together with CC"), std::string::npos);
  EXPECT_OK(CheckMigAllowed(GpuCcState{}, node));
  node.mig_with_cc = MigWithCcPolicy::kAllow;
  EXPECT_OK(CheckMigAllowed(on, node));
}

TEST(Cc, MemorySize) {
  const std::uint64_t total = H100().memory_mib * 1024;
  EXPECT_EQ(CcMemorySize(H100(), {}).protected_kib, 0u);
  EXPECT_EQ(CcMemorySize(H100(), {}).unprotected_kib, total);
  EXPECT_EQ(CcMemorySize(H100(), {CcMode::kOn, CcMode::kOn, false, false}).protected_kib, total);
}

}  // namespace
}  // namespace migkit
