// Confidential Computing support per built-in model, typed from cc-facts.md §2 and §8 (not from
// the YAML files). The parser's checks of the block are in catalog_parse_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace migkit {
namespace {

struct CcRow {
  const char* id;
  bool cc, ppcie, nvle;
  const char* min_driver;
  const char* early_access;
  std::vector<std::string> unconfirmed;  // confidential_computing.<field> flags expected
};

TEST(CatalogCc, EveryModelMatchesTheFacts) {
  const std::vector<CcRow> rows = {
      // §2: no CC on Ampere (gpu-admin-tools: CC query is Hopper+ only).
      {"A100-SXM4-40GB", false, false, false, "", "", {}},
      {"A100-SXM4-80GB", false, false, false, "", "", {}},
      {"A30-24GB", false, false, false, "", "", {}},
      // §2: H100 SPT EA 535.86+, GA R550 TRD1 550.54.15; PPCIe on HGX from R550 TRD3.
      {"H100-SXM5-80GB", true, true, false, "550.54.15", "535.86", {}},
      {"H100-PCIE-80GB", true, false, false, "550.54.15", "535.86", {"ppcie"}},
      {"H100-NVL-94GB", true, false, false, "550.54.15", "", {"cc", "ppcie", "min_driver"}},
      // §2: H200 single-GPU and PPCIe listed; first driver UNCONFIRMED.
      {"H200-141GB", true, true, false, "550.54.15", "", {"min_driver"}},
      {"GH200-96GB", false, false, false, "", "", {"cc"}},
      {"GH200-144GB", false, false, false, "", "", {"cc"}},
      // §2: B200 EA R575 (575.57.08), SPT R580 (580.65.06), MPT with NVLE R590.
      {"B200", true, false, true, "580.65.06", "575.57.08", {}},
      {"GB200", false, false, false, "", "", {"cc", "nvlink_encryption"}},
      // §2: RTX PRO 6000 Blackwell Server Edition SPT new in R580 TRD1.
      {"RTX-PRO-6000", true, false, false, "580.65.06", "", {}},
  };
  for (const CcRow& r : rows) {
    SCOPED_TRACE(r.id);
    const GpuModel* m = Catalog::BuiltIn().Find(r.id);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->cc.cc, r.cc);
    EXPECT_EQ(m->cc.ppcie, r.ppcie);
    EXPECT_EQ(m->cc.nvlink_encryption, r.nvle);
    EXPECT_EQ(m->cc.min_driver, r.min_driver);
    EXPECT_EQ(m->cc.early_access_driver, r.early_access);
    for (const char* f : {"cc", "ppcie", "nvlink_encryption", "min_driver"}) {
      const bool want =
          std::find(r.unconfirmed.begin(), r.unconfirmed.end(), f) != r.unconfirmed.end();
      EXPECT_EQ(m->IsUnconfirmed(std::string("confidential_computing.") + f), want) << f;
    }
  }
  EXPECT_EQ(Catalog::BuiltIn().models().size(), rows.size()) << "a new model needs a CC row here";
}

}  // namespace
}  // namespace migkit
