#include "plan/demand.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::vector<const GpuModel*> Models(std::initializer_list<const char*> ids) {
  std::vector<const GpuModel*> out;
  for (const char* id : ids) out.push_back(&TestModel(id));
  return out;
}

// The profile names an item resolves to, per model, "-" for none.
std::vector<std::string> Resolved(const std::string& demand,
                                  std::initializer_list<const char*> ids) {
  StatusOr<Demand> d = ParseDemand(demand);
  EXPECT_OK(d);
  StatusOr<std::vector<DemandClass>> classes = ResolveDemand(*d, Models(ids));
  EXPECT_OK(classes);
  std::vector<std::string> out;
  for (const GiProfile* p : (*classes)[0].profile_by_model) out.push_back(p ? p->name : "-");
  return out;
}

TEST(ParseDemand, ProfileList) {
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemand("1g.10gb=20, 3g.40gb=4"));
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[0].profile, "1g.10gb");
  EXPECT_EQ(d.items[0].count, 20);
  EXPECT_EQ(d.items[0].need.slices, 1);
  EXPECT_EQ(d.items[0].need.nominal_gb, 10);
  EXPECT_EQ(d.items[1].label, "3g.40gb");
  EXPECT_EQ(d.items[1].count, 4);
  EXPECT_EQ(d.TotalInstances(), 24);
}

TEST(ParseDemand, ProfileNamesAreCaseInsensitiveAndAcceptTheMigPrefix) {
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemand("MIG 1G.10GB=2"));
  EXPECT_EQ(d.items[0].profile, "1g.10gb");
}

TEST(ParseDemand, Need) {
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemand("mem>=20GiB,sms>=30,count=12"));
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].profile, "");
  EXPECT_EQ(d.items[0].need.memory_mib, 20u * 1024);
  EXPECT_EQ(d.items[0].need.multiprocessors, 30);
  EXPECT_EQ(d.items[0].count, 12);
  EXPECT_EQ(d.items[0].label, "mem>=20GiB,sms>=30");
}

TEST(ParseDemand, GroupsSeparatedBySemicolons) {
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemand("1g.10gb=3,2g.20gb=1; slices>=3,count=2;"));
  ASSERT_EQ(d.items.size(), 3u);
  EXPECT_EQ(d.items[2].need.slices, 3);
  EXPECT_EQ(d.items[2].source, "demand item 3");
}

TEST(ParseMemorySize, Units) {
  EXPECT_EQ(*ParseMemorySize("512MiB"), 512u);
  EXPECT_EQ(*ParseMemorySize("1.5GiB"), 1536u);
  EXPECT_EQ(*ParseMemorySize("20gb"), 19074u);  // 20e9 bytes, rounded up to MiB
  EXPECT_EQ(*ParseMemorySize("1000MB"), 954u);
}

TEST(ParseDemand, ErrorsSayWhatIsWrongWhatWasFoundAndWhatIsValid) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"",
       "the demand is empty; give PROFILE=COUNT items (1g.10gb=20,3g.40gb=4) or a need "
       "(mem>=20GiB,sms>=30,count=12), groups separated by ';'"},
      {"1g.10gb", "bad demand item '1g.10gb': expected PROFILE=COUNT, e.g. 1g.10gb=20"},
      {"1g.10gb=x",
       "bad demand item '1g.10gb=x': the count must be a whole number from 0 to "
       "10000000, found 'x'"},
      {"1g.10gb=-1",
       "bad demand item '1g.10gb=-1': the count must be a whole number from 0 to "
       "10000000, found '-1'"},
      {"1g.10gb=20,,2g.20gb=1",
       "empty item in demand '1g.10gb=20,,2g.20gb=1'; expected PROFILE=COUNT items "
       "(1g.10gb=20,3g.40gb=4) or a need (mem>=20GiB,sms>=30,count=12), groups separated by ';'"},
      {"big=3",
       "bad demand item 'big=3': 'big' is not a profile name (expected <slices>g.<GB>gb, "
       "e.g. 1g.10gb) and not a need (mem>=SIZE, sms>=N, slices>=N)"},
      {"1g.10gb+me=1",
       "bad demand item '1g.10gb+me=1': '1g.10gb+me' is a profile variant; the "
       "planner plans base profiles only (drop the +me/-me/+gfx suffix)"},
      {"mem>=20GiB,sms>=30",
       "bad demand item 'mem>=20GiB,sms>=30': count=N is missing (how many "
       "instances?)"},
      {"mem>=20,count=1",
       "bad demand item 'mem>=20,count=1': memory size '20' has no unit (valid "
       "units: MiB, GiB, MB, GB)"},
      {"mem>=20TB,count=1",
       "bad demand item 'mem>=20TB,count=1': memory size '20TB' has unit "
       "'tb' (valid units: MiB, GiB, MB, GB)"},
      {"mem=20GiB,count=1",
       "bad demand item 'mem=20GiB,count=1': 'mem=20GiB': needs are "
       "minimums, write mem>=20GiB"},
      {"gpus>=2,count=1",
       "bad demand item 'gpus>=2,count=1': unknown need 'gpus' (valid: mem, "
       "sms, slices, count)"},
      {"sms>=many,count=1",
       "bad demand item 'sms>=many,count=1': sms must be a whole number, "
       "found 'many'"},
      {"count=3",
       "bad demand item 'count=3': a need has at least one of mem>=SIZE, sms>=N, "
       "slices>=N"},
      {"sms>=3,count>=3",
       "bad demand item 'sms>=3,count>=3': 'count>=3': the count is exact, "
       "write count=3"},
  };
  for (const Case& c : cases) {
    StatusOr<Demand> d = ParseDemand(c.text);
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(d.status().code(), Code::kParseError) << c.text;
    EXPECT_EQ(d.status().message(), c.message) << c.text;
  }
}

TEST(ResolveDemand, AProfileNameMapsToItselfWhereItExists) {
  EXPECT_EQ(Resolved("1g.10gb=1", {"H100-SXM5-80GB"}), std::vector<std::string>{"1g.10gb"});
  EXPECT_EQ(Resolved("1g.20gb=1", {"H100-SXM5-80GB"}), std::vector<std::string>{"1g.20gb"});
}

TEST(ResolveDemand, AcrossModelsAProfileNameIsANeedOfSlicesAndNominalGb) {
  // 1g.10gb on H100 is the 1-memory-slice 1g; on A100-40GB it is the 2-slice 1g.10gb; A30 has no
  // 1g with 10 GB, so the smallest fitting profile is 2g.12gb.
  EXPECT_EQ(Resolved("1g.10gb=1", {"H100-SXM5-80GB", "A100-SXM4-40GB", "A30-24GB"}),
            (std::vector<std::string>{"1g.10gb", "1g.10gb", "2g.12gb"}));
  // 3g.40gb: A100-40GB's 3g has 20 GB, so the whole GPU (7g.40gb) is the smallest that fits.
  EXPECT_EQ(Resolved("3g.40gb=1", {"H100-SXM5-80GB", "A100-SXM4-40GB"}),
            (std::vector<std::string>{"3g.40gb", "7g.40gb"}));
  // 7g.80gb: nothing on A100-40GB or A30 has 80 GB.
  EXPECT_EQ(Resolved("7g.80gb=1", {"H100-SXM5-80GB", "A100-SXM4-40GB", "A30-24GB"}),
            (std::vector<std::string>{"7g.80gb", "-", "-"}));
}

TEST(ResolveDemand, NeedsUseTheDriversNumbers) {
  // H100 1g.20gb has 20096 MiB = 19.6 GiB < 20 GiB, so mem>=20GiB needs a 3g.40gb ...
  EXPECT_EQ(Resolved("mem>=20GiB,count=1", {"H100-SXM5-80GB"}),
            std::vector<std::string>{"3g.40gb"});
  // ... while 20 GB (decimal) = 19074 MiB fits the 1g.20gb.
  EXPECT_EQ(Resolved("mem>=20GB,count=1", {"H100-SXM5-80GB"}), std::vector<std::string>{"1g.20gb"});
  // 30 SMs: the H100 1g.20gb has 26, the 2g.20gb 32.
  EXPECT_EQ(Resolved("mem>=19GiB,sms>=30,count=1", {"H100-SXM5-80GB"}),
            std::vector<std::string>{"2g.20gb"});
  EXPECT_EQ(Resolved("slices>=5,count=1", {"A100-SXM4-40GB"}), std::vector<std::string>{"7g.40gb"});
}

TEST(ResolveDemand, Errors) {
  ASSERT_OK_AND_ASSIGN(Demand unknown, ParseDemand("1g.11gb=2"));
  EXPECT_EQ(ResolveDemand(unknown, Models({"H100-SXM5-80GB", "A30-24GB"})).status(),
            Status::InvalidArgument(
                "demand item 1: unknown profile '1g.11gb': no GPU model in the fleet has it "
                "(H100-SXM5-80GB offers 1g.10gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb, 1g.20gb; "
                "A30-24GB offers 1g.6gb, 2g.12gb, 4g.24gb)"));
  ASSERT_OK_AND_ASSIGN(Demand huge, ParseDemand("mem>=100GiB,count=1"));
  EXPECT_EQ(ResolveDemand(huge, Models({"H100-SXM5-80GB"})).status(),
            Status::InvalidArgument("demand item 1: need 'mem>=100GiB' fits no profile of any GPU "
                                    "in the fleet (largest: H100-SXM5-80GB: 7g.80gb, 79.25 GiB, "
                                    "132 SMs)"));
}

TEST(ParseDemandFile, ItemsAndFleet) {
  const char* yaml = R"(# demand for the inference cluster
fleet: 8xH100-SXM5-80GB
demand:
  - profile: 1g.10gb
    count: 20
  - name: embeddings
    mem: 20GiB
    sms: 30
    count: 12
)";
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemandFile(yaml, "demand.yaml"));
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(*d.fleet, "8xH100-SXM5-80GB");
  EXPECT_EQ(d.items[0].profile, "1g.10gb");
  EXPECT_EQ(d.items[0].source, "demand.yaml:4");
  EXPECT_EQ(d.items[1].label, "embeddings");
  EXPECT_EQ(d.items[1].need.memory_mib, 20u * 1024);
  EXPECT_EQ(d.items[1].need.multiprocessors, 30);
}

TEST(ParseDemandFile, DemandAsAString) {
  ASSERT_OK_AND_ASSIGN(Demand d, ParseDemandFile("demand: 1g.10gb=2,7g.80gb=1\n", "d.yaml"));
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[1].count, 1);
}

TEST(ParseDemandFile, ErrorsNameTheLine) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"- 1g.10gb\n",
       "d.yaml: a demand file is a YAML map with 'demand:' (a list of items) and "
       "optionally 'fleet:'"},
      {"fleet: 2xA30-24GB\n", "d.yaml: no 'demand:' list"},
      {"demands: []\n", "d.yaml:1: unknown top-level key 'demands' (valid: demand, fleet)"},
      {"demand:\n  - profile: 1g.10gb\n    cnt: 3\n",
       "d.yaml:3: unknown key 'cnt' in a demand item (valid: name, profile, mem, sms, slices, "
       "count)"},
      {"demand:\n  - profile: 1g.10gb\n", "d.yaml:2: the demand item has no count"},
      {"demand:\n  - count: 3\n",
       "d.yaml:2: the demand item names neither a profile nor a need (mem, sms, slices)"},
      {"demand:\n  - profile: 1g.10gb\n    mem: 10GiB\n    count: 1\n",
       "d.yaml:2: the demand item has both a profile and a need; give one or the other"},
      {"demand:\n  - mem: 10 GiBs\n    count: 1\n",
       "d.yaml:2: memory size '10 GiBs' has unit 'gibs' (valid units: MiB, GiB, MB, GB)"},
      {"demand:\n  - profile: 1g.10gb\n    count: lots\n",
       "d.yaml:3: the count must be a whole number from 0 to 10000000, found 'lots'"},
      {"demand:\n  - profile: large\n    count: 1\n",
       "d.yaml:2: 'large' is not a profile name (expected <slices>g.<GB>gb, e.g. 1g.10gb) and not "
       "a need (mem>=SIZE, sms>=N, slices>=N)"},
      {"demand: []\n", "d.yaml:1: the demand list is empty"},
      {"demand: 1g.10gb\n",
       "d.yaml:1: bad demand item '1g.10gb': expected PROFILE=COUNT, e.g. "
       "1g.10gb=20"},
      {"demand: [\n", "d.yaml:2: end of sequence flow not found"},
  };
  for (const Case& c : cases) {
    StatusOr<Demand> d = ParseDemandFile(c.yaml, "d.yaml");
    ASSERT_FALSE(d.ok()) << c.yaml;
    EXPECT_EQ(d.status().code(), Code::kParseError) << c.yaml;
    EXPECT_EQ(d.status().message(), c.message) << c.yaml;
  }
}

}  // namespace
}  // namespace migkit
