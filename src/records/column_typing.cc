// records/column_typing.cc — typing columns by their values.
//
// Why: breached extracts often come without usable headers (a header-less CSV dumped
// by a script, a fixed-width file with no layout), and an undashed 9-digit number is
// only an SSN when its column says so. Here the column says so by its values: the
// contract's validators must accept nearly all of them (95%; 85% for names), and the
// checks that random data would pass by chance (9-digit ids pass the SSA rules ~89% of
// the time, service dates are plausible birth dates) get extra conditions: enough
// values, a name next to a birth date, a street for ZIP and state columns.
#include "records/column_typing.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "detect/addresses.h"
#include "detect/names.h"

namespace breachscope::records {

using detect::Label;

namespace {

constexpr double kShare = 0.95;
constexpr double kNameShare = 0.85;
constexpr size_t kMinValues = 10;
constexpr double kMinFilled = 0.3;
constexpr size_t kSsnSure = 50;      // values from which 95% valid is enough for an SSN column
constexpr size_t kSsnMinValues = 20;  // fewer: never an SSN column

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view TrimCell(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"' || s.front() == '\'' ||
                        s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' || s.back() == '\'' ||
                        s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool IsPlaceholder(std::string_view v) {
  static constexpr std::array<std::string_view, 9> kEmpty = {"null", "none", "n/a", "na", "-", "--", "nil", "?", "unknown"};
  if (v.size() > 7) return false;
  char low[8];
  for (size_t i = 0; i < v.size(); ++i) low[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(v[i])));
  std::string_view l(low, v.size());
  return std::find(kEmpty.begin(), kEmpty.end(), l) != kEmpty.end();
}

// Digits of a value made of digits and the given separators only; empty otherwise.
bool DigitsOnly(std::string_view v, std::string_view seps, std::string& out) {
  out.clear();
  for (char c : v) {
    if (IsDigit(c)) out += c;
    else if (seps.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool LooksSsn(std::string_view v) {
  std::string d;
  if (v.size() == 9) return DigitsOnly(v, "", d) && detect::IsValidSsn(d);
  if (v.size() == 11 && (v[3] == '-' || v[3] == ' ') && v[6] == v[3]) return DigitsOnly(v, "- ", d) && d.size() == 9 && detect::IsValidSsn(d);
  return false;
}

bool LooksPhone(std::string_view v) {
  std::string d;
  if (v.size() > 20 || !DigitsOnly(v, "()-. +", d)) return false;
  if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
  return d.size() == 10 && detect::IsValidNanpPhone(d);
}

bool LooksCard(std::string_view v) {
  std::string d;
  if (v.size() > 23 || !DigitsOnly(v, " -", d)) return false;
  return d.size() >= 13 && d.size() <= 19 && detect::IsValidCard(d);
}

bool LooksMbi(std::string_view v) {
  std::string u;
  for (char c : v) {
    if (c == '-') continue;
    if (!IsDigit(c) && !IsAlpha(c)) return false;
    u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return u.size() == 11 && detect::IsValidMbi(u);
}

bool LooksEmail(std::string_view v) {
  size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = v.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot < 3) return false;
  for (char c : v)
    if (c == ' ' || c == ',' || c == ';' || c == '<' || c == '>' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

bool LooksZip(std::string_view v) {
  std::string d;
  if (v.size() == 5) return DigitsOnly(v, "", d);
  if (v.size() == 10 && v[5] == '-') return DigitsOnly(v, "-", d) && d.size() == 9;
  return false;
}

bool LooksState(std::string_view v) { return v.size() == 2 && IsAlpha(v[0]) && IsAlpha(v[1]) && detect::IsUsStateCode(v); }

// Letters (any script), spaces, and the punctuation names and places carry.
bool Wordy(std::string_view v) {
  bool letter = false;
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (IsAlpha(c) || u >= 0x80) letter = true;
    else if (c != ' ' && c != '-' && c != '\'' && c != '.' && c != ',') return false;
  }
  return letter;
}

// Words of a value, split on spaces.
size_t Tokens(std::string_view v, std::string_view* out, size_t max) {
  size_t n = 0, i = 0;
  while (i < v.size()) {
    while (i < v.size() && v[i] == ' ') ++i;
    size_t b = i;
    while (i < v.size() && v[i] != ' ') ++i;
    if (i > b) {
      if (n < max) out[n] = v.substr(b, i - b);
      ++n;
    }
  }
  return n;
}

bool LooksFirstName(std::string_view v, const detect::NameLexicon& lex) {
  if (!Wordy(v) || v.find(',') != std::string_view::npos) return false;
  std::string_view t[3];
  size_t n = Tokens(v, t, 3);
  // "Dana" or "Dana M" / "Dana M." (a middle initial).
  if (n == 0 || n > 2) return false;
  if (n == 2 && !(t[1].size() == 1 || (t[1].size() == 2 && t[1][1] == '.'))) return false;
  return lex.FirstNameRank(t[0]) > 0 && !lex.IsNonNameWord(t[0]);
}

bool LooksLastName(std::string_view v, const detect::NameLexicon& lex) {
  if (!Wordy(v) || v.find(',') != std::string_view::npos) return false;
  std::string_view t[3];
  size_t n = Tokens(v, t, 3);
  if (n == 0 || n > 2) return false;
  // "De La Cruz" / "Van Dyke" fold to one census entry; "Smith Jr" has its suffix.
  if (lex.LastNameRank(v) > 0 && !lex.IsNonNameWord(t[0])) return true;
  return lex.LastNameRank(t[0]) > 0 && !lex.IsNonNameWord(t[0]) && n == 1;
}

bool LooksFullName(std::string_view v, const detect::NameLexicon& lex) {
  if (!Wordy(v)) return false;
  std::string_view t[5];
  size_t n = Tokens(v, t, 5);
  if (n < 2 || n > 4) return false;
  auto m = detect::ParseNameField(v, lex);
  // On the first- or the last-name list (an unknown but name-shaped pair scores 0.62).
  return m && m->score >= 0.7;
}

bool LooksStreet(std::string_view v) {
  if (v.size() < 5 || v.size() > 80 || !IsDigit(v[0])) {
    // PO boxes and rural routes start with letters.
    if (v.size() < 5 || !(v[0] == 'P' || v[0] == 'p' || v[0] == 'R' || v[0] == 'r')) return false;
  }
  auto found = detect::FindAddresses(v);
  if (found.empty()) return false;
  const auto& a = found.front();
  // The whole value is the street: a match that starts at it and leaves at most a unit.
  return a.begin == 0 && a.end + 8 >= v.size() && a.score >= 0.6;
}

bool IsoTimeLike(std::string_view v) { return v.find(':') != std::string_view::npos; }

int DaysFrom(const detect::Date& a, const detect::Date& b) {
  // Approximate day difference (30.44 days a month) — only compared with a year.
  return (b.year - a.year) * 365 + (b.month - a.month) * 30 + (b.day - a.day);
}

size_t Distinct(std::span<const std::string_view> vals) {
  std::vector<std::string_view> v(vals.begin(), vals.end());
  std::sort(v.begin(), v.end());
  return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

// A header that says nothing: empty, a number, a spreadsheet letter ("A", "AB"), or a
// generic word with an optional number ("col3", "Column 7", "FIELD_07", "Unnamed: 2").
bool GenericHeader(std::string_view header) {
  std::string h = detect::NormalizeHeader(header);
  if (h.empty()) return true;
  size_t digits = h.size();
  while (digits > 0 && IsDigit(h[digits - 1])) --digits;
  std::string_view word(h.data(), digits);
  if (word.empty()) return true;
  if (word.size() <= 2 && digits == h.size() && std::all_of(word.begin(), word.end(), IsAlpha)) return true;
  static constexpr std::array<std::string_view, 14> kGeneric = {
      "c", "col", "column", "f", "field", "fld", "var", "v", "x", "unnamed", "attr", "attribute", "value", "val"};
  return std::find(kGeneric.begin(), kGeneric.end(), word) != kGeneric.end() && (digits < h.size() || word.size() > 2);
}

}  // namespace

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone: return "none";
    case ValueKind::kSsn: return "ssn";
    case ValueKind::kBirthDate: return "birth_date";
    case ValueKind::kPhone: return "phone";
    case ValueKind::kEmail: return "email";
    case ValueKind::kCard: return "credit_card";
    case ValueKind::kMbi: return "mbi";
    case ValueKind::kZip: return "zip";
    case ValueKind::kState: return "state";
    case ValueKind::kStreet: return "street";
    case ValueKind::kFullName: return "name";
    case ValueKind::kFirstName: return "name_first";
    case ValueKind::kLastName: return "name_last";
    case ValueKind::kWords: return "words";
  }
  return "none";
}

std::optional<detect::Date> ParseBirthDate(std::string_view value, const detect::Date& today, bool mmddyyyy) {
  value = TrimCell(value);
  if (value.empty() || value.size() > 32 || IsoTimeLike(value)) return std::nullopt;
  std::optional<detect::Date> d = detect::ParseDate(value, today);
  if (!d && mmddyyyy && value.size() == 8 && std::all_of(value.begin(), value.end(), IsDigit)) {
    auto num = [&](size_t at, size_t n) {
      int x = 0;
      for (size_t i = at; i < at + n; ++i) x = x * 10 + (value[i] - '0');
      return x;
    };
    detect::Date m{num(4, 4), num(0, 2), num(2, 2)};
    if (detect::IsRealDate(m)) d = m;
  }
  if (!d || !detect::IsPlausibleBirthDate(*d, today)) return std::nullopt;
  return d;
}

namespace {

// True when the dates, in row order, (nearly) never go down or never go up.
bool Monotonic(std::span<const std::string_view> vals, const TypingContext& ctx) {
  std::optional<detect::Date> prev;
  size_t up = 0, down = 0, pairs = 0;
  for (auto v : vals) {
    auto d = ParseBirthDate(v, ctx.today, ctx.mmddyyyy);
    if (!d) continue;
    if (prev) {
      ++pairs;
      if (*d > *prev) ++up;
      if (*d < *prev) ++down;
    }
    prev = d;
  }
  return pairs >= 5 && (up * 10 <= pairs || down * 10 <= pairs);
}

}  // namespace

bool ValueFits(std::string_view value, ValueKind kind, const TypingContext& ctx) {
  std::string_view v = TrimCell(value);
  if (v.empty()) return false;
  switch (kind) {
    case ValueKind::kNone: return false;
    case ValueKind::kSsn: return LooksSsn(v);
    case ValueKind::kBirthDate: return ParseBirthDate(v, ctx.today, ctx.mmddyyyy).has_value();
    case ValueKind::kPhone: return LooksPhone(v);
    case ValueKind::kEmail: return LooksEmail(v);
    case ValueKind::kCard: return LooksCard(v);
    case ValueKind::kMbi: return LooksMbi(v);
    case ValueKind::kZip: return LooksZip(v);
    case ValueKind::kState: return LooksState(v);
    case ValueKind::kStreet: return LooksStreet(v);
    case ValueKind::kFullName: return LooksFullName(v, ctx.lexicon);
    case ValueKind::kFirstName: return LooksFirstName(v, ctx.lexicon);
    case ValueKind::kLastName: return LooksLastName(v, ctx.lexicon);
    case ValueKind::kWords: return Wordy(v) && v.size() <= 40;
  }
  return false;
}

ColumnGuess ClassifyValues(std::span<const std::string_view> values, const TypingContext& ctx, size_t rows) {
  ColumnGuess g;
  std::vector<std::string_view> vals;
  vals.reserve(values.size());
  for (auto raw : values) {
    std::string_view v = TrimCell(raw);
    if (!v.empty() && !IsPlaceholder(v)) vals.push_back(v);
  }
  if (rows == 0) rows = values.size();
  g.values = vals.size();
  if (vals.size() < kMinValues || static_cast<double>(vals.size()) < kMinFilled * static_cast<double>(rows)) return g;

  // In order of preference when several fit (a Luhn-valid 16-digit number is a card,
  // not a phone; a full name beats one of its parts).
  static constexpr ValueKind kOrder[] = {ValueKind::kSsn,      ValueKind::kCard,      ValueKind::kPhone,
                                         ValueKind::kMbi,      ValueKind::kEmail,     ValueKind::kBirthDate,
                                         ValueKind::kZip,      ValueKind::kState,     ValueKind::kStreet,
                                         ValueKind::kFullName, ValueKind::kFirstName, ValueKind::kLastName,
                                         ValueKind::kWords};
  const size_t n = vals.size();
  double first_share = 0, last_share = 0;
  for (ValueKind kind : kOrder) {
    const bool name = kind == ValueKind::kFullName || kind == ValueKind::kFirstName || kind == ValueKind::kLastName;
    const double need = name ? kNameShare : kind == ValueKind::kWords ? 0.9 : kShare;
    const size_t allowed = n - static_cast<size_t>(need * static_cast<double>(n) + 0.999);
    // A quick look at the first values rules most kinds out.
    size_t fails = 0, ok = 0;
    int recent = 0;
    for (size_t i = 0; i < n && fails <= allowed; ++i) {
      bool fit;
      if (kind == ValueKind::kBirthDate) {
        auto d = ParseBirthDate(vals[i], ctx.today, ctx.mmddyyyy);
        fit = d.has_value();
        if (fit && DaysFrom(*d, ctx.today) < 365) ++recent;
      } else {
        fit = ValueFits(vals[i], kind, ctx);
      }
      fit ? ++ok : ++fails;
    }
    if (fails > allowed) continue;
    double share = static_cast<double>(ok) / static_cast<double>(n);
    if (kind == ValueKind::kBirthDate && recent * 2 > static_cast<int>(ok)) continue;  // service dates, not births
    // Timestamps of a log or dates of a sorted journal go one way; birth dates do not.
    if (kind == ValueKind::kBirthDate && Monotonic(vals, ctx)) continue;
    // People's names and SSNs vary ("worker-1".."worker-4" or a repeated plan code do
    // not), though a claims file repeats each member on many lines.
    if ((name || kind == ValueKind::kSsn) && (Distinct(vals) < 8 || Distinct(vals) * 20 < n)) continue;
    if (kind == ValueKind::kFirstName) {
      first_share = share;
      // Most first names are on the last-name list too: the list that covers more wins.
      size_t last_ok = 0;
      for (auto v : vals) last_ok += LooksLastName(v, ctx.lexicon);
      last_share = static_cast<double>(last_ok) / static_cast<double>(n);
      if (last_share > first_share) {
        g.kind = ValueKind::kLastName;
        g.share = last_share;
        return g;
      }
    }
    g.kind = kind;
    g.share = share;
    return g;
  }
  (void)last_share;
  return g;
}

std::vector<Label> LabelColumns(std::span<const ColumnGuess> guesses, std::span<const Label> known) {
  const size_t n = guesses.size();
  std::vector<Label> out(n, Label::kNone);
  auto known_at = [&](size_t i) { return i < known.size() ? known[i] : Label::kNone; };
  auto is_name_label = [](Label l) { return l == Label::kFirstName || l == Label::kLastName || l == Label::kFullName; };
  auto name_at = [&](size_t i) {
    Label k = known_at(i);
    if (k != Label::kNone) return is_name_label(k);
    ValueKind v = guesses[i].kind;
    return v == ValueKind::kFullName || v == ValueKind::kFirstName || v == ValueKind::kLastName;
  };
  bool any_name = false, any_street = false;
  for (size_t i = 0; i < n; ++i) {
    any_name = any_name || name_at(i);
    any_street = any_street || known_at(i) == Label::kStreet ||
                 (known_at(i) == Label::kNone && guesses[i].kind == ValueKind::kStreet);
  }
  bool any_dob = false;
  for (size_t i = 0; i < n; ++i) {
    if (known_at(i) != Label::kNone) {
      out[i] = known_at(i);
      continue;
    }
    switch (guesses[i].kind) {
      case ValueKind::kBirthDate: {
        bool near = false;
        for (size_t j = i > 2 ? i - 2 : 0; j < std::min(n, i + 3); ++j)
          if (j != i && name_at(j)) near = true;
        if (near) out[i] = Label::kDob, any_dob = true;
        break;
      }
      case ValueKind::kPhone: out[i] = Label::kPhone; break;
      case ValueKind::kEmail: out[i] = Label::kEmail; break;
      case ValueKind::kCard: out[i] = Label::kCard; break;
      case ValueKind::kMbi: out[i] = Label::kMbi; break;
      case ValueKind::kStreet: out[i] = Label::kStreet; break;
      case ValueKind::kZip: if (any_street) out[i] = Label::kZip; break;
      case ValueKind::kState: if (any_street) out[i] = Label::kState; break;
      case ValueKind::kFullName: out[i] = Label::kFullName; break;
      case ValueKind::kFirstName: out[i] = Label::kFirstName; break;
      case ValueKind::kLastName: out[i] = Label::kLastName; break;
      default: break;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (out[i] != Label::kNone) continue;
    if (guesses[i].kind == ValueKind::kSsn) {
      const ColumnGuess& g = guesses[i];
      bool sure = g.values >= kSsnSure;
      bool small_but_clean = g.values >= kSsnMinValues && g.share >= 1.0 && (any_name || any_dob);
      if (sure || small_but_clean) out[i] = Label::kSsn;
    }
  }
  // "Columbia" before "MO" is a city, even when it is also a surname ("Austin", "Madison").
  for (size_t i = 0; i + 1 < n; ++i) {
    if (known_at(i) != Label::kNone || !any_street || out[i + 1] != Label::kState) continue;
    ValueKind k = guesses[i].kind;
    if (k == ValueKind::kWords || k == ValueKind::kLastName || k == ValueKind::kFirstName || k == ValueKind::kFullName)
      out[i] = Label::kCity;
  }
  return out;
}

std::optional<Table> ReadTypedTable(std::string_view head, char delimiter, const detect::LabelTable& labels,
                                    const TypingContext& ctx) {
  std::optional<Table> t = ReadTableHeader(head, delimiter, labels);
  if (t && std::none_of(t->labels.begin(), t->labels.end(), [](Label l) { return l == Label::kNone; })) return t;
  // Rows of the sample; the last one may be cut by the end of the head.
  constexpr size_t kMaxRows = 400;
  std::vector<Row> rows;
  uint64_t p = 0;
  while (p < head.size() && rows.size() < kMaxRows) {
    Row r;
    uint64_t next = ParseCsvRow(head, p, delimiter, r);
    bool blank = r.cells.size() == 1 && r.cells[0].first == r.cells[0].second;
    if (next == p) break;
    if (!blank) rows.push_back(std::move(r));
    p = next;
  }
  if (rows.size() > 2 && p >= head.size() && head.back() != '\n') rows.pop_back();
  if (rows.size() < 2) return t;
  size_t ncols = t ? t->labels.size() : 0;
  if (!t) {
    // The most common cell count.
    std::vector<size_t> counts;
    for (const auto& r : rows) counts.push_back(r.cells.size());
    std::sort(counts.begin(), counts.end());
    size_t best = 0, run = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      run = (i > 0 && counts[i] == counts[i - 1]) ? run + 1 : 1;
      if (run > best) best = run, ncols = counts[i];
    }
    if (ncols < 2) return t;
  }
  auto type_from = [&](size_t first_row) {
    std::vector<ColumnGuess> guesses(ncols);
    std::vector<std::string_view> vals;
    for (size_t c = 0; c < ncols; ++c) {
      if (t && t->labels[c] != Label::kNone) continue;
      vals.clear();
      for (size_t r = first_row; r < rows.size(); ++r)
        if (c < rows[r].cells.size()) {
          auto [b, e] = rows[r].cells[c];
          vals.push_back(head.substr(b, e - b));
        }
      guesses[c] = ClassifyValues(vals, ctx, rows.size() - first_row);
    }
    return guesses;
  };
  if (t) {
    std::vector<ColumnGuess> guesses = type_from(1);
    std::vector<Label> typed = LabelColumns(guesses, t->labels);
    size_t known = 0, added = 0, fits = 0;
    for (size_t c = 0; c < ncols; ++c) {
      if (t->labels[c] != Label::kNone) ++known;
      else if (typed[c] != Label::kNone) {
        ++added;
        auto [b, e] = rows[0].cells.size() > c ? rows[0].cells[c] : std::pair<uint64_t, uint64_t>{0, 0};
        if (ValueFits(head.substr(b, e - b), guesses[c].kind, ctx)) ++fits;
      }
    }
    if (added == 0) return t;
    // A first row that names nothing and whose cells fit the types below it is data.
    if (known == 0 && fits * 2 >= added && fits > 0) {
      t->labels = typed;
      t->header_row = false;
      return t;
    }
    // A real header row: only the columns whose header is empty or generic ("c3",
    // "FIELD_07") are typed by their values; "signup_date" or "ref" says what the column
    // is even when we do not know the word, and a signup date is not a birth date.
    std::vector<ColumnGuess> generic(ncols);
    for (size_t c = 0; c < ncols; ++c)
      if (t->labels[c] == Label::kNone && c < t->headers.size() && GenericHeader(t->headers[c])) generic[c] = guesses[c];
    typed = LabelColumns(generic, t->labels);
    if (typed == t->labels) return t;
    t->labels = typed;
    return t;
  }
  std::vector<ColumnGuess> guesses = type_from(0);
  std::vector<Label> typed = LabelColumns(guesses);
  if (std::all_of(typed.begin(), typed.end(), [](Label l) { return l == Label::kNone; })) return std::nullopt;
  Table out;
  out.delimiter = delimiter;
  out.headers.assign(ncols, std::string());
  out.labels = std::move(typed);
  out.header_row = false;
  return out;
}

}  // namespace breachscope::records
