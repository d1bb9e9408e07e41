// The ObjectStore conformance suite: GoogleTest cases that check every promise of
// storage/object_store.h (round trips, if_absent, ranges, listing order and paging,
// idempotent delete, writer visibility and abort, large streamed objects, concurrent
// puts). Every backend runs it, so they all behave the same.
//
// To run it for a backend, instantiate it in that backend's test binary:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Local, StoreConformanceTest,
//       ::testing::Values(StoreConformanceParam("local", [] { return MakeStore(); })),
//       StoreConformanceParamName);
//
// and link strata::storage_conformance. The factory is called once per test and must
// return a new, empty store (for a shared server: a fresh bucket or a fresh random
// prefix). Tests write only under keys they create, and may leave them behind.
//
// Thread-safety: the fixture is used by one test thread; the stores it creates must be
// safe for concurrent use (some cases start threads).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/object_store.h"

namespace strata::storage {

using StoreFactory = std::function<std::unique_ptr<ObjectStore>()>;

// One backend to test: a name for test output and a factory of fresh, empty stores.
class StoreConformanceParam {
 public:
  // Defined in store_conformance.cc on purpose: constructing a parameter then needs that
  // object file, which makes the linker keep the TEST_P cases registered in it (a static
  // library member that nothing references would otherwise be dropped).
  StoreConformanceParam(std::string name, StoreFactory factory);

  const std::string& name() const { return name_; }
  const StoreFactory& factory() const { return factory_; }

 private:
  std::string name_;
  StoreFactory factory_;
};

// For test names: "Local/StoreConformanceTest.PutThenGetRoundTrips/local".
std::string StoreConformanceParamName(
    const ::testing::TestParamInfo<StoreConformanceParam>& info);

// Lets GoogleTest print a parameter as its name.
void PrintTo(const StoreConformanceParam& param, std::ostream* os);

class StoreConformanceTest : public ::testing::TestWithParam<StoreConformanceParam> {
 protected:
  void SetUp() override;

  // The store under test, made by the factory for this test.
  ObjectStore& store() { return *store_; }

 private:
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace strata::storage
