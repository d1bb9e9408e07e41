// The byte layout of strata's ZooKeeper snapshot stream (.zks), version 1: the plain
// header, the entry record and the trailer record that ZksWriter and ZksReader put
// around zstd. Specified byte by byte in docs/format-zookeeper.md; keep the two in step.
//
// Pure functions and constants; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"
#include "format/znode.h"

namespace strata::format {

// "\x89ZKS\r\n\x1a\n": a non-ASCII first byte and the CR LF / ^Z / LF tail reveal text-mode
// transfers that altered the object.
inline constexpr char kZksMagic[8] = {'\x89', 'Z', 'K', 'S', '\r', '\n', '\x1a', '\n'};
inline constexpr size_t kZksMagicSize = sizeof(kZksMagic);
inline constexpr uint16_t kZksVersion = 1;
inline constexpr size_t kZksHeaderSize = kZksMagicSize + 2 + 2;  // magic, version, flags

inline constexpr uint8_t kZksRecordEntry = 0x01;
inline constexpr uint8_t kZksRecordTrailer = 0x02;
// An entry record starts with its kind byte and the u32 length of the body that follows.
inline constexpr size_t kZksEntryPrefixSize = 1 + 4;
// Largest entry body a writer produces and a reader accepts: far above any znode
// ZooKeeper accepts (jute.maxbuffer), low enough to reject garbage lengths.
inline constexpr uint32_t kZksMaxEntryBody = 1u << 30;
// The trailer record: kind byte, entry count, entry bytes, data bytes, CRC-32C.
inline constexpr size_t kZksTrailerSize = 1 + 8 + 8 + 8 + 4;

// Totals a writer records in the trailer and a reader verifies.
struct ZksTrailer {
  uint64_t entry_count = 0;
  // Bytes of all entry records (kind, length and body), uncompressed.
  uint64_t entry_bytes = 0;
  // Sum of the data lengths of all entries (null counts 0).
  uint64_t data_bytes = 0;
  // CRC-32C of the header followed by all entry records, uncompressed.
  uint32_t crc32c = 0;
  friend bool operator==(const ZksTrailer&, const ZksTrailer&) = default;
};

// Appends the 12-byte header (version kZksVersion, flags 0).
void AppendZksHeader(Bytes* out);

// OK if `header` (kZksHeaderSize bytes) is a header this code reads. FailedPrecondition
// if the magic is wrong (not a .zks object), the version is not kZksVersion or a flag bit
// is set, each with a message naming what was found.
Status CheckZksHeader(ByteView header);

// OK if `node` may be written: the type is one its type_source can see, ttl_ms is set
// exactly for kTtl, and the type agrees with stat.ephemeral_owner (client walk: ephemeral
// iff the owner is non-zero; server snapshot: the type DecodeEphemeralOwner gives).
// InvalidArgument otherwise. Does not check the path.
Status CheckZnodeType(const ZNode& node);

// Appends the entry record of `node` to `out`, with the sequential flag derived from the
// path (node.sequential is ignored). InvalidArgument if a field is too long for the
// format. REQUIRES: CheckZnodeType(node) and ValidateZnodePath(node.path) are OK.
Status AppendZksEntry(const ZNode& node, Bytes* out);

// Parses an entry body (the bytes after the kind and length) into `node`, reusing its
// buffers. DataLoss (message without entry context: the caller adds it) if the body is
// malformed: lengths past the end, bytes left over, unknown type or flag values, a type
// its source cannot see, or a sequential flag that disagrees with the path.
Status DecodeZksEntryBody(ByteView body, ZNode* node);

// Appends the trailer record (kZksTrailerSize bytes, kind byte included).
void AppendZksTrailer(const ZksTrailer& trailer, Bytes* out);

// Parses the trailer fields (the kZksTrailerSize - 1 bytes after the kind byte).
ZksTrailer DecodeZksTrailer(ByteView fields);

}  // namespace strata::format
