#include "storage/open_store.h"

#include <cctype>
#include <string>
#include <utility>

#include "storage/local/local_store.h"
#include "storage/memory/memory_store.h"
#include "storage/prefix_store.h"

namespace strata::storage {
namespace {

constexpr std::string_view kSchemeSeparator = "://";
constexpr int kHexBase = 16;

// The scheme of `url` in lower case, or "" if `url` does not start with one
// (RFC 3986: a letter, then letters, digits, '+', '-', '.').
std::string SchemeOf(std::string_view url) {
  const size_t end = url.find(kSchemeSeparator);
  if (end == std::string_view::npos || end == 0) return "";
  std::string scheme;
  for (size_t i = 0; i < end; ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    const bool ok =
        std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
    scheme += static_cast<char>(std::tolower(c));
  }
  return scheme;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes. %00 is refused: a NUL would silently cut the path short.
Result<std::string> PercentDecode(std::string_view text, std::string_view url) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      return InvalidArgumentError("bad percent-escape in \"" + std::string(url) +
                                  "\"; write a literal '%' as %25");
    }
    out += static_cast<char>(hi * kHexBase + lo);
    i += 2;
  }
  return out;
}

Result<std::unique_ptr<ObjectStore>> OpenLocal(std::string_view path,
                                               const StoreOptions& options) {
  LocalStoreOptions local;
  local.create_root = options.create_if_missing;
  STRATA_ASSIGN_OR_RETURN(auto store, LocalStore::Open(path, local));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

Result<std::unique_ptr<ObjectStore>> OpenFileUrl(std::string_view url,
                                                 const StoreOptions& options) {
  std::string_view rest = url.substr(std::string_view("file://").size());
  // RFC 8089: the authority is empty or "localhost"; anything else is another machine
  // (or, commonly, a path typed with two slashes instead of three).
  if (rest.starts_with("localhost/")) rest.remove_prefix(std::string_view("localhost").size());
  if (!rest.starts_with('/')) {
    return InvalidArgumentError("file:// URL needs an absolute path, as in file:///var/backups "
                                "(got \"" + std::string(url) + "\")");
  }
  STRATA_ASSIGN_OR_RETURN(std::string path, PercentDecode(rest, url));
  return OpenLocal(path, options);
}

Result<std::unique_ptr<ObjectStore>> OpenMemUrl(std::string_view url) {
  const std::string_view rest = url.substr(std::string_view("mem://").size());
  const size_t slash = rest.find('/');
  const std::string_view name = rest.substr(0, slash);
  if (name.empty()) {
    return InvalidArgumentError("mem:// URL needs a store name, as in mem://dry-run (got \"" +
                                std::string(url) + "\")");
  }
  std::unique_ptr<ObjectStore> store = MemoryStore::Shared(name);
  if (slash == std::string_view::npos || slash + 1 == rest.size()) return store;
  STRATA_ASSIGN_OR_RETURN(auto prefixed,
                          PrefixStore::Create(std::move(store), rest.substr(slash + 1)));
  return std::unique_ptr<ObjectStore>(std::move(prefixed));
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenStore(std::string_view url, const StoreOptions& options) {
  if (url.empty()) return InvalidArgumentError("empty repository URL");
  const std::string scheme = SchemeOf(url);
  if (scheme.empty()) return OpenLocal(url, options);
  if (scheme == "file") return OpenFileUrl(url, options);
  if (scheme == "mem") return OpenMemUrl(url);
  if (scheme == "s3") {
    if (!options.open_s3) {
      return InvalidArgumentError(
          "s3:// repositories need the S3 backend, which this build does not include");
    }
    return options.open_s3(url, options);
  }
  return InvalidArgumentError("unknown repository URL scheme \"" + scheme + "\" in \"" +
                              std::string(url) + "\"; use file:// or s3://");
}

}  // namespace strata::storage
