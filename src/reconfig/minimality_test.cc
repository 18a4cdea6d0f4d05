// Property tests of the planner on every catalog model: for random start and target layouts,
//   * the plan never destroys an instance that it reports as kept, and kept GIs keep their IDs,
//     placements and MIG UUIDs;
//   * it destroys the fewest instances possible, checked against an independent brute force over
//     core layout enumeration (not the planner's own placement search);
//   * executed on the emulator, it reaches the target (mig-parted's notion: the same MIG devices).
// Start layouts give each GI one compute instance spanning it and targets ask for such devices, so
// keeping a GI means keeping its CI and the brute force stays simple; compute-instance sub-profiles
// are covered by solver_test.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <bit>
#include <map>
#include <set>

#include "config/target.h"
#include "core/layouts.h"
#include "reconfig/apply.h"
#include "reconfig/solver.h"
#include "reconfig/test_support.h"
#include "testing/models.h"

namespace migkit {
namespace {

std::multiset<int> ProfilesOf(const Layout& l) {
  std::multiset<int> out;
  for (const PlacedProfile& p : l) out.insert(p.profile->id);
  return out;
}

// Every valid layout of `model` over all its profiles (variants included), with its profile
// multiset, computed once per model.
struct Known {
  std::vector<Layout> layouts;
  std::vector<std::multiset<int>> profiles;
};
const Known& AllLayouts(const GpuModel& model) {
  static std::map<std::string, Known> cache;
  auto it = cache.find(model.id);
  if (it == cache.end()) {
    LayoutOptions options;
    for (const GiProfile& p : model.gi_profiles) options.profile_ids.push_back(p.id);
    Known k;
    k.layouts = EnumerateLayouts(model, options).valid;
    k.layouts.insert(k.layouts.begin(), Layout{});  // the empty layout
    for (const Layout& l : k.layouts) k.profiles.push_back(ProfilesOf(l));
    it = cache.emplace(model.id, std::move(k)).first;
  }
  return it->second;
}

bool Contains(const Layout& layout, const PlacedProfile& gi) {
  return std::any_of(layout.begin(), layout.end(), [&](const PlacedProfile& p) {
    return p.profile->id == gi.profile->id && p.placement == gi.placement;
  });
}

// The fewest GIs of `start` that must go so that the rest, where they are, plus new GIs form a
// layout with exactly the profiles of `target`. Brute force over subsets and enumerated layouts.
int MinDestroyedGis(const GpuModel& model, const Layout& start, const std::multiset<int>& target) {
  const size_t n = start.size();
  int best = static_cast<int>(n);
  const Known& known = AllLayouts(model);
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    const int destroyed = static_cast<int>(n) - std::popcount(mask);
    if (destroyed >= best) continue;
    for (size_t c = 0; c < known.layouts.size(); ++c) {
      if (known.profiles[c] != target) continue;
      bool contains = true;
      for (size_t i = 0; i < n && contains; ++i) {
        if (mask & (1u << i)) contains = Contains(known.layouts[c], start[i]);
      }
      if (contains) {
        best = destroyed;
        break;
      }
    }
  }
  return best;
}

// A target asking for one full-GI device per GI of `layout`.
GpuTarget TargetOf(const GpuModel& model, const Layout& layout) {
  GpuTarget t;
  t.model = &model;
  t.mig_enabled = true;
  std::map<int, int> counts;
  for (const PlacedProfile& p : layout) ++counts[p.profile->id];
  for (const auto& [id, n] : counts) {
    const GiProfile* gi = model.FindProfileById(id);
    for (const CiProfile& ci : model.ComputeProfilesFor(*gi)) {
      if (ci.is_default) t.devices.push_back(MigDeviceCount{MigDeviceProfile{gi, ci}, n, 0});
    }
  }
  t.gis = PackMigDevices(model, t.devices);
  return t;
}

LayoutTarget ExactOf(const GpuModel& model, const Layout& layout) {
  LayoutTarget t;
  t.mig_enabled = true;
  for (const PlacedProfile& p : layout) {
    TargetGi gi{p.profile->id, p.placement, {}};
    for (const CiProfile& ci : model.ComputeProfilesFor(*p.profile)) {
      if (ci.is_default) gi.cis.push_back(TargetCi{ci.id, Placement{0, ci.slices}, std::nullopt});
    }
    t.gis.push_back(gi);
  }
  return t;
}

RC_GTEST_PROP(Minimality, PlansKeepWhatTheyCanAndReachTheTarget, ()) {
  const std::vector<const GpuModel*> models = AllModels();
  // rapidcheck scales inRange by the test size; fix the size so every model and layout is reachable
  // from the first case on.
  const auto pick = [](size_t n) {
    return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<size_t>(0, n));
  };
  const GpuModel& model = *models[pick(models.size())];
  const std::vector<Layout>& layouts = AllLayouts(model).layouts;
  const Layout& start = layouts[pick(layouts.size())];
  // Targets that share GIs with the start are the interesting ones: keep a random subset of the
  // start's GIs and take a random layout that contains them.
  const unsigned keep = static_cast<unsigned>(pick(size_t{1} << start.size()));
  std::vector<const Layout*> around;
  for (const Layout& l : layouts) {
    bool ok = true;
    for (size_t i = 0; i < start.size() && ok; ++i) {
      if (keep & (1u << i)) ok = Contains(l, start[i]);
    }
    if (ok) around.push_back(&l);
  }
  const Layout& target_layout = *around[pick(around.size())];
  RC_TAG(model.id);

  MemEnv env;
  std::unique_ptr<EmulatedNode> node = NewTestNode(&env, "/n", "1x" + model.id);
  LayoutTarget exact = ExactOf(model, start);
  Desired start_desired;
  start_desired.exact = true;
  start_desired.layouts = {exact};
  MustApply(node.get(), &env, start_desired);
  const std::vector<GpuInfo> before = MustSnapshot(node.get());
  RC_ASSERT(before[0].state.gpu_instances.size() == start.size());

  GpuTarget target = TargetOf(model, target_layout);
  Desired desired;
  desired.configs = {target};
  ApplyEnv ae;
  ae.backend = node.get();
  ae.env = &env;
  const ApplyResult r = Apply(ae, desired, ApplyOptions{});
  RC_ASSERT(r.outcome == ApplyOutcome::kApplied || r.outcome == ApplyOutcome::kAlreadyApplied);
  const std::vector<GpuInfo> after = MustSnapshot(node.get());
  RC_ASSERT(Satisfies(after[0].state, target));

  // Minimal: the planner's destroyed GIs equal the brute force's.
  const int expected = MinDestroyedGis(model, start, ProfilesOf(target_layout));
  int destroyed = 0;
  if (r.outcome == ApplyOutcome::kApplied) {
    RC_ASSERT(r.plan.gpus.size() == 1u);
    for (const GpuChange::Gi& gi : r.plan.gpus[0].gis) {
      if (gi.op == '-') ++destroyed;
      if (gi.op != '=') continue;
      // Kept: same ID, profile, placement and MIG UUIDs as before.
      const GpuInstance* now = after[0].state.FindGpuInstance(gi.id);
      const GpuInstance* was = before[0].state.FindGpuInstance(gi.id);
      RC_ASSERT(now != nullptr);
      RC_ASSERT(was != nullptr);
      RC_ASSERT(*now == *was);
      for (const ComputeInstance& ci : was->compute_instances) {
        RC_ASSERT(after[0].mig_uuids.at({gi.id, ci.id}) == before[0].mig_uuids.at({gi.id, ci.id}));
      }
    }
  }
  RC_ASSERT(destroyed == expected);
}

}  // namespace
}  // namespace migkit
