#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "testing/status_matchers.h"

namespace migkit {
namespace {

// Code values are nvmlReturn_t's (mig-facts.md §6.1), so the NVML layer can cast them.
TEST(Status, CodesEqualNvmlReturnValues) {
  EXPECT_EQ(0, static_cast<int>(Code::kOk));
  EXPECT_EQ(1, static_cast<int>(Code::kUninitialized));
  EXPECT_EQ(2, static_cast<int>(Code::kInvalidArgument));
  EXPECT_EQ(3, static_cast<int>(Code::kNotSupported));
  EXPECT_EQ(4, static_cast<int>(Code::kNoPermission));
  EXPECT_EQ(6, static_cast<int>(Code::kNotFound));
  EXPECT_EQ(7, static_cast<int>(Code::kInsufficientSize));
  EXPECT_EQ(16, static_cast<int>(Code::kResetRequired));
  EXPECT_EQ(19, static_cast<int>(Code::kInUse));
  EXPECT_EQ(23, static_cast<int>(Code::kInsufficientResources));
  EXPECT_EQ(25, static_cast<int>(Code::kArgumentVersionMismatch));
  EXPECT_EQ(999, static_cast<int>(Code::kUnknown));
}

// The real nvmlErrorString texts (DCGM's copy, mig-facts.md §6.1); nvidia-smi prints exactly these.
TEST(Status, CodeTextIsNvmlErrorString) {
  EXPECT_EQ("Success", CodeText(Code::kOk));
  EXPECT_EQ("Uninitialized", CodeText(Code::kUninitialized));
  EXPECT_EQ("Invalid Argument", CodeText(Code::kInvalidArgument));
  EXPECT_EQ("Not Supported", CodeText(Code::kNotSupported));
  EXPECT_EQ("Insufficient Permissions", CodeText(Code::kNoPermission));
  EXPECT_EQ("Not Found", CodeText(Code::kNotFound));
  EXPECT_EQ("Insufficient Size", CodeText(Code::kInsufficientSize));
  EXPECT_EQ("GPU requires reset", CodeText(Code::kResetRequired));
  EXPECT_EQ("In use by another client", CodeText(Code::kInUse));
  EXPECT_EQ("Insufficient Resources", CodeText(Code::kInsufficientResources));
  EXPECT_EQ("Unknown Error", CodeText(Code::kUnknown));
}

TEST(Status, CodeTextOfMigkitOnlyCodesIsNotEmpty) {
  for (Code c : {Code::kAlreadyInitialized, Code::kTimeout, Code::kArgumentVersionMismatch,
                 Code::kCorruption, Code::kIoError, Code::kParseError}) {
    EXPECT_FALSE(CodeText(c).empty()) << static_cast<int>(c);
    EXPECT_NE("Unknown Error", CodeText(c)) << static_cast<int>(c);
  }
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(Code::kOk, s.code());
  EXPECT_EQ("", s.message());
  EXPECT_EQ(Status::Ok(), s);
  EXPECT_OK(s);
}

TEST(Status, FactoriesSetCodeAndMessage) {
  struct Case {
    Status status;
    Code code;
  };
  const Case cases[] = {
      {Status::InvalidArgument("m"), Code::kInvalidArgument},
      {Status::NotSupported("m"), Code::kNotSupported},
      {Status::NoPermission("m"), Code::kNoPermission},
      {Status::NotFound("m"), Code::kNotFound},
      {Status::InsufficientSize("m"), Code::kInsufficientSize},
      {Status::ResetRequired("m"), Code::kResetRequired},
      {Status::InUse("m"), Code::kInUse},
      {Status::InsufficientResources("m"), Code::kInsufficientResources},
      {Status::Timeout("m"), Code::kTimeout},
      {Status::Unknown("m"), Code::kUnknown},
      {Status::Corruption("m"), Code::kCorruption},
      {Status::IoError("m"), Code::kIoError},
      {Status::ParseError("m"), Code::kParseError},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.code, c.status.code());
    EXPECT_EQ("m", c.status.message());
  }
}

TEST(Status, ToStringOk) { EXPECT_EQ("OK", Status::Ok().ToString()); }

TEST(Status, ToStringIsCodeTextThenMessage) {
  EXPECT_EQ(
      "Insufficient Resources: 3g.20gb fits only at 0:4 or 4:4, both taken",
      Status::InsufficientResources("3g.20gb fits only at 0:4 or 4:4, both taken").ToString());
  EXPECT_EQ("In use by another client: GPU instance 1 has compute instances",
            Status::InUse("GPU instance 1 has compute instances").ToString());
}

TEST(Status, ToStringWithEmptyMessageIsCodeText) {
  EXPECT_EQ("Not Found", Status::NotFound("").ToString());
  EXPECT_EQ("GPU requires reset", Status(Code::kResetRequired, "").ToString());
}

TEST(Status, WithContextPrefixesMessage) {
  const Status s = Status::NotFound("no GPU instance with ID 3").WithContext("GPU 0");
  EXPECT_EQ(Code::kNotFound, s.code());
  EXPECT_EQ("GPU 0: no GPU instance with ID 3", s.message());
  EXPECT_EQ("Not Found: GPU 0: no GPU instance with ID 3", s.ToString());
}

TEST(Status, WithContextNests) {
  const Status s = Status::InUse("busy").WithContext("GI 1").WithContext("GPU 0");
  EXPECT_EQ("GPU 0: GI 1: busy", s.message());
}

TEST(Status, WithContextOnEmptyMessageIsContext) {
  EXPECT_EQ("GPU 0", Status::NotFound("").WithContext("GPU 0").message());
}

TEST(Status, WithContextKeepsOk) {
  const Status s = Status::Ok().WithContext("GPU 0");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ("", s.message());
}

TEST(Status, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(Status::NotFound("x"), Status::NotFound("x"));
  EXPECT_FALSE(Status::NotFound("x") == Status::NotFound("y"));
  EXPECT_FALSE(Status::NotFound("x") == Status::InUse("x"));
}

TEST(StatusOr, HoldsValue) {
  StatusOr<int> v(42);
  ASSERT_TRUE(v.ok());
  EXPECT_OK(v);
  EXPECT_EQ(42, v.value());
  EXPECT_EQ(42, *v);
  EXPECT_TRUE(v.status().ok());
}

TEST(StatusOr, HoldsError) {
  StatusOr<int> v(Status::InsufficientResources("full"));
  EXPECT_FALSE(v.ok());
  EXPECT_CODE(v, Code::kInsufficientResources);
  EXPECT_EQ(Status::InsufficientResources("full"), v.status());
}

TEST(StatusOr, ArrowAndMutation) {
  StatusOr<std::string> v(std::string("abc"));
  EXPECT_EQ(3u, v->size());
  v->push_back('d');
  *v += "e";
  EXPECT_EQ("abcde", v.value());
}

TEST(StatusOr, MoveOnlyValue) {
  StatusOr<std::unique_ptr<int>> v(std::make_unique<int>(7));
  ASSERT_TRUE(v.ok());
  std::unique_ptr<int> p = std::move(v).value();
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(7, *p);
}

TEST(StatusOr, AssignMacro) {
  ASSERT_OK_AND_ASSIGN(int x, StatusOr<int>(5));
  EXPECT_EQ(5, x);
}

Status FailsWhen(bool fail, int* reached) {
  MIGKIT_RETURN_IF_ERROR(fail ? Status::InUse("busy") : Status::Ok());
  ++*reached;
  return Status::Ok();
}

TEST(Status, ReturnIfErrorReturnsFirstError) {
  int reached = 0;
  EXPECT_EQ(Status::InUse("busy"), FailsWhen(true, &reached));
  EXPECT_EQ(0, reached);
  EXPECT_OK(FailsWhen(false, &reached));
  EXPECT_EQ(1, reached);
}

}  // namespace
}  // namespace migkit
