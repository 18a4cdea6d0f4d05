// EmulatedNode's confidential-computing operations: the rules are core/cc.h's, this file only
// runs them under the node's lock (EmulatedNode::Update) so that every process sees one state.
#include "core/cc.h"
#include "emu/emulated_node.h"

namespace migkit {

std::vector<CcGpu> CcGpusOf(const NodeState& s) {
  std::vector<CcGpu> out;
  for (const EmulatedGpu& g : s.gpus) out.push_back({g.model, g.cc});
  return out;
}

StatusOr<CcReport> EmulatedNode::CcStatus() {
  StatusOr<NodeState> s = Load();
  if (!s.ok()) return s.status();
  CcReport r;
  for (const EmulatedGpu& g : s->gpus) r.gpus.push_back(g.cc);
  r.node = s->cc;
  r.system = CcSystem(CcGpusOf(*s), s->cc);
  return r;
}

Status EmulatedNode::SetCcMode(int gpu, CcMode mode) {
  return Update([&](NodeState* s) -> Status {
    MIGKIT_RETURN_IF_ERROR(CheckGpu(*s, gpu));
    EmulatedGpu& g = s->gpus[static_cast<size_t>(gpu)];
    return SetPendingCcMode(*g.model, &g.cc, mode);
  });
}

Status EmulatedNode::SetPpcieMode(bool on) {
  return Update([&](NodeState* s) -> Status {
    std::vector<CcGpu> gpus = CcGpusOf(*s);
    std::vector<CcGpu*> ptrs;
    for (CcGpu& g : gpus) ptrs.push_back(&g);
    MIGKIT_RETURN_IF_ERROR(SetPendingPpcie(ptrs, on));
    for (size_t i = 0; i < gpus.size(); ++i) s->gpus[i].cc = gpus[i].cc;
    return Status::Ok();
  });
}

Status EmulatedNode::SetCcReady(bool ready) {
  return Update([&](NodeState* s) -> Status {
    return migkit::SetCcReady(CcGpusOf(*s), &s->cc, ready ? 1 : 0);
  });
}

Status EmulatedNode::SetCcKeyRotationThreshold(std::uint64_t value) {
  return Update(
      [&](NodeState* s) -> Status { return SetCcAttackerAdvantage(CcGpusOf(*s), &s->cc, value); });
}

Status EmulatedNode::SetCcNodeSettings(std::optional<MigWithCcPolicy> policy,
                                       std::optional<CcCpuCaps> cpu) {
  return Update([&](NodeState* s) -> Status {
    if (policy) s->cc.mig_with_cc = *policy;
    if (cpu) s->cc.cpu_caps = *cpu;
    return Status::Ok();
  });
}

}  // namespace migkit
