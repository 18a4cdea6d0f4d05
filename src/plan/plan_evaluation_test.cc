#include "plan/plan_evaluation.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"

namespace migkit::planning {
namespace {

class PlanEvaluation : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<Problem> pb = BuildProblem(*ParseFleet("2xH100-SXM5-80GB", Catalog::BuiltIn()),
                                        *ParseDemand("7g.80gb=1,1g.10gb=3"), false);
    ASSERT_TRUE(pb.ok()) << pb.status().ToString();
    pb_ = std::move(pb).value();
    ASSERT_EQ(pb_.groups.size(), 1u);
  }
  // The first option of the one group supplying at least `n` of demanded profile `name`.
  int OptionWith(const std::string& name, int n) const {
    const ModelSpace& space = pb_.models[0];
    for (size_t p = 0; p < space.demanded.size(); ++p) {
      if (space.demanded[p]->name != name) continue;
      for (size_t o = 0; o < pb_.groups[0].options.size(); ++o) {
        if (pb_.groups[0].options[o].supply[p] >= n) return static_cast<int>(o);
      }
    }
    ADD_FAILURE() << "no option with " << n << "x " << name;
    return 0;
  }
  Counts None() const { return {std::vector<int>(pb_.groups[0].options.size(), 0)}; }

  Problem pb_;
};

TEST_F(PlanEvaluation, NothingChosenLeavesAllDemandUnmet) {
  const Evaluation ev = Evaluate(pb_, None());
  EXPECT_EQ(ev.used, 0);
  EXPECT_EQ(ev.unmet, 4);
  EXPECT_EQ(ev.met, (std::vector<long long>{0, 0}));
}

TEST_F(PlanEvaluation, OneGpuPerNeedMeetsEverything) {
  Counts z = None();
  ++z[0][OptionWith("7g.80gb", 1)];
  ++z[0][OptionWith("1g.10gb", 3)];
  const Evaluation ev = Evaluate(pb_, z);
  EXPECT_EQ(ev.used, 2);
  EXPECT_EQ(ev.unmet, 0);
  EXPECT_EQ(ev.met, (std::vector<long long>{1, 3}));
  EXPECT_EQ(UnmetWith(pb_, ev.supply), 0);
}

TEST_F(PlanEvaluation, BetterMeansLessUnmetThenMoreKeptThenFewerGpus) {
  Evaluation a, b;
  a.unmet = 0, a.used = 5;
  b.unmet = 1, b.used = 1;
  EXPECT_TRUE(a.BetterThan(b));
  b.unmet = 0, b.kept = 1;
  EXPECT_TRUE(b.BetterThan(a));
  a.kept = 1, a.used = 2, b.used = 3;
  EXPECT_TRUE(a.BetterThan(b));
  EXPECT_FALSE(a.BetterThan(a));
}

}  // namespace
}  // namespace migkit::planning
