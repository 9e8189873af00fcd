// records/x12.h — ASC X12 health-care transactions read by their structure.
//
// Claims files (837P/837I/837D), enrolment (834), remittance (835), eligibility
// (270/271) and claim status (276/277) carry people in qualified elements: an NM1
// with entity code IL (subscriber/insured) or QC (patient) names them, NM108/NM109
// qualify their ids, DMG holds the birth date, N3/N4 the address, HI the
// diagnoses. Reading those elements by position and qualifier is exact where a text
// scanner would have to guess (a bare 9-digit REF*SY is an SSN, the same digits in
// REF*EI are an employer's EIN), so an X12 unit gets its candidates from here.
//
// Delimiters come from the ISA header (element separator = ISA's 4th character,
// repetition separator = ISA11 for version 00402+, component separator = ISA16,
// segment terminator = the character after ISA16; CR/LF after a terminator are
// skipped). A text that does not start with ISA (a later chunk of a big file) has
// its delimiters inferred from the segment tags it holds.
//
// Records: one record per person's loop —
//   837  HL*..*22 subscriber (2000B: 2010BA name; and the claim 2300/2400 when the
//        subscriber is the patient), HL*..*23 patient (2000C: 2010CA and its claim),
//        an other subscriber of a claim (SBR after CLM: 2320/2330A), a responsible
//        party (4010 NM1*QD).
//   834  each INS member (2000; 2100A NM1*IL, 2100C NM1*31 mailing address); custodial
//        parent / responsible person (2100F/G NM1*S3, E1, EI, EXS, GB, GD, J6, LR, QD)
//        each a record of their own. 2100B (NM1*70, "incorrect member name") holds the
//        superseded values a change corrects: not read, so that a record has one name
//        and one birth date.
//   835  each CLP claim's patient (2100 NM1*QC, NM1*74 corrected name); NM1*IL insured
//        and NM1*GB other subscriber of the claim are records of their own.
//   270/271  HL 22 subscriber (2000C/2100C NM1*IL), HL 23 dependent (2000D/2100D NM1*03).
//   276/277  HL 22 subscriber (2000D/2100D NM1*IL), HL 23 dependent (2000E/2100E NM1*QC).
// Organisations (NM102 = 2) and providers, payers, submitters and receivers (NM1*85,
// 82, PR, 41, 40, 1P, ...; N1 loops) are not breach subjects: their NM1 and the N3,
// N4, PER and REF after it yield nothing, whatever their entity type.
//
// Elements read (confidence 0.97 unless said):
//   NM103/NM104      name (0.9): canonical "first last" lowercase, ContactParts first/last
//   NM108/NM109      MI, II, ZZ, MR, HN, C -> health_id (mbi when the value is a valid MBI);
//                    34 -> ssn only when it passes the SSA rules. HN is a legacy HICN: its
//                    embedded SSN is the wage earner's, so it is never reported as an ssn.
//                    24 (EIN), XX (NPI), PI, 46, ... -> nothing.
//   REF*SY           ssn (validated); REF*0F, 1W, 23, F6, Q4 -> health_id. REF*1L (group or
//                    policy number) is shared by everyone in an employer's group: not a
//                    person's identifier, not reported. EJ (patient account), EA (medical
//                    record), D9, G2, 1K, ... -> nothing.
//   DMG*D8*CCYYMMDD  dob: a real date, not after today, at most 120 years back.
//   N3 + N4          address (0.95): street = N301 [+ " " + N302], city, state, ZIP5.
//   PER              TE/HP/WP/CP/BN -> phone (NANP-valid, 0.95); EM -> email (0.95); FX, EX
//                    (fax, extension) -> nothing.
//   HI               diagnosis: ABK/ABF/ABJ/APR/ABN (principal, other, admitting, reason for
//                    visit, external cause) -> code_system "icd10"; BK/BF/BJ/PR/BN -> "icd9";
//                    other qualifiers (BH occurrence, BE value, BG condition, BR/BQ/BBR/BBQ
//                    procedures, DR DRG, ...) -> nothing. Canonical with the code system's dot.
//                    Diagnoses belong to the claim's patient (HL 23 when present, else the
//                    subscriber); in 270/271 to the person of the loop.
//   NTE02, MSG01     free text: read by the generic scanner (detect/scanner.h, its own
//                    confidences); what it finds belongs to the person of the loop.
//
// Locations: segment = 1-based segment number counted from the text's first ISA (ISA =
// 1, continuing through later interchanges of the same text); 0 when the text does
// not start with an ISA and no X12State says where it is. loop = the loop id
// ("2010BA", "2300", ...).
//
// Big files (X12State, X12ChunkEnd): a file read in chunks gives exactly the findings,
// segment numbers, loops and records of a whole read when the caller cuts each chunk
// where X12ChunkEnd says (before a segment that opens a new person's loop: HL, ST, or
// INS in an 834, CLP in an 835) and hands the same X12State to every ReadX12 call of
// the file, in order. The state is what the reader knows at the cut (delimiters, the
// segment count, the transaction, the loop and which person slots are open), a few
// hundred bytes whatever the file's size. At such a cut no open person can receive
// another finding, so no record spans two chunks.
//
// Records are numbered in text order and each record's candidates are contiguous
// in that order (record_spans are sorted and do not overlap): a person's data that
// would come back after another record has started (not seen in any TR3 layout) is
// put in a new record rather than interleaved.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "detect/scanner.h"
#include "model/candidate.h"

namespace breachscope::records {

struct X12Delimiters {
  char element = '*';
  char component = ':';
  char repetition = 0;  // 0: none (versions before 00402)
  char segment = '~';
};

// Delimiters from an ISA header at the start of `isa` (the 106-character fixed
// layout; an ISA whose fields are not padded to their widths is accepted when its 16
// elements are there). nullopt when `isa` is not an ISA header.
std::optional<X12Delimiters> ReadIsa(std::string_view isa);

// True when `head`, after an optional UTF-8 BOM and whitespace, starts with a valid ISA
// header (SniffFormat's test).
bool LooksLikeX12(std::string_view head);

struct X12Result {
  std::vector<Candidate> candidates;  // sorted by begin; record = unit-local record index
  // record_spans[r]: from the first candidate of record r to the end of its last one.
  std::vector<std::pair<uint64_t, uint64_t>> record_spans;
  uint32_t records = 0;
  uint64_t segments = 0;        // segments read (context included)
  std::vector<Status> problems;  // kCorrupt: no ISA / no delimiters, unterminated or malformed segments
};

struct X12Region {
  // Only segments starting in [own_begin, own_end) yield candidates; earlier ones are
  // read for the loop state (a chunk's lookback context).
  uint64_t own_begin = 0;
  uint64_t own_end = std::numeric_limits<uint64_t>::max();
};

// The reader's state between two chunks of one X12 text (see the top of this file).
// Owned by the caller reading the file; start with a default-constructed one. The
// fields are the reader's: callers only keep the object alive between calls.
struct X12State {
  bool active = false;        // delimiters known: the next chunk is read from own_begin on
  X12Delimiters delimiters;
  bool numbered = false;      // the text started with ISA: segments are numbered
  uint64_t segment_number = 0;  // segments read so far
  std::string transaction;    // ST01 of the open transaction set
  std::string loop;           // the current loop id
  // Open person slots (renumbered 0..2 at each cut; -1: none) and the claim flag.
  int subject = -1, hl_slot = -1, claim = -1;
  bool in_claim = false;
  std::optional<std::string> street;  // an N3 waiting for its N4 (only at a forced cut)
  uint64_t street_segment = 0;
  std::vector<std::string> problems_reported;  // reported once per text, not once per chunk
};

// Where a chunk of X12 text may end: the offset of the start of the last segment in
// (from, text.size()) that opens a new person's loop (see above), given the state left
// by the previous chunk (or a fresh one for the first). Returns `from` when there is
// none. With `force`, when there is none, the start of the last segment that does not
// follow an N3 (a record may then be split in two; never a segment); with no segment
// boundary at all, `from` again (read more), or text.size() past 1 MiB of text without
// one (not X12: cut anywhere). Pure; reads `state` only.
uint64_t X12ChunkEnd(std::string_view text, uint64_t from, const X12State& state, bool force);

// Reads `text` (UTF-8) as X12 into `out` (its candidates, spans and counts are
// replaced; problems are appended). `scanner` supplies today's date for birth-date
// plausibility and reads the free-text notes. With `state` (a chunk of a big text), an
// active state is read from region.own_begin on with its delimiters and counts, and the
// state is updated to where region.own_end cut the text. Never throws or crashes on
// malformed input.
void ReadX12(std::string_view text, const detect::Scanner& scanner, X12Result& out, X12Region region = {},
             X12State* state = nullptr);

}  // namespace breachscope::records
