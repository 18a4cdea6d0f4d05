// LinearProgram: a linear / integer program solved with GLPK (libglpk-dev).
//
// The planner's programs are small (a column per GPU group and configuration, a row per profile
// and demand item; their size does not grow with the number of GPUs or instances). The planner
// solves one program several times with different objectives and limit rows, so the relaxation
// keeps GLPK's problem and basis between solves (a warm start); SetCost and SetRowBounds change it
// in place. GLPK's types stay in lp_solver.cc.
//
// Thread-safety: one LinearProgram per thread.
#ifndef MIGKIT_PLAN_LP_SOLVER_H_
#define MIGKIT_PLAN_LP_SOLVER_H_

#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace migkit {

class LinearProgram {
 public:
  static constexpr double kInfinity = std::numeric_limits<double>::infinity();

  /// Adds a column lb <= x <= ub with cost `cost` in the (minimised) objective. Returns its index.
  int AddColumn(double lb, double ub, double cost, bool integer);
  /// Adds a row lb <= sum(coef * x[col]) <= ub; either bound may be infinite. Returns its index.
  int AddRow(std::vector<std::pair<int, double>> terms, double lb, double ub);
  /// Changes a column's objective coefficient / a row's bounds for later solves.
  void SetCost(int column, double cost);
  void SetRowBounds(int row, double lb, double ub);

  int num_columns() const { return static_cast<int>(columns_.size()); }

  enum class Outcome {
    kOptimal,     // solved to proven optimality
    kFeasible,    // an integer solution, not proven optimal (time limit)
    kInfeasible,  // no solution exists
    kNoSolution,  // the time limit passed before any integer solution was found
  };

  struct Result {
    Outcome outcome = Outcome::kNoSolution;
    double objective = 0;
    /// The best proven lower bound on the objective (for kOptimal equal to `objective`).
    double bound = -kInfinity;
    std::vector<double> values;  // one per column when a solution exists
    int nodes = 0;               // branch-and-bound nodes explored (MIP only)
  };

  /// Solves the LP relaxation (integrality ignored) with the simplex method, starting from the
  /// previous solve's basis.
  Result SolveRelaxation();

  /// Solves the integer program by branch-and-bound, stopping after `time_limit_seconds`.
  /// `incumbent` (one value per column, or empty) is a known feasible solution offered to the
  /// search. Because every objective the planner uses takes integer values on integer solutions,
  /// the search stops as soon as ceil(bound) reaches the incumbent.
  Result SolveInteger(double time_limit_seconds, const std::vector<double>& incumbent) const;

 private:
  struct Column {
    double lb, ub, cost;
    bool integer;
  };
  struct Row {
    std::vector<std::pair<int, double>> terms;
    double lb, ub;
  };
  struct ProbDeleter {
    void operator()(void* p) const;
  };
  std::vector<Column> columns_;
  std::vector<Row> rows_;
  std::unique_ptr<void, ProbDeleter> relaxation_;  // a glp_prob, kept for warm starts
};

}  // namespace migkit

#endif  // MIGKIT_PLAN_LP_SOLVER_H_
