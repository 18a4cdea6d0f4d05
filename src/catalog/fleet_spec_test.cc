#include "catalog/fleet_spec.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(FleetSpec, ParsesCountsAliasesAndMixes) {
  const Catalog& c = Catalog::BuiltIn();
  StatusOr<FleetSpec> s = ParseFleetSpec("2xa30-24gb, A100-SXM4-40GB,H100-SXM5-80GB", c);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->model_ids,
            (std::vector<std::string>{"A30-24GB", "A30-24GB", "A100-SXM4-40GB", "H100-SXM5-80GB"}));
  EXPECT_EQ(s->ToString(), "2xA30-24GB,A100-SXM4-40GB,H100-SXM5-80GB");
}

TEST(FleetSpec, DefaultIsDgxH100) {
  StatusOr<FleetSpec> s = ParseFleetSpec(kDefaultNodeSpec, Catalog::BuiltIn());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->model_ids.size(), 8u);
  EXPECT_EQ(s->ToString(), "8xH100-SXM5-80GB");
}

TEST(FleetSpec, ProductNameWorksAsModel) {
  StatusOr<FleetSpec> s = ParseFleetSpec("NVIDIA H100 80GB HBM3", Catalog::BuiltIn());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->model_ids, std::vector<std::string>{"H100-SXM5-80GB"});
}

TEST(FleetSpec, RejectsUnknownModelListingKnownOnes) {
  StatusOr<FleetSpec> s = ParseFleetSpec("A100-SXM4-41GB", Catalog::BuiltIn());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("unknown GPU model 'A100-SXM4-41GB'"), std::string::npos);
  EXPECT_NE(s.status().message().find("H100-SXM5-80GB"), std::string::npos);
}

TEST(FleetSpec, RejectsEmptyItemsAndBadCounts) {
  const Catalog& c = Catalog::BuiltIn();
  EXPECT_EQ(ParseFleetSpec("A30-24GB,,A30-24GB", c).status(),
            Status::InvalidArgument("empty item in node spec 'A30-24GB,,A30-24GB'; expected MODEL "
                                    "or NxMODEL separated by commas"));
  EXPECT_EQ(ParseFleetSpec("", c).status(),
            Status::InvalidArgument(
                "empty item in node spec ''; expected MODEL or NxMODEL separated by commas"));
  EXPECT_EQ(ParseFleetSpec("0xA30-24GB", c).status(),
            Status::InvalidArgument("GPU count 0 in '0xA30-24GB' must be between 1 and 64"));
  EXPECT_EQ(ParseFleetSpec("65xA30-24GB", c).status(),
            Status::InvalidArgument("GPU count 65 in '65xA30-24GB' must be between 1 and 64"));
  EXPECT_EQ(
      ParseFleetSpec("40xA30-24GB,40xA30-24GB", c).status(),
      Status::InvalidArgument("a node has at most 64 GPUs; '40xA30-24GB,40xA30-24GB' has 80"));
}

TEST(FleetSpec, ALargerLimitIsAFleetWithItsOwnWording) {
  const Catalog& c = Catalog::BuiltIn();
  StatusOr<FleetSpec> s = ParseFleetSpec("1000xA30-24GB", c, 1000);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->model_ids.size(), 1000u);
  EXPECT_EQ(ParseFleetSpec("600xA30-24GB,401xA30-24GB", c, 1000).status(),
            Status::InvalidArgument("fleet '600xA30-24GB,401xA30-24GB' has more than 1000 GPUs"));
  EXPECT_EQ(ParseFleetSpec("A30-24GB,", c, 1000).status(),
            Status::InvalidArgument("empty item in fleet 'A30-24GB,'; expected MODEL or NxMODEL "
                                    "separated by commas, e.g. 8xH100-SXM5-80GB,4xA100-SXM4-40GB"));
}

TEST(ModelCountsToString, CollapsesRunsOfEqualModels) {
  EXPECT_EQ(ModelCountsToString({}), "");
  EXPECT_EQ(ModelCountsToString({"A30-24GB"}), "A30-24GB");
  EXPECT_EQ(ModelCountsToString({"A30-24GB", "A30-24GB", "H100-SXM5-80GB", "A30-24GB"}),
            "2xA30-24GB,H100-SXM5-80GB,A30-24GB");
}

}  // namespace
}  // namespace migkit
