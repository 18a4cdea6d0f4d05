#include "config/mig_config.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr char kSample[] = R"(version: v1
mig-configs:
  all-disabled:
    - devices: all
      mig-enabled: false

  custom:
    - devices: [0, 1]
      mig-enabled: true
      mig-devices:
        "1g.10gb": 2
        2g.20gb: 1
        1c.3g.40gb: 0
    - device-filter: "0x233010DE"
      devices: all
      mig-enabled: true
      mig-devices: {}
    - device-filter: ["0x20B010DE", "0x233010DE:0x16C110DE"]
      devices: [3]
      mig-enabled: false
)";

TEST(MigConfigFile, ParsesEntriesWithLines) {
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(kSample, "sample.yaml"));
  ASSERT_EQ(file.Names(), (std::vector<std::string>{"all-disabled", "custom"}));
  const NamedMigConfig* disabled = file.Find("all-disabled");
  ASSERT_NE(disabled, nullptr);
  EXPECT_EQ(disabled->line, 3);
  ASSERT_EQ(disabled->entries.size(), 1u);
  EXPECT_TRUE(disabled->entries[0].all_devices);
  EXPECT_FALSE(disabled->entries[0].mig_enabled);

  const NamedMigConfig* custom = file.Find("custom");
  ASSERT_NE(custom, nullptr);
  ASSERT_EQ(custom->entries.size(), 3u);
  const MigConfigEntry& e0 = custom->entries[0];
  EXPECT_EQ(e0.line, 8);
  EXPECT_EQ(e0.devices, (std::vector<int>{0, 1}));
  ASSERT_EQ(e0.mig_devices.size(), 3u);
  EXPECT_EQ(e0.mig_devices[0].profile.text, "1g.10gb");
  EXPECT_EQ(e0.mig_devices[0].count, 2);
  EXPECT_EQ(e0.mig_devices[0].line, 11);
  EXPECT_EQ(e0.mig_devices[2].profile.compute, 1);
  EXPECT_EQ(e0.mig_devices[2].count, 0);

  const MigConfigEntry& e1 = custom->entries[1];
  ASSERT_EQ(e1.device_filter.size(), 1u);
  EXPECT_EQ(e1.device_filter[0].device_id, 0x233010DEu);
  EXPECT_TRUE(e1.mig_enabled);
  EXPECT_TRUE(e1.mig_devices.empty());

  const MigConfigEntry& e2 = custom->entries[2];
  ASSERT_EQ(e2.device_filter.size(), 2u);
  EXPECT_EQ(e2.device_filter[1].ToString(), "0x233010DE:0x16C110DE");
  EXPECT_EQ(e2.devices, (std::vector<int>{3}));
}

TEST(MigConfigFile, AcceptsJson) {
  const char* json = R"({"version": "v1", "mig-configs": {"current": [
      {"devices": "all", "mig-enabled": true, "mig-devices": {"1g.10gb": 7}}]}})";
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(json, "x.json"));
  ASSERT_NE(file.Find("current"), nullptr);
  EXPECT_EQ(file.Find("current")->entries[0].mig_devices[0].count, 7);
}

TEST(MigConfigFile, SelectsByNameOrTheOnlyConfig) {
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(kSample, "sample.yaml"));
  ASSERT_OK_AND_ASSIGN(const NamedMigConfig* c, SelectConfig(file, "custom"));
  EXPECT_EQ(c->name, "custom");
  EXPECT_EQ(SelectConfig(file, "").status().message(),
            "sample.yaml has 2 configs; choose one with -c: all-disabled, custom");
  EXPECT_EQ(SelectConfig(file, "nope").status(),
            Status::NotFound("sample.yaml has no config 'nope'; it has: all-disabled, custom"));
}

// The corpus of bad files: each gives exactly this error.
struct BadFile {
  const char* text;
  const char* error;
};

class MigConfigBadFile : public ::testing::TestWithParam<BadFile> {};

TEST_P(MigConfigBadFile, GivesTheExactError) {
  StatusOr<MigConfigFile> parsed = ParseMigConfigFile(GetParam().text, "bad.yaml");
  ASSERT_FALSE(parsed.ok()) << GetParam().text;
  EXPECT_EQ(parsed.status().code(), Code::kParseError);
  EXPECT_EQ(parsed.status().message(), GetParam().error) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, MigConfigBadFile,
    ::testing::Values(
        BadFile{
            "",
            "bad.yaml:1: the file is empty; expected 'version: v1' and a 'mig-configs' mapping"},
        BadFile{"version: v1\nmig-configs: {a: [\n",
                "bad.yaml:3: malformed YAML: end of sequence flow not found"},
        BadFile{"- a\n- b\n",
                "bad.yaml:1: expected a mapping with keys 'version' and 'mig-configs' at the top "
                "level, found a list"},
        BadFile{"version: v2\nmig-configs: {}\n",
                "bad.yaml:1: unknown version v2; the only valid version is v1"},
        BadFile{"mig-configs:\n  a:\n    - devices: all\n      mig-enabled: false\n",
                "bad.yaml:1: missing key 'version'; add 'version: v1'"},
        BadFile{"version: v1\nmigconfigs: {}\n",
                "bad.yaml:2: unknown key 'migconfigs' at the top level; valid keys: version, "
                "mig-configs"},
        BadFile{"version: v1\nmig-configs: {}\n",
                "bad.yaml:2: 'mig-configs' is empty; at least one config is required"},
        BadFile{"version: v1\nmig-configs:\n  a: []\n",
                "bad.yaml:3: config 'a' has no entries; at least one is required"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    devices: all\n",
                "bad.yaml:4: config 'a' must be a list of entries (\"- devices: ...\"), found a "
                "mapping"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: false\n"
                "      mig-device: {}\n",
                "bad.yaml:6: unknown key 'mig-device' in an entry of 'a'; valid keys: devices, "
                "device-filter, mig-enabled, mig-devices"},
        BadFile{
            "version: v1\nmig-configs:\n  a:\n    - mig-enabled: false\n",
            "bad.yaml:4: missing key 'devices' in an entry of 'a'; use 'devices: all' or a list "
            "such as [0, 1]"},
        // mig-parted issue #44: a bare index is not a list.
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: 7\n      mig-enabled: false\n",
                "bad.yaml:4: 'devices' must be 'all' or a list of GPU indexes such as [0, 1], "
                "found 7"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: bogus\n      mig-enabled: false\n",
                "bad.yaml:4: 'devices' must be 'all' or a list of GPU indexes such as [0, 1], "
                "found bogus"},
        BadFile{
            "version: v1\nmig-configs:\n  a:\n    - devices: [0, x]\n      mig-enabled: false\n",
            "bad.yaml:4: a GPU index in 'devices' must be a non-negative integer, found x"},
        BadFile{
            "version: v1\nmig-configs:\n  a:\n    - devices: [1, 1]\n      mig-enabled: false\n",
            "bad.yaml:4: GPU index 1 is listed twice in 'devices'"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: \"true\"\n"
                "      mig-devices: {}\n",
                "bad.yaml:5: 'mig-enabled' must be true or false, found \"true\""},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: yes\n",
                "bad.yaml:5: 'mig-enabled' must be true or false, found yes"},
        BadFile{
            "version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n",
            "bad.yaml:4: missing key 'mig-devices' in an entry of 'a' with 'mig-enabled: true'; "
            "use 'mig-devices: {}' for MIG mode without devices"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: false\n"
                "      mig-devices:\n        1g.10gb: 1\n",
                "bad.yaml:6: 'mig-devices' must be empty when 'mig-enabled' is false"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices:\n        1g.10gb: -1\n",
                "bad.yaml:7: the count of '1g.10gb' must be a non-negative integer, found -1"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices:\n        1g.10gb: two\n",
                "bad.yaml:7: the count of '1g.10gb' must be a non-negative integer, found two"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices:\n        1g.10gb: 0\n",
                "bad.yaml:6: every count in 'mig-devices' is 0; use 'mig-devices: {}' for no MIG "
                "devices"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices:\n        1g.10: 1\n",
                "bad.yaml:7: in 'mig-devices': '1g.10' is not a MIG profile name; expected "
                "[<C>c.]<G>g.<GB>gb with an optional +me, +me.all, +gfx or -me, such as 1g.10gb, "
                "1g.10gb+me or 1c.3g.40gb"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices:\n        1g.10gb: 1\n        1G.10GB: 2\n",
                "bad.yaml:8: '1G.10GB' appears twice in 'mig-devices'"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
                "      mig-devices: [1g.10gb]\n",
                "bad.yaml:6: 'mig-devices' must map profile names to counts (such as \"1g.10gb\": "
                "7), found a list"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      device-filter: 0x2330\n"
                "      mig-enabled: false\n",
                "bad.yaml:5: in 'device-filter': '0x2330' is not a PCI device ID; expected "
                "0xDDDDVVVV such as 0x233010DE, optionally followed by :0xSSSSVVVV"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n"
                "      device-filter: [\"0x233010DE:abc\"]\n      mig-enabled: false\n",
                "bad.yaml:5: in 'device-filter': '0x233010DE:abc' has a malformed subsystem ID; "
                "expected 0xDDDDVVVV:0xSSSSVVVV such as 0x233010DE:0x16C110DE"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      devices: all\n"
                "      mig-enabled: false\n",
                "bad.yaml:5: duplicate key 'devices' in an entry of 'a'"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: false\n"
                "  a:\n    - devices: all\n      mig-enabled: true\n      mig-devices: {}\n",
                "bad.yaml:6: config 'a' is defined twice"},
        BadFile{"version: v1\nmig-configs:\n  a:\n    - 5\n",
                "bad.yaml:4: an entry of 'a' must be a mapping with devices, mig-enabled and "
                "mig-devices, found 5"}));

}  // namespace
}  // namespace migkit
