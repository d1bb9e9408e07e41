#include "storage/s3/xml.h"

#include <charconv>
#include <chrono>

#include "storage/s3/xml_document.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr int kMillisPerSecond = 1000;

Status Missing(std::string_view root, std::string_view element) {
  return DataLossError("S3 " + std::string(root) + " response: missing or invalid <" +
                       std::string(element) + ">");
}

Result<XmlElement> ParseRoot(std::string_view body, std::string_view root) {
  Result<XmlElement> doc = ParseXml(body);
  if (!doc.ok()) return doc.status().WithContext("S3 " + std::string(root) + " response");
  if (doc->name != root) {
    return DataLossError("S3 response: expected <" + std::string(root) + ">, got <" +
                         doc->name.substr(0, 64) + ">");
  }
  return doc;
}

std::optional<std::string> OptionalText(const XmlElement& e, std::string_view name) {
  std::optional<std::string_view> t = e.ChildText(name);
  if (!t.has_value()) return std::nullopt;
  return std::string(*t);
}

template <typename Int>
std::optional<Int> ToInt(std::string_view text) {
  Int value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Reads an optional integer child; DataLoss if present but not a number.
template <typename Int>
Status OptionalInt(const XmlElement& e, std::string_view name, std::string_view root,
                   std::optional<Int>& out) {
  std::optional<std::string_view> t = e.ChildText(name);
  if (!t.has_value()) return OkStatus();
  out = ToInt<Int>(*t);
  return out.has_value() ? OkStatus() : Missing(root, name);
}

// Reads an optional "true"/"false" child (false when absent).
Status OptionalBool(const XmlElement& e, std::string_view name, std::string_view root,
                    bool& out) {
  std::optional<std::string_view> t = e.ChildText(name);
  if (!t.has_value()) return OkStatus();
  if (*t == "true") {
    out = true;
  } else if (*t == "false") {
    out = false;
  } else {
    return Missing(root, name);
  }
  return OkStatus();
}

S3ErrorInfo ErrorFrom(const XmlElement& e) {
  S3ErrorInfo info;
  info.code = std::string(e.ChildText("Code").value_or(""));
  info.message = std::string(e.ChildText("Message").value_or(""));
  info.request_id = OptionalText(e, "RequestId");
  info.host_id = OptionalText(e, "HostId");
  info.resource = OptionalText(e, "Resource");
  info.region = OptionalText(e, "Region");
  info.endpoint = OptionalText(e, "Endpoint");
  return info;
}

// Control characters other than tab and line feed cannot be written in XML 1.0 text.
bool HasControlChar(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f) return true;
  }
  return false;
}

void AppendElement(std::string& out, std::string_view name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  out += XmlEscape(value);
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

Result<int64_t> ParseS3Timestamp(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS, then optional .fraction, then Z or +00:00.
  constexpr std::size_t kBaseLength = 19;
  auto invalid = [] { return InvalidArgumentError("not an S3 timestamp"); };
  if (text.size() < kBaseLength || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return invalid();
  }
  auto y = ToInt<int>(text.substr(0, 4));
  auto mo = ToInt<unsigned>(text.substr(5, 2));
  auto d = ToInt<unsigned>(text.substr(8, 2));
  auto h = ToInt<int>(text.substr(11, 2));
  auto mi = ToInt<int>(text.substr(14, 2));
  auto s = ToInt<int>(text.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return invalid();
  const year_month_day ymd{year(*y), month(*mo), day(*d)};
  if (!ymd.ok()) return invalid();
  std::string_view rest = text.substr(kBaseLength);
  int64_t millis = 0;
  if (rest.starts_with('.')) {
    std::size_t n = 1;
    int64_t scale = 100;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      millis += (rest[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
    if (n == 1) return invalid();
    rest = rest.substr(n);
  }
  if (rest != "Z" && rest != "z" && rest != "+00:00") return invalid();
  const auto secs = sys_days(ymd).time_since_epoch() + hours(*h) + minutes(*mi) + seconds(*s);
  return duration_cast<milliseconds>(secs).count() + millis;
}

Result<S3ErrorInfo> ParseError(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "Error"));
  return ErrorFrom(root);
}

Result<ListObjectsV2Result> ParseListObjectsV2(std::string_view body) {
  constexpr std::string_view kRoot = "ListBucketResult";
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, kRoot));
  ListObjectsV2Result out;
  STRATA_RETURN_IF_ERROR(OptionalBool(root, "IsTruncated", kRoot, out.is_truncated));
  STRATA_RETURN_IF_ERROR(OptionalInt(root, "KeyCount", kRoot, out.key_count));
  out.next_continuation_token = OptionalText(root, "NextContinuationToken");
  out.prefix = OptionalText(root, "Prefix");
  out.start_after = OptionalText(root, "StartAfter");
  for (const XmlElement* c : root.Children("Contents")) {
    ListedObject obj;
    std::optional<std::string_view> key = c->ChildText("Key");
    if (!key.has_value()) return Missing(kRoot, "Key");
    obj.key = std::string(*key);
    std::optional<uint64_t> size;
    STRATA_RETURN_IF_ERROR(OptionalInt(*c, "Size", kRoot, size));
    obj.size = size.value_or(0);
    obj.etag = std::string(c->ChildText("ETag").value_or(""));
    obj.last_modified = std::string(c->ChildText("LastModified").value_or(""));
    if (!obj.last_modified.empty()) {
      Result<int64_t> ms = ParseS3Timestamp(obj.last_modified);
      if (!ms.ok()) return Missing(kRoot, "LastModified");
      obj.last_modified_unix_ms = *ms;
    }
    obj.storage_class = OptionalText(*c, "StorageClass");
    out.contents.push_back(std::move(obj));
  }
  for (const XmlElement* p : root.Children("CommonPrefixes")) {
    std::optional<std::string_view> prefix = p->ChildText("Prefix");
    if (!prefix.has_value()) return Missing(kRoot, "CommonPrefixes/Prefix");
    out.common_prefixes.emplace_back(*prefix);
  }
  return out;
}

Result<InitiateMultipartUploadResult> ParseInitiateMultipartUpload(std::string_view body) {
  constexpr std::string_view kRoot = "InitiateMultipartUploadResult";
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, kRoot));
  InitiateMultipartUploadResult out;
  out.bucket = std::string(root.ChildText("Bucket").value_or(""));
  out.key = std::string(root.ChildText("Key").value_or(""));
  out.upload_id = std::string(root.ChildText("UploadId").value_or(""));
  if (out.upload_id.empty()) return Missing(kRoot, "UploadId");
  return out;
}

Result<CompleteMultipartUploadResult> ParseCompleteMultipartUpload(std::string_view body) {
  constexpr std::string_view kRoot = "CompleteMultipartUploadResult";
  Result<XmlElement> doc = ParseXml(body);
  if (!doc.ok()) return doc.status().WithContext("S3 " + std::string(kRoot) + " response");
  CompleteMultipartUploadResult out;
  if (doc->name == "Error") {
    out.error = ErrorFrom(*doc);
    return out;
  }
  if (doc->name != kRoot) {
    return DataLossError("S3 response: expected <" + std::string(kRoot) + ">, got <" +
                         doc->name.substr(0, 64) + ">");
  }
  out.location = std::string(doc->ChildText("Location").value_or(""));
  out.bucket = std::string(doc->ChildText("Bucket").value_or(""));
  out.key = std::string(doc->ChildText("Key").value_or(""));
  out.etag = std::string(doc->ChildText("ETag").value_or(""));
  if (out.etag.empty()) return Missing(kRoot, "ETag");
  return out;
}

Result<ListMultipartUploadsResult> ParseListMultipartUploads(std::string_view body) {
  constexpr std::string_view kRoot = "ListMultipartUploadsResult";
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, kRoot));
  ListMultipartUploadsResult out;
  STRATA_RETURN_IF_ERROR(OptionalBool(root, "IsTruncated", kRoot, out.is_truncated));
  out.next_key_marker = OptionalText(root, "NextKeyMarker");
  out.next_upload_id_marker = OptionalText(root, "NextUploadIdMarker");
  for (const XmlElement* u : root.Children("Upload")) {
    MultipartUpload upload;
    std::optional<std::string_view> key = u->ChildText("Key");
    std::optional<std::string_view> id = u->ChildText("UploadId");
    if (!key.has_value() || !id.has_value() || id->empty()) return Missing(kRoot, "Upload");
    upload.key = std::string(*key);
    upload.upload_id = std::string(*id);
    upload.initiated = std::string(u->ChildText("Initiated").value_or(""));
    out.uploads.push_back(std::move(upload));
  }
  return out;
}

Result<ListPartsResult> ParseListParts(std::string_view body) {
  constexpr std::string_view kRoot = "ListPartsResult";
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, kRoot));
  ListPartsResult out;
  out.upload_id = std::string(root.ChildText("UploadId").value_or(""));
  STRATA_RETURN_IF_ERROR(OptionalBool(root, "IsTruncated", kRoot, out.is_truncated));
  STRATA_RETURN_IF_ERROR(
      OptionalInt(root, "NextPartNumberMarker", kRoot, out.next_part_number_marker));
  for (const XmlElement* p : root.Children("Part")) {
    UploadedPart part;
    std::optional<int> number;
    std::optional<uint64_t> size;
    STRATA_RETURN_IF_ERROR(OptionalInt(*p, "PartNumber", kRoot, number));
    STRATA_RETURN_IF_ERROR(OptionalInt(*p, "Size", kRoot, size));
    if (!number.has_value()) return Missing(kRoot, "PartNumber");
    part.part_number = *number;
    part.size = size.value_or(0);
    part.etag = std::string(p->ChildText("ETag").value_or(""));
    part.checksum_crc32c = OptionalText(*p, "ChecksumCRC32C");
    part.checksum_sha256 = OptionalText(*p, "ChecksumSHA256");
    out.parts.push_back(std::move(part));
  }
  return out;
}

Result<std::vector<BucketEntry>> ParseListBuckets(std::string_view body) {
  constexpr std::string_view kRoot = "ListAllMyBucketsResult";
  STRATA_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, kRoot));
  std::vector<BucketEntry> out;
  const XmlElement* buckets = root.Child("Buckets");
  if (buckets == nullptr) return out;
  for (const XmlElement* b : buckets->Children("Bucket")) {
    std::optional<std::string_view> name = b->ChildText("Name");
    if (!name.has_value() || name->empty()) return Missing(kRoot, "Bucket/Name");
    out.push_back({std::string(*name), std::string(b->ChildText("CreationDate").value_or(""))});
  }
  return out;
}

Result<std::string> BuildCompleteMultipartUploadBody(const std::vector<CompletedPart>& parts) {
  if (parts.empty()) return InvalidArgumentError("CompleteMultipartUpload needs at least one part");
  std::string out = "<CompleteMultipartUpload xmlns=\"" + std::string(kS3Namespace) + "\">";
  int previous = 0;
  for (const CompletedPart& p : parts) {
    const std::string which = "part " + std::to_string(p.part_number);
    if (p.part_number < 1 || p.part_number > kMaxPartNumber) {
      return InvalidArgumentError(which + ": part numbers must be 1..10000");
    }
    if (p.part_number <= previous) {
      return InvalidArgumentError(which + ": part numbers must be strictly ascending");
    }
    previous = p.part_number;
    if (p.etag.empty()) return InvalidArgumentError(which + ": empty ETag");
    if (HasControlChar(p.etag) || HasControlChar(p.checksum_crc32c.value_or("")) ||
        HasControlChar(p.checksum_sha256.value_or(""))) {
      return InvalidArgumentError(which + ": control character in ETag or checksum");
    }
    out += "<Part>";
    AppendElement(out, "PartNumber", std::to_string(p.part_number));
    AppendElement(out, "ETag", p.etag);
    if (p.checksum_crc32c.has_value()) AppendElement(out, "ChecksumCRC32C", *p.checksum_crc32c);
    if (p.checksum_sha256.has_value()) AppendElement(out, "ChecksumSHA256", *p.checksum_sha256);
    out += "</Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

Result<std::string> BuildCreateBucketBody(std::string_view region) {
  for (char c : region) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return InvalidArgumentError("region may hold only letters, digits, '-', '_', '.'");
  }
  if (region.empty() || region == "us-east-1") return std::string();
  std::string out = "<CreateBucketConfiguration xmlns=\"" + std::string(kS3Namespace) + "\">";
  AppendElement(out, "LocationConstraint", region);
  out += "</CreateBucketConfiguration>";
  return out;
}

}  // namespace strata::s3
