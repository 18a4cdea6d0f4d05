#include "emu/faults.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace migkit {
namespace {

TEST(Faults, ParsesFullGrammar) {
  StatusOr<std::vector<FaultRule>> r = ParseFaultRules(
      "create-gi=in_use; reset@1=unknown, destroy-ci=IN_USE*3,"
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

// What a rejected rule list is wrong about: the message up to the grammar reminder that every
// rejection ends with ("accepted" when the text parses).
std::string Why(std::string_view text) {
  StatusOr<std::vector<FaultRule>> r = ParseFaultRules(text);
  if (r.ok()) return "accepted";
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const std::string message = r.status().message();
  return message.substr(0, message.find(" (form: "));
}

TEST(Faults, RejectsBadItemsNamingThem) {
  StatusOr<std::vector<FaultRule>> r = ParseFaultRules("create-gx=in_use");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown operation 'create-gx'"), std::string::npos);
  EXPECT_NE(r.status().message().find("create-gi"), std::string::npos);
  EXPECT_NE(r.status().message().find(" (form: OP[@GPU]=CODE[*N|*always]; OP is one of "),
            std::string::npos);
  EXPECT_EQ(Why("create-gi=busy"), "fault rule 'create-gi=busy': unknown code 'busy'");
  EXPECT_EQ(Why("create-gi"), "fault rule 'create-gi': missing '='");
  EXPECT_EQ(Why("create-gi=in_use*0"),
            "fault rule 'create-gi=in_use*0': count '0' must be a positive number or 'always'");
  EXPECT_EQ(Why("create-gi@x=in_use"), "fault rule 'create-gi@x=in_use': bad GPU index");
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
