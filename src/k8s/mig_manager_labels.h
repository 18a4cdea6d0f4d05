// The GPU operator's MIG manager contract on a Node (cluster-and-service.md §2.2 a), as data and
// pure functions over the Node's labels:
//   nvidia.com/mig.config        the config name to apply (default all-disabled);
//   nvidia.com/mig.config.state  pending -> success | failed (written by the agent);
//   nvidia.com/gpu.deploy.*      the operands, set to paused-for-mig-change while instances are
//                                destroyed and restored afterwards; "false" is left alone.
#ifndef MIGKIT_K8S_MIG_MANAGER_LABELS_H_
#define MIGKIT_K8S_MIG_MANAGER_LABELS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace migkit {

inline constexpr char kMigConfigLabel[] = "nvidia.com/mig.config";
inline constexpr char kMigConfigStateLabel[] = "nvidia.com/mig.config.state";
/// Why the last change failed; removed on success.
inline constexpr char kMigConfigFailureAnnotation[] = "migkit.io/mig.config.failure";
inline constexpr char kDefaultMigConfig[] = "all-disabled";
inline constexpr char kPausedForMigChange[] = "paused-for-mig-change";

/// The operand labels the MIG manager pauses.
const std::vector<std::string>& OperandDeployLabels();

using Labels = std::map<std::string, std::string>;

/// The Node's labels (metadata.labels), empty when it has none.
Labels NodeLabels(const nlohmann::json& node);

/// The operand labels to pause: each one present whose value is not "false", set to
/// paused-for-mig-change. Empty when there is nothing to pause.
Labels PausedOperands(const Labels& labels);

/// The values to put back after the change: each paused label's value before it was paused.
Labels RestoredOperands(const Labels& before, const Labels& paused);

/// A merge patch of metadata.labels (null values remove a label) and metadata.annotations.
nlohmann::json MetadataPatch(const std::map<std::string, nlohmann::json>& labels,
                             const std::map<std::string, nlohmann::json>& annotations = {});

}  // namespace migkit

#endif  // MIGKIT_K8S_MIG_MANAGER_LABELS_H_
