// Readers for the Alibaba cluster-trace-gpu-v2023 (openb) CSV files: the node list
// (sn,cpu_milli,memory_mib,gpu,model) and the pod lists (name,cpu_milli,memory_mib,num_gpu,
// gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time); meanings in
// scheduling.md §2.1. Columns are found by their header names, so extra columns and any order are
// accepted. The readers take the file's text (the caller reads it), so they do no I/O.
//
// Errors are kParseError "<file>:<line>: <what is wrong>, <what was found>, <what is valid>", and
// nothing is returned on error.
#ifndef MIGKIT_SIM_TRACE_READER_H_
#define MIGKIT_SIM_TRACE_READER_H_

#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/cluster.h"
#include "sim/pod.h"

namespace migkit::sim {

/// Nodes of an openb node list. `source` names the file in messages.
StatusOr<std::vector<NodeSpec>> ParseOpenbNodes(std::string_view text, std::string_view source);

/// Pods of an openb pod list. A pod's arrival is its creation_time; its duration is
/// deletion_time - scheduled_time when both are present and the pod was scheduled (0 otherwise).
/// gpu_spec "A|B" becomes gpu_types {A, B}. A pod with num_gpu > 1 must ask for whole GPUs
/// (gpu_milli 1000), as FGD's sharing semantics allow sharing only single-GPU pods.
StatusOr<std::vector<PodSpec>> ParseOpenbPods(std::string_view text, std::string_view source);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_TRACE_READER_H_
