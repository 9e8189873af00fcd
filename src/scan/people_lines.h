// scan/people_lines.h — people.jsonl, a chunk of records at a time.
//
// Most people of a dense case have one record (97% on the benchmark corpus): their line
// says what that record says, so it is rendered straight from the chunk's records blob
// (report::RenderRecordPerson), on any thread, without a RecordSummary or Person. Only
// the records of people of several records are decoded, for the one thread that folds
// them in record order (EntityResolver::Feed); each such person's line goes where its
// last record is, so the file's order is Feed's order: each person at its last record.
//
// Thread-safety: SplitPeople only reads the resolver (after Finalize) and may run on
// other threads while FoldPeople feeds it; FoldPeople calls are made in chunk order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "report/writers.h"
#include "resolve/entity_resolver.h"

namespace breachscope::scan {

// The people of several records are folded in `parts` (a person's records all in part
// person % parts), each part by its own EntityResolver::Folder, so that parts can be
// folded side by side; their lines are merged back in slot order.
struct PeopleChunk {
  report::LineBuffer text;   // the lines of the chunk's one-record people
  std::vector<size_t> slots;  // offsets in `text`, in order: where the next folded person's line goes
  std::vector<uint32_t> slot_person;  // the person whose line goes there
  std::vector<std::pair<uint32_t, resolve::RecordSummary>> fold;  // (record, summary) for Feed
  struct Part {
    report::LineBuffer text;   // the part's folded people's lines, in slot order
    std::vector<size_t> ends;  // of each line
    uint64_t individuals = 0, state_unknown = 0;
    std::map<std::string, uint64_t> by_state;
  };
  std::vector<Part> parts;
  // summary.json's counts of the chunk's people (MergePeople adds the parts').
  uint64_t individuals = 0, state_unknown = 0;
  std::map<std::string, uint64_t, std::less<>> by_state;  // found by string_view: no string per person
  void Clear();
};

// Reads a chunk's records blob (record ids first_record, first_record + 1, ...; all from
// the path source_json[source]) into `chunk` (cleared first), to be folded in `parts`.
Status SplitPeople(std::string_view records_blob, uint32_t first_record, uint32_t source,
                   const resolve::EntityResolver& people, const std::vector<std::string>& source_json,
                   uint32_t parts, PeopleChunk& chunk);
// Folds part `part` of `parts` of the chunk's records with `folder` (the part's own, fed
// every chunk in order) and renders the people it emits. An internal error when they are
// not one per slot of the part (Feed emits a person at its last record).
Status FoldPeople(resolve::EntityResolver::Folder& folder, const std::vector<std::string>& source_json,
                  PeopleChunk& chunk, uint32_t part, uint32_t parts);
// Hands the chunk's lines in order to `write` (runs of the one-record people's lines,
// the folded people's lines at their slots: no copy of the whole) and adds the parts'
// counts to the chunk's; the first failed write's status. Every part must be folded.
Status MergePeople(PeopleChunk& chunk, const std::function<Status(std::string_view)>& write);

}  // namespace breachscope::scan
