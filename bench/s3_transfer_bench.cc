// S3 transfer throughput: strata's S3 store vs. the AWS CLI, on the same file, the same
// server and the same part size and concurrency, in one run. Uploads and downloads a file
// (1 GiB by default) with each, checks the downloads, prints MB/s of each, the ratios and
// strata's peak RSS.
//
//   s3_transfer_bench --endpoint URL --bucket B --access-key K --secret-key S
//                     [--region R] [--size-mib 1024] [--part-mib 8] [--parallel 4]
//                     [--aws /usr/bin/aws] [--work DIR]
//   s3_transfer_bench --put-only MIB --object-mib 64 --parallel 4 (+ the endpoint flags)
//
// --put-only: no AWS CLI; PUTs MIB MiB as objects of --object-mib each, from one buffer in
// memory, `--parallel` at a time, each with its CRC-32C as a backup's segments are sent,
// and prints MB/s and the CPU seconds this client used. The light client shows what the
// server itself can take in (bench/kafka_backup.sh --repo s3 runs it as the ceiling).
//
// strata uploads with S3Store::NewWriter (parallel multipart, bounded memory) fed from
// the file in 1 MiB reads, and downloads with parallel ranged GETs of one part each,
// written in place with pwrite. The AWS CLI runs `aws s3 cp` both ways with
// s3.multipart_chunksize = part size and s3.max_concurrent_requests = parallelism.
// bench/s3_transfer.sh runs this against a private versitygw.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/crc32c.h"
#include "storage/s3/s3_opener.h"

namespace {

using strata::Status;
using strata::s3::S3Store;
using strata::storage::ObjectKey;

constexpr std::size_t kMiB = 1 << 20;
constexpr std::size_t kReadChunk = kMiB;
constexpr double kMB = 1e6;

struct Args {
  std::map<std::string, std::string> values;
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "s3_transfer_bench: " << what << "\n";
  std::exit(1);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // KiB on Linux
}

// Writes `size` bytes of a cheap pseudo-random stream (incompressible enough) to `path`.
void MakeInput(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  std::vector<uint64_t> block(kMiB / sizeof(uint64_t));
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (std::size_t done = 0; done < size; done += kMiB) {
    for (uint64_t& w : block) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      w = x;
    }
    out.write(reinterpret_cast<const char*>(block.data()),
              static_cast<std::streamsize>(std::min(kMiB, size - done)));
  }
  if (!out) Die("cannot write " + path);
}

bool SameFiles(const std::string& a, const std::string& b) {
  std::ifstream x(a, std::ios::binary);
  std::ifstream y(b, std::ios::binary);
  std::vector<char> bx(kMiB);
  std::vector<char> by(kMiB);
  while (x && y) {
    x.read(bx.data(), static_cast<std::streamsize>(bx.size()));
    y.read(by.data(), static_cast<std::streamsize>(by.size()));
    if (x.gcount() != y.gcount() ||
        !std::equal(bx.begin(), bx.begin() + x.gcount(), by.begin())) {
      return false;
    }
  }
  return x.eof() && y.eof();
}

Status Upload(S3Store& store, const ObjectKey& key, const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return strata::NotFoundError("cannot open " + path);
  STRATA_ASSIGN_OR_RETURN(auto writer, store.NewWriter(key));
  std::vector<char> buffer(kReadChunk);
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      close(fd);
      return strata::UnavailableError("read failed");
    }
    if (n == 0) break;
    Status s = writer->Append(strata::ByteView(buffer.data(), static_cast<std::size_t>(n)));
    if (!s.ok()) {
      close(fd);
      return s;
    }
  }
  close(fd);
  return writer->Commit().status();
}

// Parallel ranged GETs of one part each, written in place.
Status Download(S3Store& store, const ObjectKey& key, const std::string& path,
                std::size_t part_size, int parallel) {
  STRATA_ASSIGN_OR_RETURN(auto info, store.Head(key));
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return strata::UnavailableError("cannot create " + path);
  const std::size_t parts = (info.size + part_size - 1) / part_size;
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  Status failure;
  std::vector<std::thread> threads;
  for (int t = 0; t < parallel; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < parts; i = next++) {
        auto data = store.GetRange(key, {i * part_size, part_size});
        Status s = data.status();
        if (data.ok() && pwrite(fd, data->data(), data->size(),
                                static_cast<off_t>(i * part_size)) !=
                             static_cast<ssize_t>(data->size())) {
          s = strata::UnavailableError("pwrite failed");
        }
        if (!s.ok()) {
          std::lock_guard lock(mu);
          if (failure.ok()) failure = s;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  close(fd);
  return failure;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// --put-only: parallel single PUTs of one in-memory buffer under distinct keys.
int PutOnly(S3Store& store, std::size_t total, std::size_t object_size, int parallel) {
  std::vector<uint64_t> words(object_size / sizeof(uint64_t) + 1);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (uint64_t& w : words) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    w = x;
  }
  const strata::ByteView data(reinterpret_cast<const char*>(words.data()), object_size);
  const uint32_t crc = strata::Crc32c(data);
  const std::size_t objects = (total + object_size - 1) / object_size;
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  Status failure;
  const double cpu0 = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < parallel; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < objects; i = next++) {
        Status s = store.Put(ObjectKey("put-only/" + std::to_string(i)), data,
                             strata::storage::WriteOptions{.if_absent = true, .crc32c = crc});
        if (!s.ok()) {
          std::lock_guard lock(mu);
          if (failure.ok()) failure = s;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = Seconds(start);
  const double cpu = CpuSeconds() - cpu0;
  if (!failure.ok()) Die(failure.ToString());
  const double bytes = static_cast<double>(objects * object_size);
  std::printf("put-only %zu objects of %zu MiB, %d parallel: %.1f MB/s (%.2f s), client CPU %.2f s/GiB\n",
              objects, object_size / kMiB, parallel, bytes / kMB / seconds, seconds,
              cpu / (bytes / (1 << 30)));
  for (std::size_t i = 0; i < objects; ++i) {
    store.Delete(ObjectKey("put-only/" + std::to_string(i))).IgnoreError();
  }
  return 0;
}

int Run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Report(const char* what, double strata_s, double cli_s, std::size_t bytes) {
  const double strata_mbs = static_cast<double>(bytes) / kMB / strata_s;
  const double cli_mbs = static_cast<double>(bytes) / kMB / cli_s;
  std::printf("%-9s strata %8.1f MB/s (%6.2f s)   aws cli %8.1f MB/s (%6.2f s)   ratio %.2fx\n",
              what, strata_mbs, strata_s, cli_mbs, cli_s, strata_mbs / cli_mbs);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) args.values[argv[i]] = argv[i + 1];
  const std::string endpoint = args.Get("--endpoint");
  const std::string bucket = args.Get("--bucket");
  if (endpoint.empty() || bucket.empty()) Die("--endpoint and --bucket are required");
  const std::size_t size = std::stoull(args.Get("--size-mib", "1024")) * kMiB;
  const std::size_t part = std::stoull(args.Get("--part-mib", "8")) * kMiB;
  const int parallel = std::stoi(args.Get("--parallel", "4"));
  const std::string aws = args.Get("--aws", "aws");
  const std::string work = args.Get("--work", "/tmp");
  const std::string input = work + "/s3bench.in";

  strata::s3::S3Config config;
  config.endpoint = endpoint;
  config.region = args.Get("--region", "us-east-1");
  config.access_key_id = args.Get("--access-key");
  config.secret_access_key = args.Get("--secret-key");
  config.environment = strata::s3::AwsEnvironment::Fixed({});
  config.part_size = part;
  config.parallel_parts = parallel;
  auto opened = strata::s3::OpenS3Store("s3://" + bucket + "/bench", config);
  if (!opened.ok()) Die(opened.status().ToString());
  S3Store& store = **opened;
  if (const std::string put_only = args.Get("--put-only"); !put_only.empty()) {
    return PutOnly(store, std::stoull(put_only) * kMiB,
                   std::stoull(args.Get("--object-mib", "64")) * kMiB, parallel);
  }

  std::printf("file %zu MiB, part %zu MiB, %d parallel, endpoint %s\n", size / kMiB,
              part / kMiB, parallel, endpoint.c_str());
  MakeInput(input, size);
  const long rss_before = PeakRssMiB();

  auto start = std::chrono::steady_clock::now();
  if (Status s = Upload(store, ObjectKey("strata.bin"), input); !s.ok()) Die(s.ToString());
  const double strata_up = Seconds(start);
  start = std::chrono::steady_clock::now();
  if (Status s = Download(store, ObjectKey("strata.bin"), work + "/strata.out", part, parallel);
      !s.ok()) {
    Die(s.ToString());
  }
  const double strata_down = Seconds(start);
  const long strata_rss = PeakRssMiB();
  if (!SameFiles(input, work + "/strata.out")) Die("strata's download differs from the input");

  const std::string config_file = work + "/aws-config";
  std::ofstream(config_file) << "[default]\nregion = " << *config.region
                             << "\ns3 =\n  addressing_style = path\n  multipart_threshold = "
                             << part / kMiB << "MB\n  multipart_chunksize = " << part / kMiB
                             << "MB\n  max_concurrent_requests = " << parallel << "\n";
  const std::string cli = "env AWS_CONFIG_FILE=" + config_file +
                          " AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_ACCESS_KEY_ID=" +
                          *config.access_key_id + " AWS_SECRET_ACCESS_KEY=" +
                          *config.secret_access_key + " AWS_EC2_METADATA_DISABLED=true " + aws +
                          " --endpoint-url " + endpoint + " --only-show-errors s3 cp ";
  const std::string remote = "s3://" + bucket + "/bench/cli.bin";
  start = std::chrono::steady_clock::now();
  if (Run(cli + input + " " + remote) != 0) Die("aws s3 cp (upload) failed");
  const double cli_up = Seconds(start);
  start = std::chrono::steady_clock::now();
  if (Run(cli + remote + " " + work + "/cli.out") != 0) Die("aws s3 cp (download) failed");
  const double cli_down = Seconds(start);
  if (!SameFiles(input, work + "/cli.out")) Die("the AWS CLI's download differs from the input");

  Report("upload", strata_up, cli_up, size);
  Report("download", strata_down, cli_down, size);
  std::printf("strata peak RSS %ld MiB (%ld MiB before the transfers; limit 256 MiB)\n",
              strata_rss, rss_before);

  store.Delete(ObjectKey("strata.bin")).IgnoreError();
  store.Delete(ObjectKey("cli.bin")).IgnoreError();
  for (const char* f : {"/s3bench.in", "/strata.out", "/cli.out"}) std::remove((work + f).c_str());
  return 0;
}
