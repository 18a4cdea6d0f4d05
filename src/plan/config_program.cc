#include "plan/config_program.h"

#include <utility>

namespace migkit::planning {

std::unique_ptr<Program> BuildProgram(const Problem& pb) {
  auto prog = std::make_unique<Program>();
  LinearProgram& lp = prog->lp;
  Columns* cols = &prog->cols;
  const size_t nc = pb.classes.size();
  cols->z.assign(pb.groups.size(), {});
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    for (size_t o = 0; o < g.options.size(); ++o) {
      cols->z[h].push_back(lp.AddColumn(0, static_cast<double>(g.gpus.size()), 0, true));
    }
  }
  cols->y.assign(pb.models.size(), std::vector<int>(nc, -1));
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t d = 0; d < nc; ++d) {
      if (pb.class_profile[d][m] >= 0) {
        cols->y[m][d] = lp.AddColumn(0, pb.classes[d].count, 0, false);
      }
    }
  }
  cols->u.resize(nc);
  for (size_t d = 0; d < nc; ++d) cols->u[d] = lp.AddColumn(0, pb.classes[d].count, 0, false);
  // At most the group's GPUs.
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    if (cols->z[h].size() <= 1) continue;  // the column bound says it
    std::vector<std::pair<int, double>> terms;
    for (int c : cols->z[h]) terms.push_back({c, 1.0});
    lp.AddRow(std::move(terms), -LinearProgram::kInfinity,
              static_cast<double>(pb.groups[h].gpus.size()));
  }
  // Instances assigned to a (model, profile) <= instances the chosen layouts provide.
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t p = 0; p < pb.models[m].demanded.size(); ++p) {
      std::vector<std::pair<int, double>> terms;
      for (size_t d = 0; d < nc; ++d) {
        if (pb.class_profile[d][m] == static_cast<int>(p)) terms.push_back({cols->y[m][d], 1.0});
      }
      for (size_t h = 0; h < pb.groups.size(); ++h) {
        if (pb.groups[h].model != static_cast<int>(m)) continue;
        for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
          const int a = pb.groups[h].options[o].supply[p];
          if (a != 0) terms.push_back({cols->z[h][o], -static_cast<double>(a)});
        }
      }
      lp.AddRow(std::move(terms), -LinearProgram::kInfinity, 0);
    }
  }
  // Each item: placed + unmet = wanted.
  for (size_t d = 0; d < nc; ++d) {
    std::vector<std::pair<int, double>> terms;
    for (size_t m = 0; m < pb.models.size(); ++m) {
      if (cols->y[m][d] >= 0) terms.push_back({cols->y[m][d], 1.0});
    }
    terms.push_back({cols->u[d], 1.0});
    lp.AddRow(std::move(terms), pb.classes[d].count, pb.classes[d].count);
  }
  // Limits from earlier stages, open until SetStage closes them.
  std::vector<std::pair<int, double>> unmet_terms;
  for (int c : cols->u) unmet_terms.push_back({c, 1.0});
  prog->unmet_row =
      lp.AddRow(std::move(unmet_terms), -LinearProgram::kInfinity, LinearProgram::kInfinity);
  std::vector<std::pair<int, double>> kept_terms;
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
      if (pb.groups[h].options[o].kept > 0) {
        kept_terms.push_back({cols->z[h][o], static_cast<double>(pb.groups[h].options[o].kept)});
      }
    }
  }
  if (!kept_terms.empty()) {
    prog->kept_row =
        lp.AddRow(std::move(kept_terms), -LinearProgram::kInfinity, LinearProgram::kInfinity);
  }
  return prog;
}

void SetStage(const Problem& pb, Stage stage, const Limits& limits, Program* prog) {
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
      double cost = 0;
      if (stage == Stage::kDestroyed) cost = -pb.groups[h].options[o].kept;
      if (stage == Stage::kGpus) cost = 1;
      prog->lp.SetCost(prog->cols.z[h][o], cost);
    }
  }
  for (int c : prog->cols.u) prog->lp.SetCost(c, stage == Stage::kUnmet ? 1 : 0);
  prog->lp.SetRowBounds(prog->unmet_row, -LinearProgram::kInfinity,
                        limits.max_unmet ? *limits.max_unmet : LinearProgram::kInfinity);
  if (prog->kept_row >= 0) {
    prog->lp.SetRowBounds(prog->kept_row,
                          limits.min_kept ? *limits.min_kept : -LinearProgram::kInfinity,
                          LinearProgram::kInfinity);
  }
}

}  // namespace migkit::planning
