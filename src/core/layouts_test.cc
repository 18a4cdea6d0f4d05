#include "core/layouts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

// A100-40GB profile IDs (mig-facts.md §3.2).
constexpr int k1g = 19;
constexpr int k1gDouble = 15;
constexpr int k2g = 14;
constexpr int k3g = 9;
constexpr int k4g = 5;
constexpr int k7g = 0;

const GpuModel& A100() { return TestModel("A100-SXM4-40GB"); }

// The classic building blocks (no 1g.10gb, no +me).
LayoutOptions Classic() { return {{k1g, k2g, k3g, k4g, k7g}, {}}; }
// Drivers before R510 refused 3g + 4g together (mig-facts.md §4.1).
const std::vector<std::pair<int, int>> kPreR510 = {{k3g, k4g}};

// A layout's profiles as profile ID -> count.
using Multiset = std::map<int, int>;

Multiset ProfilesOf(const Layout& layout) {
  Multiset out;
  for (const PlacedProfile& p : layout) ++out[p.profile->id];
  return out;
}

std::set<Multiset> Multisets(const std::vector<Layout>& layouts) {
  std::set<Multiset> out;
  for (const Layout& l : layouts) out.insert(ProfilesOf(l));
  return out;
}

std::set<std::string> Placements(const std::vector<Layout>& layouts) {
  std::set<std::string> out;
  for (const Layout& l : layouts) out.insert(DescribePlacements(l));
  return out;
}

int ComputeSlices(const Multiset& ms, const GpuModel& m) {
  int n = 0;
  for (const auto& [id, count] : ms) n += TestProfile(m, id).slices * count;
  return n;
}

bool Forbidden(int a, int b, const std::vector<std::pair<int, int>>& pairs) {
  for (const auto& [x, y] : pairs) {
    if ((a == x && b == y) || (a == y && b == x)) return true;
  }
  return false;
}

// Every GI of every layout passes CheckPlacement against the others, and no forbidden pair occurs.
void ExpectAllValid(const GpuModel& m, const std::vector<Layout>& layouts,
                    const std::vector<std::pair<int, int>>& forbidden) {
  for (const Layout& l : layouts) {
    ASSERT_FALSE(l.empty());
    for (size_t i = 0; i < l.size(); ++i) {
      Layout others = l;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_OK(CheckPlacement(m, *l[i].profile, l[i].placement, others)) << DescribePlacements(l);
      for (const PlacedProfile& o : others) {
        EXPECT_FALSE(Forbidden(l[i].profile->id, o.profile->id, forbidden))
            << DescribePlacements(l);
      }
    }
  }
}

// No building block can be added to any maximal layout.
void ExpectAllMaximal(const GpuModel& m, const std::vector<Layout>& layouts,
                      const std::vector<int>& blocks,
                      const std::vector<std::pair<int, int>>& forbidden) {
  for (const Layout& l : layouts) {
    for (int id : blocks) {
      bool blocked_by_pair = false;
      for (const PlacedProfile& p : l) blocked_by_pair |= Forbidden(id, p.profile->id, forbidden);
      if (blocked_by_pair) continue;
      EXPECT_TRUE(FreePlacements(m, TestProfile(m, id), l).empty())
          << TestProfile(m, id).name << " still fits in " << DescribePlacements(l);
    }
  }
}

void ExpectNoDuplicates(const std::vector<Layout>& layouts) {
  EXPECT_EQ(layouts.size(), Placements(layouts).size());
}

// --- A100-40GB, classic building blocks ----------------------------------------------------------
//
// Hand derivation from the placement table (§3.2; the same argument as scheduling.md §4.1):
//   left half 0-3:  4g@0 | 3g@0 | {2g@0 or 1g@0+1g@1} x {2g@2 or 1g@2+1g@3}  -> 6 maximal fillings;
//   right half 4-7: 3g@4 | {2g@4 or 1g@4+1g@5} + 1g@6 (slice 7 is unusable) -> 3 maximal fillings;
//   plus 7g alone: 6 * 3 + 1 = 19 maximal layouts. Forbidding 3g+4g drops 4g+3g@4: 18.
// Valid (non-empty) layouts: pairs {0,1}, {2,3}, {4,5} have 5 fillings each (empty, 2g, 1g@s,
//   1g@s+1, 2 x 1g) and slice 6 has 2; left = 5*5 + 2 = 27, right = 5*2 + 1 = 11;
//   27*11 + 1 (7g) - 1 (empty) = 297; 296 without 4g+3g@4.

TEST(Layouts, A100ClassicMaximalCount) {
  const LayoutEnumeration e = EnumerateLayouts(A100(), Classic());
  EXPECT_EQ(19u, e.maximal.size());
  EXPECT_EQ(14u, Multisets(e.maximal).size());
  EXPECT_EQ(297u, e.valid.size());
}

// Pre-R510 rules give the classic 18 layouts / 13 multisets (scheduling.md §4.1, MISO, SPCL).
TEST(Layouts, A100ClassicMaximalCountPreR510) {
  LayoutOptions o = Classic();
  o.forbidden_pairs = kPreR510;
  const LayoutEnumeration e = EnumerateLayouts(A100(), o);
  EXPECT_EQ(18u, e.maximal.size());
  EXPECT_EQ(13u, Multisets(e.maximal).size());
  EXPECT_EQ(296u, e.valid.size());
}

// The 11 multisets using all 7 compute slices, listed in mig-facts.md §4.1, and the 3 using 6.
TEST(Layouts, A100SevenSliceMultisetsAllAppear) {
  const std::set<Multiset> got = Multisets(EnumerateLayouts(A100(), Classic()).maximal);
  const std::vector<Multiset> seven = {
      {{k1g, 7}},                      // 7 x 1g
      {{k1g, 5}, {k2g, 1}},            // 5 x 1g + 2g
      {{k1g, 4}, {k3g, 1}},            // 4 x 1g + 3g
      {{k1g, 3}, {k2g, 2}},            // 3 x 1g + 2 x 2g
      {{k1g, 3}, {k4g, 1}},            // 3 x 1g + 4g
      {{k1g, 2}, {k2g, 1}, {k3g, 1}},  // 2 x 1g + 2g + 3g
      {{k1g, 1}, {k2g, 3}},            // 1g + 3 x 2g
      {{k1g, 1}, {k2g, 1}, {k4g, 1}},  // 1g + 2g + 4g
      {{k2g, 2}, {k3g, 1}},            // 2 x 2g + 3g
      {{k3g, 1}, {k4g, 1}},            // 3g + 4g
      {{k7g, 1}},                      // 7g
  };
  const std::vector<Multiset> six = {
      {{k3g, 2}},                      // 3g + 3g
      {{k1g, 3}, {k3g, 1}},            // 3 x 1g + 3g
      {{k1g, 1}, {k2g, 1}, {k3g, 1}},  // 1g + 2g + 3g
  };
  int sevens = 0;
  for (const Multiset& ms : seven) {
    EXPECT_EQ(7, ComputeSlices(ms, A100()));
    EXPECT_TRUE(got.count(ms)) << "missing 7-slice multiset #" << sevens;
    ++sevens;
  }
  for (const Multiset& ms : six) {
    EXPECT_EQ(6, ComputeSlices(ms, A100()));
    EXPECT_TRUE(got.count(ms));
  }
  // Nothing else: 11 + 3 = 14.
  EXPECT_EQ(seven.size() + six.size(), got.size());
  int seven_count = 0;
  for (const Multiset& ms : got) seven_count += ComputeSlices(ms, A100()) == 7;
  EXPECT_EQ(11, seven_count);
}

// Of the 18 pre-R510 layouts, 15 use 7/7 compute slices and 3 only 6/7 (scheduling.md §4.1).
TEST(Layouts, A100PreR510ComputeUse) {
  LayoutOptions o = Classic();
  o.forbidden_pairs = kPreR510;
  int full = 0, six = 0;
  for (const Layout& l : EnumerateLayouts(A100(), o).maximal) {
    const int c = ComputeSlices(ProfilesOf(l), A100());
    full += c == 7;
    six += c == 6;
  }
  EXPECT_EQ(15, full);
  EXPECT_EQ(3, six);
}

TEST(Layouts, A100ClassicLayoutsAreValidAndMaximal) {
  const LayoutEnumeration e = EnumerateLayouts(A100(), Classic());
  ExpectAllValid(A100(), e.valid, {});
  ExpectAllMaximal(A100(), e.maximal, Classic().profile_ids, {});
  ExpectNoDuplicates(e.valid);
  ExpectNoDuplicates(e.maximal);
  const std::set<std::string> valid = Placements(e.valid);
  for (const Layout& l : e.maximal) EXPECT_TRUE(valid.count(DescribePlacements(l)));
}

TEST(Layouts, A100PreR510LayoutsAreValidAndMaximal) {
  LayoutOptions o = Classic();
  o.forbidden_pairs = kPreR510;
  const LayoutEnumeration e = EnumerateLayouts(A100(), o);
  ExpectAllValid(A100(), e.valid, kPreR510);
  ExpectAllMaximal(A100(), e.maximal, o.profile_ids, kPreR510);
}

// --- With the double-memory 1g (1g.10gb, ID 15) --------------------------------------------------
//
// Pairs {0,1} and {2,3} now have 3 maximal fillings each (2g, 1g.10gb, 2 x 1g); slices 4-5 too;
// slices 6-7 take 1g.10gb@6 or 1g@6. Left = 3*3 + 2 = 11, right = 3*2 + 1 = 7: 11*7 + 1 = 78;
// 77 without 4g+3g@4 (scheduling.md §4.1). Valid: a pair has 6 fillings (empty, 2g, 1g.10gb, 1g@s,
// 1g@s+1, 2x1g), slices 6-7 have 3 (empty, 1g@6, 1g.10gb@6): (6*6 + 2) * (6*3 + 1) + 1 - 1 = 722.

TEST(Layouts, A100WithDoubleMemoryMaximalCount) {
  const LayoutOptions o{{k1g, k1gDouble, k2g, k3g, k4g, k7g}, {}};
  const LayoutEnumeration e = EnumerateLayouts(A100(), o);
  EXPECT_EQ(78u, e.maximal.size());
  EXPECT_EQ(722u, e.valid.size());
  ExpectAllValid(A100(), e.valid, {});
  ExpectAllMaximal(A100(), e.maximal, o.profile_ids, {});
  ExpectNoDuplicates(e.maximal);
}

TEST(Layouts, A100WithDoubleMemoryMaximalCountPreR510) {
  const LayoutOptions o{{k1g, k1gDouble, k2g, k3g, k4g, k7g}, kPreR510};
  const LayoutEnumeration e = EnumerateLayouts(A100(), o);
  EXPECT_EQ(77u, e.maximal.size());
  EXPECT_EQ(721u, e.valid.size());
  ExpectAllMaximal(A100(), e.maximal, o.profile_ids, kPreR510);
}

// The multisets with 1g.10gb that use all 7 compute slices (mig-facts.md §4.1) all appear.
TEST(Layouts, A100DoubleMemorySevenSliceMultisetsAppear) {
  const std::set<Multiset> got =
      Multisets(EnumerateLayouts(A100(), {{k1g, k1gDouble, k2g, k3g, k4g, k7g}, {}}).maximal);
  const std::vector<Multiset> want = {
      {{k1g, 6}, {k1gDouble, 1}},            // 6 x 1g + 1gD
      {{k1g, 4}, {k1gDouble, 1}, {k2g, 1}},  // 4 x 1g + 1gD + 2g
      {{k1g, 2}, {k1gDouble, 1}, {k2g, 2}},  // 2 x 1g + 1gD + 2 x 2g
      {{k1g, 2}, {k1gDouble, 1}, {k4g, 1}},  // 2 x 1g + 1gD + 4g
      {{k1gDouble, 1}, {k2g, 3}},            // 1gD + 3 x 2g
      {{k1gDouble, 1}, {k2g, 1}, {k4g, 1}},  // 1gD + 2g + 4g
  };
  for (const Multiset& ms : want) {
    EXPECT_EQ(7, ComputeSlices(ms, A100()));
    EXPECT_TRUE(got.count(ms));
  }
  // Pure 1gD: 4 x 1gD (4 compute slices) is maximal too.
  EXPECT_TRUE(got.count(Multiset{{k1gDouble, 4}}));
}

// Default building blocks are the base profiles: no +me variants, but 1g.10gb included.
TEST(Layouts, A100BaseProfiles) {
  std::vector<int> ids = BaseProfileIds(A100());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ((std::vector<int>{k7g, k4g, k3g, k2g, k1gDouble, k1g}), ids);
  EXPECT_EQ(78u, EnumerateLayouts(A100()).maximal.size());
}

// --- A30-24GB and RTX PRO 6000 -------------------------------------------------------------------
//
// A30 (§3.4) base profiles 1g.6gb {0,1,2,3}:1, 2g.12gb {0,2}:2, 4g.24gb {0}:4. Each pair of slices
// {0,1}, {2,3} is filled maximally by a 2g or by two 1g: 2 * 2 = 4 layouts, plus the 4g alone = 5
// maximal layouts. Multisets: 2 x 2g, 2g + 2 x 1g (two placements), 4 x 1g, 4g = 4.
// Valid: each pair has 5 fillings (empty, 2g, 1g@s, 1g@s+1, 2 x 1g):
// 5 * 5 - 1 (empty) + 1 (4g) = 25.
//
// RTX PRO 6000 (§3.12) base profiles 1g.24gb {0,3,6,9}:3, 2g.48gb {0,6}:6, 4g.96gb {0}:12: the same
// shape on a 12-unit axis (each half 0-5, 6-11 takes a 2g or two 1g), so again 5 maximal layouts,
// 4 multisets and 25 valid layouts.

TEST(Layouts, A30BaseCounts) {
  const GpuModel& m = TestModel("A30-24GB");
  std::vector<int> ids = BaseProfileIds(m);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ((std::vector<int>{0, 5, 14}), ids);
  const LayoutEnumeration e = EnumerateLayouts(m);
  EXPECT_EQ(5u, e.maximal.size());
  EXPECT_EQ(4u, Multisets(e.maximal).size());
  EXPECT_EQ(25u, e.valid.size());
  ExpectAllValid(m, e.valid, {});
  ExpectAllMaximal(m, e.maximal, ids, {});
}

TEST(Layouts, RtxPro6000BaseCounts) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  std::vector<int> ids = BaseProfileIds(m);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ((std::vector<int>{0, 5, 14}), ids);
  const LayoutEnumeration e = EnumerateLayouts(m);
  EXPECT_EQ(5u, e.maximal.size());
  EXPECT_EQ(4u, Multisets(e.maximal).size());
  EXPECT_EQ(25u, e.valid.size());
  ExpectAllValid(m, e.valid, {});
  ExpectAllMaximal(m, e.maximal, ids, {});
}

// Every model's maximal layouts are valid and maximal with its own base profiles. No layout on an
// 8-slot model uses more than 7 compute slices (mig-facts.md §4.1), none on a 4-slice model more
// than 4, and none holds more GIs than the model allows (§1).
TEST(Layouts, EveryModelLayoutsValidAndMaximal) {
  for (const GpuModel* m : AllModels()) {
    SCOPED_TRACE(m->id);
    const LayoutEnumeration e = EnumerateLayouts(*m);
    EXPECT_FALSE(e.maximal.empty());
    ExpectAllValid(*m, e.maximal, {});
    ExpectAllMaximal(*m, e.maximal, BaseProfileIds(*m), {});
    ExpectNoDuplicates(e.valid);
    for (const Layout& l : e.valid) {
      int slices = 0;
      for (const PlacedProfile& p : l) slices += p.profile->slices;
      EXPECT_LE(slices, m->compute_slices) << DescribePlacements(l);
      EXPECT_LE(static_cast<int>(l.size()), m->max_gpu_instances) << DescribePlacements(l);
    }
  }
}

TEST(Layouts, UnknownProfileIdsAreIgnored) {
  const LayoutEnumeration e = EnumerateLayouts(A100(), {{k1g, k2g, k3g, k4g, k7g, 42}, {}});
  EXPECT_EQ(19u, e.maximal.size());
}

// --- Descriptions --------------------------------------------------------------------------------

TEST(Layouts, DescribeProfilesLargestFirst) {
  const GpuModel& m = A100();
  const Layout l = {{&TestProfile(m, k1g), {6, 1}},
                    {&TestProfile(m, k4g), {0, 4}},
                    {&TestProfile(m, k2g), {4, 2}}};
  EXPECT_EQ("4g.20gb + 2g.10gb + 1g.5gb", DescribeProfiles(l));
  Layout ones;
  for (int s = 0; s < 7; ++s) ones.push_back({&TestProfile(m, k1g), {s, 1}});
  EXPECT_EQ("1g.5gb x7", DescribeProfiles(ones));
}

TEST(Layouts, DescribePlacementsByStart) {
  const GpuModel& m = A100();
  const Layout l = {{&TestProfile(m, k1g), {6, 1}},
                    {&TestProfile(m, k4g), {0, 4}},
                    {&TestProfile(m, k2g), {4, 2}}};
  EXPECT_EQ("4g.20gb@0:4 2g.10gb@4:2 1g.5gb@6:1", DescribePlacements(l));
}

}  // namespace
}  // namespace migkit
