#include "plan/exact_solve.h"

#include <gtest/gtest.h>

#include "plan/test_problem.h"

namespace migkit::planning {
namespace {

TEST(LpBounds, BoundTheFastSolutionOfAnEasyCase) {
  const Problem pb = MakeProblem("5xH100-SXM5-80GB", "7g.80gb=2,1g.10gb=7");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  const LpGuide guide = SolveLps(pb, prog.get());
  const Solution fast = FastSolve(pb, guide);
  const Bounds b = LpBounds(pb, guide, fast.ev, prog.get());
  EXPECT_EQ(b.unmet, 0);
  EXPECT_EQ(b.gpus, 3);
  EXPECT_NEAR(b.lp_gpus, 3, kEps);
  EXPECT_FALSE(b.destroyed.has_value());  // not a re-plan
}

TEST(ExactSolve, KeepsAndProvesTheOptimum) {
  // 2x 3g.40gb + 1x 4g.40gb: the LP says 1.5 GPUs, the optimum is 2 (mig-facts.md §3.5: a 3g and
  // a 4g share one H100, a second 3g needs another).
  const Problem pb = MakeProblem("4xH100-SXM5-80GB", "3g.40gb=2,4g.40gb=1");
  std::unique_ptr<Program> prog = BuildProgram(pb);
  const LpGuide guide = SolveLps(pb, prog.get());
  Solution best = FastSolve(pb, guide);
  Bounds bounds = LpBounds(pb, guide, best.ev, prog.get());
  EXPECT_NEAR(bounds.lp_gpus, 1.5, kEps);
  int nodes = 0;
  ExactSolve(pb, std::chrono::steady_clock::now() + std::chrono::seconds(10), prog.get(), &best,
             &bounds, &nodes);
  EXPECT_EQ(best.ev.unmet, 0);
  EXPECT_EQ(best.ev.used, 2);
  EXPECT_EQ(bounds.gpus, 2);
  EXPECT_TRUE(bounds.gpus_proven);
}

}  // namespace
}  // namespace migkit::planning
