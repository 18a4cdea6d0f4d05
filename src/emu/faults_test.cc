#include "emu/faults.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(Faults, ParsesFullGrammar) {
  StatusOr<std::vector<FaultRule>> r =
      ParseFaultRules("create-gi=in_use; reset@1=unknown, destroy-ci=IN_USE*3,"
                      "mig-activation=reset_required*always");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0], (FaultRule{FaultOp::kCreateGpuInstance, -1, Code::kInUse, 1}));
  EXPECT_EQ((*r)[1], (FaultRule{FaultOp::kReset, 1, Code::kUnknown, 1}));
  EXPECT_EQ((*r)[2], (FaultRule{FaultOp::kDestroyComputeInstance, -1, Code::kInUse, 3}));
  EXPECT_EQ((*r)[3], (FaultRule{FaultOp::kMigActivation, -1, Code::kResetRequired, -1}));
  EXPECT_EQ(FaultRuleToString((*r)[1]), "reset@1=unknown");
  EXPECT_EQ(FaultRuleToString((*r)[2]), "destroy-ci=in_use*3");
  EXPECT_EQ(FaultRuleToString((*r)[3]), "mig-activation=reset_required*always");
}

TEST(Faults, RejectsBadItemsNamingThem) {
  StatusOr<std::vector<FaultRule>> r = ParseFaultRules("create-gx=in_use");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown operation 'create-gx'"), std::string::npos);
  EXPECT_NE(r.status().message().find("create-gi"), std::string::npos);
  EXPECT_FALSE(ParseFaultRules("create-gi=busy").ok());
  EXPECT_FALSE(ParseFaultRules("create-gi").ok());
  EXPECT_FALSE(ParseFaultRules("create-gi=in_use*0").ok());
  EXPECT_FALSE(ParseFaultRules("create-gi@x=in_use").ok());
}

TEST(Faults, FireConsumesCountAndRespectsGpu) {
  std::vector<FaultRule> rules = {{FaultOp::kCreateGpuInstance, 1, Code::kInUse, 2}};
  EXPECT_TRUE(FireFault(&rules, FaultOp::kCreateGpuInstance, 0).ok());
  EXPECT_TRUE(FireFault(&rules, FaultOp::kDestroyGpuInstance, 1).ok());
  EXPECT_EQ(FireFault(&rules, FaultOp::kCreateGpuInstance, 1).code(), Code::kInUse);
  EXPECT_EQ(FireFault(&rules, FaultOp::kCreateGpuInstance, 1).code(), Code::kInUse);
  EXPECT_TRUE(FireFault(&rules, FaultOp::kCreateGpuInstance, 1).ok());
  EXPECT_TRUE(rules.empty());
}

}  // namespace
}  // namespace migkit
