#include "sim/pod.h"

namespace migkit::sim {

PodKind KindOf(const PodSpec& pod) {
  switch (pod.num_gpu) {
    case 0:
      return PodKind::kCpuOnly;
    case 1:
      return pod.IsShare() ? PodKind::kShareGpu : PodKind::kOneGpu;
    case 2:
      return PodKind::kTwoGpu;
    case 4:
      return PodKind::kFourGpu;
    case 8:
      return PodKind::kEightGpu;
    default:
      return PodKind::kOther;
  }
}

std::string_view PodKindName(PodKind kind) {
  switch (kind) {
    case PodKind::kCpuOnly:
      return "cpu-only";
    case PodKind::kShareGpu:
      return "share-gpu";
    case PodKind::kOneGpu:
      return "1-gpu";
    case PodKind::kTwoGpu:
      return "2-gpu";
    case PodKind::kFourGpu:
      return "4-gpu";
    case PodKind::kEightGpu:
      return "8-gpu";
    case PodKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace migkit::sim
