// Helpers for the .zks tests: build sample znodes, write a whole stream into memory,
// read one back from memory in chunks of a chosen size.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "format/zks_reader.h"
#include "format/zks_writer.h"
#include "format/znode.h"

namespace strata::format::test_util {

inline ZNode MakeNode(std::string path, std::optional<Bytes> data,
                      NodeType type = NodeType::kPersistentOrExtended,
                      TypeSource source = TypeSource::kClientWalk) {
  ZNode n;
  n.path = std::move(path);
  n.data = std::move(data);
  n.type = type;
  n.type_source = source;
  n.acl = {{31, "world", "anyone"}};
  n.stat.czxid = 0x100000001;
  n.stat.mzxid = 0x100000002;
  n.stat.pzxid = 0x100000003;
  n.stat.ctime = 1'700'000'000'000;
  n.stat.mtime = 1'700'000'000'001;
  n.stat.version = 3;
  n.stat.data_length = n.data ? static_cast<int32_t>(n.data->size()) : 0;
  n.sequential = HasSequentialSuffix(n.path);
  return n;
}

// Writes `nodes` into one in-memory stream. Fails the test on any error.
inline Bytes WriteZks(const std::vector<ZNode>& nodes, ZksWriterOptions options = {},
                      ZksSummary* summary = nullptr) {
  Bytes out;
  auto writer = ZksWriter::Create(
      [&](ByteView chunk) {
        out.append(chunk);
        return OkStatus();
      },
      options);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const ZNode& n : nodes) {
    Status s = (*writer)->Add(n);
    EXPECT_TRUE(s.ok()) << n.path << ": " << s.ToString();
  }
  auto done = (*writer)->Finish();
  EXPECT_TRUE(done.ok()) << done.status().ToString();
  if (summary != nullptr && done.ok()) *summary = *done;
  return out;
}

// A source handing out `data` in pieces of `chunk` bytes.
inline ByteSource ChunkedSource(ByteView data, size_t chunk) {
  return [data, chunk, pos = size_t{0}]() mutable -> Result<ByteView> {
    size_t n = std::min(chunk, data.size() - pos);
    ByteView piece = data.substr(pos, n);
    pos += n;
    return piece;
  };
}

// Reads a whole stream; returns the entries, or the first error (entries read before it
// are left in *partial when given).
inline Result<std::vector<ZNode>> ReadZks(ByteView data, size_t chunk = 1 << 16,
                                          ZksSummary* summary = nullptr,
                                          std::vector<ZNode>* partial = nullptr) {
  auto reader = ZksReader::Create(ChunkedSource(data, chunk));
  if (!reader.ok()) return reader.status();
  std::vector<ZNode> nodes;
  ZNode node;
  for (;;) {
    Result<bool> more = (*reader)->Next(&node);
    if (!more.ok()) {
      if (partial != nullptr) *partial = nodes;
      return more.status();
    }
    if (!*more) break;
    nodes.push_back(node);
  }
  if (summary != nullptr) *summary = (*reader)->summary();
  return nodes;
}

}  // namespace strata::format::test_util
