#include "storage/s3/credentials_file.h"

#include <gtest/gtest.h>

#include <sstream>

namespace strata::s3 {
namespace {

constexpr std::string_view kCredentials =
    "# written by aws configure\n"
    "[default]\n"
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    "\n"
    "; temporary keys\r\n"
    "[  prod  ]\r\n"
    "AWS_Access_Key_ID=ASIAPRODEXAMPLE\r\n"
    "aws_secret_access_key:prod/secret:with=delims  \r\n"
    "aws_session_token = FwoGZXIvYXdzEXAMPLE\r\n";

constexpr std::string_view kConfig =
    "[default]\n"
    "region = eu-west-1\n"
    "s3 =\n"
    "    addressing_style = path\n"
    "\n"
    "[profile prod]\n"
    "region=us-east-2\n"
    "endpoint_url = https://minio.internal:9000  # not a comment\n"
    "services = local-s3\n"
    "\n"
    "[profile assume]\n"
    "role_arn = arn:aws:iam::123456789012:role/backup\n"
    "source_profile = prod\n"
    "role_session_name = strata\n"
    "web_identity_token_file = /var/run/secrets/token\n"
    "credential_process = /usr/bin/fetch-creds --profile x\n"
    "\n"
    "[profile inline]\n"
    "aws_access_key_id = AKIAINLINE\n"
    "aws_secret_access_key = inline-secret\n"
    "\n"
    "[services local-s3]\n"
    "s3 =\n"
    "  endpoint_url = http://localhost:9000\n"
    "\n"
    "[sso-session corp]\n"
    "sso_region = us-east-1\n";

const SharedConfigContents kFiles{kCredentials, kConfig};

TEST(LoadProfileTest, DefaultProfileFromBothFiles) {
  Result<ProfileSettings> p = LoadProfile(kDefaultProfile, kFiles);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "default");
  ASSERT_TRUE(p->credentials.has_value());
  EXPECT_EQ(p->credentials->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(p->credentials->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(p->credentials->session_token, std::nullopt);
  EXPECT_EQ(p->region, "eu-west-1");
  EXPECT_EQ(p->s3_addressing_style, "path");
  EXPECT_EQ(p->endpoint_url, std::nullopt);
}

TEST(LoadProfileTest, CaseBlanksDelimitersAndCrlf) {
  Result<ProfileSettings> p = LoadProfile("prod", kFiles);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(p->credentials.has_value());
  EXPECT_EQ(p->credentials->access_key_id, "ASIAPRODEXAMPLE");
  EXPECT_EQ(p->credentials->secret_access_key, "prod/secret:with=delims");
  EXPECT_EQ(p->credentials->session_token, "FwoGZXIvYXdzEXAMPLE");
  EXPECT_EQ(p->region, "us-east-2");
  // No inline comments, as in the AWS CLI.
  EXPECT_EQ(p->endpoint_url, "https://minio.internal:9000  # not a comment");
  EXPECT_EQ(p->s3_endpoint_url, "http://localhost:9000");
}

TEST(LoadProfileTest, RoleSettingsAndConfigFileKeys) {
  Result<ProfileSettings> assume = LoadProfile("assume", kFiles);
  ASSERT_TRUE(assume.ok());
  EXPECT_EQ(assume->credentials, std::nullopt);
  EXPECT_EQ(assume->role_arn, "arn:aws:iam::123456789012:role/backup");
  EXPECT_EQ(assume->source_profile, "prod");
  EXPECT_EQ(assume->role_session_name, "strata");
  EXPECT_EQ(assume->web_identity_token_file, "/var/run/secrets/token");
  EXPECT_EQ(assume->credential_process, "/usr/bin/fetch-creds --profile x");

  Result<ProfileSettings> in_config = LoadProfile("inline", kFiles);
  ASSERT_TRUE(in_config.ok());
  ASSERT_TRUE(in_config->credentials.has_value());
  EXPECT_EQ(in_config->credentials->access_key_id, "AKIAINLINE");
}

TEST(LoadProfileTest, CredentialsFileWinsAsAWhole) {
  SharedConfigContents files{
      "[p]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s1\n",
      "[profile p]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = s2\n"
      "aws_session_token = t2\nregion = r\n"};
  Result<ProfileSettings> p = LoadProfile("p", files);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->credentials->access_key_id, "FROMCREDS");
  EXPECT_EQ(p->credentials->session_token, std::nullopt);
  EXPECT_EQ(p->region, "r");
}

TEST(LoadProfileTest, ProfileDefaultSectionWinsOverDefault) {
  SharedConfigContents files{std::nullopt,
                             "[profile default]\nregion = a\n[default]\nregion = b\n"};
  EXPECT_EQ(LoadProfile("default", files)->region, "a");
  SharedConfigContents quoted{std::nullopt, "[profile \"my team\"]\nregion = q\n"};
  EXPECT_EQ(LoadProfile("my team", quoted)->region, "q");
}

TEST(LoadProfileTest, RegionInCredentialsFileIsIgnored) {
  SharedConfigContents files{"[x]\nregion = us-west-1\n", std::nullopt};
  Result<ProfileSettings> p = LoadProfile("x", files);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->region, std::nullopt);
}

TEST(LoadProfileTest, MissingProfileListsKnownOnes) {
  Status s = LoadProfile("nope", kFiles).status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("\"default\", \"prod\", \"assume\", \"inline\""), std::string::npos)
      << s.message();
  EXPECT_EQ(LoadProfile("default", SharedConfigContents{}).status().code(), StatusCode::kNotFound);
  // "profile" sections of the credentials file are not special.
  EXPECT_EQ(LoadProfile("x", {"[profile x]\n", std::nullopt}).status().code(),
            StatusCode::kNotFound);
}

TEST(LoadProfileTest, MalformedFilesAreInvalidArgumentWithoutContent) {
  const std::string_view secret = "SuperSecretValue";
  for (std::string bad : {
           "aws_secret_access_key = SuperSecretValue\n[default]\n",  // key before a section
           "[default]\nSuperSecretValue\n",                          // neither key nor header
           "[default]\n= SuperSecretValue\n",                        // empty key
           "[default\naws_secret_access_key = SuperSecretValue\n",   // broken header
           "[]\n",
           "[default]\nregion = a\n[default]\n",                     // duplicate section
           "[default]\nREGION = SuperSecretValue\nregion = b\n",     // duplicate key
       }) {
    Status s = LoadProfile("default", {bad, std::nullopt}).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().find(secret), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("AWS credentials file line "), std::string::npos) << s.message();
  }
  Status cfg = LoadProfile("default", {std::nullopt, "[default]\n\nbroken line\n"}).status();
  EXPECT_EQ(cfg.message(), "AWS config file line 3: expected key = value");
}

TEST(LoadProfileTest, HalfACredentialPairIsAnError) {
  Status s = LoadProfile("p", {"[p]\naws_access_key_id = AKID\n", std::nullopt}).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  Status t = LoadProfile("p", {std::nullopt, "[profile p]\naws_secret_access_key = x\n"}).status();
  EXPECT_EQ(t.code(), StatusCode::kInvalidArgument);
}

TEST(LoadProfileTest, CommentsAndContinuations) {
  SharedConfigContents files{
      std::nullopt,
      "  # indented comment\n"
      "[profile c]\n"
      "; comment\n"
      "region = r1\n"
      "  # comment inside does not end the section\n"
      "s3 =\n"
      "  addressing_style = virtual\n"
      "\tuse_accelerate_endpoint = false\n"};
  Result<ProfileSettings> p = LoadProfile("c", files);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->region, "r1");
  EXPECT_EQ(p->s3_addressing_style, "virtual");
}

TEST(LoadProfileTest, PrintingRedactsSecrets) {
  Result<ProfileSettings> p = LoadProfile("prod", kFiles);
  ASSERT_TRUE(p.ok());
  std::ostringstream os;
  os << *p;
  const std::string printed = os.str() + ::testing::PrintToString(*p);
  EXPECT_EQ(printed.find("prod/secret"), std::string::npos);
  EXPECT_EQ(printed.find("FwoGZXIvYXdzEXAMPLE"), std::string::npos);
  EXPECT_NE(printed.find("region=\"us-east-2\""), std::string::npos);
}

}  // namespace
}  // namespace strata::s3
