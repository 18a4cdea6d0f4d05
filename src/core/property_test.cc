// Property tests: random operation sequences on every built-in GPU model.
//
// Each case starts from a GPU with MIG off or on and applies up to 50 random operations (mode
// changes, resets, GI and CI creation and destruction, with valid, automatic and nonsense
// arguments). After every step the state must satisfy the invariants of mig-facts.md §4-§5 and §7,
// every operation must return what an independent reference of the driver's rules predicts, and a
// failed operation must leave the state exactly as it was.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"
#include "testing/models.h"

// Fails the current rapidcheck case with `msg` (streamed) unless `cond` holds.
#define PROP_CHECK(cond, msg)                         \
  do {                                                \
    if (!(cond)) {                                    \
      std::ostringstream prop_os_;                    \
      prop_os_ << "check failed: " #cond ": " << msg; \
      RC_FAIL(prop_os_.str());                        \
    }                                                 \
  } while (0)

namespace migkit {
namespace {

// --- Random operations ---------------------------------------------------------------------------

// Raw random choices; Decode turns them into an action that makes sense for the current state
// most of the time, and into nonsense (unknown IDs, bad starts) some of the time.
struct Op {
  int kind = 0;
  int a = 0;
  int b = 0;
  int c = 0;
  int d = 0;
};

std::ostream& operator<<(std::ostream& os, const Op& op) {
  return os << "Op{" << op.kind << "," << op.a << "," << op.b << "," << op.c << "," << op.d << "}";
}

// `min_kind` 3 leaves out mode changes and resets. rapidcheck scales inRange by the current size,
// which the container below sets to its length bound; fixing the size at the nominal 100 keeps
// every kind and choice reachable.
rc::Gen<Op> OpGen(int min_kind = 0) {
  return rc::gen::resize(rc::kNominalSize,
                         rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(min_kind, 12)),
                                            rc::gen::set(&Op::a, rc::gen::inRange(0, 1 << 16)),
                                            rc::gen::set(&Op::b, rc::gen::inRange(0, 1 << 16)),
                                            rc::gen::set(&Op::c, rc::gen::inRange(0, 1 << 16)),
                                            rc::gen::set(&Op::d, rc::gen::inRange(0, 1 << 16))));
}

enum class Kind { kEnable, kDisable, kReset, kCreateGi, kDestroyGi, kCreateCi, kDestroyCi };

struct Action {
  Kind kind = Kind::kReset;
  int profile_id = 0;        // kCreateGi: GI profile; kCreateCi: CI profile
  std::optional<int> start;  // kCreateGi, kCreateCi
  int gi_id = 0;             // kDestroyGi, kCreateCi, kDestroyCi
  int ci_id = 0;             // kDestroyCi

  std::string ToString() const {
    auto at = [&] { return start ? std::to_string(*start) : std::string("auto"); };
    switch (kind) {
      case Kind::kEnable:
        return "SetMigMode(on)";
      case Kind::kDisable:
        return "SetMigMode(off)";
      case Kind::kReset:
        return "ResetGpu";
      case Kind::kCreateGi:
        return "CreateGpuInstance(profile " + std::to_string(profile_id) + ", " + at() + ")";
      case Kind::kDestroyGi:
        return "DestroyGpuInstance(" + std::to_string(gi_id) + ")";
      case Kind::kCreateCi:
        return "CreateComputeInstance(GI " + std::to_string(gi_id) + ", profile " +
               std::to_string(profile_id) + ", " + at() + ")";
      case Kind::kDestroyCi:
        return "DestroyComputeInstance(GI " + std::to_string(gi_id) + ", CI " +
               std::to_string(ci_id) + ")";
    }
    return "?";
  }
};

Action Decode(const GpuModel& m, const GpuState& s, const Op& op) {
  Action act;
  const auto& gis = s.gpu_instances;
  switch (op.kind) {
    case 0:
      act.kind = Kind::kEnable;
      break;
    case 1:
      act.kind = Kind::kDisable;
      break;
    case 2:
      act.kind = Kind::kReset;
      break;
    case 3:
    case 4:
    case 5: {
      act.kind = Kind::kCreateGi;
      const int n = static_cast<int>(m.gi_profiles.size());
      const GiProfile* p = op.a % 16 == 15 ? nullptr : &m.gi_profiles[op.a % n];
      act.profile_id = p ? p->id : 99;  // 99 is no model's profile ID
      switch (op.b % 4) {
        case 0:
        case 1:
          act.start = std::nullopt;
          break;
        case 2:
          act.start = p ? p->placement_starts[op.c % p->placement_starts.size()] : op.c % 8;
          break;
        case 3:
          act.start = op.c % (m.placement_units + 3) - 1;
          break;  // -1 .. units+1
      }
      break;
    }
    case 6:
    case 7:
      act.kind = Kind::kDestroyGi;
      act.gi_id = (!gis.empty() && op.a % 5 != 0) ? gis[op.b % gis.size()].id : op.b % 16;
      break;
    case 8:
    case 9:
    case 10: {
      act.kind = Kind::kCreateCi;
      const GpuInstance* gi = (!gis.empty() && op.a % 5 != 0) ? &gis[op.b % gis.size()] : nullptr;
      act.gi_id = gi ? gi->id : op.b % 16;
      const GiProfile* gp = gi ? m.FindProfileById(gi->profile_id) : nullptr;
      std::optional<CiProfile> ci;
      if (gp != nullptr && op.c % 6 != 5) {
        const std::vector<CiProfile> cps = m.ComputeProfilesFor(*gp);
        ci = cps[op.c % cps.size()];
        act.profile_id = ci->id;
      } else {
        act.profile_id = (op.c / 6) % 10;
      }
      switch (op.d % 3) {
        case 0:
          act.start = std::nullopt;
          break;
        case 1:
          act.start =
              ci ? ci->placement_starts[(op.d / 3) % ci->placement_starts.size()] : (op.d / 3) % 8;
          break;
        case 2:
          act.start = (op.d / 3) % 10 - 1;
          break;  // -1 .. 8
      }
      break;
    }
    default: {
      act.kind = Kind::kDestroyCi;
      std::vector<std::pair<int, int>> cis;
      for (const GpuInstance& gi : gis) {
        for (const ComputeInstance& ci : gi.compute_instances) cis.emplace_back(gi.id, ci.id);
      }
      if (!cis.empty() && op.a % 5 != 0) {
        std::tie(act.gi_id, act.ci_id) = cis[op.b % cis.size()];
      } else {
        act.gi_id = op.b % 16;
        act.ci_id = op.c % 9;
      }
      break;
    }
  }
  return act;
}

// Applies `act`; `*activation` receives SetMigMode's activation status.
Status Apply(const GpuModel& m, GpuState* s, const Action& act, Status* activation) {
  *activation = Status::Ok();
  switch (act.kind) {
    case Kind::kEnable:
      return SetMigMode(m, s, true, activation);
    case Kind::kDisable:
      return SetMigMode(m, s, false, activation);
    case Kind::kReset:
      ResetGpu(s);
      return Status::Ok();
    case Kind::kCreateGi:
      return CreateGpuInstance(m, s, act.profile_id, act.start).status();
    case Kind::kDestroyGi:
      return DestroyGpuInstance(s, act.gi_id);
    case Kind::kCreateCi:
      return CreateComputeInstance(m, s, act.gi_id, act.profile_id, act.start).status();
    case Kind::kDestroyCi:
      return DestroyComputeInstance(s, act.gi_id, act.ci_id);
  }
  return Status::Unknown("bad action");
}

// --- An independent reference of the driver's rules ----------------------------------------------

Occupancy MaskOf(Placement p) {
  Occupancy m = 0;
  for (int u = p.start; u < p.start + p.size; ++u) m |= Occupancy{1} << u;
  return m;
}

bool InList(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// nvml.h: a *_ALL_ME instance prevents allocation of all but *_NO_ME profiles (§3.12).
bool MediaClash(const GiProfile& a, const GiProfile& b) {
  return (a.media == MediaUse::kAll && b.media != MediaUse::kNone) ||
         (b.media == MediaUse::kAll && a.media != MediaUse::kNone);
}

// Whether a new GI of `p` at `start` may join `s`: start listed (§3), no overlap (§4.1), below
// instanceCount (§3), media rule (§3.12).
bool GiFits(const GpuModel& m, const GpuState& s, const GiProfile& p, int start) {
  if (!InList(p.placement_starts, start)) return false;
  const Occupancy mine = MaskOf({start, p.placement_size});
  int same = 0;
  for (const GpuInstance& gi : s.gpu_instances) {
    const GiProfile& other = *m.FindProfileById(gi.profile_id);
    if (gi.profile_id == p.id) ++same;
    if (MediaClash(p, other)) return false;
    if (MaskOf(gi.placement) & mine) return false;
  }
  return same < p.instance_count;
}

// The start the driver picks when none is given (§4.3): the first fitting start in the model's
// order for the size, else the lowest fitting start.
std::optional<int> ReferenceAutoStart(const GpuModel& m, const GpuState& s, const GiProfile& p) {
  auto it = m.auto_placement_order.find(p.placement_size);
  if (it != m.auto_placement_order.end()) {
    for (int start : it->second) {
      if (GiFits(m, s, p, start)) return start;
    }
  }
  for (int start : p.placement_starts) {
    if (GiFits(m, s, p, start)) return start;
  }
  return std::nullopt;
}

int ReferenceRemaining(const GpuModel& m, const GpuState& s, const GiProfile& p) {
  int free = 0, same = 0;
  for (int start : p.placement_starts) free += GiFits(m, s, p, start);
  for (const GpuInstance& gi : s.gpu_instances) same += gi.profile_id == p.id;
  return std::max(0, std::min(free, p.instance_count - same));
}

bool CiFits(const GpuInstance& gi, const CiProfile& ci, int start) {
  if (!InList(ci.placement_starts, start)) return false;
  if (gi.compute_instances.size() >= 8) return false;  // CI IDs 0-7 (§7)
  int same = 0;
  for (const ComputeInstance& c : gi.compute_instances) {
    same += c.profile_id == ci.id;
    if (MaskOf(c.placement) & MaskOf({start, ci.slices})) return false;
  }
  return same < ci.instance_count;
}

// Predicts the result code of `act` on `s` (mig-facts.md §6.3, §9, §10).
Code ExpectedCode(const GpuModel& m, const GpuState& s, const Action& act) {
  const bool usable = s.mig_current && s.mig_pending;
  switch (act.kind) {
    case Kind::kEnable:
      return Code::kOk;
    case Kind::kDisable:
      return s.gpu_instances.empty() ? Code::kOk : Code::kInUse;
    case Kind::kReset:
      return Code::kOk;
    case Kind::kCreateGi: {
      if (!usable) return Code::kNotSupported;
      const GiProfile* p = m.FindProfileById(act.profile_id);
      if (p == nullptr) return Code::kInvalidArgument;
      if (act.start) {
        if (!InList(p->placement_starts, *act.start)) return Code::kInvalidArgument;
        return GiFits(m, s, *p, *act.start) ? Code::kOk : Code::kInsufficientResources;
      }
      return ReferenceAutoStart(m, s, *p) ? Code::kOk : Code::kInsufficientResources;
    }
    case Kind::kDestroyGi: {
      if (!usable) return Code::kNotSupported;
      const GpuInstance* gi = s.FindGpuInstance(act.gi_id);
      if (gi == nullptr) return Code::kNotFound;
      return gi->compute_instances.empty() ? Code::kOk : Code::kInUse;
    }
    case Kind::kCreateCi: {
      if (!usable) return Code::kNotSupported;
      const GpuInstance* gi = s.FindGpuInstance(act.gi_id);
      if (gi == nullptr) return Code::kNotFound;
      const std::optional<CiProfile> ci =
          FindCiProfile(m, *m.FindProfileById(gi->profile_id), act.profile_id);
      if (!ci) return Code::kInvalidArgument;
      if (act.start) {
        if (!InList(ci->placement_starts, *act.start)) return Code::kInvalidArgument;
        return CiFits(*gi, *ci, *act.start) ? Code::kOk : Code::kInsufficientResources;
      }
      for (int start : ci->placement_starts) {
        if (CiFits(*gi, *ci, start)) return Code::kOk;
      }
      return Code::kInsufficientResources;
    }
    case Kind::kDestroyCi: {
      if (!usable) return Code::kNotSupported;
      const GpuInstance* gi = s.FindGpuInstance(act.gi_id);
      if (gi == nullptr) return Code::kNotFound;
      for (const ComputeInstance& c : gi->compute_instances) {
        if (c.id == act.ci_id) return Code::kOk;
      }
      return Code::kNotFound;
    }
  }
  return Code::kUnknown;
}

// --- Invariants ----------------------------------------------------------------------------------

void CheckInvariants(const GpuModel& m, const GpuState& s) {
  const Status valid = ValidateState(m, s);
  PROP_CHECK(valid.ok(), valid.ToString());
  if (!s.mig_current) PROP_CHECK(s.gpu_instances.empty(), "GIs exist with MIG off");
  if (m.mode_change == ModeChangeRule::kImmediate) {
    PROP_CHECK(s.mig_current == s.mig_pending, "a Hopper+ GPU has a pending mode");
  }

  std::map<int, int> per_profile;
  int slices = 0;
  size_t cis = 0;
  for (size_t i = 0; i < s.gpu_instances.size(); ++i) {
    const GpuInstance& gi = s.gpu_instances[i];
    const GiProfile* p = m.FindProfileById(gi.profile_id);
    PROP_CHECK(p != nullptr, "GI " << gi.id);
    PROP_CHECK(
        gi.placement.size == p->placement_size && InList(p->placement_starts, gi.placement.start),
        p->name << " at " << gi.placement.ToString());
    PROP_CHECK(gi.id == GpuInstanceIdFor(m, gi.placement),
               "GI " << gi.id << " at " << gi.placement.ToString());
    PROP_CHECK(gi.id >= 0 && gi.id <= 14, "GI ID " << gi.id);  // swizzId range (§4.2)
    if (i > 0) PROP_CHECK(s.gpu_instances[i - 1].id < gi.id, "GIs out of ID order");
    for (size_t j = 0; j < i; ++j) {
      const GpuInstance& other = s.gpu_instances[j];
      PROP_CHECK((MaskOf(gi.placement) & MaskOf(other.placement)) == 0,
                 "GI " << gi.id << " overlaps GI " << other.id);
      PROP_CHECK(!MediaClash(*p, *m.FindProfileById(other.profile_id)),
                 "GI " << gi.id << " and GI " << other.id << " break the +me.all rule");
    }
    ++per_profile[gi.profile_id];
    slices += p->slices;

    // Compute instances.
    std::map<int, int> per_ci_profile;
    int ci_slices = 0;
    for (size_t k = 0; k < gi.compute_instances.size(); ++k) {
      const ComputeInstance& ci = gi.compute_instances[k];
      const std::optional<CiProfile> cp = FindCiProfile(m, *p, ci.profile_id);
      PROP_CHECK(cp.has_value(), "CI profile " << ci.profile_id << " in " << p->name);
      PROP_CHECK(ci.id >= 0 && ci.id <= 7, "CI ID " << ci.id);
      if (k > 0) PROP_CHECK(gi.compute_instances[k - 1].id < ci.id, "CIs out of ID order");
      PROP_CHECK(ci.placement.start >= 0 && ci.placement.start + ci.placement.size <= p->slices,
                 "CI " << ci.id << " at " << ci.placement.ToString() << " outside " << p->name);
      for (size_t l = 0; l < k; ++l) {
        PROP_CHECK((MaskOf(ci.placement) & MaskOf(gi.compute_instances[l].placement)) == 0,
                   "CIs overlap in GI " << gi.id);
      }
      ci_slices += ci.placement.size;
      PROP_CHECK(++per_ci_profile[ci.profile_id] <= cp->instance_count,
                 "too many " << cp->name << " in GI " << gi.id);
    }
    PROP_CHECK(ci_slices <= p->slices, "GI " << gi.id << " holds " << ci_slices << " slices");
    cis += gi.compute_instances.size();
  }
  for (const auto& [id, count] : per_profile) {
    PROP_CHECK(count <= m.FindProfileById(id)->instance_count, "too many of profile " << id);
  }
  // Memory disjointness caps compute at the model's slices (§4.1).
  PROP_CHECK(slices <= m.compute_slices, slices << " compute slices in use");
  PROP_CHECK(static_cast<int>(s.gpu_instances.size()) <= m.max_gpu_instances, s.gpu_instances.size()
                                                                                  << " GIs");

  // MIG device order: ascending GI ID, then CI ID (§7).
  const std::vector<MigDeviceRef> devices = MigDevices(s);
  PROP_CHECK(devices.size() == cis, devices.size() << " devices for " << cis << " CIs");
  for (size_t i = 1; i < devices.size(); ++i) {
    const MigDeviceRef& a = devices[i - 1];
    const MigDeviceRef& b = devices[i];
    PROP_CHECK(a.gi_id < b.gi_id || (a.gi_id == b.gi_id && a.ci_id < b.ci_id), "device order");
  }
}

// RemainingCapacity(p) > 0 iff an automatic CreateGpuInstance(p) succeeds (§4.4), for every
// profile, and the reference agrees on the count.
void CheckGiCapacities(const GpuModel& m, const GpuState& s) {
  if (!s.MigUsable()) return;
  const std::vector<PlacedProfile> placed = PlacedProfilesOf(m, s);
  for (const GiProfile& p : m.gi_profiles) {
    const int left = RemainingCapacity(m, p, placed);
    GpuState copy = s;
    const bool created = CreateGpuInstance(m, &copy, p.id, std::nullopt).ok();
    PROP_CHECK((left > 0) == created, p.name << ": RemainingCapacity " << left << ", create "
                                             << (created ? "succeeded" : "failed"));
    PROP_CHECK(left == ReferenceRemaining(m, s, p), p.name << ": RemainingCapacity " << left
                                                           << ", reference "
                                                           << ReferenceRemaining(m, s, p));
  }
}

// The compute counterpart inside GI `gi_id`.
void CheckCiCapacities(const GpuModel& m, const GpuState& s, int gi_id) {
  const GpuInstance* gi = s.FindGpuInstance(gi_id);
  if (!s.MigUsable() || gi == nullptr) return;
  for (const CiProfile& ci : m.ComputeProfilesFor(*m.FindProfileById(gi->profile_id))) {
    const int left = RemainingComputeCapacity(ci, *gi);
    GpuState copy = s;
    const bool created = CreateComputeInstance(m, &copy, gi->id, ci.id, std::nullopt).ok();
    PROP_CHECK((left > 0) == created, ci.name << " in GI " << gi->id << ": capacity " << left);
  }
}

// The part of a state GI capacities depend on: the mode and each GI's ID and profile.
std::vector<int> GeometryKey(const GpuState& s) {
  std::vector<int> key = {s.mig_current, s.mig_pending};
  for (const GpuInstance& gi : s.gpu_instances) {
    key.push_back(gi.id);
    key.push_back(gi.profile_id);
  }
  return key;
}

// Checks the result of one step against the reference and the before/after states.
void CheckStep(const GpuModel& m, const GpuState& before, const GpuState& after, const Action& act,
               const Status& status, const Status& activation) {
  const Code want = ExpectedCode(m, before, act);
  PROP_CHECK(status.code() == want, act.ToString() << " returned " << status.ToString()
                                                   << ", expected code " << static_cast<int>(want));
  if (!status.ok()) {
    PROP_CHECK(after == before, act.ToString() << " failed but changed the state");
    return;
  }
  switch (act.kind) {
    case Kind::kEnable:
    case Kind::kDisable: {
      const bool enable = act.kind == Kind::kEnable;
      PROP_CHECK(after.mig_pending == enable, "pending mode");
      PROP_CHECK(after.gpu_instances == before.gpu_instances, "mode change touched GIs");
      if (m.mode_change == ModeChangeRule::kImmediate) {
        PROP_CHECK(after.mig_current == enable && activation.ok(), activation.ToString());
      } else {
        PROP_CHECK(after.mig_current == before.mig_current, "Ampere mode changed without reset");
        const bool pending = before.mig_current != enable;
        PROP_CHECK(activation.code() == (pending ? Code::kResetRequired : Code::kOk),
                   activation.ToString());
      }
      break;
    }
    case Kind::kReset:
      PROP_CHECK(after.mig_current == before.mig_pending && after.mig_pending == before.mig_pending,
                 "reset mode");
      PROP_CHECK(after.gpu_instances.empty(), "GIs survive a reset");
      break;
    case Kind::kCreateGi: {
      const GiProfile& p = *m.FindProfileById(act.profile_id);
      const int start = act.start ? *act.start : *ReferenceAutoStart(m, before, p);
      const Placement want_at{start, p.placement_size};
      const GpuInstance* gi = after.FindGpuInstance(GpuInstanceIdFor(m, want_at));
      PROP_CHECK(gi != nullptr && gi->placement == want_at && gi->profile_id == p.id &&
                     gi->compute_instances.empty(),
                 act.ToString() << " did not create " << p.name << " at " << want_at.ToString());
      GpuState rest = after;
      std::erase_if(rest.gpu_instances, [&](const GpuInstance& g) { return g.id == gi->id; });
      PROP_CHECK(rest == before, act.ToString() << " changed other GIs");
      break;
    }
    case Kind::kDestroyGi: {
      PROP_CHECK(after.FindGpuInstance(act.gi_id) == nullptr, "GI survives destroy");
      PROP_CHECK(after.gpu_instances.size() + 1 == before.gpu_instances.size(), "GI count");
      break;
    }
    case Kind::kCreateCi: {
      const GpuInstance& b = *before.FindGpuInstance(act.gi_id);
      const GpuInstance& a = *after.FindGpuInstance(act.gi_id);
      PROP_CHECK(a.compute_instances.size() == b.compute_instances.size() + 1, "CI count");
      // The new CI has an ID unused in its GI, 0-7 (§7); while the IDs are 0..k-1 it is k, so they
      // come out 0, 1, 2 in creation order (§5; reuse after a destroy is UNCONFIRMED).
      auto used = [&](int id) {
        return std::any_of(b.compute_instances.begin(), b.compute_instances.end(),
                           [&](const ComputeInstance& c) { return c.id == id; });
      };
      const ComputeInstance* created = nullptr;
      for (const ComputeInstance& c : a.compute_instances) {
        if (!used(c.id)) created = &c;
      }
      PROP_CHECK(created != nullptr && created->id >= 0 && created->id <= 7 &&
                     created->profile_id == act.profile_id,
                 act.ToString() << " did not add a CI with a new ID");
      bool dense = true;
      for (size_t k = 0; k < b.compute_instances.size(); ++k) dense &= used(static_cast<int>(k));
      if (dense) {
        PROP_CHECK(created->id == static_cast<int>(b.compute_instances.size()),
                   "CI ID " << created->id << " out of creation order");
      }
      const int want_id = created->id;
      const GiProfile& gp = *m.FindProfileById(b.profile_id);
      const CiProfile cp = *FindCiProfile(m, gp, act.profile_id);
      PROP_CHECK(created->placement.size == cp.slices, "CI size");
      if (act.start) {
        PROP_CHECK(created->placement.start == *act.start, "CI start");
      } else {
        // Without a start the first free one is used (the first 1c shows 0:1, §5).
        int first = -1;
        for (int start : cp.placement_starts) {
          if (CiFits(b, cp, start)) {
            first = start;
            break;
          }
        }
        PROP_CHECK(created->placement.start == first,
                   "auto CI at " << created->placement.start << ", expected " << first);
      }
      GpuState rest = after;
      auto& cis = rest.FindGpuInstance(act.gi_id)->compute_instances;
      std::erase_if(cis, [&](const ComputeInstance& c) { return c.id == want_id; });
      PROP_CHECK(rest == before, act.ToString() << " changed other instances");
      break;
    }
    case Kind::kDestroyCi: {
      const GpuInstance& a = *after.FindGpuInstance(act.gi_id);
      for (const ComputeInstance& c : a.compute_instances) {
        PROP_CHECK(c.id != act.ci_id, "CI survives destroy");
      }
      PROP_CHECK(a.compute_instances.size() + 1 ==
                     before.FindGpuInstance(act.gi_id)->compute_instances.size(),
                 "CI count");
      break;
    }
  }
}

// Applies `ops` to `state` one by one and checks every step.
void Walk(const GpuModel& model, GpuState state, const std::vector<Op>& ops) {
  CheckInvariants(model, state);
  CheckGiCapacities(model, state);
  for (const Op& op : ops) {
    const Action act = Decode(model, state, op);
    const GpuState before = state;
    Status activation;
    const Status status = Apply(model, &state, act, &activation);
    RC_LOG() << act.ToString() << " -> " << status.ToString() << "\n";
    CheckStep(model, before, state, act, status, activation);
    // The checks below are pure functions of the state, which a failed step leaves unchanged, and
    // GI capacities only depend on the GIs, not on the CIs inside them.
    if (state == before) continue;
    CheckInvariants(model, state);
    if (GeometryKey(state) != GeometryKey(before)) {
      CheckGiCapacities(model, state);
      for (const GpuInstance& gi : state.gpu_instances) CheckCiCapacities(model, state, gi.id);
    } else if (act.kind == Kind::kCreateCi || act.kind == Kind::kDestroyCi) {
      CheckCiCapacities(model, state, act.gi_id);
    }
  }
}

// A GPU with MIG off or on, then up to 50 operations of every kind.
void RandomWalk(const GpuModel& model) {
  GpuState state;
  if (*rc::gen::arbitrary<bool>()) state.mig_current = state.mig_pending = true;
  Walk(model, state, *rc::gen::resize(50, rc::gen::container<std::vector<Op>>(OpGen())));
}

// The model-wide properties below run on Catalog::BuiltIn(); make sure that is every model.
TEST(Property, CatalogHoldsEveryBuiltInModel) {
  const std::vector<std::string> ids = AllModelIds();
  for (std::string_view id : kBuiltInModelIds) {
    EXPECT_NE(ids.end(), std::find(ids.begin(), ids.end(), id)) << id;
  }
}

TEST(Property, RandomOperationsOnEveryModel) {
  const std::vector<const GpuModel*> models = AllModels();
  ASSERT_FALSE(models.empty());
  for (const GpuModel* m : models) {
    const bool ok = rc::check("random operations on " + m->id, [m] { RandomWalk(*m); });
    EXPECT_TRUE(ok) << m->id << ": see the counterexample above";
  }
}

// A GPU with MIG on, then up to 30 creations and destructions (no mode changes or resets, which
// would empty it), so that states get crowded.
void CrowdedWalk(const GpuModel& model) {
  GpuState state;
  state.mig_current = state.mig_pending = true;
  Walk(model, state, *rc::gen::resize(30, rc::gen::container<std::vector<Op>>(OpGen(3))));
}

TEST(Property, CrowdedCreateDestroyOnEveryModel) {
  for (const GpuModel* m : AllModels()) {
    const bool ok = rc::check("create/destroy on " + m->id, [m] { CrowdedWalk(*m); });
    EXPECT_TRUE(ok) << m->id << ": see the counterexample above";
  }
}

// Creating an instance and destroying it again restores the exact previous state, from any
// reachable state of any model.
RC_GTEST_PROP(Property, CreateThenDestroyRestoresState, ()) {
  const std::vector<const GpuModel*> models = AllModels();
  const GpuModel& m = **rc::gen::elementOf(models);
  GpuState state;
  state.mig_current = state.mig_pending = true;
  for (const Op& op : *rc::gen::resize(30, rc::gen::container<std::vector<Op>>(OpGen(3)))) {
    Status activation;
    (void)Apply(m, &state, Decode(m, state, op), &activation);
  }
  const GpuState before = state;
  const GiProfile& p = *rc::gen::elementOf(m.gi_profiles);
  const StatusOr<GpuInstance> gi = CreateGpuInstance(m, &state, p.id, std::nullopt);
  if (gi.ok()) {
    RC_ASSERT(DestroyGpuInstance(&state, gi->id).ok());
    RC_ASSERT(state == before);
  } else {
    RC_ASSERT(state == before);
  }
  if (state.gpu_instances.empty()) return;
  const GpuInstance& target = *rc::gen::elementOf(state.gpu_instances);
  const std::vector<CiProfile> cps = m.ComputeProfilesFor(*m.FindProfileById(target.profile_id));
  const CiProfile& cp = *rc::gen::elementOf(cps);
  const StatusOr<ComputeInstance> ci =
      CreateComputeInstance(m, &state, target.id, cp.id, std::nullopt);
  if (ci.ok()) RC_ASSERT(DestroyComputeInstance(&state, target.id, ci->id).ok());
  RC_ASSERT(state == before);
}

}  // namespace
}  // namespace migkit
