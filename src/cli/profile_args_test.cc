#include "cli/profile_args.h"

#include <gtest/gtest.h>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit::cli {
namespace {

TEST(ProfileArgs, ResolvesNamesLongNamesAndIds) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  ASSERT_OK_AND_ASSIGN(const GiProfile* by_name, ResolveGiProfile("3g.20gb", a100));
  ASSERT_OK_AND_ASSIGN(const GiProfile* by_long, ResolveGiProfile("MIG 3G.20GB", a100));
  ASSERT_OK_AND_ASSIGN(const GiProfile* by_id, ResolveGiProfile("9", a100));
  EXPECT_EQ(by_name->id, 9);
  EXPECT_EQ(by_long, by_name);
  EXPECT_EQ(by_id, by_name);
}

TEST(ProfileArgs, UnknownProfileListsValidNames) {
  StatusOr<const GiProfile*> p = ResolveGiProfile("3g.40gb", TestModel("A100-SXM4-40GB"));
  ASSERT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find("unknown GPU instance profile '3g.40gb' for A100-SXM4-40GB"),
            std::string::npos);
  EXPECT_NE(p.status().message().find("1g.5gb (ID 19), 1g.5gb+me (ID 20), 1g.10gb (ID 15)"),
            std::string::npos);
}

TEST(ProfileArgs, ParsesListsWithStarts) {
  ASSERT_OK_AND_ASSIGN(std::vector<GiRequest> r,
                       ParseGiRequests({"9:4,19", "MIG 2g.10gb"}, TestModel("A100-SXM4-40GB")));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "9");
  EXPECT_EQ(r[0].profile->id, 9);
  EXPECT_EQ(r[0].start, 4);
  EXPECT_EQ(r[1].profile->id, 19);
  EXPECT_FALSE(r[1].start.has_value());
  EXPECT_EQ(r[2].profile->id, 14);
}

TEST(ProfileArgs, RejectsAStartThatIsNotAPlacement) {
  StatusOr<std::vector<GiRequest>> r = ParseGiRequests({"9:2"}, TestModel("A100-SXM4-40GB"));
  ASSERT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("{0,4}:4"), std::string::npos) << r.status().message();
}

TEST(ProfileArgs, ResolvesCiProfiles) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  const GiProfile& three = TestProfile(a100, 9);
  ASSERT_OK_AND_ASSIGN(CiProfile one, ResolveCiProfile("1c.3g.20gb", a100, three));
  EXPECT_EQ(one.id, 0);
  ASSERT_OK_AND_ASSIGN(CiProfile whole, ResolveCiProfile("3g.20gb", a100, three));
  EXPECT_EQ(whole.id, 2);
  EXPECT_EQ(DefaultCiProfile(a100, three).id, 2);
  EXPECT_EQ(ResolveCiProfile("4c.3g.20gb", a100, three).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace migkit::cli
