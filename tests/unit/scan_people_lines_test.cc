// people.jsonl is written a chunk at a time (scan/people_lines.h): people of one record
// rendered straight from the records blob, the others folded in record order and
// slotted in at their last record. On generated record streams (people whose records
// straddle chunks, lone records, duplicate identifiers, text that needs escaping) the
// bytes and the counts must be those of feeding every record through
// EntityResolver::Feed and AppendPerson, whatever the chunk boundaries, whether the
// chunks are all split before any is folded (the reader far ahead) or one by one, and
// whether their people are folded by one folder or by two or three side by side.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/json_text.h"
#include "report/writers.h"
#include "resolve/entity_resolver.h"
#include "scan/chunk_codec.h"
#include "scan/people_lines.h"

namespace breachscope::scan {
namespace {

struct Stream {
  std::vector<resolve::RecordSummary> records;
  std::vector<size_t> chunk_ends;     // record index after each chunk
  std::vector<uint32_t> chunk_source;  // the path of each chunk's records
  std::vector<std::string> paths;
};

redact::Fingerprint Fp(uint32_t n) {
  redact::Fingerprint fp{};
  for (size_t i = 0; i < fp.size(); ++i) fp[i] = static_cast<uint8_t>((n * 2654435761u) >> (i % 4 * 8)) ^ i;
  return fp;
}

Stream Generate(uint32_t seed, int records, int chunks) {
  std::mt19937 rng(seed);
  const std::vector<std::string> firsts = {"Ann", "Bob", "Carla", "D\"ave", "Émile", "Fay", "Gus", "Hana"};
  const std::vector<std::string> lasts = {"Ng", "Okafor", "Price", "Quinn\\", "Reyes", "Stone"};
  Stream s;
  for (int i = 0; i < 5; ++i) s.paths.push_back("share/export " + std::to_string(i) + (i == 3 ? "\t\"x\".csv" : ".csv"));
  // Chunk boundaries at random record counts (some chunks empty of repeats).
  std::vector<size_t> cuts;
  for (int c = 1; c < chunks; ++c) cuts.push_back(rng() % records);
  cuts.push_back(records);
  std::sort(cuts.begin(), cuts.end());
  s.chunk_ends = cuts;
  for (size_t c = 0; c < cuts.size(); ++c) s.chunk_source.push_back(rng() % s.paths.size());
  size_t chunk = 0;
  for (int i = 0; i < records; ++i) {
    while (static_cast<size_t>(i) >= s.chunk_ends[chunk]) ++chunk;
    resolve::RecordSummary r;
    r.source = s.chunk_source[chunk];
    // A third of the records belong to 40 recurring people (same SSN): their records
    // are spread over the whole stream, across chunk edges.
    const bool recurring = rng() % 3 == 0;
    const uint32_t who = recurring ? rng() % 40 : 1000 + i;
    r.first = firsts[who % firsts.size()];
    r.last = lasts[who % lasts.size()];
    r.types = Bit(PiiType::kName);
    if (rng() % 4) {
      r.identifiers.emplace_back(PiiType::kSsn, Fp(who));
      r.types |= Bit(PiiType::kSsn);
      if (rng() % 5 == 0) r.identifiers.emplace_back(PiiType::kSsn, Fp(who));  // the same SSN twice
    }
    if (rng() % 3 == 0) {
      r.identifiers.emplace_back(PiiType::kPassport, Fp(who * 7 + rng() % 2));
      r.types |= Bit(PiiType::kPassport);
    }
    if (rng() % 2) {
      r.dob = "19" + std::to_string(50 + who % 40) + "-0" + std::to_string(1 + who % 9) + "-1" + std::to_string(who % 10);
      r.types |= Bit(PiiType::kDob);
    }
    if (rng() % 2) {
      r.email = "p" + std::to_string(who) + "@example.com";
      r.types |= Bit(PiiType::kEmail);
    }
    if (rng() % 3 == 0) r.phone = "555-01" + std::to_string(10 + who % 90);
    if (rng() % 2) {
      r.street = std::to_string(10 + who) + " Elm St";
      if (rng() % 2) r.city = "Springfield";
      if (rng() % 2) r.state = who % 2 ? "IL" : "OR";
      if (rng() % 2) r.zip = "6270" + std::to_string(who % 10);
    } else if (rng() % 4 == 0) {
      r.state = "TX";
    }
    s.records.push_back(std::move(r));
  }
  return s;
}

void Build(resolve::EntityResolver& people, const Stream& s) {
  people.set_threads(1);
  people.AddRecords(static_cast<uint32_t>(s.records.size()));
  for (size_t i = 0; i < s.records.size(); ++i) people.AddRecord(static_cast<uint32_t>(i), s.records[i]);
  people.Finalize();
}

struct Output {
  std::string text;
  uint64_t individuals = 0, state_unknown = 0;
  std::map<std::string, uint64_t> by_state;
};

// Every record through Feed, every person through AppendPerson: the write phase before
// people_lines.
Output Reference(const Stream& s) {
  resolve::EntityResolver people;
  Build(people, s);
  Output out;
  for (size_t i = 0; i < s.records.size(); ++i) {
    resolve::RecordSummary r = s.records[i];
    people.Feed(static_cast<uint32_t>(i), std::move(r), [&](uint32_t p, resolve::Person&& person) {
      report::AppendPerson(out.text, p + 1, person, s.paths);
      if (person.Counted()) {
        ++out.individuals;
        if (person.state.empty()) ++out.state_unknown;
        else ++out.by_state[person.state];
      }
    });
  }
  return out;
}

// `parts` folders, each fed its part of every chunk; with two, part 1 on a thread of its
// own beside part 0, as the scan does.
Output ByChunks(const Stream& s, bool split_all_first, uint32_t parts, size_t* folded_people) {
  resolve::EntityResolver people;
  Build(people, s);
  std::vector<std::unique_ptr<resolve::EntityResolver::Folder>> folders;
  for (uint32_t k = 0; k < parts; ++k) folders.push_back(std::make_unique<resolve::EntityResolver::Folder>(people));
  std::vector<std::string> source_json(s.paths.size());
  for (size_t i = 0; i < s.paths.size(); ++i) AppendJsonString(source_json[i], s.paths[i]);
  std::vector<std::string> blobs;
  size_t from = 0;
  for (size_t end : s.chunk_ends) {
    std::vector<resolve::RecordSummary> chunk(s.records.begin() + from, s.records.begin() + end);
    EncodeRecords(chunk, blobs.emplace_back());
    from = end;
  }
  std::vector<PeopleChunk> chunks(blobs.size());
  auto split = [&](size_t c) {
    const uint32_t first = static_cast<uint32_t>(c ? s.chunk_ends[c - 1] : 0);
    EXPECT_TRUE(SplitPeople(blobs[c], first, s.chunk_source[c], people, source_json, parts, chunks[c]).ok());
  };
  if (split_all_first)
    for (size_t c = 0; c < chunks.size(); ++c) split(c);
  Output out;
  report::LineBuffer text;
  *folded_people = 0;
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (!split_all_first) split(c);
    std::vector<Status> status(parts);
    std::vector<std::thread> threads;
    for (uint32_t k = 1; k < parts; ++k)
      threads.emplace_back([&, k] { status[k] = FoldPeople(*folders[k], source_json, chunks[c], k, parts); });
    status[0] = FoldPeople(*folders[0], source_json, chunks[c], 0, parts);
    for (auto& t : threads) t.join();
    for (const Status& st : status) EXPECT_TRUE(st.ok());
    for (const auto& part : chunks[c].parts) *folded_people += part.ends.size();
    EXPECT_TRUE(MergePeople(chunks[c], [&](std::string_view bytes) {
                  char* p = text.Reserve(bytes.size());
                  std::copy(bytes.begin(), bytes.end(), p);
                  text.Commit(p + bytes.size());
                  return Status::Ok();
                }).ok());
    out.individuals += chunks[c].individuals;
    out.state_unknown += chunks[c].state_unknown;
    for (const auto& [state, n] : chunks[c].by_state) out.by_state[state] += n;
  }
  out.text = std::string(text.view());
  return out;
}

TEST(PeopleLines, SameBytesAndCountsAsFeedingEveryRecord) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const Stream s = Generate(seed, 400 + seed * 50, 1 + static_cast<int>(seed % 7) * 3);
    const Output want = Reference(s);
    for (auto [split_all_first, parts] : {std::pair{false, 1u}, {true, 1u}, {false, 2u}, {true, 2u}, {false, 3u}}) {
      size_t folded = 0;
      const Output got = ByChunks(s, split_all_first, parts, &folded);
      ASSERT_EQ(got.text, want.text) << "seed " << seed << ", parts " << parts;
      EXPECT_EQ(got.individuals, want.individuals);
      EXPECT_EQ(got.state_unknown, want.state_unknown);
      EXPECT_EQ(got.by_state, want.by_state);
      // The streams do exercise both paths: people of several records, folded and
      // slotted in, and lone records rendered from the blob.
      EXPECT_GT(folded, 10u) << "seed " << seed;
      EXPECT_LT(folded * 2, s.records.size()) << "seed " << seed;
    }
  }
}

TEST(PeopleLines, TruncatedRecordsAreAnError) {
  const Stream s = Generate(5, 50, 1);
  resolve::EntityResolver people;
  Build(people, s);
  std::vector<std::string> source_json = {"\"a\"", "\"b\"", "\"c\"", "\"d\"", "\"e\""};
  std::string blob;
  EncodeRecords(s.records, blob);
  PeopleChunk chunk;
  EXPECT_FALSE(SplitPeople(std::string_view(blob).substr(0, blob.size() - 3), 0, 0, people, source_json, 1, chunk).ok());
}

}  // namespace
}  // namespace breachscope::scan
