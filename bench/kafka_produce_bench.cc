// kafka_produce_bench: librdkafka's producer alone, as the baseline of the restore
// benchmark (bench/kafka_restore.sh). Produces N records round-robin over P partitions:
// key "k<i>", a 1 KiB value taken from a fixed pool of pseudo-random values, with
// idempotence and acks=all and the producer settings given with -X. Values are not
// copied (librdkafka points at the pool), which is the cheapest way to produce with
// librdkafka; the same records go into the topic strata restores from, so both produce
// exactly the same bytes. Prints the elapsed seconds when every record is acknowledged.
//
//   kafka_produce_bench BOOTSTRAP TOPIC PARTITIONS RECORDS [-X key=value ...]
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr size_t kValueBytes = 1024;
constexpr size_t kPool = 4096;  // distinct values (4 MiB)

std::atomic<long long> failed{0};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (failed.fetch_add(1) == 0) std::fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
  }
}

bool Set(rd_kafka_conf_t* conf, const std::string& k, const std::string& v) {
  char err[512];
  if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "%s: %s\n", k.c_str(), err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC PARTITIONS RECORDS [-X key=value ...]\n", argv[0]);
    return 2;
  }
  const std::string topic = argv[2];
  const int partitions = std::atoi(argv[3]);
  const long long records = std::atoll(argv[4]);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = Set(conf, "bootstrap.servers", argv[1]) && Set(conf, "enable.idempotence", "true") &&
            Set(conf, "acks", "all") && Set(conf, "message.timeout.ms", "0");
  for (int i = 5; ok && i + 1 < argc; i += 2) {
    std::string kv = argv[i + 1];
    size_t eq = kv.find('=');
    ok = std::strcmp(argv[i], "-X") == 0 && eq != std::string::npos && Set(conf, kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!ok) return 2;
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "%s\n", err);
    return 1;
  }
  std::vector<char> pool(kPool * kValueBytes);
  unsigned long long x = 0x9E3779B97F4A7C15ull;
  for (char& c : pool) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>('a' + (x % 16));  // text-like, about 4 bits of entropy per byte
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  for (long long i = 0; i < records; ++i) {
    std::string key = "k" + std::to_string(i);
    char* value = pool.data() + (i % kPool) * kValueBytes;
    while (rd_kafka_produce(rkt, static_cast<int32_t>(i % partitions), 0, value, kValueBytes, key.data(), key.size(),
                            nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 10);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  if (failed.load() > 0) {
    std::fprintf(stderr, "%lld records failed\n", failed.load());
    return 1;
  }
  std::printf("%.3f\n", seconds);
  return 0;
}
