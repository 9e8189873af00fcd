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
  folded_text.clear();
  slots.clear();
  fold.clear();
  folded.clear();
  individuals = state_unknown = 0;
  by_state.clear();
}

Status SplitPeople(std::string_view records_blob, uint32_t first_record, uint32_t source,
                   const resolve::EntityResolver& people, const std::vector<std::string>& source_json,
                   PeopleChunk& chunk) {
  chunk.Clear();
  RecordReader reader(records_blob);
  report::RecordView v;
  for (uint32_t record = first_record; reader.Next(v); ++record) {
    if (people.AloneInPerson(record)) {
      report::RenderRecordPerson(chunk.text, uint64_t{people.PersonOf(record)} + 1, v, source_json[source]);
      if (v.types & ~Bit(PiiType::kName)) {  // Person::Counted
        ++chunk.individuals;
        if (v.state.empty()) ++chunk.state_unknown;
        else ++chunk.by_state[std::string(v.state)];
      }
      continue;
    }
    auto& [id, summary] = chunk.fold.emplace_back();
    id = record;
    ToSummary(v, summary);
    summary.source = source;
    if (people.LastOfPerson(record)) chunk.slots.push_back(chunk.text.size());
  }
  if (!reader.ok()) return InternalError("case database: a chunk's record summaries are truncated");
  return Status::Ok();
}

Status FoldPeople(resolve::EntityResolver& people, PeopleChunk& chunk) {
  chunk.folded.clear();
  auto emit = [&](uint32_t p, resolve::Person&& person) { chunk.folded.emplace_back(p, std::move(person)); };
  for (auto& [record, summary] : chunk.fold) people.Feed(record, std::move(summary), emit);
  if (chunk.folded.size() != chunk.slots.size())
    return InternalError("people: the people folded from a chunk do not match its people's last records");
  return Status::Ok();
}

Status MergePeople(PeopleChunk& chunk, const std::vector<std::string>& source_json,
                   const std::function<Status(std::string_view)>& write) {
  const std::string_view text = chunk.text.view();
  chunk.folded_text.clear();
  std::vector<size_t> ends;  // of each folded person's line in folded_text
  ends.reserve(chunk.folded.size());
  for (const auto& [p, person] : chunk.folded) {
    report::RenderPerson(chunk.folded_text, uint64_t{p} + 1, person, source_json);
    ends.push_back(chunk.folded_text.size());
    if (person.Counted()) {
      ++chunk.individuals;
      if (person.state.empty()) ++chunk.state_unknown;
      else ++chunk.by_state[person.state];
    }
  }
  const std::string_view lines = chunk.folded_text.view();
  size_t from = 0, line_from = 0;
  for (size_t i = 0; i < chunk.slots.size(); ++i) {
    if (chunk.slots[i] > from) BS_RETURN_IF_ERROR(write(text.substr(from, chunk.slots[i] - from)));
    from = chunk.slots[i];
    BS_RETURN_IF_ERROR(write(lines.substr(line_from, ends[i] - line_from)));
    line_from = ends[i];
  }
  if (text.size() > from) BS_RETURN_IF_ERROR(write(text.substr(from)));
  return Status::Ok();
}

}  // namespace breachscope::scan
