// notify/letters.h — notification letters as real PDFs (cairo + pango).
//
// ComposeLetter() turns the incident, the letter variant and (optionally) one
// recipient into blocks of text that meet the content requirements in the rules
// (what happened, what of theirs was involved — element types in words, never
// values —, what the organisation is doing, what they can do: credit freeze, fraud
// alert, free credit reports, the FTC; a credit-monitoring enrolment-code
// placeholder; contact details). Without a recipient it is the variant's template,
// with [PLACEHOLDERS] for the mail house. Massachusetts letters leave out the nature
// of the breach (M.G.L. c. 93H § 3) and add the police-report right.
//
// PdfWriter lays blocks out on US Letter pages with pango (Unicode names and
// addresses shape correctly) into a cairo PDF surface streamed to an OutputFile
// (mode 0600). One writer holds one document: a template, the merged batch (each
// letter starts on a new page) or one person's letter.
//
// Thread-safety: a PdfWriter belongs to one thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "notify/incident.h"
#include "notify/rules.h"

namespace breachscope::notify {

struct LetterVariant {
  std::string id;                  // "V01"
  std::vector<std::string> types;  // exposed contract types described in the letter (sorted)
  bool ma = false;                 // Massachusetts content rules
  bool hipaa = false;              // notified under HIPAA (health wording, discovery date)
  int monitoring_months = 0;       // statutory identity-theft services (0: none required)
  std::string Key() const;         // identity of the variant, for grouping
};

struct Recipient {
  std::string person, full_name, street, city_state_zip;
};

struct LetterBlock {
  enum Kind { kLetterhead, kTitle, kHeading, kText, kAddress, kFooter } kind;
  std::string text;
  bool shared = true;  // the same in every letter of the variant (PdfWriter reuses its shaping)
};

std::vector<LetterBlock> ComposeLetter(const Rules& rules, const Incident& incident, const LetterVariant& variant,
                                       const Recipient* recipient);

class PdfWriter {
 public:
  static Result<std::unique_ptr<PdfWriter>> Create(const std::filesystem::path& path);
  ~PdfWriter();
  Status AddLetter(const std::vector<LetterBlock>& blocks);  // starts on a new page
  Status Close();
  int pages() const { return pages_; }

  struct Impl;

 private:
  explicit PdfWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int pages_ = 0;
};

// Whether ComposeLetter() meets a content item named in the rules (notice_content,
// default_notice_content, HIPAA's notice_content_items). A rules item the letters do
// not know is a gap; the unit tests check every item in the rules is supported.
bool LetterSupports(std::string_view content_item);

// "February 18, 2023".
std::string LongDate(Date d);

}  // namespace breachscope::notify
