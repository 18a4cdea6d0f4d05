#include "plan/fast_solve.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace migkit::planning {

// Column values of a known solution, to seed branch-and-bound.
std::vector<double> ColumnValues(const Problem& pb, const Columns& cols, const Counts& z,
                                 const Evaluation& ev, int num_columns) {
  std::vector<double> x(num_columns, 0.0);
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (size_t o = 0; o < cols.z[h].size(); ++o) x[cols.z[h][o]] = z[h][o];
  }
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      if (cols.y[m][d] >= 0) x[cols.y[m][d]] = static_cast<double>(ev.y[m][d]);
    }
  }
  for (size_t d = 0; d < pb.classes.size(); ++d) {
    x[cols.u[d]] = static_cast<double>(pb.classes[d].count - ev.met[d]);
  }
  return x;
}

Counts ZFromValues(const Problem& pb, const Columns& cols, const std::vector<double>& x) {
  Counts z(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (int c : cols.z[h]) z[h].push_back(static_cast<int>(std::lround(x[c])));
  }
  return z;
}

namespace {

Counts EmptyCounts(const Problem& pb) {
  Counts z(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) z[h].assign(pb.groups[h].options.size(), 0);
  return z;
}

int Free(const Problem& pb, const Counts& z, size_t h) {
  return static_cast<int>(pb.groups[h].gpus.size()) - std::accumulate(z[h].begin(), z[h].end(), 0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The fast heuristic: round the LP, repair greedily, then drop GPUs that are not needed.

namespace {

// What the greedy repair maximises per GPU: instances covered (right when the fleet is too small,
// as unmet demand is counted in instances), or compute covered (right for covering with few GPUs).
enum class Weighting { kInstances, kSlices };

int Weight(const GiProfile& p, Weighting w) {
  return w == Weighting::kInstances ? 1 : p.slices * 16 + p.placement_size;
}

Supply Plus(Supply supply, int model, const std::vector<int>& add, long long copies) {
  for (size_t p = 0; p < add.size(); ++p) supply[model][p] += copies * add[p];
  return supply;
}

// The most copies (1..limit) of `add` on `model` that each place `gain` more instances: met
// demand is concave along a direction, so the first copy that falls short ends the run.
long long FullyUsefulCopies(const Problem& pb, const Supply& supply, long long unmet, int model,
                            const std::vector<int>& add, long long gain, long long limit) {
  long long lo = 1, hi = std::max<long long>(1, limit);
  while (lo < hi) {
    const long long mid = (lo + hi + 1) / 2;
    if (unmet - UnmetWith(pb, Plus(supply, model, add, mid)) >= mid * gain) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// Adds GPUs (in batches while each copy stays fully useful), each time the option covering the
// most unmet demand, until nothing more can be placed. kInstances scores an option by the exact
// number of instances it lets the max flow place; kSlices by the compute it covers of the unmet
// demand (an estimate on mixed fleets, where an item's remainder counts on every model).
// Options are scored once per distinct supply (Problem::supply_classes), not once per group.
void GreedyFill(const Problem& pb, Weighting weighting, Counts* z) {
  std::vector<long long> free(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) free[h] = Free(pb, *z, h);
  // Per supply class, the first member (by kept, descending) whose group still has room; groups
  // only fill up, so the cursor only moves forward.
  std::vector<size_t> cursor(pb.supply_classes.size(), 0);
  Evaluation ev;
  ev.supply = SupplyOf(pb, *z, &ev.used, &ev.kept);
  while (true) {
    MeetDemand(pb, &ev);
    if (ev.unmet == 0) return;
    std::vector<std::vector<long long>> residual(pb.models.size());
    for (size_t m = 0; m < pb.models.size(); ++m) {
      residual[m].assign(pb.models[m].demanded.size(), 0);
    }
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      const long long u = pb.classes[d].count - ev.met[d];
      if (u == 0) continue;
      for (size_t m = 0; m < pb.models.size(); ++m) {
        if (pb.class_profile[d][m] >= 0) residual[m][pb.class_profile[d][m]] += u;
      }
    }
    std::tuple<long long, int, long long> best_key{0, 0, 0};
    int best_class = -1;
    for (size_t c = 0; c < pb.supply_classes.size(); ++c) {
      const SupplyClass& sc = pb.supply_classes[c];
      while (cursor[c] < sc.members.size() && free[sc.members[cursor[c]].first] <= 0) ++cursor[c];
      if (cursor[c] == sc.members.size()) continue;
      const ModelSpace& space = pb.models[sc.model];
      long long score = 0, capacity = 0;
      for (size_t p = 0; p < space.demanded.size(); ++p) {
        const int w = Weight(*space.demanded[p], weighting);
        score += std::min<long long>(sc.supply[p], residual[sc.model][p]) * w;
        capacity += static_cast<long long>(sc.supply[p]) * w;
      }
      if (score > 0 && weighting == Weighting::kInstances) {
        score = ev.unmet - UnmetWith(pb, Plus(ev.supply, sc.model, sc.supply, 1));
      }
      const auto [h, o] = sc.members[cursor[c]];
      // Most covered, then most kept, then least spare capacity.
      const std::tuple<long long, int, long long> key{score, pb.groups[h].options[o].kept,
                                                      -capacity};
      if (score > 0 && (best_class < 0 || key > best_key)) {
        best_key = key;
        best_class = static_cast<int>(c);
      }
    }
    if (best_class < 0) return;
    const SupplyClass& sc = pb.supply_classes[best_class];
    const auto [h, o] = sc.members[cursor[best_class]];
    long long copies = free[h];
    if (weighting == Weighting::kInstances) {
      copies = FullyUsefulCopies(pb, ev.supply, ev.unmet, sc.model, sc.supply,
                                 std::get<0>(best_key), copies);
    } else {
      for (size_t p = 0; p < sc.supply.size(); ++p) {
        if (sc.supply[p] > 0) copies = std::min(copies, residual[sc.model][p] / sc.supply[p]);
      }
      copies = std::max<long long>(1, copies);
    }
    (*z)[h][o] += static_cast<int>(copies);
    free[h] -= copies;
    ev.used += copies;
    ev.kept += copies * pb.groups[h].options[o].kept;
    ev.supply = Plus(std::move(ev.supply), sc.model, sc.supply, copies);
  }
}

// nos's order: GPU groups in fleet order; each GPU takes the option that lets the most unmet
// instances be placed (exactly, by max flow), until the group is full or nothing more helps.
void SequentialFill(const Problem& pb, Counts* z) {
  Evaluation ev;
  ev.supply = SupplyOf(pb, *z, &ev.used, &ev.kept);
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    long long free = Free(pb, *z, h);
    while (free > 0) {
      const long long unmet = UnmetWith(pb, ev.supply);
      if (unmet == 0) return;
      std::tuple<long long, int, long long> best_key{0, 0, 0};
      int best = -1;
      for (size_t o = 0; o < g.options.size(); ++o) {
        const long long gain =
            unmet - UnmetWith(pb, Plus(ev.supply, g.model, g.options[o].supply, 1));
        const long long capacity =
            std::accumulate(g.options[o].supply.begin(), g.options[o].supply.end(), 0LL);
        const std::tuple<long long, int, long long> key{gain, g.options[o].kept, -capacity};
        if (gain > 0 && (best < 0 || key > best_key)) {
          best_key = key;
          best = static_cast<int>(o);
        }
      }
      if (best < 0) break;
      const long long copies = FullyUsefulCopies(
          pb, ev.supply, unmet, g.model, g.options[best].supply, std::get<0>(best_key), free);
      (*z)[h][best] += static_cast<int>(copies);
      free -= copies;
      ev.supply = Plus(std::move(ev.supply), g.model, g.options[best].supply, copies);
    }
  }
}

}  // namespace

// Re-plan: a GPU with running instances that no option uses keeps them (destroying fewer
// instances outranks using fewer GPUs).
void KeepFill(const Problem& pb, Counts* z) {
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    if (g.current.empty()) continue;
    const int free = Free(pb, *z, h);
    if (free <= 0) continue;
    int best = -1;
    for (size_t o = 0; o < g.options.size(); ++o) {
      if (best < 0 || g.options[o].kept > g.options[best].kept) best = static_cast<int>(o);
    }
    if (best >= 0 && g.options[best].kept > 0) (*z)[h][best] += free;
  }
}

// Removes GPUs (options that keep nothing) while the demand met does not drop.
void DropUnneeded(const Problem& pb, Counts* z) {
  long long used = 0, kept = 0;
  Supply supply = SupplyOf(pb, *z, &used, &kept);
  const long long unmet = UnmetWith(pb, supply);
  auto without = [&](const Group& g, const Option& o, int n) {
    Supply s = supply;
    for (size_t p = 0; p < o.supply.size(); ++p)
      s[g.model][p] -= static_cast<long long>(n) * o.supply[p];
    return s;
  };
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    for (size_t o = 0; o < g.options.size(); ++o) {
      if (g.options[o].kept > 0 || (*z)[h][o] == 0) continue;
      // Binary search the largest removable amount: met demand only falls as GPUs go.
      int lo = 0, hi = (*z)[h][o];
      while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (UnmetWith(pb, without(g, g.options[o], mid)) <= unmet) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      if (lo > 0) {
        supply = without(g, g.options[o], lo);
        (*z)[h][o] -= lo;
      }
    }
  }
}

namespace {

Solution Finish(const Problem& pb, Counts z, std::optional<Weighting> weighting) {
  if (weighting) {
    GreedyFill(pb, *weighting, &z);
  } else {
    SequentialFill(pb, &z);
  }
  KeepFill(pb, &z);
  DropUnneeded(pb, &z);
  Evaluation ev = Evaluate(pb, z);
  return {std::move(z), std::move(ev)};
}

}  // namespace

// The staged relaxations. The common case needs one solve: when the whole demand fits
// fractionally, the unmet stage is skipped.
LpGuide SolveLps(const Problem& pb, Program* prog) {
  LpGuide guide;
  Limits limits;
  limits.max_unmet = 0.0;
  const Stage second = pb.current_instances > 0 ? Stage::kDestroyed : Stage::kGpus;
  SetStage(pb, second, limits, prog);
  LinearProgram::Result r = prog->lp.SolveRelaxation();
  if (r.outcome != LinearProgram::Outcome::kOptimal) {
    // The fleet is too small even fractionally: find the least unmet first.
    SetStage(pb, Stage::kUnmet, {}, prog);
    LinearProgram::Result r1 = prog->lp.SolveRelaxation();
    guide.unmet = r1.outcome == LinearProgram::Outcome::kOptimal ? std::max(0.0, r1.objective) : 0;
    limits.max_unmet = guide.unmet + kEps;
    SetStage(pb, second, limits, prog);
    r = prog->lp.SolveRelaxation();
  }
  if (second == Stage::kDestroyed) {
    if (r.outcome == LinearProgram::Outcome::kOptimal) {
      guide.max_kept = -r.objective;
      limits.min_kept = *guide.max_kept - kEps;
    }
    SetStage(pb, Stage::kGpus, limits, prog);
    r = prog->lp.SolveRelaxation();
  }
  if (r.outcome == LinearProgram::Outcome::kOptimal) {
    guide.gpus = r.objective;
    guide.x = std::move(r.values);
  }
  guide.cols = prog->cols;
  return guide;
}

Solution FastSolve(const Problem& pb, const LpGuide& guide) {
  Counts floor_z = EmptyCounts(pb), ceil_z = EmptyCounts(pb);
  if (!guide.x.empty()) {
    for (size_t h = 0; h < pb.groups.size(); ++h) {
      for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
        const double v = guide.x[guide.cols.z[h][o]];
        floor_z[h][o] = FloorBound(v);
        ceil_z[h][o] = CeilBound(v);
      }
      // Rounding up may exceed the group: give back the smallest rounded-up parts first.
      while (Free(pb, ceil_z, h) < 0) {
        int worst = -1;
        double worst_frac = 2;
        for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
          const double v = guide.x[guide.cols.z[h][o]];
          const double frac = v - std::floor(v + kEps);
          if (ceil_z[h][o] > floor_z[h][o] && frac < worst_frac) {
            worst_frac = frac;
            worst = static_cast<int>(o);
          }
        }
        if (worst < 0) break;
        --ceil_z[h][worst];
      }
    }
  }
  // Each rounding repaired both ways, the greedy from nothing both ways, and nos's sequential
  // greedy; the best wins.
  std::optional<Solution> best = Finish(pb, EmptyCounts(pb), std::nullopt);
  const Counts empty = EmptyCounts(pb);
  for (const Counts* start : std::initializer_list<const Counts*>{&floor_z, &ceil_z, &empty}) {
    for (Weighting w : {Weighting::kSlices, Weighting::kInstances}) {
      Solution s = Finish(pb, *start, w);
      if (s.ev.BetterThan(best->ev)) best = std::move(s);
    }
  }
  return std::move(*best);
}

}  // namespace migkit::planning
