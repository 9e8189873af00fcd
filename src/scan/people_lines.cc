// scan/people_lines.cc — people.jsonl a chunk at a time: one-record people rendered
// straight from the blob, the others folded in record order and slotted in. Why:
// folding every record through RecordSummary and Person was the write phase's longest
// thread on a dense case, where nearly every person has one record.
#include "scan/people_lines.h"

#include <cstring>

#include "scan/chunk_codec.h"

namespace breachscope::scan {

void PeopleChunk::Clear() {
  text.clear();
  slots.clear();
  slot_person.clear();
  fold.clear();
  for (Part& p : parts) {
    p.text.clear();
    p.ends.clear();
    p.individuals = p.state_unknown = 0;
    p.by_state.clear();
  }
  individuals = state_unknown = 0;
  by_state.clear();
}

Status SplitPeople(std::string_view records_blob, uint32_t first_record, uint32_t source,
                   const resolve::EntityResolver& people, const std::vector<std::string>& source_json,
                   uint32_t parts, PeopleChunk& chunk) {
  chunk.Clear();
  chunk.parts.resize(parts);
  RecordReader reader(records_blob);
  report::RecordView v;
  for (uint32_t record = first_record; reader.Next(v); ++record) {
    if (people.AloneInPerson(record)) {
      report::RenderRecordPerson(chunk.text, uint64_t{people.PersonOf(record)} + 1, v, source_json[source]);
      if (v.types & ~Bit(PiiType::kName)) {  // Person::Counted
        ++chunk.individuals;
        if (v.state.empty()) ++chunk.state_unknown;
        else if (auto it = chunk.by_state.find(v.state); it != chunk.by_state.end()) ++it->second;
        else chunk.by_state.emplace(std::string(v.state), 1);  // a string only for a new state
      }
      continue;
    }
    auto& [id, summary] = chunk.fold.emplace_back();
    id = record;
    ToSummary(v, summary);
    summary.source = source;
    if (people.LastOfPerson(record)) {
      chunk.slots.push_back(chunk.text.size());
      chunk.slot_person.push_back(people.PersonOf(record));
    }
  }
  if (!reader.ok()) return InternalError("case database: a chunk's record summaries are truncated");
  return Status::Ok();
}

Status FoldPeople(resolve::EntityResolver::Folder& folder, const std::vector<std::string>& source_json,
                  PeopleChunk& chunk, uint32_t part, uint32_t parts) {
  if (chunk.parts.size() != parts || part >= parts) return InternalError("people: a chunk split in other parts");
  PeopleChunk::Part& out = chunk.parts[part];
  out.text.clear();
  out.ends.clear();
  out.individuals = out.state_unknown = 0;
  out.by_state.clear();
  auto emit = [&](uint32_t p, resolve::Person&& person) {
    report::RenderPerson(out.text, uint64_t{p} + 1, person, source_json);
    out.ends.push_back(out.text.size());
    if (person.Counted()) {
      ++out.individuals;
      if (person.state.empty()) ++out.state_unknown;
      else ++out.by_state[person.state];
    }
  };
  size_t expected = 0;
  for (uint32_t p : chunk.slot_person) expected += p % parts == part;
  for (auto& [record, summary] : chunk.fold) {
    if (folder.PersonOf(record) % parts != part) continue;  // another part's person
    folder.Feed(record, std::move(summary), emit);
  }
  if (out.ends.size() != expected)
    return InternalError("people: the people folded from a chunk do not match its people's last records");
  return Status::Ok();
}

Status MergePeople(PeopleChunk& chunk, const std::function<Status(std::string_view)>& write) {
  const std::string_view text = chunk.text.view();
  const uint32_t parts = static_cast<uint32_t>(chunk.parts.size());
  std::vector<size_t> next(parts, 0), line_from(parts, 0);
  size_t from = 0;
  for (size_t i = 0; i < chunk.slots.size(); ++i) {
    if (chunk.slots[i] > from) BS_RETURN_IF_ERROR(write(text.substr(from, chunk.slots[i] - from)));
    from = chunk.slots[i];
    const uint32_t k = chunk.slot_person[i] % parts;
    PeopleChunk::Part& part = chunk.parts[k];
    const size_t end = part.ends[next[k]++];
    BS_RETURN_IF_ERROR(write(part.text.view().substr(line_from[k], end - line_from[k])));
    line_from[k] = end;
  }
  if (text.size() > from) BS_RETURN_IF_ERROR(write(text.substr(from)));
  for (const PeopleChunk::Part& part : chunk.parts) {
    chunk.individuals += part.individuals;
    chunk.state_unknown += part.state_unknown;
    for (const auto& [state, n] : part.by_state) chunk.by_state[state] += n;
  }
  return Status::Ok();
}

}  // namespace breachscope::scan
