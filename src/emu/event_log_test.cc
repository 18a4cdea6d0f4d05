#include "emu/event_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

TEST(EventLog, ReaderSeesOnlyEventsAfterItsOffset) {
  ScopedTempDir dir;
  ASSERT_OK_AND_ASSIGN(std::uint64_t start, EventLogSize(dir.path()));
  EXPECT_EQ(start, 0u);
  const HardwareEvent before{kEventXidCriticalError, 0, -1, -1, 79};
  ASSERT_OK(AppendEvent(dir.path(), before));
  ASSERT_OK_AND_ASSIGN(std::uint64_t registered, EventLogSize(dir.path()));
  const HardwareEvent mig{kEventXidCriticalError, 1, 7, 0, 94};
  const HardwareEvent dbe{kEventDoubleBitEccError, 1, -1, -1, 0};
  ASSERT_OK(AppendEvent(dir.path(), mig));
  ASSERT_OK(AppendEvent(dir.path(), dbe));

  std::uint64_t offset = registered;
  std::vector<HardwareEvent> got;
  ASSERT_OK(ReadEvents(dir.path(), &offset, &got));
  EXPECT_EQ(got, (std::vector<HardwareEvent>{mig, dbe}));
  // Nothing new: nothing read, offset unchanged.
  got.clear();
  const std::uint64_t at_end = offset;
  ASSERT_OK(ReadEvents(dir.path(), &offset, &got));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(offset, at_end);

  std::uint64_t from_start = 0;
  ASSERT_OK(ReadEvents(dir.path(), &from_start, &got));
  EXPECT_EQ(got, (std::vector<HardwareEvent>{before, mig, dbe}));
}

TEST(EventLog, PartialLastLineWaitsAndGarbageIsSkipped) {
  ScopedTempDir dir;
  { std::ofstream(EventLogPath(dir.path())) << "garbage line\n8 0 -1 -1 4"; }
  std::uint64_t offset = 0;
  std::vector<HardwareEvent> got;
  ASSERT_OK(ReadEvents(dir.path(), &offset, &got));
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(offset, 13u);  // past "garbage line\n", not into the unfinished record
  { std::ofstream(EventLogPath(dir.path()), std::ios::app) << "3\n"; }
  ASSERT_OK(ReadEvents(dir.path(), &offset, &got));
  EXPECT_EQ(got, (std::vector<HardwareEvent>{{kEventXidCriticalError, 0, -1, -1, 43}}));
}

TEST(EventLog, MissingLogHasNoEvents) {
  ScopedTempDir dir;
  std::uint64_t offset = 0;
  std::vector<HardwareEvent> got;
  ASSERT_OK(ReadEvents(dir.path() + "/nowhere", &offset, &got));
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace migkit
