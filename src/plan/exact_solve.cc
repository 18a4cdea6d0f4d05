#include "plan/exact_solve.h"

#include <algorithm>
#include <utility>

namespace migkit::planning {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

// LP bounds for plans no worse than `best` in the earlier objectives.
// Each stage's LP is solved again only when `best` differs from the values the guide's LPs were
// constrained to (the guide's bounds are then not valid for it).
Bounds LpBounds(const Problem& pb, const LpGuide& guide, const Evaluation& best, Program* prog) {
  Bounds b;
  b.unmet = CeilBound(guide.unmet);
  const bool same_unmet = best.unmet <= guide.unmet + kEps;
  Limits limits;
  limits.max_unmet = static_cast<double>(best.unmet);
  bool same_kept = true;
  if (pb.current_instances > 0) {
    double max_kept = pb.current_instances;
    if (same_unmet && guide.max_kept) {
      max_kept = *guide.max_kept;
    } else {
      SetStage(pb, Stage::kDestroyed, limits, prog);
      LinearProgram::Result r = prog->lp.SolveRelaxation();
      if (r.outcome == LinearProgram::Outcome::kOptimal) max_kept = -r.objective;
    }
    b.destroyed = pb.current_instances - FloorBound(max_kept);
    limits.min_kept = static_cast<double>(best.kept);
    // The guide's limits (unmet <= guide.unmet + eps, kept >= max_kept - eps) are then no tighter
    // than best's, so its value is a valid bound.
    same_kept = same_unmet && guide.max_kept && best.kept >= *guide.max_kept - kEps;
  }
  if (same_unmet && same_kept && !guide.x.empty()) {
    b.lp_gpus = guide.gpus;
  } else {
    SetStage(pb, Stage::kGpus, limits, prog);
    LinearProgram::Result r = prog->lp.SolveRelaxation();
    b.lp_gpus = r.outcome == LinearProgram::Outcome::kOptimal ? r.objective : 0;
  }
  b.gpus = CeilBound(b.lp_gpus);
  return b;
}

// Improves `best` stage by stage with branch-and-bound, each stage constrained to the earlier
// stages' best values, within `deadline`.
void ExactSolve(const Problem& pb, std::chrono::steady_clock::time_point deadline, Program* prog,
                Solution* best, Bounds* bounds, int* nodes) {
  auto remaining = [&] {
    return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  auto run = [&](Stage stage, const Limits& limits) -> std::optional<LinearProgram::Result> {
    if (remaining() <= 0) return std::nullopt;
    SetStage(pb, stage, limits, prog);
    const Columns& cols = prog->cols;
    std::vector<double> seed = ColumnValues(pb, cols, best->z, best->ev, prog->lp.num_columns());
    LinearProgram::Result r = prog->lp.SolveInteger(remaining(), seed);
    *nodes += r.nodes;
    if (!r.values.empty()) {
      Solution candidate;
      candidate.z = ZFromValues(pb, cols, r.values);
      // The IP's values are a plan already; dropping unneeded GPUs only helps later stages.
      KeepFill(pb, &candidate.z);
      DropUnneeded(pb, &candidate.z);
      candidate.ev = Evaluate(pb, candidate.z);
      if (candidate.ev.BetterThan(best->ev)) *best = std::move(candidate);
    }
    return r;
  };

  Limits limits;
  // 1. Unmet.
  if (best->ev.unmet > bounds->unmet) {
    std::optional<LinearProgram::Result> r = run(Stage::kUnmet, limits);
    if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
      bounds->unmet = static_cast<int>(best->ev.unmet);
    } else if (r) {
      bounds->unmet = std::max(bounds->unmet, CeilBound(r->bound));
    }
  }
  bounds->unmet_proven = best->ev.unmet <= bounds->unmet;
  if (!bounds->unmet_proven) return;
  limits.max_unmet = static_cast<double>(best->ev.unmet);
  // 2. Destroyed (re-plan).
  if (bounds->destroyed) {
    const long long destroyed = pb.current_instances - best->ev.kept;
    if (destroyed > *bounds->destroyed) {
      std::optional<LinearProgram::Result> r = run(Stage::kDestroyed, limits);
      if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
        bounds->destroyed = static_cast<int>(pb.current_instances - best->ev.kept);
      } else if (r) {
        // The objective is -kept; its bound caps kept from above.
        bounds->destroyed =
            std::max(*bounds->destroyed, pb.current_instances - FloorBound(-r->bound));
      }
    }
    bounds->destroyed_proven = pb.current_instances - best->ev.kept <= *bounds->destroyed;
    if (!bounds->destroyed_proven) return;
    limits.min_kept = static_cast<double>(best->ev.kept);
  }
  // 3. GPUs.
  if (best->ev.used > bounds->gpus) {
    std::optional<LinearProgram::Result> r = run(Stage::kGpus, limits);
    if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
      bounds->gpus = static_cast<int>(best->ev.used);
    } else if (r) {
      bounds->gpus = std::max(bounds->gpus, CeilBound(r->bound));
    }
  }
  bounds->gpus_proven = best->ev.used <= bounds->gpus;
}

}  // namespace migkit::planning
