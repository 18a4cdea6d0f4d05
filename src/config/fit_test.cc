#include "config/fit.h"

#include <gtest/gtest.h>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr int k1g = 19, k1gDouble = 15, k2g = 14, k3g = 9, k4g = 5, k7g = 0;

std::vector<const GiProfile*> Profiles(const GpuModel& m, std::vector<int> ids) {
  std::vector<const GiProfile*> out;
  for (int id : ids) out.push_back(&TestProfile(m, id));
  return out;
}

TEST(PlaceComputeInstances, FitsSubProfilesInAGpuInstance) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  const GiProfile& g3 = TestProfile(h100, k3g);
  std::vector<CiProfile> cis = h100.ComputeProfilesFor(g3);  // 1c (0), 2c (1), 3g (2)
  GpuInstance gi;
  gi.profile_id = k3g;
  auto three = PlaceComputeInstances(gi, {cis[0], cis[0], cis[0]});
  ASSERT_TRUE(three.has_value());
  EXPECT_FALSE(PlaceComputeInstances(gi, {cis[0], cis[0], cis[0], cis[0]}).has_value());
  auto mixed = PlaceComputeInstances(gi, {cis[0], cis[1]});
  ASSERT_TRUE(mixed.has_value());
  EXPECT_EQ((*mixed)[1], (Placement{0, 2}));
  EXPECT_EQ((*mixed)[0], (Placement{2, 1}));
  EXPECT_FALSE(PlaceComputeInstances(gi, {cis[2], cis[0]}).has_value());
}

TEST(ExplainNoFit, SaysWhyInTermsOfTheModel) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  EXPECT_EQ(ExplainNoFit(h100, {}, Profiles(h100, {k4g, k4g})),
            "4g.40gb: 2 does not fit an H100-SXM5-80GB: at most 1");
  EXPECT_EQ(ExplainNoFit(h100, {}, Profiles(h100, {k4g, k3g, k1g})),
            "they need 8 compute slices and an H100-SXM5-80GB has 7");
  EXPECT_EQ(ExplainNoFit(h100, {}, Profiles(h100, {k1gDouble, k1gDouble, k1gDouble, k3g})),
            "they need 10 memory slices and an H100-SXM5-80GB has 8");
  EXPECT_EQ(ExplainNoFit(h100, {{&TestProfile(h100, k1g), Placement{0, 1}}}, Profiles(h100, {k4g})),
            "no placement of 4g.40gb + 1g.10gb exists on an H100-SXM5-80GB around 1g.10gb@0:1 "
            "(4g.40gb fits only at 0:4)");
  EXPECT_EQ(ExplainNoFit(h100, {{&TestProfile(h100, k1g), Placement{0, 1}}}, Profiles(h100, {k7g})),
            "they need 8 compute slices and an H100-SXM5-80GB has 7");
  EXPECT_EQ(WithArticle("B200"), "a B200");
  EXPECT_EQ(WithArticle("A30-24GB"), "an A30-24GB");
  EXPECT_EQ(WithArticle("RTX-PRO-6000"), "an RTX-PRO-6000");
}

}  // namespace
}  // namespace migkit
