// Rewriting one node's Gres= in slurm.conf and leaving every other byte as it was.
//
// slurm.conf(5): one "Key=Value ..." record per line, '#' starts a comment, keys are
// case-insensitive. A node is described on a line starting with NodeName=<name>.
#ifndef MIGKIT_SLURM_SLURM_CONF_EDIT_H_
#define MIGKIT_SLURM_SLURM_CONF_EDIT_H_

#include <string>

#include "core/status.h"

namespace migkit::slurm {

/// `text` (the content of the file `path`, used in messages) with the Gres= value of node `node`
/// replaced by `gres`, or Gres=`gres` added at the end of its line when it has none. Errors
/// (kNotFound, kInvalidArgument) name the file, the line and what would be valid: no line for the
/// node, several lines, a NodeName that lists several nodes, or a continued ('\') line.
StatusOr<std::string> ReplaceNodeGres(const std::string& text, const std::string& path,
                                      const std::string& node, const std::string& gres);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_SLURM_CONF_EDIT_H_
