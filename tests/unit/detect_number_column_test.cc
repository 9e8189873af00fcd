// Card-shaped numbers in columns of numbers: an unlabelled run that passes Luhn among
// card-length numbers that mostly fail it is a table of numbers (the stroke orders of
// glibc's cns11643_stroke collation file gave 409 "cards"), while a list of cards keeps
// every card, also with typos and with the benchmark corpus's Luhn-failing decoys
// (about 45% of its card cells).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "test_scanner.h"

namespace breachscope::detect {
namespace {

std::vector<std::string> Cards(std::string_view text) {
  std::vector<std::string> v;
  for (const auto& f : ScanFound(text, 0.5f, [](PiiType t) { return t == PiiType::kCreditCard; })) v.push_back(f.value);
  return v;
}

bool Luhn(const std::string& d) {
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    int x = d[d.size() - 1 - i] - '0';
    if (i % 2) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  return sum % 10 == 0;
}

// `len` digits after `prefix`, drawn from `digits`, valid or failing Luhn as asked.
std::string Number(std::mt19937& rng, const std::string& prefix, size_t len, bool valid,
                   std::string_view digits = "0123456789") {
  for (;;) {
    std::string d = prefix;
    while (d.size() < len) d += digits[rng() % digits.size()];
    if (Luhn(d) == valid) return d;
  }
}

TEST(NumberColumn, ACollationTableOfStrokeNumbersHoldsNoCards) {
  std::mt19937 rng(5);
  std::string text;
  std::vector<std::string> valid;
  for (int i = 0; i < 40; ++i) {
    // One line in ten passes Luhn, as chance has it.
    const bool ok = i % 10 == 3;
    const std::string n = Number(rng, "4125", 13, ok, "12345");  // stroke types 1-5; a 13-digit Visa shape
    if (ok) valid.push_back(n);
    text += "<U" + std::to_string(20000 + i) + "> <U" + std::to_string(20000 + i) + ">;IGNORE;IGNORE;IGNORE # " + n + "\n";
  }
  ASSERT_EQ(valid.size(), 4u);
  for (const auto& v : valid) EXPECT_EQ(Cards(v), std::vector<std::string>{v}) << "a card on its own line";
  EXPECT_EQ(Cards(text), std::vector<std::string>());
}

TEST(NumberColumn, AListOfCardsKeepsEveryCardWithTyposAndDecoys) {
  std::mt19937 rng(8);
  for (int failing_percent : {0, 7, 45}) {
    std::string text;
    std::vector<std::string> want;
    for (int i = 0; i < 60; ++i) {
      const bool ok = static_cast<int>(rng() % 100) >= failing_percent;
      std::string n = Number(rng, i % 2 ? "4" : "51", 16, ok);
      if (ok) want.push_back(n);
      text += std::to_string(i + 1) + "," + n + ",2024-01-0" + std::to_string(i % 9 + 1) + "\n";
    }
    EXPECT_EQ(Cards(text), want) << failing_percent << "% failing";
  }
}

TEST(NumberColumn, AFewFailingNeighboursAreNotATable) {
  // Eleven failing card-length numbers around one card: below the twelve it takes.
  std::mt19937 rng(3);
  std::string text;
  for (int i = 0; i < 11; ++i) text += "serial " + Number(rng, "4", 16, false) + "\n";
  const std::string card = Number(rng, "4", 16, true);
  text += "charged " + card + " today\n";
  EXPECT_EQ(Cards(text), std::vector<std::string>{card});
}

}  // namespace
}  // namespace breachscope::detect
