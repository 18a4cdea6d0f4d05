#include "plan/fast_solve.h"

#include <gtest/gtest.h>

#include "plan/test_problem.h"

namespace migkit::planning {
namespace {

TEST(FastSolve, FindsTheOptimumOfAnEasyCase) {
  // Two 7g.80gb need a GPU each and seven 1g.10gb fill a third.
  const Problem pb = MakeProblem("5xH100-SXM5-80GB", "7g.80gb=2,1g.10gb=7");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  const LpGuide guide = SolveLps(pb, prog.get());
  EXPECT_NEAR(guide.unmet, 0, kEps);
  EXPECT_NEAR(guide.gpus, 3, kEps);
  const Solution s = FastSolve(pb, guide);
  EXPECT_EQ(s.ev.unmet, 0);
  EXPECT_EQ(s.ev.used, 3);
}

TEST(FastSolve, PlacesWhatFitsWhenTheFleetIsTooSmall) {
  const Problem pb = MakeProblem("H100-SXM5-80GB", "7g.80gb=1,4g.40gb=1");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  const Solution s = FastSolve(pb, SolveLps(pb, prog.get()));
  EXPECT_EQ(s.ev.used, 1);
  EXPECT_EQ(s.ev.unmet, 1);
}

TEST(DropUnneeded, RemovesGpusTheDemandDoesNotNeed) {
  const Problem pb = MakeProblem("4xH100-SXM5-80GB", "7g.80gb=1");
  ASSERT_EQ(pb.groups.size(), 1u);
  Counts z = {std::vector<int>(pb.groups[0].options.size(), 0)};
  z[0][0] = 4;  // every GPU gets the one useful layout
  DropUnneeded(pb, &z);
  EXPECT_EQ(Evaluate(pb, z).used, 1);
  EXPECT_EQ(Evaluate(pb, z).unmet, 0);
}

TEST(ZFromValues, RoundsLpValuesAndColumnValuesInvertsIt) {
  const Problem pb = MakeProblem("4xH100-SXM5-80GB", "7g.80gb=2");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  Counts z = {std::vector<int>(pb.groups[0].options.size(), 0)};
  z[0][0] = 2;
  const Evaluation ev = Evaluate(pb, z);
  const std::vector<double> x = ColumnValues(pb, prog->cols, z, ev, prog->lp.num_columns());
  EXPECT_EQ(ZFromValues(pb, prog->cols, x), z);
  std::vector<double> noisy = x;
  noisy[prog->cols.z[0][0]] = 1.9999999;
  EXPECT_EQ(ZFromValues(pb, prog->cols, noisy), z);
  EXPECT_EQ(CeilBound(2.0000001), 2);
  EXPECT_EQ(FloorBound(1.9999999), 2);
}

}  // namespace
}  // namespace migkit::planning
