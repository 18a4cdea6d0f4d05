// SlurmProcesses: the SlurmControl of `migctl slurm apply` on a real node. It runs `scontrol`
// (from PATH; SLURM_CONF is passed on as is) and the site's restart command, each with a
// timeout, and gives their output or an error that quotes the command and what it printed.
#ifndef MIGKIT_CLI_SLURM_PROCESS_H_
#define MIGKIT_CLI_SLURM_PROCESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "slurm/slurm_apply.h"

namespace migkit::cli {

/// Runs `argv` (argv[0] looked up in PATH) with stdout and stderr captured together, killing its
/// process group after `timeout_micros`. kUnknown when it cannot start, exits non-zero or times
/// out, with the command line and its output in the message.
StatusOr<std::string> RunCommand(const std::vector<std::string>& argv, std::int64_t timeout_micros);

class SlurmProcesses : public slurm::SlurmControl {
 public:
  /// `restart_cmd` is run through /bin/sh as `<restart_cmd> <daemon>`, e.g. "systemctl restart".
  SlurmProcesses(std::string restart_cmd, std::int64_t timeout_micros)
      : restart_cmd_(std::move(restart_cmd)), timeout_micros_(timeout_micros) {}

  StatusOr<std::string> ShowNode(const std::string& node) override;
  StatusOr<std::string> ShowJobs() override;
  Status UpdateNode(const std::string& node, const std::string& state,
                    const std::string& reason) override;
  Status Restart(const std::string& daemon) override;

 private:
  std::string restart_cmd_;
  std::int64_t timeout_micros_;
};

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_SLURM_PROCESS_H_
