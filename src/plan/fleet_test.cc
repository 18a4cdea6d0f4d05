#include "plan/fleet.h"

#include <gtest/gtest.h>

#include "core/gpu_state.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

const GiProfile* P(const GpuModel& m, const char* name) { return m.FindProfileByName(name); }

TEST(ParseFleet, CountsAndMixedModels) {
  ASSERT_OK_AND_ASSIGN(Fleet fleet,
                       ParseFleet("8xH100-SXM5-80GB, 4xA100-SXM4-40GB", Catalog::BuiltIn()));
  ASSERT_EQ(fleet.gpus.size(), 12u);
  EXPECT_EQ(fleet.gpus[7].model->id, "H100-SXM5-80GB");
  EXPECT_EQ(fleet.gpus[8].model->id, "A100-SXM4-40GB");
  EXPECT_EQ(fleet.gpus[11].index, 11);
  EXPECT_EQ(fleet.ToString(), "8xH100-SXM5-80GB,4xA100-SXM4-40GB");
  EXPECT_EQ(fleet.Models().size(), 2u);
}

TEST(ParseFleet, IsNotLimitedToOneNode) {
  ASSERT_OK_AND_ASSIGN(Fleet fleet, ParseFleet("10000xH100-SXM5-80GB", Catalog::BuiltIn()));
  EXPECT_EQ(fleet.gpus.size(), 10000u);
}

TEST(ParseFleet, Errors) {
  EXPECT_EQ(ParseFleet("8xH100-SXM5-80GB,", Catalog::BuiltIn()).status(),
            Status::InvalidArgument("empty item in fleet '8xH100-SXM5-80GB,'; expected MODEL or "
                                    "NxMODEL separated by commas, e.g. "
                                    "8xH100-SXM5-80GB,4xA100-SXM4-40GB"));
  EXPECT_EQ(ParseFleet("0xA30-24GB", Catalog::BuiltIn()).status(),
            Status::InvalidArgument("GPU count 0 in '0xA30-24GB' must be between 1 and 1000000"));
  const Status unknown = ParseFleet("4xV100", Catalog::BuiltIn()).status();
  EXPECT_EQ(unknown.code(), Code::kInvalidArgument);
  EXPECT_EQ(
      unknown.message().rfind("unknown GPU model 'V100' in fleet '4xV100'; known models: ", 0), 0u)
      << unknown.message();
}

TEST(FleetFromGpus, TakesTheCurrentInstances) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  GpuInfo info;
  info.index = 0;
  info.model = &h100;
  Status activation;
  ASSERT_OK(SetMigMode(h100, &info.state, true, &activation));
  ASSERT_OK(CreateGpuInstance(h100, &info.state, P(h100, "3g.40gb")->id, 4));
  ASSERT_OK(CreateGpuInstance(h100, &info.state, P(h100, "1g.10gb")->id, 0));
  ASSERT_OK_AND_ASSIGN(Fleet fleet, FleetFromGpus({info}));
  EXPECT_EQ(DescribePlacements(fleet.gpus[0].current), "1g.10gb@0:1 3g.40gb@4:4");
  EXPECT_EQ(fleet.CurrentInstances(), 2);
}

// The file is parsed and resolved by src/config; its errors (file:line, what, valid) pass through.
TEST(SetCurrentFromMigPartedConfig, ErrorsNameTheFileAndLine) {
  struct Case {
    const char* yaml;
    const char* prefix;
  };
  const Case cases[] = {
      {"version: v2\n", "c.yaml:1: "},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices:\n        3g.20gb: 1\n",
       "c.yaml:7: profile '3g.20gb' does not exist on H100-SXM5-80GB"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices:\n        4g.40gb: 2\n",
       "c.yaml:7: 4g.40gb: 2 does not fit"},
  };
  for (const Case& c : cases) {
    Fleet fleet = *ParseFleet("2xH100-SXM5-80GB", Catalog::BuiltIn());
    const Status s = SetCurrentFromMigPartedConfig(c.yaml, "c.yaml", "", &fleet);
    EXPECT_FALSE(s.ok()) << c.yaml;
    EXPECT_EQ(s.message().rfind(c.prefix, 0), 0u) << s.message();
    EXPECT_TRUE(fleet.gpus[0].current.empty());
  }
}

}  // namespace
}  // namespace migkit
