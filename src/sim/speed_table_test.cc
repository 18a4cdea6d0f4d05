#include "sim/speed_table.h"

#include <gtest/gtest.h>

namespace migkit::sim {
namespace {

// Rows of MISO's table as shipped in shared/data/perf (A100-SXM4-40GB, scheduling.md §3.2).
constexpr char kRows[] =
    "model,batch_size,mig_profile,compute_slices,mean_iter_time_s,n_iters,throughput_rel_to_7g\n"
    "bert,8,3g.20gb,3,0.23347,1000,0.517\n"
    "bert,8,4g.20gb,4,0.21038,1125,0.574\n"
    "bert,8,7g.40gb,7,0.12069,1907,1.000\n"
    "resnet,128,1g.5gb,1,0.06523,4475,0.458\n"
    "resnet,128,2g.10gb,2,0.03845,7533,0.776\n"
    "resnet,128,3g.20gb,3,0.03185,9066,0.937\n"
    "resnet,128,4g.20gb,4,0.03099,9374,0.963\n"
    "resnet,128,7g.40gb,7,0.02986,9733,1.000\n";

TEST(SpeedTableTest, RelativeSpeedsAreTheMeasuredRatios) {
  auto table = SpeedTable::Parse(kRows, "miso.csv");
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->Jobs(), (std::vector<std::string>{"bert/8", "resnet/128"}));
  // The table's own throughput_rel_to_7g column (rounded there, so within 0.001).
  EXPECT_NEAR(*table->Relative("resnet/128", 1), 0.458, 0.001);
  EXPECT_NEAR(*table->Relative("resnet/128", 2), 0.776, 0.001);
  EXPECT_NEAR(*table->Relative("bert/8", 3), 0.517, 0.001);
  EXPECT_DOUBLE_EQ(*table->Relative("bert/8", 7), 1.0);
  // BERT at batch 8 did not fit 1g or 2g: no speed there, and 3g is its smallest instance.
  EXPECT_FALSE(table->Relative("bert/8", 1).has_value());
  EXPECT_EQ(table->SmallestSlices("bert/8"), 3);
  EXPECT_FALSE(table->Has("gnn/64"));
  EXPECT_FALSE(table->Relative("gnn/64", 7).has_value());
}

TEST(SpeedTableTest, BadRowsNameTheFileAndLine) {
  auto missing = SpeedTable::Parse("model,batch_size\nresnet,1\n", "miso.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("miso.csv:1: the header lacks column 'compute_slices'"),
            std::string::npos)
      << missing.status().message();
  auto bad = SpeedTable::Parse(
      "model,batch_size,compute_slices,mean_iter_time_s\nresnet,64,1,fast\n", "miso.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("miso.csv:2: column 'mean_iter_time_s' is 'fast'"),
            std::string::npos)
      << bad.status().message();
  auto twice = SpeedTable::Parse(
      "model,batch_size,compute_slices,mean_iter_time_s\nresnet,64,1,0.1\nresnet,64,1,0.2\n",
      "miso.csv");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("miso.csv:3: a second row for resnet/64"),
            std::string::npos);
}

TEST(SpeedTableTest, FallbackFollowsTheFittedMedians) {
  // scheduling.md §3.2: medians 0.32, 0.47, 0.66, 0.75 at 1g..4g; (g/7)^0.55 is within 0.05.
  EXPECT_NEAR(FallbackRelativeSpeed(1, 7), 0.32, 0.05);
  EXPECT_NEAR(FallbackRelativeSpeed(2, 7), 0.47, 0.05);
  EXPECT_NEAR(FallbackRelativeSpeed(3, 7), 0.66, 0.05);
  EXPECT_NEAR(FallbackRelativeSpeed(4, 7), 0.75, 0.05);
  EXPECT_DOUBLE_EQ(FallbackRelativeSpeed(7, 7), 1.0);
}

}  // namespace
}  // namespace migkit::sim
