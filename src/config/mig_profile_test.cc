#include "config/mig_profile.h"

#include <gtest/gtest.h>

#include "core/nvml_constants.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

TEST(MigProfileName, ParsesTheGrammar) {
  ASSERT_OK_AND_ASSIGN(MigProfileName a, ParseMigProfileName("1g.10gb"));
  EXPECT_EQ(a.compute, 0);
  EXPECT_EQ(a.slices, 1);
  EXPECT_EQ(a.gb, 10);
  EXPECT_EQ(a.gi_name, "1g.10gb");

  ASSERT_OK_AND_ASSIGN(MigProfileName b, ParseMigProfileName("1c.3g.40gb"));
  EXPECT_EQ(b.compute, 1);
  EXPECT_EQ(b.slices, 3);
  EXPECT_EQ(b.gi_name, "3g.40gb");

  ASSERT_OK_AND_ASSIGN(MigProfileName c, ParseMigProfileName("1G.24GB+me.all"));
  EXPECT_EQ(c.gi_name, "1g.24gb+me.all");
  ASSERT_OK_AND_ASSIGN(MigProfileName d, ParseMigProfileName("2g.48gb-me"));
  EXPECT_EQ(d.gi_name, "2g.48gb-me");
  ASSERT_OK_AND_ASSIGN(MigProfileName e, ParseMigProfileName("1g.24gb+gfx"));
  EXPECT_EQ(e.gi_name, "1g.24gb+gfx");
}

TEST(MigProfileName, RejectsMalformedNames) {
  for (const char* bad : {"", "1g", "1g.10", "g.10gb", "1g.10gb+", "1g.10gb+foo", "1g.10gb-gfx",
                          "1c3g.40gb", "0g.10gb", "1g.10gbx", "-1g.10gb", "1c.", "abc"}) {
    EXPECT_CODE(ParseMigProfileName(bad), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseMigProfileName("1g.10").status().message(),
            "'1g.10' is not a MIG profile name; expected [<C>c.]<G>g.<GB>gb with an optional +me, "
            "+me.all, +gfx or -me, such as 1g.10gb, 1g.10gb+me or 1c.3g.40gb");
  EXPECT_EQ(
      ParseMigProfileName("4c.3g.40gb").status().message(),
      "'4c.3g.40gb' asks for a compute instance of 4 slices in a 3-slice GPU instance; C must "
      "not exceed G in <C>c.<G>g");
}

TEST(MigProfile, ResolvesGpuAndComputeInstanceProfiles) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  ASSERT_OK_AND_ASSIGN(MigDeviceProfile full,
                       ResolveMigProfile(*ParseMigProfileName("3g.40gb"), h100));
  EXPECT_EQ(full.gi->id, 9);
  EXPECT_EQ(full.ci.slices, 3);
  EXPECT_EQ(full.Name(), "3g.40gb");

  ASSERT_OK_AND_ASSIGN(MigDeviceProfile sub,
                       ResolveMigProfile(*ParseMigProfileName("1c.3g.40gb"), h100));
  EXPECT_EQ(sub.gi->id, 9);
  EXPECT_EQ(sub.ci.slices, 1);
  EXPECT_EQ(sub.Name(), "1c.3g.40gb");

  // "3c.3g.40gb" is the full CI and is named like the GI.
  ASSERT_OK_AND_ASSIGN(MigDeviceProfile same,
                       ResolveMigProfile(*ParseMigProfileName("3c.3g.40gb"), h100));
  EXPECT_EQ(same.Name(), "3g.40gb");

  ASSERT_OK_AND_ASSIGN(MigDeviceProfile me,
                       ResolveMigProfile(*ParseMigProfileName("1g.10gb+me"), h100));
  EXPECT_EQ(me.gi->id, 20);
}

TEST(MigProfile, NamesWhatIsValidWhenAProfileDoesNotExist) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  EXPECT_EQ(
      ResolveMigProfile(*ParseMigProfileName("3g.20gb"), h100).status().message(),
      "profile '3g.20gb' does not exist on H100-SXM5-80GB; valid: 1g.10gb, 1g.10gb+me, "
      "1g.20gb, 1c.2g.20gb, 2g.20gb, 1c.3g.40gb, 2c.3g.40gb, 3g.40gb, 1c.4g.40gb, 2c.4g.40gb, "
      "4g.40gb, 1c.7g.80gb, 2c.7g.80gb, 3c.7g.80gb, 4c.7g.80gb, 7g.80gb");
  // A 3-slice CI does not exist in a 4g GI (go-nvlib's rule, mig-facts.md §5).
  EXPECT_EQ(ResolveMigProfile(*ParseMigProfileName("3c.4g.40gb"), h100).status().message(),
            "profile '3c.4g.40gb' does not exist on H100-SXM5-80GB: a 4g.40gb GPU instance holds "
            "compute instances 1c.4g.40gb, 2c.4g.40gb, 4g.40gb");
}

TEST(MigProfile, ResolvesRtxProVariants) {
  const GpuModel& rtx = TestModel("RTX-PRO-6000");
  for (const char* name : {"1g.24gb", "1g.24gb+me", "1g.24gb+gfx", "1g.24gb+me.all", "1g.24gb-me",
                           "2g.48gb", "2g.48gb-me", "4g.96gb+gfx", "1c.2g.48gb"}) {
    EXPECT_OK(ResolveMigProfile(*ParseMigProfileName(name), rtx)) << name;
  }
}

TEST(MigProfile, EveryCatalogProfileResolvesByItsOwnName) {
  for (const GpuModel* model : AllModels()) {
    for (const GiProfile& gi : model->gi_profiles) {
      for (const CiProfile& ci : model->ComputeProfilesFor(gi)) {
        ASSERT_OK_AND_ASSIGN(MigProfileName name, ParseMigProfileName(ci.name));
        ASSERT_OK_AND_ASSIGN(MigDeviceProfile p, ResolveMigProfile(name, *model));
        EXPECT_EQ(p.gi->id, gi.id) << model->id << " " << ci.name;
        // A double-memory 1g GI's CI profiles 0 and 7 share the name; it means the default, 7.
        const bool shared = ci.id == kCiProfile1Slice && gi.nvml_index == kGiProfile1SliceRev2;
        EXPECT_EQ(p.ci.id, shared ? kCiProfile1SliceRev1 : ci.id) << model->id << " " << ci.name;
        EXPECT_EQ(FormatMigDevice(*model, gi, ci.id), ci.name);
      }
    }
  }
}

}  // namespace
}  // namespace migkit
