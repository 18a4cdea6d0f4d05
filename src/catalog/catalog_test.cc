// Pins every built-in GPU model's full table (data/gpus/*.yaml) against mig-facts.md §2-§4.
//
// The expected values below were typed from the fact sheet, not generated from the YAML files: the
// test exists to catch transcription errors in the data. Values the facts mark UNCONFIRMED are
// pinned too (the data files' best choice) and their `unconfirmed` flags are checked separately.
#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/gpu_model.h"
#include "core/strings.h"

namespace migkit {
namespace {

// One GPU-instance profile as `nvidia-smi mig -lgip` / `-lgipp` print it (plus its NVML index).
struct Row {
  const char* name;
  int index;  // NVML_GPU_INSTANCE_PROFILE_* value
  int id;     // profile ID
  int slices;
  int size;  // placement units occupied
  int inst;
  std::uint64_t mib;
  int sm, ce, dec, enc, jpeg, ofa;
  std::vector<int> starts;
};

struct ModelRow {
  const char* id;
  const char* product_name;
  std::uint32_t pci_device_id;
  Architecture arch;
  int cuda_major, cuda_minor;
  std::uint64_t memory_mib;
  int multiprocessors;
  int compute_slices, memory_slices, placement_units, max_gpu_instances;
  ModeChangeRule mode_change;
};

const std::vector<int> k1of8 = {0, 1, 2, 3, 4, 5, 6};
const std::vector<int> k2of8 = {0, 2, 4};
const std::vector<int> k1Dof8 = {0, 2, 4, 6};  // 1g with two memory slices (index 9)
const std::vector<int> k4of8 = {0, 4};
const std::vector<int> kOnly0 = {0};

const GpuModel& Model(const std::string& id) {
  const GpuModel* m = Catalog::BuiltIn().Find(id);
  if (m == nullptr) {
    ADD_FAILURE() << "model " << id << " is not in the built-in catalog";
    static const GpuModel kEmpty;
    return kEmpty;
  }
  return *m;
}

void ExpectModel(const ModelRow& want) {
  SCOPED_TRACE(want.id);
  const GpuModel& m = Model(want.id);
  EXPECT_EQ(want.id, m.id);
  EXPECT_EQ(want.product_name, m.product_name);
  EXPECT_EQ(want.pci_device_id, m.pci_device_id);
  EXPECT_EQ(want.arch, m.architecture);
  EXPECT_EQ(want.cuda_major, m.cuda_major);
  EXPECT_EQ(want.cuda_minor, m.cuda_minor);
  EXPECT_EQ(want.memory_mib, m.memory_mib);
  EXPECT_EQ(want.multiprocessors, m.multiprocessors);
  EXPECT_EQ(want.compute_slices, m.compute_slices);
  EXPECT_EQ(want.memory_slices, m.memory_slices);
  EXPECT_EQ(want.placement_units, m.placement_units);
  EXPECT_EQ(want.max_gpu_instances, m.max_gpu_instances);
  EXPECT_EQ(want.mode_change, m.mode_change);
}

void ExpectProfiles(const std::string& model_id, const std::vector<Row>& rows) {
  SCOPED_TRACE(model_id);
  const GpuModel& m = Model(model_id);
  ASSERT_EQ(rows.size(), m.gi_profiles.size());
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const GiProfile* p = m.FindProfileByName(r.name);
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(r.name, p->name);
    EXPECT_EQ(r.index, p->nvml_index);
    EXPECT_EQ(r.id, p->id);
    EXPECT_EQ(r.slices, p->slices);
    EXPECT_EQ(r.size, p->placement_size);
    EXPECT_EQ(r.inst, p->instance_count);
    EXPECT_EQ(r.mib, p->memory_mib);
    EXPECT_EQ(r.sm, p->multiprocessors);
    EXPECT_EQ(r.ce, p->copy_engines);
    EXPECT_EQ(r.dec, p->decoders);
    EXPECT_EQ(r.enc, p->encoders);
    EXPECT_EQ(r.jpeg, p->jpeg);
    EXPECT_EQ(r.ofa, p->ofa);
    EXPECT_EQ(r.starts, p->placement_starts);
    EXPECT_FALSE(p->p2p);  // "No" on every captured GPU (§3.1)
  }
}

// The A100 start order (§4.3) that the 8-unit models use unless observed otherwise.
const std::map<int, std::vector<int>> kA100AutoOrder = {
    {1, {6, 4, 5, 0, 1, 2, 3}}, {2, {4, 0, 2, 6}}, {4, {4, 0}}, {8, {0}}};

constexpr auto kAmpere = Architecture::kAmpere;
constexpr auto kHopper = Architecture::kHopper;
constexpr auto kBlackwell = Architecture::kBlackwell;
constexpr auto kPending = ModeChangeRule::kPendingUntilReset;
constexpr auto kImmediate = ModeChangeRule::kImmediate;

// ---- Per-model tables ------------------------------------------------------------------------

// §2 (S13), §3.2 (S10, R525+).
TEST(Catalog, A100Sxm4_40gbProfileTable) {
  ExpectModel({"A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB", 0x20B010DE, kAmpere, 8, 0, 40960, 98, 7,
               8, 8, 7, kPending});
  ExpectProfiles("A100-SXM4-40GB",
                 {
                     // name       idx id  sl sz in  MiB    SM CE DEC ENC JPG OFA starts
                     {"1g.5gb", 0, 19, 1, 1, 7, 4864, 14, 1, 0, 0, 0, 0, k1of8},
                     {"1g.5gb+me", 7, 20, 1, 1, 1, 4864, 14, 1, 1, 0, 1, 1, k1of8},
                     {"1g.10gb", 9, 15, 1, 2, 4, 9856, 14, 1, 1, 0, 0, 0, k1Dof8},
                     {"2g.10gb", 1, 14, 2, 2, 3, 9856, 28, 2, 1, 0, 0, 0, k2of8},
                     {"3g.20gb", 2, 9, 3, 4, 2, 19968, 42, 3, 2, 0, 0, 0, k4of8},
                     {"4g.20gb", 3, 5, 4, 4, 1, 19968, 56, 4, 2, 0, 0, 0, kOnly0},
                     {"7g.40gb", 4, 0, 7, 8, 1, 40192, 98, 7, 5, 0, 1, 1, kOnly0},
                 });
}

// §2 (mig-parted#31, T4), §3.3 (T4 driver 515; 1g.20gb memory UNCONFIRMED, MOCK 19968).
TEST(Catalog, A100Sxm4_80gbProfileTable) {
  ExpectModel({"A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB", 0x20B210DE, kAmpere, 8, 0, 81920, 98, 7,
               8, 8, 7, kPending});
  ExpectProfiles("A100-SXM4-80GB",
                 {
                     {"1g.10gb", 0, 19, 1, 1, 7, 9728, 14, 1, 0, 0, 0, 0, k1of8},
                     {"1g.10gb+me", 7, 20, 1, 1, 1, 9728, 14, 1, 1, 0, 1, 1, k1of8},
                     {"1g.20gb", 9, 15, 1, 2, 4, 19968, 14, 1, 1, 0, 0, 0, k1Dof8},
                     {"2g.20gb", 1, 14, 2, 2, 3, 19968, 28, 2, 1, 0, 0, 0, k2of8},
                     {"3g.40gb", 2, 9, 3, 4, 2, 40192, 42, 3, 2, 0, 0, 0, k4of8},
                     {"4g.40gb", 3, 5, 4, 4, 1, 40192, 56, 4, 2, 0, 0, 0, kOnly0},
                     {"7g.80gb", 4, 0, 7, 8, 1, 80896, 98, 7, 5, 0, 1, 1, kOnly0},
                 });
}

// §2, §3.4 (T8): 4 compute / 4 memory slices, its own IDs; 4g.24gb = 23.44 GiB on driver 535.
TEST(Catalog, A30_24gbProfileTable) {
  ExpectModel(
      {"A30-24GB", "NVIDIA A30", 0x20B710DE, kAmpere, 8, 0, 24576, 56, 4, 4, 4, 4, kPending});
  ExpectProfiles("A30-24GB",
                 {
                     {"1g.6gb", 0, 14, 1, 1, 4, 5952, 14, 1, 1, 0, 0, 0, {0, 1, 2, 3}},
                     {"1g.6gb+me", 7, 21, 1, 1, 1, 5952, 14, 1, 1, 0, 1, 1, {0, 1, 2, 3}},
                     {"2g.12gb", 1, 5, 2, 2, 2, 11968, 28, 2, 2, 0, 0, 0, {0, 2}},
                     {"2g.12gb+me", 8, 6, 2, 2, 1, 11968, 28, 2, 2, 0, 1, 1, {0, 2}},
                     {"4g.24gb", 3, 0, 4, 4, 1, 24000, 56, 4, 4, 0, 1, 1, {0}},
                 });
}

// §2 (S13 driver 580), §3.5 (T1).
TEST(Catalog, H100Sxm5_80gbProfileTable) {
  ExpectModel({"H100-SXM5-80GB", "NVIDIA H100 80GB HBM3", 0x233010DE, kHopper, 9, 0, 81559, 132, 7,
               8, 8, 7, kImmediate});
  ExpectProfiles("H100-SXM5-80GB",
                 {
                     {"1g.10gb", 0, 19, 1, 1, 7, 9984, 16, 1, 1, 0, 1, 0, k1of8},
                     {"1g.10gb+me", 7, 20, 1, 1, 1, 9984, 16, 1, 1, 0, 1, 1, k1of8},
                     {"1g.20gb", 9, 15, 1, 2, 4, 20096, 26, 1, 1, 0, 1, 0, k1Dof8},
                     {"2g.20gb", 1, 14, 2, 2, 3, 20096, 32, 2, 2, 0, 2, 0, k2of8},
                     {"3g.40gb", 2, 9, 3, 4, 2, 40448, 60, 3, 3, 0, 3, 0, k4of8},
                     {"4g.40gb", 3, 5, 4, 4, 1, 40448, 64, 4, 4, 0, 4, 0, kOnly0},
                     {"7g.80gb", 4, 0, 7, 8, 1, 81152, 132, 8, 7, 0, 7, 1, kOnly0},
                 });
}

// §2, §3.5: only 1g.10gb (14 SM, T11) and 7g.80gb (114 SM, 81152 MiB, CE 8 DEC 7 JPEG 7 OFA 1,
// dra#1018) are known; the rest is the data file's UNCONFIRMED choice (SXM5 table, SMs scaled).
TEST(Catalog, H100Pcie80gbProfileTable) {
  ExpectModel({"H100-PCIE-80GB", "NVIDIA H100 PCIe", 0x233110DE, kHopper, 9, 0, 81559, 114, 7, 8, 8,
               7, kImmediate});
  ExpectProfiles("H100-PCIE-80GB",
                 {
                     {"1g.10gb", 0, 19, 1, 1, 7, 9984, 14, 1, 1, 0, 1, 0, k1of8},
                     {"1g.10gb+me", 7, 20, 1, 1, 1, 9984, 14, 1, 1, 0, 1, 1, k1of8},
                     {"1g.20gb", 9, 15, 1, 2, 4, 20096, 22, 1, 1, 0, 1, 0, k1Dof8},
                     {"2g.20gb", 1, 14, 2, 2, 3, 20096, 28, 2, 2, 0, 2, 0, k2of8},
                     {"3g.40gb", 2, 9, 3, 4, 2, 40448, 52, 3, 3, 0, 3, 0, k4of8},
                     {"4g.40gb", 3, 5, 4, 4, 1, 40448, 56, 4, 4, 0, 4, 0, kOnly0},
                     {"7g.80gb", 4, 0, 7, 8, 1, 81152, 114, 8, 7, 0, 7, 1, kOnly0},
                 });
}

// §2 (T5 driver 560), §3.6 (driver B = T5: 10.75 / 21.62 / 46.38 / 93.12 GiB).
TEST(Catalog, H100Nvl94gbProfileTable) {
  ExpectModel({"H100-NVL-94GB", "NVIDIA H100 NVL", 0x232110DE, kHopper, 9, 0, 95830, 132, 7, 8, 8,
               7, kImmediate});
  ExpectProfiles("H100-NVL-94GB",
                 {
                     {"1g.12gb", 0, 19, 1, 1, 7, 11008, 16, 1, 1, 0, 1, 0, k1of8},
                     {"1g.12gb+me", 7, 20, 1, 1, 1, 11008, 16, 1, 1, 0, 1, 1, k1of8},
                     {"1g.24gb", 9, 15, 1, 2, 4, 22144, 26, 1, 1, 0, 1, 0, k1Dof8},
                     {"2g.24gb", 1, 14, 2, 2, 3, 22144, 32, 2, 2, 0, 2, 0, k2of8},
                     {"3g.47gb", 2, 9, 3, 4, 2, 47488, 60, 3, 3, 0, 3, 0, k4of8},
                     {"4g.47gb", 3, 5, 4, 4, 1, 47488, 64, 4, 4, 0, 4, 0, kOnly0},
                     {"7g.94gb", 4, 0, 7, 8, 1, 95360, 132, 8, 7, 0, 7, 1, kOnly0},
                 });
}

// §2, §3.7 (T6); placements assumed equal to H100's.
TEST(Catalog, Gh200_96gbProfileTable) {
  ExpectModel({"GH200-96GB", "NVIDIA H100 96GB", 0x234210DE, kHopper, 9, 0, 98304, 132, 7, 8, 8, 7,
               kImmediate});
  ExpectProfiles("GH200-96GB", {
                                   {"1g.12gb", 0, 19, 1, 1, 7, 11264, 16, 1, 1, 0, 1, 0, k1of8},
                                   {"1g.12gb+me", 7, 20, 1, 1, 1, 11264, 16, 1, 1, 0, 1, 1, k1of8},
                                   {"1g.24gb", 9, 15, 1, 2, 4, 23552, 26, 1, 1, 0, 1, 0, k1Dof8},
                                   {"2g.24gb", 1, 14, 2, 2, 3, 23552, 32, 2, 2, 0, 2, 0, k2of8},
                                   {"3g.48gb", 2, 9, 3, 4, 2, 47616, 60, 3, 3, 0, 3, 0, k4of8},
                                   {"4g.48gb", 3, 5, 4, 4, 1, 47616, 64, 4, 4, 0, 4, 0, kOnly0},
                                   {"7g.96gb", 4, 0, 7, 8, 1, 95232, 132, 8, 7, 0, 7, 1, kOnly0},
                               });
}

// §2, §3.8 (mig-parted#120); placements assumed equal to H100's.
TEST(Catalog, H200_141gbProfileTable) {
  ExpectModel({"H200-141GB", "NVIDIA H200", 0x233510DE, kHopper, 9, 0, 144384, 132, 7, 8, 8, 7,
               kImmediate});
  ExpectProfiles("H200-141GB", {
                                   {"1g.18gb", 0, 19, 1, 1, 7, 16384, 16, 1, 1, 0, 1, 0, k1of8},
                                   {"1g.18gb+me", 7, 20, 1, 1, 1, 16384, 16, 1, 1, 0, 1, 1, k1of8},
                                   {"1g.35gb", 9, 15, 1, 2, 4, 33024, 26, 1, 1, 0, 1, 0, k1Dof8},
                                   {"2g.35gb", 1, 14, 2, 2, 3, 33024, 32, 2, 2, 0, 2, 0, k2of8},
                                   {"3g.71gb", 2, 9, 3, 4, 2, 71168, 60, 3, 3, 0, 3, 0, k4of8},
                                   {"4g.71gb", 3, 5, 4, 4, 1, 71168, 64, 4, 4, 0, 4, 0, kOnly0},
                                   {"7g.141gb", 4, 0, 7, 8, 1, 143104, 132, 8, 7, 0, 7, 1, kOnly0},
                               });
}

// §2, §3.9 (mig-parted#139): 1g/1g.36gb/2g known (17.50 / 35.25 GiB); 3g/4g/7g UNCONFIRMED.
TEST(Catalog, Gh200_144gbProfileTable) {
  ExpectModel({"GH200-144GB", "NVIDIA GH200 144G HBM3e", 0x234810DE, kHopper, 9, 0, 147456, 132, 7,
               8, 8, 7, kImmediate});
  ExpectProfiles("GH200-144GB", {
                                    {"1g.18gb", 0, 19, 1, 1, 7, 17920, 16, 1, 1, 0, 1, 0, k1of8},
                                    {"1g.18gb+me", 7, 20, 1, 1, 1, 17920, 16, 1, 1, 0, 1, 1, k1of8},
                                    {"1g.36gb", 9, 15, 1, 2, 4, 36096, 26, 1, 1, 0, 1, 0, k1Dof8},
                                    {"2g.36gb", 1, 14, 2, 2, 3, 36096, 32, 2, 2, 0, 2, 0, k2of8},
                                    {"3g.72gb", 2, 9, 3, 4, 2, 72704, 60, 3, 3, 0, 3, 0, k4of8},
                                    {"4g.72gb", 3, 5, 4, 4, 1, 72704, 64, 4, 4, 0, 4, 0, kOnly0},
                                    {"7g.144gb", 4, 0, 7, 8, 1, 145408, 132, 8, 7, 0, 7, 1, kOnly0},
                                });
}

// §2 (S13 driver 580), §3.10: 1g at 20.50 GiB (Mar 2025 driver, T11); 3g/4g/7g MiB and SM from T11,
// CE from the guide; their IDs and other engines UNCONFIRMED.
TEST(Catalog, B200ProfileTable) {
  ExpectModel(
      {"B200", "NVIDIA B200", 0x290110DE, kBlackwell, 10, 0, 183359, 148, 7, 8, 8, 7, kImmediate});
  ExpectProfiles("B200", {
                             {"1g.23gb", 0, 19, 1, 1, 7, 20992, 18, 2, 1, 0, 1, 0, k1of8},
                             {"1g.23gb+me", 7, 20, 1, 1, 1, 20992, 18, 2, 1, 0, 1, 1, k1of8},
                             {"1g.45gb", 9, 15, 1, 2, 4, 45312, 30, 2, 1, 0, 1, 0, k1Dof8},
                             {"2g.45gb", 1, 14, 2, 2, 3, 45312, 36, 4, 2, 0, 2, 0, k2of8},
                             {"3g.90gb", 2, 9, 3, 4, 2, 91136, 70, 6, 3, 0, 3, 0, k4of8},
                             {"4g.90gb", 3, 5, 4, 4, 1, 91136, 72, 8, 4, 0, 4, 0, kOnly0},
                             {"7g.180gb", 4, 0, 7, 8, 1, 182784, 148, 16, 7, 0, 7, 1, kOnly0},
                         });
}

// §2 (S13 driver 580.173), §3.11 production boards (22.00 / 45.50 GiB); 3g/4g/7g UNCONFIRMED.
TEST(Catalog, Gb200ProfileTable) {
  ExpectModel({"GB200", "NVIDIA GB200", 0x294110DE, kBlackwell, 10, 0, 189471, 156, 7, 8, 8, 7,
               kImmediate});
  ExpectProfiles("GB200", {
                              {"1g.23gb", 0, 19, 1, 1, 7, 22528, 18, 2, 1, 0, 1, 0, k1of8},
                              {"1g.23gb+me", 7, 20, 1, 1, 1, 22528, 18, 2, 1, 0, 1, 1, k1of8},
                              {"1g.47gb", 9, 15, 1, 2, 4, 46592, 32, 2, 1, 0, 1, 0, k1Dof8},
                              {"2g.47gb", 1, 14, 2, 2, 3, 46592, 38, 4, 2, 0, 2, 0, k2of8},
                              {"3g.93gb", 2, 9, 3, 4, 2, 93696, 74, 6, 3, 0, 3, 0, k4of8},
                              {"4g.93gb", 3, 5, 4, 4, 1, 93696, 76, 8, 4, 0, 4, 0, kOnly0},
                              {"7g.186gb", 4, 0, 7, 8, 1, 187904, 156, 16, 7, 0, 7, 1, kOnly0},
                          });
}

// §2, §3.12 (T7, Server Edition): 12-unit placement axis, 1g = 3 units, 2g = 6, 4g = 12.
TEST(Catalog, RtxPro6000ProfileTable) {
  ExpectModel({"RTX-PRO-6000", "NVIDIA RTX PRO 6000 Blackwell Server Edition", 0x2BB510DE,
               kBlackwell, 12, 0, 97887, 188, 4, 4, 12, 4, kImmediate});
  const std::vector<int> k1 = {0, 3, 6, 9};
  const std::vector<int> k2 = {0, 6};
  ExpectProfiles("RTX-PRO-6000",
                 {
                     {"1g.24gb", 0x0, 14, 1, 3, 4, 24192, 46, 1, 1, 1, 1, 0, k1},
                     {"1g.24gb+me", 0x7, 21, 1, 3, 1, 24192, 46, 1, 1, 1, 1, 1, k1},
                     {"1g.24gb+gfx", 0xA, 47, 1, 3, 4, 24192, 46, 1, 1, 1, 1, 0, k1},
                     {"1g.24gb+me.all", 0xF, 65, 1, 3, 1, 24192, 46, 1, 4, 4, 4, 1, k1},
                     {"1g.24gb-me", 0xD, 67, 1, 3, 4, 24192, 46, 1, 0, 0, 0, 0, k1},
                     {"2g.48gb", 0x1, 5, 2, 6, 2, 48512, 94, 2, 2, 2, 2, 0, k2},
                     {"2g.48gb+gfx", 0xB, 35, 2, 6, 2, 48512, 94, 2, 2, 2, 2, 0, k2},
                     {"2g.48gb+me.all", 0x10, 64, 2, 6, 1, 48512, 94, 2, 4, 4, 4, 1, k2},
                     {"2g.48gb-me", 0xE, 66, 2, 6, 2, 48512, 94, 2, 0, 0, 0, 0, k2},
                     {"4g.96gb", 0x3, 0, 4, 12, 1, 97280, 188, 4, 4, 4, 4, 1, kOnly0},
                     {"4g.96gb+gfx", 0xC, 32, 4, 12, 1, 97280, 188, 4, 4, 4, 4, 1, kOnly0},
                 });
}

// ---- Catalog-wide properties -------------------------------------------------------------------

TEST(Catalog, BuiltInHoldsExactlyTheKnownModels) {
  const std::vector<std::string> ids = Catalog::BuiltIn().Ids();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{"A100-SXM4-40GB", "A100-SXM4-80GB", "A30-24GB", "H100-SXM5-80GB",
                                   "H100-PCIE-80GB", "H100-NVL-94GB", "GH200-96GB", "H200-141GB",
                                   "GH200-144GB", "B200", "GB200", "RTX-PRO-6000"}));
  EXPECT_EQ(ids.size(), Catalog::BuiltIn().models().size());
}

TEST(Catalog, FindIsCaseInsensitiveById) {
  const Catalog& c = Catalog::BuiltIn();
  ASSERT_NE(nullptr, c.Find("h100-sxm5-80gb"));
  EXPECT_EQ("H100-SXM5-80GB", c.Find("h100-sxm5-80gb")->id);
  ASSERT_NE(nullptr, c.Find("rtx-pro-6000"));
  EXPECT_EQ("RTX-PRO-6000", c.Find("rtx-pro-6000")->id);
  ASSERT_NE(nullptr, c.Find("b200"));
  EXPECT_EQ("B200", c.Find("b200")->id);
  EXPECT_EQ(nullptr, c.Find("H100-SXM5-81GB"));
  EXPECT_EQ(nullptr, c.Find("V100-SXM2-32GB"));
}

TEST(Catalog, FindByProductName) {
  const Catalog& c = Catalog::BuiltIn();
  const std::map<std::string, std::string> want = {
      {"NVIDIA A100-SXM4-40GB", "A100-SXM4-40GB"},
      {"NVIDIA H100 80GB HBM3", "H100-SXM5-80GB"},
      {"nvidia h100 80gb hbm3", "H100-SXM5-80GB"},
      {"NVIDIA H100 NVL", "H100-NVL-94GB"},
      {"NVIDIA A30", "A30-24GB"},
      {"NVIDIA B200", "B200"},
      {"NVIDIA GB200", "GB200"},
      {"NVIDIA RTX PRO 6000 Blackwell Server Edition", "RTX-PRO-6000"},
  };
  for (const auto& [name, id] : want) {
    SCOPED_TRACE(name);
    const GpuModel* m = c.Find(name);
    ASSERT_NE(nullptr, m);
    EXPECT_EQ(id, m->id);
  }
}

TEST(Catalog, FindByAlias) {
  const Catalog& c = Catalog::BuiltIn();
  const std::map<std::string, std::string> want = {
      {"NVIDIA A100-PCIE-40GB", "A100-SXM4-40GB"},  // §2: PCIe shares the A100-40GB table
      {"a100-pcie-40gb", "A100-SXM4-40GB"},
      {"NVIDIA A100 80GB PCIe", "A100-SXM4-80GB"},  // §3.3
      {"GH200", "GH200-96GB"},                      // §3.7
      {"H200", "H200-141GB"},                       // §3.8: SXM5 and NVL share the table
      {"NVIDIA H200 NVL", "H200-141GB"},
      {"h100-nvl", "H100-NVL-94GB"},
  };
  for (const auto& [name, id] : want) {
    SCOPED_TRACE(name);
    const GpuModel* m = c.Find(name);
    ASSERT_NE(nullptr, m);
    EXPECT_EQ(id, m->id);
  }
}

TEST(Catalog, FindByPciDeviceId) {
  const Catalog& c = Catalog::BuiltIn();
  const std::map<std::uint32_t, std::string> want = {
      {0x20B010DE, "A100-SXM4-40GB"}, {0x20B210DE, "A100-SXM4-80GB"}, {0x20B710DE, "A30-24GB"},
      {0x233010DE, "H100-SXM5-80GB"}, {0x232110DE, "H100-NVL-94GB"},  {0x233510DE, "H200-141GB"},
      {0x234810DE, "GH200-144GB"},    {0x290110DE, "B200"},           {0x294110DE, "GB200"},
      {0x2BB510DE, "RTX-PRO-6000"},
  };
  for (const auto& [pci, id] : want) {
    SCOPED_TRACE(id);
    const GpuModel* m = c.FindByPciDeviceId(pci);
    ASSERT_NE(nullptr, m);
    EXPECT_EQ(id, m->id);
  }
  EXPECT_EQ(nullptr, c.FindByPciDeviceId(0x2B0010DE));  // go-nvml's MOCK B200 ID (§2 notes)
}

// Every name a model answers to identifies exactly one model.
TEST(Catalog, NamesAndAliasesAreUnique) {
  std::map<std::string, std::string> owner;  // lower-case name -> model id
  std::set<std::uint32_t> pci_ids;
  for (const auto& m : Catalog::BuiltIn().models()) {
    std::vector<std::string> names = {m->id, m->product_name};
    names.insert(names.end(), m->aliases.begin(), m->aliases.end());
    std::set<std::string> own;
    for (const std::string& n : names) {
      const std::string key = ToLower(n);
      if (!own.insert(key).second) continue;  // an alias repeating the model's own name is harmless
      auto [it, inserted] = owner.emplace(key, m->id);
      EXPECT_TRUE(inserted) << "'" << n << "' names both " << it->second << " and " << m->id;
    }
    EXPECT_TRUE(pci_ids.insert(m->pci_device_id).second) << m->id;
  }
}

// A lookup by id parses only the file named after it; that is exact only if the names agree.
TEST(Catalog, BuiltInFilesAreNamedAfterTheirModelIds) {
  const std::vector<std::string> ids = Catalog::FreshBuiltIn().Ids();  // from the file names
  const auto& models = Catalog::BuiltIn().models();
  ASSERT_EQ(ids.size(), models.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], models[i]->id);
}

// Deferred parsing finds what a fully parsed catalog finds, for every name of every model, and
// for names of none.
TEST(Catalog, LookupsOnAnUnparsedCatalogMatchTheParsedOne) {
  const Catalog& parsed = Catalog::BuiltIn();
  std::vector<std::string> names = {"no-such-gpu", ""};
  for (const auto& m : parsed.models()) {
    names.push_back(m->id);
    names.push_back(ToLower(m->id));
    names.push_back(m->product_name);
    names.insert(names.end(), m->aliases.begin(), m->aliases.end());
  }
  for (const std::string& name : names) {
    const Catalog fresh = Catalog::FreshBuiltIn();
    const GpuModel* got = fresh.Find(name);
    const GpuModel* want = parsed.Find(name);
    ASSERT_EQ(got == nullptr, want == nullptr) << name;
    if (want != nullptr) {
      EXPECT_EQ(got->id, want->id) << name;
    }
  }
  for (const auto& m : parsed.models()) {
    // Ids and product names are known without parsing: one lookup parses one file.
    for (const std::string& name : {m->id, m->product_name}) {
      const Catalog fresh = Catalog::FreshBuiltIn();
      ASSERT_NE(fresh.Find(name), nullptr) << name;
      EXPECT_EQ(fresh.parsed_count(), 1u) << name;
    }
    const Catalog fresh = Catalog::FreshBuiltIn();
    const GpuModel* got = fresh.FindByPciDeviceId(m->pci_device_id);
    ASSERT_NE(got, nullptr) << m->id;
    EXPECT_EQ(got->id, m->id);
    // One parse per file per process: every catalog hands out the same model object.
    EXPECT_EQ(got, m.get());
  }
}

TEST(Catalog, ProfileIdsNamesAndIndexesAreUnique) {
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    std::set<int> ids, indexes;
    std::set<std::string> names;
    for (const GiProfile& p : m->gi_profiles) {
      EXPECT_TRUE(ids.insert(p.id).second) << p.name;
      EXPECT_TRUE(indexes.insert(p.nvml_index).second) << p.name;
      EXPECT_TRUE(names.insert(ToLower(p.name)).second) << p.name;
      EXPECT_GE(p.nvml_index, 0);
      EXPECT_LT(p.nvml_index, 0x12);  // NVML_GPU_INSTANCE_PROFILE_COUNT
      EXPECT_EQ(p.id, m->FindProfileById(p.id)->id);
      EXPECT_EQ(p.name, m->FindProfileByIndex(p.nvml_index)->name);
    }
  }
}

// The 8-slot index -> ID table of §3.1 holds on every 8-memory-slice model.
TEST(Catalog, EightSlotModelsShareTheIndexToIdTable) {
  const std::map<int, int> index_to_id = {{0, 19}, {7, 20}, {9, 15}, {1, 14},
                                          {2, 9},  {3, 5},  {4, 0}};
  for (const auto& m : Catalog::BuiltIn().models()) {
    if (m->placement_units != 8) continue;
    SCOPED_TRACE(m->id);
    EXPECT_EQ(index_to_id.size(), m->gi_profiles.size());
    for (const GiProfile& p : m->gi_profiles) {
      ASSERT_TRUE(index_to_id.count(p.nvml_index)) << p.name;
      EXPECT_EQ(index_to_id.at(p.nvml_index), p.id) << p.name;
    }
  }
}

TEST(Catalog, PlacementsAreAlignedAndInsideTheAxis) {
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    for (const GiProfile& p : m->gi_profiles) {
      SCOPED_TRACE(p.name);
      ASSERT_GT(p.placement_size, 0);
      EXPECT_FALSE(p.placement_starts.empty());
      EXPECT_TRUE(std::is_sorted(p.placement_starts.begin(), p.placement_starts.end()));
      for (int s : p.placement_starts) {
        EXPECT_EQ(0, s % p.placement_size) << "start " << s;
        EXPECT_GE(s, 0);
        EXPECT_LE(s + p.placement_size, m->placement_units) << "start " << s;
      }
      // Instances can never exceed the number of disjoint placements.
      EXPECT_LE(p.instance_count * p.placement_size, m->placement_units);
      EXPECT_LE(p.slices, m->compute_slices);
      EXPECT_LE(p.memory_mib, m->memory_mib);
    }
  }
}

TEST(Catalog, FullProfileMatchesModelTotals) {
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    const GiProfile* full = m->FullProfile();
    ASSERT_NE(nullptr, full);
    EXPECT_EQ(m->placement_units, full->placement_size);
    EXPECT_EQ(m->compute_slices, full->slices);
    EXPECT_EQ(m->multiprocessors, full->multiprocessors);
    EXPECT_EQ(0, full->id);  // the full-GPU profile is ID 0 on every table (§3)
    EXPECT_EQ(std::vector<int>{0}, full->placement_starts);
  }
}

// §9: Ampere needs a reset for a mode change; Hopper and later switch at once.
TEST(Catalog, ModeChangeFollowsArchitecture) {
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    EXPECT_EQ(m->architecture == Architecture::kAmpere ? ModeChangeRule::kPendingUntilReset
                                                       : ModeChangeRule::kImmediate,
              m->mode_change);
  }
}

// Every placement size a model uses has an automatic-placement order, and every start in it is a
// valid, aligned start on the axis.
TEST(Catalog, AutoPlacementOrderCoversEverySize) {
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    std::set<int> sizes;
    for (const GiProfile& p : m->gi_profiles) sizes.insert(p.placement_size);
    std::set<int> keys;
    for (const auto& [size, order] : m->auto_placement_order) {
      keys.insert(size);
      const std::set<int> distinct(order.begin(), order.end());
      EXPECT_EQ(order.size(), distinct.size()) << "size " << size;
      for (int s : order) {
        EXPECT_EQ(0, s % size) << "size " << size << " start " << s;
        EXPECT_LE(s + size, m->placement_units) << "size " << size << " start " << s;
      }
    }
    EXPECT_EQ(sizes, keys);
  }
}

// §4.3.
TEST(Catalog, AutoPlacementOrders) {
  for (const char* id : {"A100-SXM4-40GB", "A100-SXM4-80GB", "H100-SXM5-80GB", "H100-PCIE-80GB",
                         "GH200-96GB", "H200-141GB", "GH200-144GB", "B200", "GB200"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(kA100AutoOrder, Model(id).auto_placement_order);
  }
  // H100 NVL put the first 3g at 0:4 (T5).
  const std::map<int, std::vector<int>> nvl = {
      {1, {6, 4, 5, 0, 1, 2, 3}}, {2, {4, 0, 2, 6}}, {4, {0, 4}}, {8, {0}}};
  EXPECT_EQ(nvl, Model("H100-NVL-94GB").auto_placement_order);
  // RTX PRO 6000: 1g at 0, 3, 6, 9 in order (T7).
  const std::map<int, std::vector<int>> rtx = {{3, {0, 3, 6, 9}}, {6, {0, 6}}, {12, {0}}};
  EXPECT_EQ(rtx, Model("RTX-PRO-6000").auto_placement_order);
  // A30: not observed; ascending.
  const std::map<int, std::vector<int>> a30 = {{1, {0, 1, 2, 3}}, {2, {0, 2}}, {4, {0}}};
  EXPECT_EQ(a30, Model("A30-24GB").auto_placement_order);
}

// §3.12: the name suffix decides media-engine sharing and graphics support.
TEST(Catalog, RtxPro6000MediaVariants) {
  const GpuModel& m = Model("RTX-PRO-6000");
  const std::map<std::string, MediaUse> media = {
      {"1g.24gb", MediaUse::kDefault},     {"1g.24gb+me", MediaUse::kDefault},
      {"1g.24gb+gfx", MediaUse::kDefault}, {"1g.24gb+me.all", MediaUse::kAll},
      {"1g.24gb-me", MediaUse::kNone},     {"2g.48gb+me.all", MediaUse::kAll},
      {"2g.48gb-me", MediaUse::kNone},     {"4g.96gb+gfx", MediaUse::kDefault},
  };
  for (const auto& [name, use] : media) {
    SCOPED_TRACE(name);
    const GiProfile* p = m.FindProfileByName(name);
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(use, p->media);
    EXPECT_EQ(name.find("+gfx") != std::string::npos, p->graphics);
  }
}

// ---- UNCONFIRMED flags
// ---------------------------------------------------------------------------

// Flags name data-file keys; a misspelt flag would silently flag nothing.
TEST(Catalog, UnconfirmedFlagsNameRealFields) {
  const std::set<std::string> profile_keys = {
      "nvml_index", "id",  "slices", "placement_size", "instances", "memory_mib", "sms",
      "ce",         "dec", "enc",    "jpeg",           "ofa",       "placements"};
  const std::set<std::string> model_keys = {"product_name",
                                            "pci_device_id",
                                            "pci_subsystem_id",
                                            "memory_mib",
                                            "multiprocessors",
                                            "compute_capability",
                                            "confidential_computing.cc",
                                            "confidential_computing.ppcie",
                                            "confidential_computing.nvlink_encryption",
                                            "confidential_computing.min_driver",
                                            "confidential_computing.early_access_driver"};
  for (const auto& m : Catalog::BuiltIn().models()) {
    SCOPED_TRACE(m->id);
    for (const std::string& f : m->unconfirmed) {
      if (f.rfind("auto_placement_order.", 0) == 0) {
        int size = 0;
        ASSERT_TRUE(ParseNonNegativeInt(f.substr(21), &size)) << f;
        EXPECT_TRUE(m->auto_placement_order.count(size)) << f;
      } else {
        EXPECT_TRUE(model_keys.count(f)) << f;
      }
    }
    for (const GiProfile& p : m->gi_profiles) {
      for (const std::string& f : p.unconfirmed)
        EXPECT_TRUE(profile_keys.count(f)) << p.name << ": " << f;
    }
  }
}

TEST(Catalog, ConfirmedTablesCarryNoProfileFlags) {
  // Fully observed tables (§3.2, §3.5, §3.6, §3.12).
  for (const char* id : {"A100-SXM4-40GB", "H100-SXM5-80GB", "H100-NVL-94GB", "RTX-PRO-6000"}) {
    SCOPED_TRACE(id);
    for (const GiProfile& p : Model(id).gi_profiles) EXPECT_TRUE(p.unconfirmed.empty()) << p.name;
  }
  EXPECT_TRUE(Model("A100-SXM4-40GB").FindProfileByName("1g.5gb")->unconfirmed.empty());
  EXPECT_FALSE(Model("H100-SXM5-80GB").IsUnconfirmed("memory_mib"));
  EXPECT_FALSE(Model("B200").IsUnconfirmed("memory_mib"));
  EXPECT_FALSE(Model("B200").IsUnconfirmed("pci_device_id"));
}

TEST(Catalog, UnconfirmedValuesAreFlagged) {
  // §3.10: B200 3g/4g/7g IDs were not visible in any source; their MiB and SMs are (T11).
  for (const char* name : {"3g.90gb", "4g.90gb", "7g.180gb"}) {
    SCOPED_TRACE(name);
    const GiProfile* p = Model("B200").FindProfileByName(name);
    ASSERT_NE(nullptr, p);
    EXPECT_TRUE(p->IsUnconfirmed("id"));
    EXPECT_TRUE(p->IsUnconfirmed("dec"));
    EXPECT_FALSE(p->IsUnconfirmed("memory_mib"));
    EXPECT_FALSE(p->IsUnconfirmed("sms"));
  }
  EXPECT_FALSE(Model("B200").FindProfileByName("1g.23gb")->IsUnconfirmed("id"));
  // §3.10, §3.8, §3.7: -lgipp never captured, placements assumed equal to H100's.
  for (const char* id : {"B200", "H200-141GB", "GH200-96GB", "GB200", "GH200-144GB"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(Model(id).FindProfileByIndex(0)->IsUnconfirmed("placements"));
    EXPECT_TRUE(Model(id).IsUnconfirmed("auto_placement_order.4"));
  }
  // §3.11 / §3.9: GB200 and GH200-144G 3g/4g/7g are unknown beyond their names.
  for (const char* id : {"GB200", "GH200-144GB"}) {
    SCOPED_TRACE(id);
    for (int index : {2, 3, 4}) {
      const GiProfile* p = Model(id).FindProfileByIndex(index);
      ASSERT_NE(nullptr, p);
      EXPECT_TRUE(p->IsUnconfirmed("id")) << p->name;
      EXPECT_TRUE(p->IsUnconfirmed("memory_mib")) << p->name;
      EXPECT_TRUE(p->IsUnconfirmed("sms")) << p->name;
    }
  }
  EXPECT_TRUE(Model("GB200").IsUnconfirmed("multiprocessors"));
  EXPECT_TRUE(Model("GH200-144GB").IsUnconfirmed("multiprocessors"));
  // §3.3: A100-80GB 1g.20gb memory is MOCK only.
  EXPECT_TRUE(Model("A100-SXM4-80GB").FindProfileByName("1g.20gb")->IsUnconfirmed("memory_mib"));
  EXPECT_FALSE(Model("A100-SXM4-80GB").FindProfileByName("2g.20gb")->IsUnconfirmed("memory_mib"));
  // §2: totals the facts mark UNCONFIRMED or MOCK.
  for (const char* id : {"A30-24GB", "H100-PCIE-80GB", "GH200-96GB", "H200-141GB", "GH200-144GB"}) {
    EXPECT_TRUE(Model(id).IsUnconfirmed("memory_mib")) << id;
  }
  // §2: PCI IDs the facts cannot pin to this board.
  for (const char* id : {"H100-PCIE-80GB", "GH200-96GB", "RTX-PRO-6000"}) {
    EXPECT_TRUE(Model(id).IsUnconfirmed("pci_device_id")) << id;
  }
  // NVML names not given by the facts.
  for (const char* id : {"H100-PCIE-80GB", "GH200-96GB", "H200-141GB", "GH200-144GB"}) {
    EXPECT_TRUE(Model(id).IsUnconfirmed("product_name")) << id;
  }
  // §3.5: H100 PCIe per-profile SMs other than 1g.10gb and 7g.80gb.
  const GpuModel& pcie = Model("H100-PCIE-80GB");
  EXPECT_FALSE(pcie.FindProfileByName("1g.10gb")->IsUnconfirmed("sms"));
  EXPECT_TRUE(pcie.FindProfileByName("3g.40gb")->IsUnconfirmed("sms"));
  EXPECT_FALSE(pcie.FindProfileByName("7g.80gb")->IsUnconfirmed("sms"));
  EXPECT_FALSE(pcie.FindProfileByName("7g.80gb")->IsUnconfirmed("memory_mib"));
}

}  // namespace
}  // namespace migkit
