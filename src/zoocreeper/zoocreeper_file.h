// Reading ZooKeeper backups made by ZooCreeper (boundary/zoocreeper, and zkr, which
// kept its format): one JSON object whose keys are absolute znode paths in pre-order,
// each holding the znode's Stat fields, its data (base64, or null) and its ACL list;
// optionally gzip-compressed. docs/import-zoocreeper.md has the format.
//
// The file is parsed as a stream (a SAX parser over zlib's reader, which also reads
// plain files), so memory holds one znode whatever the file's size. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "format/znode.h"

namespace strata::zoocreeper {

// One znode as the backup holds it. The Stat has every field ZooCreeper writes;
// data_length is the data's size and num_children is -1 (not recorded).
struct BackupZnode {
  std::string path;
  std::optional<Bytes> data;
  std::vector<format::ZnodeAcl> acl;
  format::ZnodeStat stat;
};

struct ReadStats {
  uint64_t znodes = 0;
  uint64_t ignored_fields = 0;  // fields other than ZooCreeper's, skipped
  bool compressed = false;
};

// Calls `visit` for every znode in file order; stops at the first error it returns.
// `name` is how errors name the file. Errors: NotFound if `path` does not exist;
// FailedPrecondition if it cannot be read; DataLoss for anything that is not
// ZooCreeper's JSON (naming the znode, or the byte where parsing stopped): malformed or
// truncated JSON or gzip, a key that is not an absolute znode path, a znode without
// "data" or "acls", a field of the wrong type, bad base64.
using Visitor = std::function<Status(const BackupZnode&)>;
Result<ReadStats> ReadBackup(const std::string& path, const std::string& name, const Visitor& visit);

// True if the file at `path` starts like a ZooCreeper backup ('{' then a '"/' key, or
// an empty object; after gzip if it is compressed): cheap, for hints.
bool LooksLikeBackup(const std::string& path);

// Standard base64 (RFC 4648, '=' padding, as Jackson writes binary values). Line breaks
// are not accepted. nullopt for anything else.
std::optional<Bytes> Base64Decode(std::string_view text);

}  // namespace strata::zoocreeper
