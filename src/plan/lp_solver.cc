#include "plan/lp_solver.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace migkit {
namespace {

// Objective values of integer solutions are integers; a bound within this of an integer counts
// as that integer.
constexpr double kIntegralTolerance = 1e-6;

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Prob = std::unique_ptr<glp_prob, ProbDeleter>;

int BoundType(double lb, double ub) {
  const bool has_lb = std::isfinite(lb);
  const bool has_ub = std::isfinite(ub);
  if (has_lb && has_ub) return lb == ub ? GLP_FX : GLP_DB;
  if (has_lb) return GLP_LO;
  if (has_ub) return GLP_UP;
  return GLP_FR;
}

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }

struct SearchState {
  const std::vector<double>* incumbent = nullptr;
  bool offered = false;
  bool proven = false;
  double best_bound = -LinearProgram::kInfinity;
};

// Offers the caller's incumbent once, and stops the search when the incumbent is provably optimal
// (objective values are integral, so ceil(bound) >= incumbent suffices).
void Callback(glp_tree* tree, void* info) {
  auto* state = static_cast<SearchState*>(info);
  switch (glp_ios_reason(tree)) {
    case GLP_IHEUR:
      if (!state->offered && state->incumbent != nullptr && !state->incumbent->empty()) {
        state->offered = true;
        // GLPK arrays are 1-based.
        const std::vector<double>& inc = *state->incumbent;
        std::vector<double> x(inc.size() + 1, 0.0);
        for (size_t j = 0; j < inc.size(); ++j) x[j + 1] = inc[j];
        glp_ios_heur_sol(tree, x.data());
      }
      break;
    case GLP_ISELECT:
    case GLP_IBINGO: {
      glp_prob* p = glp_ios_get_prob(tree);
      const int best = glp_ios_best_node(tree);
      if (best == 0) break;
      const double bound = glp_ios_node_bound(tree, best);
      state->best_bound = std::max(state->best_bound, bound);
      if (glp_mip_status(p) == GLP_FEAS &&
          std::ceil(bound - kIntegralTolerance) >= glp_mip_obj_val(p) - kIntegralTolerance) {
        state->proven = true;
        glp_ios_terminate(tree);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

void LinearProgram::ProbDeleter::operator()(void* p) const {
  glp_delete_prob(static_cast<glp_prob*>(p));
}

int LinearProgram::AddColumn(double lb, double ub, double cost, bool integer) {
  relaxation_.reset();
  columns_.push_back({lb, ub, cost, integer});
  return static_cast<int>(columns_.size()) - 1;
}

int LinearProgram::AddRow(std::vector<std::pair<int, double>> terms, double lb, double ub) {
  relaxation_.reset();
  rows_.push_back({std::move(terms), lb, ub});
  return static_cast<int>(rows_.size()) - 1;
}

void LinearProgram::SetCost(int column, double cost) {
  columns_[column].cost = cost;
  if (relaxation_) glp_set_obj_coef(static_cast<glp_prob*>(relaxation_.get()), column + 1, cost);
}

void LinearProgram::SetRowBounds(int row, double lb, double ub) {
  rows_[row].lb = lb;
  rows_[row].ub = ub;
  if (relaxation_) {
    glp_set_row_bnds(static_cast<glp_prob*>(relaxation_.get()), row + 1, BoundType(lb, ub),
                     Finite(lb), Finite(ub));
  }
}

namespace {

Prob Build(const auto& columns, const auto& rows, bool integer) {
  Prob p(glp_create_prob());
  glp_set_obj_dir(p.get(), GLP_MIN);
  if (!columns.empty()) glp_add_cols(p.get(), static_cast<int>(columns.size()));
  for (size_t j = 0; j < columns.size(); ++j) {
    const auto& c = columns[j];
    const int col = static_cast<int>(j) + 1;
    glp_set_col_bnds(p.get(), col, BoundType(c.lb, c.ub), Finite(c.lb), Finite(c.ub));
    glp_set_obj_coef(p.get(), col, c.cost);
    if (integer && c.integer) glp_set_col_kind(p.get(), col, GLP_IV);
  }
  if (!rows.empty()) glp_add_rows(p.get(), static_cast<int>(rows.size()));
  std::vector<int> ind;
  std::vector<double> val;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const int row = static_cast<int>(i) + 1;
    glp_set_row_bnds(p.get(), row, BoundType(r.lb, r.ub), Finite(r.lb), Finite(r.ub));
    ind.assign(1, 0);
    val.assign(1, 0.0);
    for (const auto& [col, coef] : r.terms) {
      if (coef == 0) continue;
      ind.push_back(col + 1);
      val.push_back(coef);
    }
    glp_set_mat_row(p.get(), row, static_cast<int>(ind.size()) - 1, ind.data(), val.data());
  }
  return p;
}

}  // namespace

LinearProgram::Result LinearProgram::SolveRelaxation() {
  glp_term_out(GLP_OFF);
  if (!relaxation_) {
    relaxation_.reset(Build(columns_, rows_, /*integer=*/false).release());
    glp_adv_basis(static_cast<glp_prob*>(relaxation_.get()), 0);
  }
  glp_prob* p = static_cast<glp_prob*>(relaxation_.get());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  Result result;
  int rc = glp_simplex(p, &parm);
  if (rc == GLP_EFAIL || rc == GLP_ESING || rc == GLP_ECOND) {
    // The kept basis went bad: start again from a fresh one.
    glp_adv_basis(p, 0);
    rc = glp_simplex(p, &parm);
  }
  const int status = glp_get_status(p);
  if (rc == GLP_ENOPFS || status == GLP_NOFEAS || status == GLP_INFEAS) {
    result.outcome = Outcome::kInfeasible;
    return result;
  }
  if (rc != 0 || status != GLP_OPT) {
    result.outcome = Outcome::kNoSolution;
    return result;
  }
  result.outcome = Outcome::kOptimal;
  result.objective = glp_get_obj_val(p);
  result.bound = result.objective;
  result.values.resize(columns_.size());
  for (size_t j = 0; j < columns_.size(); ++j) {
    result.values[j] = glp_get_col_prim(p, static_cast<int>(j) + 1);
  }
  return result;
}

LinearProgram::Result LinearProgram::SolveInteger(double time_limit_seconds,
                                                  const std::vector<double>& incumbent) const {
  glp_term_out(GLP_OFF);
  Prob p = Build(columns_, rows_, /*integer=*/true);
  Result result;
  // The branch-and-bound needs an optimal basis of the relaxation first.
  glp_smcp sparm;
  glp_init_smcp(&sparm);
  sparm.msg_lev = GLP_MSG_OFF;
  if (glp_simplex(p.get(), &sparm) != 0 || glp_get_status(p.get()) != GLP_OPT) {
    result.outcome =
        glp_get_status(p.get()) == GLP_NOFEAS ? Outcome::kInfeasible : Outcome::kNoSolution;
    return result;
  }
  const double root_bound = glp_get_obj_val(p.get());

  SearchState state;
  state.incumbent = &incumbent;
  state.best_bound = root_bound;
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;  // the callback's incumbent is in the original columns
  parm.br_tech = GLP_BR_DTH;
  parm.bt_tech = GLP_BT_BLB;
  parm.gmi_cuts = GLP_ON;
  parm.mir_cuts = GLP_ON;
  parm.tm_lim = static_cast<int>(std::clamp(time_limit_seconds, 0.001, 2.0e6) * 1000.0);
  parm.cb_func = Callback;
  parm.cb_info = &state;
  const int rc = glp_intopt(p.get(), &parm);
  const int status = glp_mip_status(p.get());
  if (status == GLP_NOFEAS) {
    result.outcome = Outcome::kInfeasible;
    return result;
  }
  if (status != GLP_OPT && status != GLP_FEAS) {
    result.outcome = Outcome::kNoSolution;
    result.bound = state.best_bound;
    return result;
  }
  result.objective = glp_mip_obj_val(p.get());
  const bool proven = status == GLP_OPT || state.proven || (rc == 0 && status == GLP_OPT);
  result.outcome = proven ? Outcome::kOptimal : Outcome::kFeasible;
  result.bound = proven ? result.objective : std::ceil(state.best_bound - kIntegralTolerance);
  result.values.resize(columns_.size());
  for (size_t j = 0; j < columns_.size(); ++j) {
    result.values[j] = glp_mip_col_val(p.get(), static_cast<int>(j) + 1);
  }
  return result;
}

}  // namespace migkit
