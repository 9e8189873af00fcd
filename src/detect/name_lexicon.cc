#include "detect/name_lexicon.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <iterator>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/embedded_data.h"
#include "detect/packed_word.h"

namespace breachscope::detect {

namespace {

// Never part of a person's name where we look: function words, form labels,
// the words of addresses and organisations, weekdays, month names that are not
// given names. (Many are on the census surname list: "Street", "Search", "Patient".)
// clang-format off
constexpr std::string_view kNonNameWords[] = {
    // Function words and letter furniture.
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "into", "onto", "over", "under", "about", "above", "below", "after",
    "before", "between", "during", "through", "within", "without", "is", "are", "was", "were",
    "be", "been", "being", "am", "do", "does", "did", "done", "has", "have", "had", "not", "no",
    "yes", "all", "any", "each", "every", "some", "this", "that", "these", "those", "it", "its",
    "he", "she", "they", "we", "you", "i", "me", "my", "our", "your", "his", "her", "their",
    "them", "us", "who", "whom", "whose", "which", "what", "when", "where", "why", "how", "if",
    "then", "than", "so", "such", "very", "also", "only", "just", "per", "via", "vs", "etc",
    "please", "thank", "thanks", "hello", "hi", "dear", "regards", "sincerely", "re", "fwd",
    "subject", "attn", "welcome",
    // Form and record labels.
    "name", "names", "first", "last", "middle", "full", "maiden", "legal", "initial",
    "initials", "date", "dates", "dob", "birth", "born", "birthday", "birthdate", "age", "sex",
    "gender", "race", "ethnicity", "marital", "status", "address", "addresses", "street",
    "city", "state", "zip", "zipcode", "postal", "county", "country", "phone", "phones",
    "telephone", "tel", "mobile", "cell", "fax", "email", "mail", "number", "numbers", "num",
    "ssn", "social", "security", "tax", "account", "accounts", "acct", "routing", "card",
    "credit", "debit", "policy", "group", "member", "members", "subscriber", "subscribers",
    "patient", "patients", "client", "clients", "customer", "customers", "employee",
    "employees", "student", "students", "staff", "person", "persons", "people", "applicant",
    "applicants", "beneficiary", "insured", "guarantor", "provider", "providers", "physician",
    "doctor", "nurse", "parent", "parents", "guardian", "spouse", "child", "children",
    "dependent", "dependents", "contact", "emergency", "signature", "signed", "pages",
    "total", "totals", "amount", "balance", "payment", "payments", "invoice", "order", "orders",
    "report", "reports", "summary", "annual", "quarterly", "monthly", "record", "records",
    "file", "files", "document", "documents", "form", "forms", "section", "item", "items",
    "table", "list", "search", "results", "result", "certificate", "certification",
    "certified", "license", "licence", "licensed", "professional", "education", "educator",
    "educators", "teacher", "teachers", "school", "schools", "district", "department",
    "office", "division", "program", "programs", "services", "service", "center", "centre",
    "hospital", "clinic", "medical", "health", "care", "insurance", "plan", "plans", "claim",
    "claims", "diagnosis", "treatment", "visit", "admission", "discharge", "company",
    "corporation", "corp", "inc", "llc", "ltd", "association", "foundation", "university",
    "college", "academy", "institute", "elementary", "high", "information", "info", "details",
    "data", "confidential", "important", "notice", "note", "notes",
    "unknown", "none", "null", "test", "sample", "example", "description", "type", "category",
    "id", "identifier", "code", "login", "password", "user", "username", "admin", "home",
    "download", "upload", "submit", "cancel", "print", "edit", "delete", "update", "menu",
    // Addresses and places.
    "avenue", "road", "drive", "boulevard", "parkway", "highway", "terrace", "suite", "apt", "box", "po",
    "apartment", "floor", "building", "town", "village", "beach", "springs", "heights",
    "island", "islands", "valley", "north", "south", "east", "west", "northern", "southern",
    "eastern", "western", "new", "united", "america", "american", "national", "federal",
    "puerto", "saint", "san", "santa", "los", "las", "fort", "port", "mount",
    // Calendar.
    "january", "february", "march", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
    "yesterday", "week", "weeks", "month", "months", "year", "years", "time",
};

// English words common in documents that are also given names or surnames: a
// name part that is one of these scores lower, and two of them are no name.
constexpr std::string_view kNameLikeCommonWords[] = {
    "will", "may", "mark", "bill", "rose", "grant", "frank", "art", "guy", "pat", "sue", "rob",
    "don", "gene", "joy", "hope", "faith", "grace", "dawn", "ray", "rich", "max", "chase",
    "hunter", "sterling", "summer", "autumn", "april", "june", "august", "penny", "ivy", "iris",
    "lily", "holly", "ruby", "pearl", "crystal", "amber", "star", "sky", "rain", "river",
    "stone", "wood", "woods", "hill", "hills", "field", "fields", "brook", "brooks", "lake",
    "park", "young", "long", "little", "white", "black", "brown", "green", "gray", "grey",
    "king", "bell", "rice", "price", "case", "ward", "hall", "lane", "way", "bank", "banks",
    "house", "love", "best", "good", "well", "old", "church", "cross", "day", "english",
    "french", "early", "major", "miles", "court", "place", "cash", "law", "gold", "silver",
    "power", "bond", "rule", "hand", "head", "heart", "glass", "story", "book", "sharp",
    "strong", "wise", "free", "small", "short", "fair", "noble", "sage", "judge", "dean",
    "bishop", "marshal", "cook", "post", "view", "main", "back", "next", "open", "close",
    "call", "help", "read", "see", "sign", "save", "share", "follow", "like", "more", "general",
    "central", "standard", "mutual", "life", "trust", "capital", "union", "express", "city",
    "town", "worth", "mountain", "forest", "valley", "spring", "winter", "snow", "frost",
    "storm", "bush", "bird", "fox", "wolf", "bear", "lamb", "swan", "crane", "drake", "hawk",
    "money", "paper", "note", "light", "public", "private", "times", "news", "journal",
    "herald", "page", "date", "street", "the", "patient", "search",
};
// clang-format on

// Word sets keyed by lowercase ASCII, in one flat open-addressed table of packed keys
// (packed_word.h): the name scanner asks of most capitalised words in prose whether
// they are common words, and a probe is a multiply and an integer compare. Words
// longer than a packed key (none in the lists today) are kept in `longer`.
struct CommonWords {
  struct Slot {
    uint64_t a = 0, b = 0;
    uint8_t n = 0;  // 0: empty
    bool common = false, non_name = false;
  };
  std::vector<Slot> slots;
  int shift = 64;
  std::unordered_set<std::string_view> longer_common, longer_non_name;

  CommonWords() {
    const size_t keys = std::size(kNonNameWords) + std::size(kNameLikeCommonWords);
    size_t size = 16;
    while (size < 2 * keys) size <<= 1;
    slots.assign(size, Slot{});
    shift = 64 - std::countr_zero(size);
    for (std::string_view w : kNonNameWords) Add(w, /*non_name=*/true);
    for (std::string_view w : kNameLikeCommonWords) Add(w, /*non_name=*/false);
  }

  void Add(std::string_view w, bool non_name) {
    if (w.empty()) return;
    if (w.size() > kMaxPackedWord) {
      longer_common.insert(w);
      if (non_name) longer_non_name.insert(w);
      return;
    }
    const PackedWord k = PackWord(w.data(), w.size());
    const size_t mask = slots.size() - 1;
    for (size_t i = HashPacked(k, w.size()) >> shift;; i = (i + 1) & mask) {
      Slot& s = slots[i];
      if (s.n == 0 || (s.n == w.size() && s.a == k.a && s.b == k.b)) {
        s.a = k.a;
        s.b = k.b;
        s.n = static_cast<uint8_t>(w.size());
        s.common = true;
        s.non_name = s.non_name || non_name;
        return;
      }
    }
  }

  // The slot of a lowercase word of 1 to kMaxPackedWord bytes, or nullptr.
  const Slot* Find(std::string_view w) const {
    const PackedWord k = PackWord(w.data(), w.size());
    const size_t mask = slots.size() - 1;
    for (size_t i = HashPacked(k, w.size()) >> shift;; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (s.n == 0) return nullptr;
      if (s.n == w.size() && s.a == k.a && s.b == k.b) return &s;
    }
  }

  bool IsCommon(std::string_view lower) const {
    if (lower.size() > kMaxPackedWord) return longer_common.count(lower) > 0;
    const Slot* s = Find(lower);
    return s && s->common;
  }
  bool IsNonName(std::string_view lower) const {
    if (lower.size() > kMaxPackedWord) return longer_non_name.count(lower) > 0;
    const Slot* s = Find(lower);
    return s && s->non_name;
  }
};

const CommonWords& Common() {
  static const CommonWords* const words = new CommonWords();
  return *words;
}

// Lowercases an ASCII word into buf; false when it is too long or not ASCII letters.
bool LowerAsciiWord(std::string_view word, char (&buf)[24], std::string_view* out) {
  if (word.empty() || word.size() > sizeof(buf)) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c | 0x20);
    if (!((c >= 'a' && c <= 'z') || c == '\'')) return false;
    buf[i] = static_cast<char>(c);
  }
  *out = std::string_view(buf, word.size());
  return true;
}

// Base letters of U+0100..U+017F (Latin Extended-A); '*' marks the two ligatures.
constexpr std::string_view kLatinExtA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatinExtA.size() == 0x80);

// Base letters of U+00C0..U+00FF; '*' = multi-letter, '!' = not a letter.
constexpr std::string_view kLatin1 =
    "aaaaaa*ceeeeiiii"   // C0..CF (C6 = ae)
    "dnooooo!ouuuuy**"   // D0..DF (DE = th, DF = ss)
    "aaaaaa*ceeeeiiii"   // E0..EF
    "dnooooo!ouuuuy*y";  // F0..FF (FE = th)
static_assert(kLatin1.size() == 0x40);

// Short keys (most names) hash from their packed bytes; longer ones with std::hash.
size_t FoldedHash(std::string_view s) {
  if (!s.empty() && s.size() <= kMaxPackedWord) return HashPacked(PackWord(s.data(), s.size()), s.size());
  return std::hash<std::string_view>{}(s);
}

}  // namespace

void AppendFoldedName(std::string_view word, std::string* out) {
  size_t i = 0;
  const size_t n = word.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      ++i;
      if (c >= 'A' && c <= 'Z') {
        out->push_back(static_cast<char>(c | 0x20));
      } else if (c == '\'' || c == '.' || c == ' ' || c == '`') {
        // dropped
      } else {
        out->push_back(static_cast<char>(c));
      }
      continue;
    }
    // Two-byte sequences cover everything we fold.
    if ((c & 0xE0) == 0xC0 && i + 1 < n &&
        (static_cast<unsigned char>(word[i + 1]) & 0xC0) == 0x80) {
      uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu);
      if (cp >= 0xC0 && cp <= 0xFF) {
        char b = kLatin1[cp - 0xC0];
        if (b == '*') {
          if (cp == 0xC6 || cp == 0xE6)
            out->append("ae");
          else if (cp == 0xDE || cp == 0xFE)
            out->append("th");
          else
            out->append("ss");
        } else if (b != '!') {
          out->push_back(b);
        }
        i += 2;
        continue;
      }
      if (cp >= 0x100 && cp <= 0x17F) {
        char b = kLatinExtA[cp - 0x100];
        if (b == '*')
          out->append(cp < 0x140 ? "ij" : "oe");
        else
          out->push_back(b);
        i += 2;
        continue;
      }
      if (cp >= 0x300 && cp <= 0x36F) {  // combining diacritical marks
        i += 2;
        continue;
      }
      if (cp == 0x2BC) {  // modifier letter apostrophe
        i += 2;
        continue;
      }
    }
    // U+2019 right single quotation mark, used as an apostrophe.
    if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(word[i + 1]) == 0x80 &&
        static_cast<unsigned char>(word[i + 2]) == 0x99) {
      i += 3;
      continue;
    }
    out->push_back(static_cast<char>(c));
    ++i;
  }
}

// A slot holds the rank in its low 24 bits and 8 bits of the key's hash above them:
// a probe that meets another name rejects it on those bits, without reading the name
// (a random access into names_ and the text behind it, for most words of prose).
namespace {
constexpr uint32_t kRankBits = 24;
constexpr uint32_t kRankMask = (1u << kRankBits) - 1;
inline uint32_t SlotTag(size_t hash) { return static_cast<uint32_t>(hash >> (sizeof(size_t) * 8 - 8)) << kRankBits; }
}  // namespace

void NameLexicon::RankTable::Build(std::vector<std::string_view> names) {
  names_ = std::move(names);
  // Ranks past 24 bits would not fit beside the tag: such a list keeps only the
  // ranks that fit (no name list comes near 16 million names).
  if (names_.size() > kRankMask) names_.resize(kRankMask);
  size_t cap = 16;
  while (cap < names_.size() * 2) cap <<= 1;
  slots_.assign(cap, 0);
  const size_t mask = cap - 1;
  for (size_t r = 0; r < names_.size(); ++r) {
    std::string_view name = names_[r];
    if (name.empty()) continue;
    const size_t hash = FoldedHash(name);
    const uint32_t tag = SlotTag(hash);
    size_t h = hash & mask;
    while (true) {
      uint32_t s = slots_[h];
      if (s == 0) {
        slots_[h] = static_cast<uint32_t>(r + 1) | tag;
        break;
      }
      if ((s & ~kRankMask) == tag && names_[(s & kRankMask) - 1] == name) break;  // keep the better (earlier) rank
      h = (h + 1) & mask;
    }
  }
}

uint32_t NameLexicon::RankTable::Find(std::string_view folded) const {
  if (slots_.empty() || folded.empty()) return 0;
  const size_t mask = slots_.size() - 1;
  const size_t hash = FoldedHash(folded);
  const uint32_t tag = SlotTag(hash);
  size_t h = hash & mask;
  while (true) {
    uint32_t s = slots_[h];
    if (s == 0) return 0;
    if ((s & ~kRankMask) == tag && names_[(s & kRankMask) - 1] == folded) return s & kRankMask;
    h = (h + 1) & mask;
  }
}

namespace {

// Splits newline-separated embedded text into lines (views into static storage).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  out.reserve(text.size() / 7 + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const NameLexicon>> NameLexicon::LoadEmbedded() {
  std::string_view male = EmbeddedFile("names/first_male.txt");
  std::string_view female = EmbeddedFile("names/first_female.txt");
  std::string_view last = EmbeddedFile("names/last.txt");
  if (male.empty() || female.empty() || last.empty())
    return InternalError("embedded name lists (data/names/) are missing");
  std::vector<std::string_view> m = Lines(male), f = Lines(female);
  std::vector<std::string_view> first;
  first.reserve(m.size() + f.size());
  // Interleave by rank: the census male and female frequencies are on one scale.
  for (size_t i = 0; i < std::max(m.size(), f.size()); ++i) {
    if (i < m.size()) first.push_back(m[i]);
    if (i < f.size()) first.push_back(f[i]);
  }
  auto lex = std::make_shared<NameLexicon>(PrivateTag{});
  lex->first_.Build(std::move(first));
  lex->last_.Build(Lines(last));
  return std::shared_ptr<const NameLexicon>(std::move(lex));
}

std::shared_ptr<const NameLexicon> NameLexicon::FromLists(std::vector<std::string> first,
                                                          std::vector<std::string> last) {
  auto lex = std::make_shared<NameLexicon>(PrivateTag{});
  lex->owned_.reserve(first.size() + last.size());
  for (auto& s : first) {
    std::string folded;
    AppendFoldedName(s, &folded);
    lex->owned_.push_back(std::move(folded));
  }
  for (auto& s : last) {
    std::string folded;
    AppendFoldedName(s, &folded);
    lex->owned_.push_back(std::move(folded));
  }
  // owned_ no longer grows: views into it stay valid.
  std::vector<std::string_view> f(lex->owned_.begin(), lex->owned_.begin() + first.size());
  std::vector<std::string_view> l(lex->owned_.begin() + first.size(), lex->owned_.end());
  lex->first_.Build(std::move(f));
  lex->last_.Build(std::move(l));
  return lex;
}

uint32_t NameLexicon::Rank(const RankTable& table, std::string_view word) const {
  std::string key;  // SSO: no allocation for names up to 15 bytes
  AppendFoldedName(word, &key);
  if (uint32_t r = table.Find(key)) return r;
  if (key.find('-') == std::string::npos) return 0;
  // "smith-jones": the whole joined, then the best part.
  std::string joined;
  for (char c : key)
    if (c != '-') joined.push_back(c);
  if (uint32_t r = table.Find(joined)) return r;
  uint32_t best = 0;
  size_t pos = 0;
  while (pos <= key.size()) {
    size_t dash = key.find('-', pos);
    if (dash == std::string::npos) dash = key.size();
    if (uint32_t r = table.Find(std::string_view(key).substr(pos, dash - pos)))
      if (best == 0 || r < best) best = r;
    pos = dash + 1;
  }
  return best;
}

uint32_t NameLexicon::FirstNameRank(std::string_view word) const { return Rank(first_, word); }
uint32_t NameLexicon::LastNameRank(std::string_view word) const { return Rank(last_, word); }

bool NameLexicon::IsCommonWord(std::string_view word) const {
  char buf[24];
  std::string_view lower;
  return LowerAsciiWord(word, buf, &lower) && Common().IsCommon(lower);
}

bool NameLexicon::IsNonNameWord(std::string_view word) const {
  char buf[24];
  std::string_view lower;
  return LowerAsciiWord(word, buf, &lower) && Common().IsNonName(lower);
}

}  // namespace breachscope::detect
