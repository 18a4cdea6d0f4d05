// How fast a job runs on a MIG instance of each size, relative to the whole GPU: MISO's measured
// training-iteration times on A100-40GB
// (shared/data/perf/miso_a100_40gb_mig_training_iter_time.csv, scheduling.md §3.2). A pod names its
// job as "<model>/<batch_size>" (e.g. "resnet/128"); its run time on an instance of g compute
// slices is its whole-GPU run time / Relative(job, g).
//
// Profiles are matched by compute slices (1, 2, 3, 4, 7), which every MIG model shares, so the
// A100 measurements stand in for other models' instances of the same size (an assumption,
// docs/simulator.md). A missing row means the job did not fit that instance's memory.
#ifndef MIGKIT_SIM_SPEED_TABLE_H_
#define MIGKIT_SIM_SPEED_TABLE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace migkit::sim {

class SpeedTable {
 public:
  /// Reads the table (columns model, batch_size, compute_slices, mean_iter_time_s; others are
  /// ignored). Relative speeds are recomputed from the iteration times, so each job needs a row
  /// for the whole GPU (the most slices it was measured on). Errors: kParseError naming the file
  /// and line.
  static StatusOr<SpeedTable> Parse(std::string_view csv_text, std::string_view source);

  /// Whether `job` ("model/batch") was measured at all.
  bool Has(std::string_view job) const { return jobs_.count(std::string(job)) > 0; }

  /// Throughput on an instance of `slices` compute slices relative to the whole GPU (1.0 there);
  /// nullopt when the job was not measured on that size (it did not fit).
  std::optional<double> Relative(std::string_view job, int slices) const;

  /// The fewest compute slices the job was measured on (the smallest instance it fits).
  int SmallestSlices(std::string_view job) const;

  /// Every job, sorted ("bert/2", ...).
  std::vector<std::string> Jobs() const;

 private:
  // job -> (compute slices -> relative throughput)
  std::map<std::string, std::map<int, double>> jobs_;
};

/// The fallback speed of scheduling.md §3.2 for a job without measurements: (slices / full)^0.55,
/// fitted to MISO's medians (0.32, 0.47, 0.66, 0.75 at 1g..4g), at most 1.
double FallbackRelativeSpeed(int slices, int full_slices);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_SPEED_TABLE_H_
