// The write phase renders findings.jsonl and people.jsonl through RenderFinding and
// RenderPerson (a raw cursor into a LineBuffer, escape-free strings copied whole); the
// contract's bytes are those of AppendFindingPath/Head/Tail and AppendPerson. Random
// rows and people (strings that need escaping, control bytes, invalid UTF-8, every
// location field on or off) must render to exactly the same bytes both ways.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/json_text.h"
#include "report/writers.h"

namespace breachscope::report {
namespace {

std::string RandomText(std::mt19937& rng, size_t max_len) {
  // Mostly plain ASCII; sometimes quotes, backslashes, control bytes, UTF-8 and bytes
  // that are not UTF-8.
  static const std::vector<std::string> kOdd = {"\"", "\\", "\n", "\t", "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac",
                                                "\xff", "\xc3", "/", "<", "\x7f"};
  std::string s;
  size_t n = rng() % (max_len + 1);
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 12 == 0) s += kOdd[rng() % kOdd.size()];
    else s += static_cast<char>(' ' + rng() % 95);
  }
  return s;
}

redact::Fingerprint RandomFingerprint(std::mt19937& rng) {
  redact::Fingerprint fp;
  for (auto& b : fp) b = static_cast<uint8_t>(rng());
  return fp;
}

uint64_t RandomNumber(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0: return 0;
    case 1: return rng() % 10;
    case 2: return rng();
    default: return (static_cast<uint64_t>(rng()) << 32) | rng();
  }
}

TEST(RenderFinding, SameBytesAsTheAppendFunctions) {
  std::mt19937 rng(7);
  LineBuffer fast;
  std::string reference;
  for (int i = 0; i < 20000; ++i) {
    std::string path_json, decoders_json = rng() % 2 ? "[]" : "[\"base64\", \"gzip\"]";
    AppendJsonString(path_json, RandomText(rng, 80));
    const PiiType type = kAllPiiTypes[rng() % kPiiTypeCount];
    const redact::Fingerprint hash = RandomFingerprint(rng);
    const std::string masked = RandomText(rng, 30);
    const float confidence = static_cast<float>(rng() % 1000) / 997.0f;
    const char* code_system = rng() % 3 == 0 ? (rng() % 2 ? "icd10" : "icd9") : nullptr;
    Location loc;
    loc.page = rng() % 3 ? 0 : static_cast<uint32_t>(rng());
    if (rng() % 4 == 0) loc.sheet = RandomText(rng, 12);
    loc.row = RandomNumber(rng);
    loc.line = RandomNumber(rng);
    if (rng() % 2) loc.column = RandomText(rng, 3);
    loc.segment = RandomNumber(rng);
    if (rng() % 4 == 0) loc.loop = RandomText(rng, 6);
    loc.message = RandomNumber(rng);
    loc.offset = rng() % 2 ? -1 : static_cast<int64_t>(RandomNumber(rng) >> 1);
    const uint64_t record = RandomNumber(rng) % 100000000, person = RandomNumber(rng) % 100000000;

    AppendFindingPath(reference, path_json);
    AppendFindingHead(reference, type, hash, masked, decoders_json, confidence, code_system);
    AppendFindingTail(reference, loc, record, person);

    FindingView v;
    v.type = type;
    v.hash = hash.data();
    v.masked = masked;
    v.decoders_json = decoders_json;
    v.confidence = confidence;
    v.code_system = code_system;
    v.page = loc.page;
    v.sheet = loc.sheet;
    v.row = loc.row;
    v.line = loc.line;
    v.column = loc.column;
    v.segment = loc.segment;
    v.loop = loc.loop;
    v.message = loc.message;
    v.offset = loc.offset;
    v.record_id = record;
    v.person_id = person;
    RenderFinding(fast, path_json, v);
    ASSERT_EQ(fast.view(), reference) << "finding " << i;
    if (i % 100 == 99) fast.clear(), reference.clear();  // several lines a buffer, not all
  }
}

resolve::Person RandomPerson(std::mt19937& rng) {
  resolve::Person p;
  for (std::string* f : {&p.first, &p.last, &p.dob, &p.email, &p.phone, &p.street, &p.city, &p.state, &p.zip})
    if (rng() % 3) *f = RandomText(rng, 24);
  for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
    auto& fps = p.identifiers[kAllPiiTypes[rng() % kPiiTypeCount]];
    for (int j = static_cast<int>(rng() % 3) + 1; j > 0; --j) fps.push_back(RandomFingerprint(rng));
  }
  p.exposed = static_cast<PiiTypeSet>(rng() & ((1u << kPiiTypeCount) - 1));
  for (int k = static_cast<int>(rng() % 4); k > 0; --k) p.sources.push_back(rng() % 6);
  p.substitute_notice = rng() % 2;
  return p;
}

TEST(RenderPerson, SameBytesAsAppendPerson) {
  std::mt19937 rng(11);
  std::vector<std::string> paths, paths_json;
  for (int i = 0; i < 6; ++i) {
    paths.push_back(RandomText(rng, 60) + "/" + std::to_string(i));
    AppendJsonString(paths_json.emplace_back(), paths.back());
  }
  LineBuffer fast;
  std::string reference;
  for (int i = 0; i < 20000; ++i) {
    resolve::Person p = RandomPerson(rng);
    const uint64_t id = RandomNumber(rng) % 10000000 + 1;
    AppendPerson(reference, id, p, paths);
    RenderPerson(fast, id, p, paths_json);
    ASSERT_EQ(fast.view(), reference) << "person " << i;
    if (i % 100 == 99) fast.clear(), reference.clear();
  }
}

TEST(LineBuffer, GrowsKeepingItsBytes) {
  LineBuffer b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece(static_cast<size_t>(i % 700), static_cast<char>('a' + i % 26));
    char* p = b.Reserve(piece.size() + 10);
    std::copy(piece.begin(), piece.end(), p);
    b.Commit(p + piece.size());
    expected += piece;
  }
  EXPECT_EQ(b.view(), expected);
  b.clear();
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace breachscope::report
