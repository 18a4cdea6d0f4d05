#include "config/resolve.h"

#include <gtest/gtest.h>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::vector<GpuInfo> Node(const std::vector<std::string>& model_ids) {
  std::vector<GpuInfo> gpus;
  for (size_t i = 0; i < model_ids.size(); ++i) {
    GpuInfo g;
    g.index = static_cast<int>(i);
    g.model = &TestModel(model_ids[i]);
    g.uuid = "GPU-" + std::to_string(i);
    gpus.push_back(g);
  }
  return gpus;
}

StatusOr<std::vector<GpuTarget>> Resolve(const std::string& text, const std::string& name,
                                         const std::vector<GpuInfo>& gpus) {
  StatusOr<MigConfigFile> file = ParseMigConfigFile(text, "c.yaml");
  if (!file.ok()) return file.status();
  StatusOr<const NamedMigConfig*> config = SelectConfig(*file, name);
  if (!config.ok()) return config.status();
  return ResolveConfig(*file, **config, gpus);
}

// Wraps a single entry's mig-devices block (lines 4-7 of the file) into a config named "c".
std::string OneEntry(const std::string& devices_block,
                     const std::string& selector = "devices: all") {
  return "version: v1\nmig-configs:\n  c:\n    - " + selector +
         "\n      mig-enabled: true\n      mig-devices:\n" + devices_block;
}

TEST(ResolveConfig, LastMatchingEntryWinsAndFiltersSelectModels) {
  const char* text = R"(version: v1
mig-configs:
  mixed:
    - device-filter: "0x233010DE"
      devices: all
      mig-enabled: true
      mig-devices:
        "1g.10gb": 7
    - devices: [1]
      mig-enabled: true
      mig-devices:
        "3g.40gb": 2
    - device-filter: ["0x20B010DE"]
      devices: all
      mig-enabled: false
)";
  ASSERT_OK_AND_ASSIGN(
      std::vector<GpuTarget> t,
      Resolve(text, "mixed",
              Node({"H100-SXM5-80GB", "H100-SXM5-80GB", "A100-SXM4-40GB", "A30-24GB"})));
  ASSERT_EQ(t.size(), 3u);  // the A30 is selected by no entry and left alone
  EXPECT_EQ(t[0].gpu, 0);
  EXPECT_EQ(t[0].gis.size(), 7u);
  EXPECT_EQ(t[0].entry_line, 4);
  EXPECT_EQ(t[1].gpu, 1);
  ASSERT_EQ(t[1].gis.size(), 2u);
  EXPECT_EQ(t[1].gis[0].profile->name, "3g.40gb");
  EXPECT_EQ(t[2].gpu, 2);
  EXPECT_FALSE(t[2].mig_enabled);
}

TEST(ResolveConfig, PacksComputeInstancesLikeMigParted) {
  ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> t,
                       Resolve(OneEntry("        1c.3g.40gb: 4\n        2c.3g.40gb: 1\n"), "c",
                               Node({"H100-SXM5-80GB"})));
  ASSERT_EQ(t.size(), 1u);
  // Largest first: the 2c opens a 3g GI and takes a 1c with it; the remaining three 1c fill a
  // second 3g GI.
  ASSERT_EQ(t[0].gis.size(), 2u);
  EXPECT_EQ(t[0].gis[0].profile->name, "3g.40gb");
  ASSERT_EQ(t[0].gis[0].cis.size(), 2u);
  EXPECT_EQ(t[0].gis[0].cis[0].name, "2c.3g.40gb");
  EXPECT_EQ(t[0].gis[0].cis[1].name, "1c.3g.40gb");
  ASSERT_EQ(t[0].gis[1].cis.size(), 3u);
  EXPECT_EQ(DescribeCounts(*t[0].model, t[0].Counts()), "1c.3g.40gb x4, 2c.3g.40gb");
}

struct BadResolve {
  std::string text;
  std::string error;
};

class ResolveBadConfig : public ::testing::TestWithParam<BadResolve> {};

TEST_P(ResolveBadConfig, NamesFileLineValueAndWhatIsValid) {
  StatusOr<std::vector<GpuTarget>> t =
      Resolve(GetParam().text, "c", Node({"H100-SXM5-80GB", "H100-SXM5-80GB", "A100-SXM4-40GB"}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(t.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, ResolveBadConfig,
    ::testing::Values(
        BadResolve{OneEntry("        4g.40gb: 2\n", "devices: [0]"),
                   "c.yaml:7: 4g.40gb: 2 does not fit an H100-SXM5-80GB: at most 1 (GPU 0)"},
        BadResolve{OneEntry("        1c.4g.40gb: 5\n", "devices: [0]"),
                   "c.yaml:7: 1c.4g.40gb: 5 needs 2 4g.40gb GPU instances and an H100-SXM5-80GB "
                   "holds at most 1 (GPU 0)"},
        BadResolve{OneEntry("        3g.40gb: 2\n        1g.10gb: 1\n", "devices: [1]"),
                   "c.yaml:6: these mig-devices do not fit GPU 1: they need 9 memory slices and an "
                   "H100-SXM5-80GB has 8"},
        BadResolve{OneEntry("        3g.20gb: 1\n", "devices: [0]"),
                   "c.yaml:7: profile '3g.20gb' does not exist on H100-SXM5-80GB; valid: 1g.10gb, "
                   "1g.10gb+me, 1g.20gb, 1c.2g.20gb, 2g.20gb, 1c.3g.40gb, 2c.3g.40gb, 3g.40gb, "
                   "1c.4g.40gb, 2c.4g.40gb, 4g.40gb, 1c.7g.80gb, 2c.7g.80gb, 3c.7g.80gb, "
                   "4c.7g.80gb, 7g.80gb (GPU 0)"},
        // devices: all selects the A100-40GB too, where 3g.40gb does not exist.
        BadResolve{OneEntry("        3g.40gb: 1\n"),
                   "c.yaml:7: profile '3g.40gb' does not exist on A100-SXM4-40GB; valid: 1g.5gb, "
                   "1g.5gb+me, 1g.10gb, 1c.2g.10gb, 2g.10gb, 1c.3g.20gb, 2c.3g.20gb, 3g.20gb, "
                   "1c.4g.20gb, 2c.4g.20gb, 4g.20gb, 1c.7g.40gb, 2c.7g.40gb, 3c.7g.40gb, "
                   "4c.7g.40gb, 7g.40gb (GPU 2)"},
        BadResolve{OneEntry("        1g.10gb: 1\n", "devices: [0, 9]"),
                   "c.yaml:4: GPU index 9 in 'devices' does not exist; this node has GPUs 0-2"},
        BadResolve{OneEntry("        1g.20gb: 4\n        3g.40gb: 1\n", "devices: [0]"),
                   "c.yaml:6: these mig-devices do not fit GPU 0: they need 12 memory slices and "
                   "an H100-SXM5-80GB has 8"},
        BadResolve{OneEntry("        4g.40gb: 1\n        1g.20gb: 1\n        2g.20gb: 1\n"
                            "        1g.10gb+me: 1\n",
                            "devices: [0]"),
                   "c.yaml:6: these mig-devices do not fit GPU 0: they need 8 compute slices and "
                   "an H100-SXM5-80GB has 7"}));

}  // namespace
}  // namespace migkit
