#include "cli/create_order.h"

#include <gtest/gtest.h>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit::cli {
namespace {

GpuState EnabledState() {
  GpuState state;
  state.mig_current = state.mig_pending = true;
  return state;
}

std::vector<int> Ids(const std::vector<GiRequest>& requests) {
  std::vector<int> ids;
  for (const GiRequest& r : requests) ids.push_back(r.profile->id);
  return ids;
}

// NVIDIA's documented example (mig-facts.md §4.3): 19,19,14,9 fails on the 3g; 3g first fits.
TEST(CreateOrder, SuggestsLargestFirstForTheDocumentedA100Example) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  ASSERT_OK_AND_ASSIGN(std::vector<GiRequest> list, ParseGiRequests({"19,19,14,9"}, a100));
  EXPECT_FALSE(ListFits(a100, EnabledState(), list));
  std::optional<std::vector<GiRequest>> order = LargestFirstOrder(a100, EnabledState(), list);
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(Ids(*order), (std::vector<int>{9, 14, 19, 19}));
}

TEST(CreateOrder, NoSuggestionWhenTheListFitsOrNothingDoes) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  ASSERT_OK_AND_ASSIGN(std::vector<GiRequest> fits, ParseGiRequests({"9,19,14,19"}, a100));
  EXPECT_FALSE(LargestFirstOrder(a100, EnabledState(), fits).has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<GiRequest> too_big, ParseGiRequests({"0,19"}, a100));
  EXPECT_FALSE(LargestFirstOrder(a100, EnabledState(), too_big).has_value());
}

TEST(CreateOrder, NoSuggestionForExplicitPlacements) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  ASSERT_OK_AND_ASSIGN(std::vector<GiRequest> list, ParseGiRequests({"19:4,19,14,9"}, a100));
  EXPECT_FALSE(LargestFirstOrder(a100, EnabledState(), list).has_value());
}

}  // namespace
}  // namespace migkit::cli
