// Reading what `scontrol show node` and `scontrol -d show job` print (Slurm 22.05): the node's
// state, reason and GRES, and the GRES indices each job holds on a node.
#ifndef MIGKIT_SLURM_SCONTROL_OUTPUT_H_
#define MIGKIT_SLURM_SCONTROL_OUTPUT_H_

#include <string>
#include <vector>

namespace migkit::slurm {

struct NodeStatus {
  std::string state;   // "IDLE+DRAIN", "MIXED", "IDLE+INVAL", ...
  std::string reason;  // "" when none
  std::string gres;    // "gpu:a100_3g.20gb:1(S:0),gpu:a100_1g.5gb:2(S:0)"

  /// The base state before any '+' flag: "IDLE", "MIXED", "DOWN", ...
  std::string Base() const;
  bool HasFlag(const std::string& flag) const;
};

/// The fields of `scontrol show node NAME`'s output.
NodeStatus ParseNodeStatus(const std::string& text);

/// `gres` ("gpu:a100_3g.20gb:1(S:0),gpu:a100_1g.5gb:2(S:0-1)") without the socket annotations.
std::string GresWithoutSockets(const std::string& gres);

struct JobGpus {
  std::string job_id;
  std::string state;         // "RUNNING", ...
  std::vector<int> indices;  // the node's GPU GRES indices it holds, ascending
};

/// The jobs of `scontrol -d show job` that hold GPU GRES on `node` ("Nodes=vm ...
/// GRES=gpu:a100_1g.5gb:1(IDX:2)" lines; "IDX:0,2-3" lists several).
std::vector<JobGpus> ParseJobGpus(const std::string& text, const std::string& node);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_SCONTROL_OUTPUT_H_
