#include "reconfig/busy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

BusyMark Mark(const std::string& gpu, int gi, std::optional<int> ci, const std::string& holder,
              std::optional<std::int64_t> expires = std::nullopt) {
  return BusyMark{gpu, gi, ci, holder, 0, expires};
}

TEST(BusyStore, AddsListsExpiresAndRemoves) {
  MemEnv env;
  BusyStore store(&env, "/s");
  const std::int64_t now = env.NowMicros();
  ASSERT_OK_AND_ASSIGN(std::vector<BusyMark> none, store.List(now));
  EXPECT_TRUE(none.empty());
  ASSERT_OK(store.Add(Mark("GPU-a", 3, std::nullopt, "job-1"), now));
  ASSERT_OK(store.Add(Mark("GPU-a", 4, 0, "job-2", now + 60'000'000), now));
  ASSERT_OK(store.Add(Mark("GPU-a", 3, std::nullopt, "job-1"), now));  // replaces, not duplicates
  ASSERT_OK_AND_ASSIGN(std::vector<BusyMark> marks, store.List(now));
  ASSERT_EQ(marks.size(), 2u);  // the replaced mark moved to the end
  EXPECT_EQ(marks[0].ToString(), "GPU-a GI 4 CI 0 (held by job-2, until 2026-01-01T10:01:00Z)");
  EXPECT_EQ(marks[1].ToString(), "GPU-a GI 3 (held by job-1)");
  EXPECT_TRUE(marks[1].CoversCi("GPU-a", 3, 5));
  EXPECT_FALSE(marks[0].CoversCi("GPU-a", 4, 1));
  // One minute later the second mark has expired.
  ASSERT_OK_AND_ASSIGN(marks, store.List(now + 60'000'000));
  EXPECT_EQ(marks.size(), 1u);
  ASSERT_OK_AND_ASSIGN(int removed, store.Remove("GPU-a", 3, std::nullopt, "someone-else", now));
  EXPECT_EQ(removed, 0);
  ASSERT_OK_AND_ASSIGN(removed, store.Remove("GPU-a", 3, std::nullopt, "", now));
  EXPECT_EQ(removed, 1);
}

TEST(BusyStore, DropsMarksOfInstancesThatAreGone) {
  MemEnv env;
  BusyStore store(&env, "/s");
  GpuInfo gpu;
  gpu.uuid = "GPU-a";
  gpu.state.mig_current = gpu.state.mig_pending = true;
  GpuInstance gi;
  gi.id = 1;
  gi.compute_instances.push_back(ComputeInstance{0, 2, Placement{0, 3}});
  gpu.state.gpu_instances.push_back(gi);
  const std::int64_t now = env.NowMicros();
  ASSERT_OK(store.Add(Mark("GPU-a", 1, 0, "kept"), now));
  ASSERT_OK(store.Add(Mark("GPU-a", 1, 1, "no such CI"), now));
  ASSERT_OK(store.Add(Mark("GPU-a", 2, std::nullopt, "no such GI"), now));
  ASSERT_OK(store.Add(Mark("GPU-other", 2, std::nullopt, "unknown GPU"), now));
  ASSERT_OK_AND_ASSIGN(int removed, store.RemoveStale({gpu}, now));
  EXPECT_EQ(removed, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<BusyMark> marks, store.List(now));
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].holder, "kept");
  EXPECT_EQ(marks[1].holder, "unknown GPU");
}

TEST(BusyStore, ReportsADamagedFile) {
  MemEnv env;
  ASSERT_OK(env.WriteFileAtomic("/s/busy.json", "{\"marks\": 3}"));
  BusyStore store(&env, "/s");
  EXPECT_EQ(
      store.List(0).status(),
      Status::Corruption("/s/busy.json: not a busy-mark file of format 1 (expected {\"format\": "
                         "1, \"marks\": [...]}); remove it to start over"));
}

TEST(BusyStore, WorksOnTheRealFileSystem) {
  char tmpl[] = "/tmp/migkit-busy-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  {
    BusyStore store(Env::Default(), dir + "/state");
    ASSERT_OK(store.Add(Mark("GPU-a", 7, std::nullopt, "job"), 0));
    ASSERT_OK_AND_ASSIGN(std::vector<BusyMark> marks, store.List(0));
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_TRUE(std::filesystem::exists(dir + "/state/busy.json"));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace migkit
