#include "config/assert.h"

namespace migkit {
namespace {

std::string Describe(const GpuInfo& gpu) {
  const GpuState& s = gpu.state;
  std::string text = s.mig_current ? "MIG enabled" : "MIG disabled";
  if (s.mig_pending != s.mig_current)
    text += s.mig_pending ? " (enable pending)" : " (disable pending)";
  if (!s.mig_current) return text;
  text += ": " + DescribeCounts(*gpu.model, CountsOf(*gpu.model, s));
  int empty = 0;
  for (const GpuInstance& gi : s.gpu_instances) empty += gi.compute_instances.empty() ? 1 : 0;
  if (empty > 0) {
    text += " and " + std::to_string(empty) + " GPU instance" + (empty == 1 ? "" : "s") +
            " without compute instances";
  }
  return text;
}

std::string Describe(const GpuTarget& t) {
  if (!t.mig_enabled) return "MIG disabled";
  return "MIG enabled: " + DescribeCounts(*t.model, t.Counts());
}

}  // namespace

std::string GpuMismatch::ToString() const {
  return "GPU " + std::to_string(gpu) + ": has " + have + "; the config wants " + want;
}

std::vector<GpuMismatch> CheckApplied(const std::vector<GpuInfo>& gpus,
                                      const std::vector<GpuTarget>& targets) {
  std::vector<GpuMismatch> out;
  for (const GpuTarget& t : targets) {
    if (t.gpu < 0 || t.gpu >= static_cast<int>(gpus.size())) continue;
    const GpuInfo& gpu = gpus[static_cast<size_t>(t.gpu)];
    if (Satisfies(gpu.state, t)) continue;
    out.push_back(GpuMismatch{t.gpu, Describe(gpu), Describe(t)});
  }
  return out;
}

}  // namespace migkit
