#include "storage/s3/xml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "storage/s3/xml_document.h"

namespace strata::s3 {
namespace {

namespace fs = std::filesystem;

std::string Sample(std::string_view name) {
  std::ifstream in(fs::path(STRATA_TESTDATA_DIR) / "s3" / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ListObjectsV2Test, TruncatedPageWithEscapedAndUtf8Keys) {
  Result<ListObjectsV2Result> r = ParseListObjectsV2(Sample("list_objects_v2_truncated.xml"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->is_truncated);
  EXPECT_EQ(r->next_continuation_token,
            "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==");
  EXPECT_EQ(r->key_count, 4);
  EXPECT_EQ(r->prefix, "kafka/c1/");
  EXPECT_EQ(r->start_after, "kafka/c1/");
  ASSERT_EQ(r->contents.size(), 4u);
  EXPECT_EQ(r->contents[0].key, "kafka/c1/manifest.json");
  EXPECT_EQ(r->contents[0].size, 1024u);
  EXPECT_EQ(r->contents[0].etag, "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_EQ(r->contents[0].last_modified, "2024-03-01T10:15:30.000Z");
  EXPECT_EQ(r->contents[0].last_modified_unix_ms, 1709288130000);
  EXPECT_EQ(r->contents[0].storage_class, "STANDARD");
  EXPECT_EQ(r->contents[1].key, "kafka/c1/a & b <c> 'd' \"e\".log");
  EXPECT_EQ(r->contents[1].size, UINT64_MAX);
  EXPECT_EQ(r->contents[1].last_modified_unix_ms, 1709288131123);
  EXPECT_EQ(r->contents[2].key, "kafka/c1/données/日本語/😀.bin");
  EXPECT_EQ(r->contents[2].etag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(r->contents[2].last_modified_unix_ms, 1709288132000);
  EXPECT_EQ(r->contents[3].key, "kafka/c1/refs/😀é\r\ttab  two-spaces ");
  EXPECT_EQ(r->contents[3].last_modified_unix_ms, 1709288133500);
  EXPECT_EQ(r->contents[3].storage_class, std::nullopt);
}

TEST(ListObjectsV2Test, LastPageEmptyPageAndPrefixedNamespace) {
  Result<ListObjectsV2Result> last = ParseListObjectsV2(Sample("list_objects_v2_last_page.xml"));
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_FALSE(last->is_truncated);
  EXPECT_EQ(last->next_continuation_token, std::nullopt);
  ASSERT_EQ(last->contents.size(), 1u);
  EXPECT_EQ(last->contents[0].etag, "\"c4ca4238a0b923820dcc509a6f75849b\"");
  EXPECT_EQ(last->common_prefixes, std::vector<std::string>{"zk/snapshots/"});

  Result<ListObjectsV2Result> empty = ParseListObjectsV2(Sample("list_objects_v2_empty.xml"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->contents.empty());
  EXPECT_EQ(empty->key_count, 0);

  Result<ListObjectsV2Result> ns =
      ParseListObjectsV2(Sample("list_objects_v2_prefixed_namespace.xml"));
  ASSERT_TRUE(ns.ok()) << ns.status().ToString();
  ASSERT_EQ(ns->contents.size(), 1u);
  EXPECT_EQ(ns->contents[0].key, "raw <cdata> & key");
  EXPECT_EQ(ns->contents[0].size, 7u);
  EXPECT_EQ(ns->contents[0].last_modified_unix_ms, 1704067200000);
}

TEST(ListObjectsV2Test, RejectsWrongShapes) {
  auto code = [](std::string_view body) { return ParseListObjectsV2(body).status().code(); };
  EXPECT_EQ(code("<Error><Code>x</Code></Error>"), StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents>"
                 "</ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><Contents><Key>k</Key><Size>18446744073709551616</Size>"
                 "</Contents></ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><KeyCount>1x</KeyCount></ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday"
                 "</LastModified></Contents></ListBucketResult>"),
            StatusCode::kDataLoss);
  EXPECT_EQ(code("<html><body>502 Bad Gateway</body></html>"), StatusCode::kDataLoss);
  EXPECT_EQ(code("<ListBucketResult>"), StatusCode::kDataLoss);
}

TEST(ParseErrorTest, ReadsCodeMessageAndIds) {
  Result<S3ErrorInfo> e = ParseError(Sample("error_no_such_key.xml"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, "NoSuchKey");
  EXPECT_EQ(e->message, "The specified key does not exist.");
  EXPECT_EQ(e->request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(e->host_id, "eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran");
  EXPECT_EQ(e->resource, std::nullopt);

  Result<S3ErrorInfo> sig = ParseError(Sample("error_signature_does_not_match.xml"));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->code, "SignatureDoesNotMatch");
  EXPECT_EQ(sig->request_id, "TX5M1P0QK4D7ZV2B");

  Result<S3ErrorInfo> redirect = ParseError(Sample("error_permanent_redirect.xml"));
  ASSERT_TRUE(redirect.ok());
  EXPECT_EQ(redirect->endpoint, "strata-backups.s3.eu-west-1.amazonaws.com");

  Result<S3ErrorInfo> region = ParseError(Sample("error_authorization_header_malformed.xml"));
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(region->region, "eu-central-1");

  EXPECT_EQ(ParseError("<Error/>")->code, "");
  EXPECT_EQ(ParseError("<ListBucketResult/>").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseError("").status().code(), StatusCode::kDataLoss);
}

TEST(MultipartTest, InitiateAndComplete) {
  Result<InitiateMultipartUploadResult> init =
      ParseInitiateMultipartUpload(Sample("initiate_multipart_upload.xml"));
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->upload_id, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
  EXPECT_EQ(init->key, "kafka/c1/segments/00000000000000000042.log");
  EXPECT_EQ(init->bucket, "strata-backups");
  EXPECT_EQ(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult><UploadId></UploadId>"
                                         "</InitiateMultipartUploadResult>")
                .status()
                .code(),
            StatusCode::kDataLoss);

  Result<CompleteMultipartUploadResult> done =
      ParseCompleteMultipartUpload(Sample("complete_multipart_upload.xml"));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
  EXPECT_EQ(done->bucket, "strata-backups");
  EXPECT_EQ(done->error, std::nullopt);
}

TEST(MultipartTest, CompleteWithErrorBodyAfter200) {
  Result<CompleteMultipartUploadResult> r =
      ParseCompleteMultipartUpload(Sample("complete_multipart_upload_error_200.xml"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->error.has_value());
  EXPECT_EQ(r->error->code, "InternalError");
  EXPECT_EQ(r->error->request_id, "656c76696e672773");
  EXPECT_TRUE(r->etag.empty());
  // Blanks only: the connection closed before S3 wrote the result.
  EXPECT_EQ(ParseCompleteMultipartUpload("   \n   ").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseCompleteMultipartUpload("<CompleteMultipartUploadResult/>").status().code(),
            StatusCode::kDataLoss);
}

TEST(MultipartTest, ListUploadsAndParts) {
  Result<ListMultipartUploadsResult> uploads =
      ParseListMultipartUploads(Sample("list_multipart_uploads.xml"));
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_TRUE(uploads->is_truncated);
  ASSERT_EQ(uploads->uploads.size(), 2u);
  EXPECT_EQ(uploads->uploads[0].key, "kafka/c1/a.log");
  EXPECT_EQ(uploads->uploads[1].upload_id, "YW5vdGhlciB1cGxvYWQ");
  EXPECT_EQ(uploads->uploads[1].initiated, "2024-03-01T10:05:00.000Z");
  EXPECT_EQ(uploads->next_key_marker, "kafka/c1/b.log");
  EXPECT_EQ(uploads->next_upload_id_marker, "YW5vdGhlciB1cGxvYWQ");

  Result<ListPartsResult> parts = ParseListParts(Sample("list_parts.xml"));
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->upload_id, "VXBsb2FkIElEIGZvciBhLmxvZw");
  EXPECT_TRUE(parts->is_truncated);
  EXPECT_EQ(parts->next_part_number_marker, 2);
  ASSERT_EQ(parts->parts.size(), 2u);
  EXPECT_EQ(parts->parts[0].part_number, 1);
  EXPECT_EQ(parts->parts[0].size, 8388608u);
  EXPECT_EQ(parts->parts[0].etag, "\"7778aef83f66abc1fa1e8477f296d394\"");
  EXPECT_EQ(parts->parts[0].checksum_crc32c, "yZRlqg==");
  EXPECT_EQ(parts->parts[1].checksum_sha256, std::nullopt);
  EXPECT_EQ(ParseListParts("<ListPartsResult><Part><ETag>x</ETag></Part></ListPartsResult>")
                .status()
                .code(),
            StatusCode::kDataLoss);
}

TEST(ListBucketsTest, ReadsNames) {
  Result<std::vector<BucketEntry>> r = ParseListBuckets(Sample("list_buckets.xml"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "strata-backups");
  EXPECT_EQ((*r)[1].name, "strata.dotted.bucket");
  EXPECT_EQ((*r)[1].creation_date, "2023-06-02T12:00:00.000Z");
  EXPECT_TRUE(ParseListBuckets("<ListAllMyBucketsResult/>")->empty());
}

TEST(ParseS3TimestampTest, Formats) {
  EXPECT_EQ(*ParseS3Timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseS3Timestamp("2009-10-12T17:50:30.000Z"), 1255369830000);
  EXPECT_EQ(*ParseS3Timestamp("2009-10-12T17:50:30.12345Z"), 1255369830123);
  EXPECT_EQ(*ParseS3Timestamp("2024-02-29T00:00:00+00:00"), 1709164800000);
  for (std::string_view bad : {"", "2009-10-12", "2009-10-12T17:50:30", "2009-13-01T00:00:00Z",
                               "2023-02-29T00:00:00Z", "2009-10-12T24:00:00Z",
                               "2009-10-12T17:50:30.Z", "2009-10-12T17:50:30+01:00",
                               "2009-10-12 17:50:30Z", "20a9-10-12T17:50:30Z"}) {
    EXPECT_EQ(ParseS3Timestamp(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CompleteMultipartUploadBodyTest, BuildsEscapedBody) {
  Result<std::string> body = BuildCompleteMultipartUploadBody(
      {{1, "\"a54357aff0632cce46d942af68356b38\"", "yZRlqg==", std::nullopt},
       {3, "\"0c78aef83f66abc1fa1e8477f296d394\"", std::nullopt,
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
       {7, "odd<&>'tag", std::nullopt, std::nullopt}});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;a54357aff0632cce46d942af68356b38&quot;"
            "</ETag><ChecksumCRC32C>yZRlqg==</ChecksumCRC32C></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;"
            "</ETag><ChecksumSHA256>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ChecksumSHA256>"
            "</Part>"
            "<Part><PartNumber>7</PartNumber><ETag>odd&lt;&amp;&gt;&apos;tag</ETag></Part>"
            "</CompleteMultipartUpload>");
  // The body is well-formed and gives back the values.
  Result<XmlElement> doc = ParseXml(*body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->Children("Part")[2]->ChildText("ETag"), "odd<&>'tag");
}

CompletedPart Part(int number, std::string etag) {
  return CompletedPart{number, std::move(etag), std::nullopt, std::nullopt};
}

TEST(CompleteMultipartUploadBodyTest, RejectsBadParts) {
  auto code = [](std::vector<CompletedPart> parts) {
    return BuildCompleteMultipartUploadBody(parts).status().code();
  };
  EXPECT_EQ(code({}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(0, "e")}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(kMaxPartNumber + 1, "e")}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(2, "e"), Part(1, "e")}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(1, "e"), Part(1, "e")}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(1, "")}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({Part(1, "e\x01")}), StatusCode::kInvalidArgument);
  EXPECT_TRUE(BuildCompleteMultipartUploadBody({Part(kMaxPartNumber, "e")}).ok());
}

TEST(CreateBucketBodyTest, NoBodyForUsEast1) {
  EXPECT_EQ(*BuildCreateBucketBody("us-east-1"), "");
  EXPECT_EQ(*BuildCreateBucketBody(""), "");
  EXPECT_EQ(*BuildCreateBucketBody("eu-west-1"),
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
  EXPECT_EQ(BuildCreateBucketBody("eu\n").status().code(), StatusCode::kInvalidArgument);
}

// Mutated samples through every parser: an error of a documented code or a value, never
// a crash (run under the sanitizer preset too).
TEST(S3XmlGarbageTest, ParsersNeverCrash) {
  const std::vector<std::string> samples = {
      Sample("list_objects_v2_truncated.xml"), Sample("list_parts.xml"),
      Sample("list_multipart_uploads.xml"), Sample("complete_multipart_upload.xml"),
      Sample("error_no_such_key.xml"), Sample("list_buckets.xml")};
  std::mt19937 rng(7);
  const std::string alphabet = "<>/&#;x\"'9-:. Z";
  auto allowed = [](const Status& s) {
    return s.ok() || s.code() == StatusCode::kDataLoss ||
           s.code() == StatusCode::kResourceExhausted;
  };
  for (int round = 0; round < 5000; ++round) {
    std::string s = samples[rng() % samples.size()];
    for (int e = 0; e < 3; ++e) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    if (rng() % 2 == 0) s.resize(rng() % s.size());
    EXPECT_TRUE(allowed(ParseListObjectsV2(s).status()));
    EXPECT_TRUE(allowed(ParseError(s).status()));
    EXPECT_TRUE(allowed(ParseInitiateMultipartUpload(s).status()));
    EXPECT_TRUE(allowed(ParseCompleteMultipartUpload(s).status()));
    EXPECT_TRUE(allowed(ParseListMultipartUploads(s).status()));
    EXPECT_TRUE(allowed(ParseListParts(s).status()));
    EXPECT_TRUE(allowed(ParseListBuckets(s).status()));
  }
}

}  // namespace
}  // namespace strata::s3
