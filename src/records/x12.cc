// records/x12.cc — the X12 reader: delimiters, segments, loops, person records.
//
// Why a reader of its own: in an X12 file every identifier is qualified by the
// element it sits in and the loop around it, and the same digits mean different
// things in different places (REF*SY is an SSN, REF*EI an employer number, NM1*..*XX
// an NPI). The generic scanner would have to guess from shapes; here the loop
// hierarchy (HL levels, INS members, CLP claims) decides whose data an element is,
// which is what the people count of a claims breach depends on. See x12.h for the
// elements read and the records made.
//
// The reader is a single forward pass over segments. It keeps a small state: the
// transaction set (ST01), the current loop id, the "subject" (the person slot that
// N3/N4/DMG/PER/REF apply to, set by HL/INS/NM1 and cleared by organisation NM1s),
// and the claim's patient slot (for HI). Person slots get a record index on their
// first candidate, so slots without findings make no record.
#include "records/x12.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "detect/addresses.h"
#include "detect/names.h"
#include "detect/validators.h"

namespace breachscope::records {

namespace {

constexpr float kQualified = 0.97f;
constexpr float kNameConfidence = 0.9f;
constexpr float kContact = 0.95f;
// X12ChunkEnd cuts a text with no segment terminator in this many bytes anywhere.
constexpr uint64_t kMaxSegmentRun = 1u << 20;

inline bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLineBreak(char c) { return c == '\r' || c == '\n'; }

// A delimiter is a printable or control character that is not a letter, digit or space.
inline bool IsDelimiterChar(char c) { return !IsAlnum(c) && c != ' ' && c != '\0'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || IsLineBreak(s.front()))) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || IsLineBreak(s.back()))) s.remove_suffix(1);
  return s;
}

std::string UpperAlnum(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s)
    if (IsAlnum(c)) o.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  return o;
}

std::string Digits(std::string_view s) {
  std::string o;
  for (char c : s)
    if (IsDigit(c)) o.push_back(c);
  return o;
}

size_t SkipBomAndSpace(std::string_view s) {
  size_t i = 0;
  if (s.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || IsLineBreak(s[i]))) ++i;
  return i;
}

// ---------------------------------------------------------------- segments

struct Segment {
  uint64_t begin = 0, end = 0;  // content, terminator excluded
  uint64_t number = 0;          // 1-based from ISA, 0 unknown
  std::string_view tag;
  // Element spans: elements[0] is the tag; elements[i] the i-th data element.
  std::vector<std::pair<uint64_t, uint64_t>> elements;
};

class SegmentView {
 public:
  SegmentView(std::string_view text, const Segment& s) : text_(text), s_(s) {}
  size_t size() const { return s_.elements.size(); }
  std::string_view El(size_t i) const {
    if (i >= s_.elements.size()) return {};
    return text_.substr(s_.elements[i].first, s_.elements[i].second - s_.elements[i].first);
  }
  uint64_t Begin(size_t i) const { return i < s_.elements.size() ? s_.elements[i].first : s_.begin; }
  uint64_t End(size_t i) const { return i < s_.elements.size() ? s_.elements[i].second : s_.end; }

 private:
  std::string_view text_;
  const Segment& s_;
};

// Segment tags that the inference looks for: common, short and unmistakable.
constexpr std::array<std::string_view, 22> kKnownTags = {"NM1", "REF", "DTP", "HL",  "CLM", "N3",  "N4",  "DMG",
                                                        "SV1", "SV2", "LX",  "HI",  "ST",  "SE",  "INS", "CLP",
                                                        "SVC", "CAS", "AMT", "PER", "SBR", "TRN"};

bool IsKnownTag(std::string_view t) {
  return std::find(kKnownTags.begin(), kKnownTags.end(), t) != kKnownTags.end();
}

// Delimiters of a text that does not start with ISA: the characters after and before
// known tags ("~\nNM1*"), by vote. nullopt when nothing consistent is found.
std::optional<X12Delimiters> InferDelimiters(std::string_view text) {
  std::array<uint32_t, 256> elem_votes{}, term_votes{};
  uint32_t total = 0;
  const size_t limit = std::min<size_t>(text.size(), 1u << 20);
  for (size_t i = 1; i + 3 < limit && total < 64; ++i) {
    // A tag starts after a non-alnum character.
    if (IsAlnum(text[i - 1]) || !(text[i] >= 'A' && text[i] <= 'Z')) continue;
    size_t len = IsAlnum(text[i + 2]) ? 3 : 2;
    std::string_view tag = text.substr(i, len);
    if (!IsKnownTag(tag)) continue;
    char e = text[i + len];
    if (!IsDelimiterChar(e) || IsLineBreak(e)) continue;
    // The terminator: the character before, skipping CR/LF after it.
    size_t j = i;
    while (j > 0 && IsLineBreak(text[j - 1])) --j;
    char t;
    if (j == i) {
      t = text[i - 1];
    } else if (j > 0 && IsDelimiterChar(text[j - 1]) && text[j - 1] != e) {
      t = text[j - 1];
    } else {
      t = '\n';  // segments separated by line breaks alone
    }
    if (t == e || (IsAlnum(t))) continue;
    ++elem_votes[static_cast<unsigned char>(e)];
    ++term_votes[static_cast<unsigned char>(t)];
    ++total;
  }
  if (total < 2) return std::nullopt;
  auto best = [](const std::array<uint32_t, 256>& v) {
    return static_cast<char>(std::max_element(v.begin(), v.end()) - v.begin());
  };
  X12Delimiters d;
  d.element = best(elem_votes);
  d.segment = best(term_votes);
  if (elem_votes[static_cast<unsigned char>(d.element)] * 2 < total) return std::nullopt;
  // Component separator: the character after a composite's qualifier (HI*BK:, SV1*HC:).
  d.component = ':';
  for (std::string_view probe : {"HC", "BK", "ABK", "BF", "ABF"}) {
    std::string pat;
    pat += d.element;
    pat += probe;
    size_t at = text.find(pat);
    if (at != std::string_view::npos && at + pat.size() < text.size()) {
      char c = text[at + pat.size()];
      if (IsDelimiterChar(c) && c != d.element && c != d.segment && !IsLineBreak(c)) {
        d.component = c;
        break;
      }
    }
  }
  return d;
}

// ---------------------------------------------------------------- transaction layouts

enum class Txn { kUnknown, k837, k834, k835, k270, k276 };

Txn TxnOf(std::string_view st01) {
  if (st01 == "837") return Txn::k837;
  if (st01 == "834") return Txn::k834;
  if (st01 == "835") return Txn::k835;
  if (st01 == "270" || st01 == "271") return Txn::k270;
  if (st01 == "276" || st01 == "277") return Txn::k276;
  return Txn::kUnknown;
}

// Loop ids of the HL levels, the subscriber's and the dependent's NM1, per transaction.
struct Layout {
  const char* subscriber_level;  // HL 22
  const char* dependent_level;   // HL 23
  const char* subscriber_name;   // NM1*IL under HL 22
  const char* dependent_name;    // NM1*QC / NM1*03 under HL 23
};

Layout LayoutOf(Txn t) {
  switch (t) {
    case Txn::k270: return {"2000C", "2000D", "2100C", "2100D"};
    case Txn::k276: return {"2000D", "2000E", "2100D", "2100E"};
    default: return {"2000B", "2000C", "2010BA", "2010CA"};
  }
}

// NM101 entity codes of people who are a record of their own in 834 (custodial
// parent 2100F, responsible person 2100G).
bool Is834ResponsiblePerson(std::string_view e) {
  static constexpr std::array<std::string_view, 9> k = {"S3", "E1", "EI", "EXS", "GB", "GD", "J6", "LR", "QD"};
  return std::find(k.begin(), k.end(), e) != k.end();
}

bool IsHealthIdQualifier(std::string_view q) {
  return q == "MI" || q == "II" || q == "ZZ" || q == "MR" || q == "HN" || q == "C";
}

bool IsHealthIdRef(std::string_view q) {
  return q == "0F" || q == "1W" || q == "23" || q == "F6" || q == "Q4";
}

bool IsPhoneQualifier(std::string_view q) {
  return q == "TE" || q == "HP" || q == "WP" || q == "CP" || q == "BN";
}

// HI qualifier -> code system, or nullptr when the composite is not a diagnosis.
const char* DiagnosisSystem(std::string_view q) {
  if (q == "ABK" || q == "ABF" || q == "ABJ" || q == "APR" || q == "ABN") return "icd10";
  if (q == "BK" || q == "BF" || q == "BJ" || q == "PR" || q == "BN") return "icd9";
  return nullptr;
}

// A name part: letters (any script: bytes >= 0x80 pass), spaces, hyphens,
// apostrophes, periods; at least one letter; no digits.
bool IsNamePart(std::string_view s) {
  bool letter = false;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80) {
      letter = true;
    } else if (!(c == ' ' || c == '-' || c == '\'' || c == '.')) {
      return false;
    }
  }
  return letter;
}

// The delimiters and the offset of the terminator of an ISA header.
std::optional<std::pair<X12Delimiters, size_t>> ParseIsa(std::string_view isa);

// ---------------------------------------------------------------- the reader

// Segment starts where a chunk of a big text may be cut: the handler of each resets
// every open person slot (HL, ST; INS in an 834, CLP in an 835), so nothing after it
// can reach a person read before it.
bool OpensPersonLoop(std::string_view tag, Txn txn) {
  return tag == "HL" || tag == "ST" || (tag == "INS" && txn == Txn::k834) || (tag == "CLP" && txn == Txn::k835);
}

inline bool IsSkippedBetweenSegments(char c, const X12Delimiters& d) {
  return (IsLineBreak(c) || c == ' ' || c == '\t') && c != d.segment;
}

class Reader {
 public:
  Reader(std::string_view text, const detect::Scanner& scanner, X12Result& out, X12Region region, X12State* state)
      : text_(text), scanner_(scanner), today_(scanner.today()), out_(out), state_(state) {
    own_begin_ = std::min<uint64_t>(region.own_begin, text.size());
    own_end_ = std::min<uint64_t>(region.own_end, text.size());
  }

  void Run() {
    size_t start = SkipBomAndSpace(text_);
    uint64_t pos;
    if (state_ && state_->active) {
      // A later chunk: what the earlier chunks read is in the state; the text before
      // own_begin was read by them.
      LoadState();
      pos = own_begin_;
    } else if (auto isa = ParseIsa(text_.substr(start))) {
      delim_ = isa->first;
      numbered_ = true;
      pos = start;
    } else if (auto inferred = InferDelimiters(text_)) {
      delim_ = *inferred;
      // Start at the first segment boundary: the text may begin mid-segment.
      size_t t = text_.find(delim_.segment);
      if (t == std::string_view::npos) return;
      pos = t + 1;
    } else {
      if (own_begin_ < own_end_) Problem("no ISA header and no X12 segments; not read as X12");
      return;
    }
    if (state_) state_->active = true;
    Segment seg;
    const uint64_t n = text_.size();
    while (pos < n && pos < own_end_) {
      while (pos < n && IsSkippedBetweenSegments(text_[pos], delim_)) ++pos;
      if (pos >= n || pos >= own_end_) break;
      uint64_t end;
      // A new interchange brings its own delimiters, which may differ from the last
      // one's (its ISA is read by the fixed layout, not by the old separators).
      auto isa = text_.compare(pos, 3, "ISA") == 0 ? ParseIsa(text_.substr(pos)) : std::nullopt;
      if (isa) {
        delim_ = isa->first;
        end = pos + isa->second;
      } else {
        const void* t = std::memchr(text_.data() + pos, delim_.segment, n - pos);
        end = t ? static_cast<const char*>(t) - text_.data() : n;
        if (!t && own_end_ >= n && end > pos) Problem("the last X12 segment is not terminated");
      }
      if (!ParseSegment(pos, end, seg)) {
        pos = end + 1;
        continue;
      }
      if (seg.tag == "ISA" && !isa) Problem("an ISA header with wrong delimiters or fields");
      ++out_.segments;
      if (numbered_) seg.number = ++segment_number_;
      current_number_ = seg.number;
      own_ = seg.begin >= own_begin_ && seg.begin < own_end_;
      Handle(seg);
      pos = end + 1;
    }
    FinishRecords();
    if (state_) SaveState();
  }

 private:
  // Slot: a person whose findings form one record. record < 0 until the first finding.
  struct Slot {
    int64_t record = -1;
  };

  bool ParseSegment(uint64_t b, uint64_t e, Segment& seg) {
    seg.begin = b;
    seg.end = e;
    seg.elements.clear();
    uint64_t p = b;
    while (true) {
      const void* q = std::memchr(text_.data() + p, delim_.element, e - p);
      uint64_t ee = q ? static_cast<const char*>(q) - text_.data() : e;
      seg.elements.emplace_back(p, ee);
      if (!q || seg.elements.size() > 512) break;
      p = ee + 1;
    }
    auto [tb, te] = seg.elements[0];
    seg.tag = TrimSpaces(text_.substr(tb, te - tb));
    if (seg.tag.empty() || seg.tag.size() > 3 || !std::all_of(seg.tag.begin(), seg.tag.end(), IsAlnum)) {
      if (!malformed_reported_ && e > b) {
        malformed_reported_ = true;
        Problem("a malformed X12 segment (no segment id)");
      }
      return false;
    }
    return true;
  }

  void Problem(const char* what) {
    for (const auto& p : out_.problems)
      if (p.message() == what) return;
    if (state_) {
      // Once per text, as a whole read reports it.
      auto& seen = state_->problems_reported;
      if (std::find(seen.begin(), seen.end(), what) != seen.end()) return;
      seen.emplace_back(what);
    }
    out_.problems.push_back(CorruptError(what));
  }

  // The state at the cut: slots renumbered 0.. in the order subject, HL, claim (their
  // records belong to the chunk that made them; a finding for one after the cut starts
  // a new record, which a cut where X12ChunkEnd says never causes).
  void SaveState() {
    X12State& st = *state_;
    st.delimiters = delim_;
    st.numbered = numbered_;
    st.segment_number = segment_number_;
    st.transaction = st01_;
    st.loop = loop_;
    std::vector<int> kept;
    auto renumber = [&](int slot) {
      if (slot < 0) return -1;
      auto it = std::find(kept.begin(), kept.end(), slot);
      if (it != kept.end()) return static_cast<int>(it - kept.begin());
      kept.push_back(slot);
      return static_cast<int>(kept.size()) - 1;
    };
    st.subject = renumber(subject_);
    st.hl_slot = renumber(hl_slot_);
    st.claim = renumber(claim_);
    st.in_claim = in_claim_;
    if (street_) {
      st.street = street_->text;
      st.street_segment = street_->segment;
    } else {
      st.street.reset();
    }
  }

  void LoadState() {
    const X12State& st = *state_;
    delim_ = st.delimiters;
    numbered_ = st.numbered;
    segment_number_ = st.segment_number;
    st01_ = st.transaction;
    txn_ = TxnOf(st01_);
    layout_ = LayoutOf(txn_);
    loop_ = st.loop;
    slots_.resize(static_cast<size_t>(std::max({st.subject, st.hl_slot, st.claim, -1}) + 1));
    subject_ = st.subject;
    hl_slot_ = st.hl_slot;
    claim_ = st.claim;
    in_claim_ = st.in_claim;
    if (st.street) street_ = Street{*st.street, own_begin_, own_begin_, st.street_segment};
    for (const auto& p : st.problems_reported)
      if (p == "a malformed X12 segment (no segment id)") malformed_reported_ = true;
  }

  int NewSlot() {
    slots_.push_back({});
    return static_cast<int>(slots_.size()) - 1;
  }

  void Handle(const Segment& s) {
    SegmentView v(text_, s);
    std::string_view tag = s.tag;
    if (tag == "ISA" || tag == "GS" || tag == "GE" || tag == "IEA") {
      subject_ = claim_ = -1;
      return;
    }
    if (tag == "ST") {
      st01_ = std::string(v.El(1));
      txn_ = TxnOf(st01_);
      layout_ = LayoutOf(txn_);
      subject_ = claim_ = hl_slot_ = -1;
      in_claim_ = false;
      street_.reset();
      loop_ = "";
      return;
    }
    if (tag == "SE") {
      subject_ = claim_ = hl_slot_ = -1;
      in_claim_ = false;
      return;
    }
    if (tag == "HL") return OnHl(v);
    if (tag == "INS" && txn_ == Txn::k834) {
      subject_ = NewSlot();
      hl_slot_ = subject_;
      claim_ = -1;
      in_claim_ = false;
      street_.reset();
      loop_ = "2000";
      return;
    }
    if (tag == "HD" && txn_ == Txn::k834) {
      subject_ = -1;
      loop_ = "2300";
      return;
    }
    if (tag == "CLP" && txn_ == Txn::k835) {
      claim_ = NewSlot();
      subject_ = hl_slot_ = -1;
      in_claim_ = true;
      street_.reset();
      loop_ = "2100";
      return;
    }
    if (tag == "SVC" && txn_ == Txn::k835) {
      subject_ = -1;
      loop_ = "2110";
      return;
    }
    if (tag == "CLM") {
      claim_ = hl_slot_;
      in_claim_ = true;
      subject_ = -1;
      loop_ = "2300";
      return;
    }
    if (tag == "SBR" && in_claim_ && txn_ != Txn::k834) {
      // Other subscriber information (2320): a different person.
      subject_ = NewSlot();
      loop_ = "2320";
      return;
    }
    if (tag == "LX") {
      subject_ = -1;
      if (txn_ == Txn::k835) {
        claim_ = -1;
        in_claim_ = false;
        loop_ = "2000";
      } else if (txn_ == Txn::k834) {
        loop_ = "2310";
      } else if (in_claim_) {
        loop_ = "2400";
      }
      return;
    }
    if (tag == "N1" || tag == "EB" || tag == "SV1" || tag == "SV2" || tag == "SV3") {
      subject_ = -1;
      return;
    }
    if (tag == "NM1") return OnNm1(v);
    if (tag == "N3") return OnN3(v);
    if (tag == "N4") return OnN4(v);
    if (tag == "DMG") return OnDmg(v);
    if (tag == "REF") return OnRef(v);
    if (tag == "PER") return OnPer(v);
    if (tag == "HI") return OnHi(v, s);
    if (tag == "NTE") return OnFreeText(v, 2);
    if (tag == "MSG") return OnFreeText(v, 1);
  }

  // Free-text notes (NTE02, MSG01) may hold anything: the generic scanner reads them,
  // and what it finds belongs to the person of the loop (the claim's patient in a claim).
  void OnFreeText(const SegmentView& v, size_t element) {
    int slot = in_claim_ && claim_ >= 0 ? claim_ : (subject_ >= 0 ? subject_ : hl_slot_);
    if (slot < 0 || !own_ || element >= v.size()) return;
    detect::ScanRequest req;
    req.text = text_.substr(0, v.End(element));
    req.own_begin = v.Begin(element);
    req.own_end = v.End(element);
    std::vector<Candidate> found;
    scanner_.Scan(req, found);
    for (auto& c : found) {
      if (c.type == PiiType::kName || c.type == PiiType::kAddress) continue;
      Emit(slot, std::move(c));
    }
  }

  void OnHl(const SegmentView& v) {
    std::string_view level = TrimSpaces(v.El(3));
    in_claim_ = false;
    claim_ = -1;
    street_.reset();
    if (level == "22") {
      hl_slot_ = subject_ = NewSlot();
      loop_ = layout_.subscriber_level;
    } else if (level == "23") {
      hl_slot_ = subject_ = NewSlot();
      loop_ = layout_.dependent_level;
    } else {
      hl_slot_ = subject_ = -1;
      loop_ = level == "20" ? "2000A" : level == "21" ? "2000B" : level == "19" ? "2000C" : "";
    }
  }

  void OnNm1(const SegmentView& v) {
    street_.reset();
    std::string_view entity = TrimSpaces(v.El(1));
    std::string_view type = TrimSpaces(v.El(2));
    int slot = -1;
    const char* loop = nullptr;
    if (entity == "IL") {
      if (txn_ == Txn::k834) {
        slot = hl_slot_ >= 0 ? hl_slot_ : NewSlot();
        loop = "2100A";
      } else if (txn_ == Txn::k835) {
        slot = NewSlot();  // the insured, when not the patient
        loop = "2100";
      } else if (in_claim_ && subject_ >= 0 && loop_ == "2320") {
        slot = subject_;  // other subscriber
        loop = "2330A";
      } else if (in_claim_) {
        slot = NewSlot();
        loop = "2330A";
      } else {
        slot = hl_slot_ >= 0 ? hl_slot_ : NewSlot();
        loop = layout_.subscriber_name;
      }
    } else if (entity == "QC") {
      if (txn_ == Txn::k835) {
        slot = claim_ >= 0 ? claim_ : NewSlot();
        loop = "2100";
      } else {
        slot = hl_slot_ >= 0 ? hl_slot_ : NewSlot();
        loop = layout_.dependent_name;
      }
    } else if (entity == "03" && txn_ == Txn::k270) {
      slot = hl_slot_ >= 0 ? hl_slot_ : NewSlot();
      loop = layout_.dependent_name;
    } else if (entity == "74" && txn_ == Txn::k835) {
      slot = claim_ >= 0 ? claim_ : NewSlot();  // corrected patient/insured name
      loop = "2100";
    } else if (entity == "GB" && txn_ == Txn::k835) {
      slot = NewSlot();  // other subscriber
      loop = "2100";
    } else if (txn_ == Txn::k834 && entity == "31") {
      slot = hl_slot_ >= 0 ? hl_slot_ : NewSlot();  // the member's mailing address
      loop = "2100C";
    } else if (txn_ == Txn::k834 && Is834ResponsiblePerson(entity)) {
      slot = NewSlot();
      loop = entity == "S3" ? "2100F" : "2100G";
    } else if (txn_ == Txn::k837 && entity == "QD" && !in_claim_) {
      slot = NewSlot();  // 4010 responsible party
      loop = "2010BC";
    }
    if (slot < 0 || type == "2") {
      subject_ = -1;  // an organisation or a provider: what follows is not a person's
      return;
    }
    subject_ = slot;
    loop_ = loop;
    // Name.
    std::string_view last = TrimSpaces(v.El(3)), first = TrimSpaces(v.El(4));
    if (IsNamePart(last) && IsNamePart(first)) {
      Candidate c;
      c.type = PiiType::kName;
      c.begin = v.Begin(3);
      c.end = v.End(4);
      c.confidence = kNameConfidence;
      c.canonical = Sensitive(detect::CanonicalName(first, last));
      c.contact = std::make_unique<ContactParts>();
      c.contact->first = std::string(first);
      c.contact->last = std::string(last);
      Emit(slot, std::move(c));
    }
    // Qualified id.
    std::string_view q = TrimSpaces(v.El(8)), id = TrimSpaces(v.El(9));
    if (!id.empty()) Identifier(slot, q, id, v.Begin(9), v.End(9), /*from_ref=*/false);
  }

  // NM108/NM109 or REF01/REF02.
  void Identifier(int slot, std::string_view q, std::string_view id, uint64_t b, uint64_t e, bool from_ref) {
    bool ssn = from_ref ? q == "SY" : q == "34";
    if (ssn) {
      std::string d = Digits(id);
      if (d.size() != 9 || UpperAlnum(id).size() != 9 || !detect::IsValidSsn(d)) return;
      Candidate c;
      c.type = PiiType::kSsn;
      c.begin = b;
      c.end = e;
      c.confidence = kQualified;
      c.canonical = Sensitive(std::move(d));
      Emit(slot, std::move(c));
      return;
    }
    if (from_ref ? !IsHealthIdRef(q) : !IsHealthIdQualifier(q)) return;
    std::string canon = UpperAlnum(id);
    if (canon.size() < 4 || canon.size() > 30 || std::none_of(canon.begin(), canon.end(), IsDigit)) return;
    Candidate c;
    c.type = detect::IsValidMbi(canon) ? PiiType::kMbi : PiiType::kHealthId;
    c.begin = b;
    c.end = e;
    c.confidence = kQualified;
    c.canonical = Sensitive(std::move(canon));
    Emit(slot, std::move(c));
  }

  void OnN3(const SegmentView& v) {
    if (subject_ < 0) return;
    std::string street(TrimSpaces(v.El(1)));
    std::string_view second = TrimSpaces(v.El(2));
    if (!second.empty()) street += " " + std::string(second);
    if (street.empty()) return;
    street_ = Street{std::move(street), v.Begin(1), v.End(v.size() - 1), current_number_};
  }

  void OnN4(const SegmentView& v) {
    if (subject_ < 0 || !street_) return;
    std::string_view city = TrimSpaces(v.El(1)), state = TrimSpaces(v.El(2)), zip = TrimSpaces(v.El(3));
    std::optional<detect::AddressMatch> a = detect::ParseAddressFields(street_->text, city, state, zip);
    if (!a) {
      // The N3 position says it is a street even when it is not street-shaped.
      detect::AddressMatch m;
      m.street = street_->text;
      m.city = std::string(city);
      m.state = detect::StateCodeFromName(state);
      std::string z = Digits(zip);
      if (z.size() == 5 || z.size() == 9) m.zip5 = z.substr(0, 5);
      a = std::move(m);
    }
    Candidate c;
    c.type = PiiType::kAddress;
    c.begin = street_->begin;
    c.end = std::max(street_->end, v.End(v.size() - 1));
    c.confidence = kContact;
    c.canonical = Sensitive(detect::CanonicalAddress(*a));
    c.contact = std::make_unique<ContactParts>();
    c.contact->street = a->street;
    c.contact->city = a->city;
    c.contact->state = a->state;
    c.contact->zip = a->zip5;
    uint64_t n3 = street_->segment;
    street_.reset();
    Emit(subject_, std::move(c), n3);
  }

  void OnDmg(const SegmentView& v) {
    if (subject_ < 0 || TrimSpaces(v.El(1)) != "D8") return;
    std::string_view d = TrimSpaces(v.El(2));
    if (d.size() != 8 || !std::all_of(d.begin(), d.end(), IsDigit)) return;
    auto date = detect::ParseDate(d, today_);
    if (!date || !detect::IsPlausibleBirthDate(*date, today_)) return;
    Candidate c;
    c.type = PiiType::kDob;
    c.begin = v.Begin(2);
    c.end = v.End(2);
    c.confidence = kQualified;
    c.canonical = Sensitive(detect::FormatIsoDate(*date));
    Emit(subject_, std::move(c));
  }

  void OnRef(const SegmentView& v) {
    if (subject_ < 0) return;
    std::string_view q = TrimSpaces(v.El(1)), id = TrimSpaces(v.El(2));
    if (!id.empty()) Identifier(subject_, q, id, v.Begin(2), v.End(2), /*from_ref=*/true);
  }

  void OnPer(const SegmentView& v) {
    if (subject_ < 0) return;
    for (size_t i = 3; i + 1 < v.size(); i += 2) {
      std::string_view q = TrimSpaces(v.El(i)), value = TrimSpaces(v.El(i + 1));
      if (value.empty()) continue;
      if (IsPhoneQualifier(q)) {
        std::string d = Digits(value);
        if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
        if (d.size() != 10 || !detect::IsValidNanpPhone(d)) continue;
        Candidate c;
        c.type = PiiType::kPhone;
        c.begin = v.Begin(i + 1);
        c.end = v.End(i + 1);
        c.confidence = kContact;
        c.canonical = Sensitive(std::move(d));
        Emit(subject_, std::move(c));
      } else if (q == "EM") {
        size_t at = value.find('@');
        if (at == 0 || at == std::string_view::npos || value.find('.', at) == std::string_view::npos ||
            value.find(' ') != std::string_view::npos)
          continue;
        std::string lower(value);
        for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        Candidate c;
        c.type = PiiType::kEmail;
        c.begin = v.Begin(i + 1);
        c.end = v.End(i + 1);
        c.confidence = kContact;
        c.canonical = Sensitive(std::move(lower));
        Emit(subject_, std::move(c));
      }
    }
  }

  void OnHi(const SegmentView& v, const Segment& s) {
    int slot = in_claim_ ? claim_ : (subject_ >= 0 ? subject_ : hl_slot_);
    if (slot < 0) return;
    for (size_t i = 1; i < v.size(); ++i) {
      // An element may hold repetitions (5010) of composites.
      uint64_t eb = s.elements[i].first, ee = s.elements[i].second;
      uint64_t p = eb;
      while (p <= ee) {
        uint64_t re = ee;
        if (delim_.repetition) {
          const void* r = std::memchr(text_.data() + p, delim_.repetition, ee - p);
          if (r) re = static_cast<const char*>(r) - text_.data();
        }
        Composite(slot, p, re);
        p = re + 1;
      }
    }
  }

  void Composite(int slot, uint64_t b, uint64_t e) {
    std::string_view comp = text_.substr(b, e - b);
    size_t c1 = comp.find(delim_.component);
    if (c1 == std::string_view::npos) return;
    std::string_view qual = TrimSpaces(comp.substr(0, c1));
    size_t c2 = comp.find(delim_.component, c1 + 1);
    std::string_view code_raw = comp.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1);
    std::string_view code = TrimSpaces(code_raw);
    const char* system = DiagnosisSystem(qual);
    if (!system || code.empty()) return;
    std::string canon = std::strcmp(system, "icd10") == 0 ? detect::CanonicalIcd10(code) : detect::CanonicalIcd9(code);
    if (canon.empty()) return;
    Candidate c;
    c.type = PiiType::kDiagnosis;
    c.begin = b + c1 + 1;
    c.end = c.begin + code_raw.size();
    c.confidence = kQualified;
    c.canonical = Sensitive(std::move(canon));
    c.code_system = system;
    Emit(slot, std::move(c));
  }

  void Emit(int slot, Candidate c, uint64_t segment = UINT64_MAX) {
    if (!own_ || slot < 0) return;
    Slot& s = slots_[static_cast<size_t>(slot)];
    if (s.record < 0 || s.record != last_record_) {
      // First finding of this person, or one coming back after another record
      // started: a new record (records stay contiguous in text order).
      s.record = next_record_++;
      out_.record_spans.emplace_back(c.begin, c.end);
    }
    last_record_ = s.record;
    auto& span = out_.record_spans[static_cast<size_t>(s.record)];
    span.first = std::min(span.first, c.begin);
    span.second = std::max(span.second, c.end);
    c.record = static_cast<uint32_t>(s.record);
    c.location.segment = segment == UINT64_MAX ? current_number_ : segment;
    c.location.loop = loop_;
    out_.candidates.push_back(std::move(c));
  }

  void FinishRecords() {
    out_.records = static_cast<uint32_t>(next_record_);
    // Emitted in segment order, so already sorted unless a note's finding came out of order.
    auto by_begin = [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; };
    if (!std::is_sorted(out_.candidates.begin(), out_.candidates.end(), by_begin))
      std::stable_sort(out_.candidates.begin(), out_.candidates.end(), by_begin);
  }

  struct Street {
    std::string text;
    uint64_t begin, end;
    uint64_t segment;  // the N3's number: the address is located where it starts
  };

  std::string_view text_;
  const detect::Scanner& scanner_;
  detect::Date today_;
  X12Result& out_;
  X12State* state_;
  uint64_t own_begin_ = 0, own_end_ = 0;
  X12Delimiters delim_;
  bool numbered_ = false;
  bool malformed_reported_ = false;
  uint64_t segment_number_ = 0;
  uint64_t current_number_ = 0;
  bool own_ = false;
  std::string st01_;
  Txn txn_ = Txn::kUnknown;
  Layout layout_ = LayoutOf(Txn::kUnknown);
  std::string loop_;
  std::vector<Slot> slots_;
  int subject_ = -1, hl_slot_ = -1, claim_ = -1;
  bool in_claim_ = false;
  std::optional<Street> street_;
  int64_t next_record_ = 0, last_record_ = -1;
};

}  // namespace

std::optional<X12Delimiters> ReadIsa(std::string_view isa) {
  auto r = ParseIsa(isa);
  if (!r) return std::nullopt;
  return r->first;
}

namespace {

std::optional<std::pair<X12Delimiters, size_t>> ParseIsa(std::string_view isa) {
  if (isa.size() < 106 || !isa.starts_with("ISA")) return std::nullopt;
  const char e = isa[3];
  if (!IsDelimiterChar(e) || IsLineBreak(e)) return std::nullopt;
  // Fixed layout: separators after ISA01..ISA15 at these offsets, ISA16 at 104.
  static constexpr std::array<size_t, 16> kSeps = {3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103};
  X12Delimiters d;
  d.element = e;
  bool fixed = std::all_of(kSeps.begin(), kSeps.end(), [&](size_t p) { return isa[p] == e; });
  std::string_view isa11, isa12;
  size_t term = 0;
  if (fixed) {
    isa11 = isa.substr(82, 1);
    isa12 = isa.substr(84, 5);
    d.component = isa[104];
    d.segment = isa[105];
    term = 105;
  } else {
    // Fields not padded to their widths: count 16 separators.
    std::array<size_t, 17> at{};
    size_t n = 0;
    for (size_t i = 3; i < isa.size() && i < 400 && n < 16; ++i)
      if (isa[i] == e) at[n++] = i;
    if (n < 16 || at[15] + 2 >= isa.size()) return std::nullopt;
    isa11 = isa.substr(at[10] + 1, at[11] - at[10] - 1);
    isa12 = isa.substr(at[11] + 1, at[12] - at[11] - 1);
    d.component = isa[at[15] + 1];
    d.segment = isa[at[15] + 2];
    term = at[15] + 2;
  }
  if (!IsDelimiterChar(d.component) || !IsDelimiterChar(d.segment) || IsLineBreak(d.component)) return std::nullopt;
  if (d.component == e || d.segment == e || d.segment == d.component) return std::nullopt;
  if (isa11.size() == 1 && IsDelimiterChar(isa11[0]) && isa11[0] != e && isa11[0] != d.component &&
      isa11[0] != d.segment && isa12 >= "00402")
    d.repetition = isa11[0];
  return std::make_pair(d, term);
}

}  // namespace

bool LooksLikeX12(std::string_view head) {
  size_t i = SkipBomAndSpace(head);
  return ReadIsa(head.substr(i)).has_value();
}

void ReadX12(std::string_view text, const detect::Scanner& scanner, X12Result& out, X12Region region,
             X12State* state) {
  out.candidates.clear();
  out.record_spans.clear();
  out.records = 0;
  out.segments = 0;
  Reader(text, scanner, out, region, state).Run();
}

// A forward walk over the segments with the reader's segmentation (same delimiters,
// same ISA handling, same skipping between segments), so the cut is where the reader
// would start a segment.
uint64_t X12ChunkEnd(std::string_view text, uint64_t from, const X12State& state, bool force) {
  const uint64_t n = text.size();
  if (from >= n) return from;
  X12Delimiters d;
  uint64_t pos;
  if (state.active) {
    d = state.delimiters;
    pos = from;
  } else {
    size_t start = from + SkipBomAndSpace(text.substr(from));
    if (auto isa = ParseIsa(text.substr(start))) {
      d = isa->first;
      pos = start;
    } else if (text.compare(start, 3, "ISA") == 0 && n - start < 512) {
      return from;  // an ISA header not read in full yet: never cut inside it
    } else if (auto inferred = InferDelimiters(text.substr(from))) {
      d = *inferred;
      size_t t = text.find(d.segment, from);
      if (t == std::string_view::npos) return force ? n : from;
      pos = t + 1;
    } else {
      return force ? n : from;
    }
  }
  Txn txn = TxnOf(state.transaction);
  uint64_t safe = from, any = from;
  bool after_n3 = state.street.has_value();
  while (pos < n) {
    while (pos < n && IsSkippedBetweenSegments(text[pos], d)) ++pos;
    if (pos >= n) break;
    auto isa = text.compare(pos, 3, "ISA") == 0 ? ParseIsa(text.substr(pos)) : std::nullopt;
    if (isa) d = isa->first;
    const void* t = isa ? text.data() + pos + isa->second : std::memchr(text.data() + pos, d.segment, n - pos);
    uint64_t end = t ? static_cast<const char*>(t) - text.data() : n;
    std::string_view seg = text.substr(pos, end - pos);
    size_t e = seg.find(d.element);
    // The tag is known when its element separator (or, complete, its terminator) is here.
    std::string_view tag = e != std::string_view::npos ? TrimSpaces(seg.substr(0, e)) : t ? TrimSpaces(seg) : "";
    if (pos > from) {
      if (OpensPersonLoop(tag, txn)) safe = pos;
      if (!after_n3) any = pos;
    }
    if (!t) break;
    if (tag == "ST") {
      std::string_view rest = e == std::string_view::npos ? std::string_view() : seg.substr(e + 1);
      txn = TxnOf(rest.substr(0, rest.find(d.element)));
    }
    after_n3 = tag == "N3";
    pos = end + 1;
  }
  if (safe > from) return safe;
  if (!force) return from;
  if (any > from) return any;
  // No segment boundary at all: wait for one, unless this is not X12 any more (a
  // "segment" of a megabyte), where any cut will do.
  return n - from > kMaxSegmentRun ? n : from;
}

}  // namespace breachscope::records
