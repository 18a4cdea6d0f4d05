#include "catalog/fleet_spec.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(FleetSpec, ParsesCountsAliasesAndMixes) {
  const Catalog& c = Catalog::BuiltIn();
  StatusOr<FleetSpec> s = ParseFleetSpec("2xa30-24gb, A100-SXM4-40GB,H100-SXM5-80GB", c);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->model_ids, (std::vector<std::string>{"A30-24GB", "A30-24GB", "A100-SXM4-40GB",
                                                    "H100-SXM5-80GB"}));
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
  EXPECT_FALSE(ParseFleetSpec("A30-24GB,,A30-24GB", Catalog::BuiltIn()).ok());
  EXPECT_FALSE(ParseFleetSpec("", Catalog::BuiltIn()).ok());
  EXPECT_FALSE(ParseFleetSpec("0xA30-24GB", Catalog::BuiltIn()).ok());
  EXPECT_FALSE(ParseFleetSpec("65xA30-24GB", Catalog::BuiltIn()).ok());
}

}  // namespace
}  // namespace migkit
