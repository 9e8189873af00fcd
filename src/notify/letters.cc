// notify/letters.cc — letter text and PDF layout.
//
// The text is composed as data (blocks) so tests can check the content without a
// PDF, and the same blocks feed the template, the batch and per-person files. The
// layout is line by line (pango lines measured and drawn one at a time), so a long
// description flows onto further pages instead of running off the sheet.
#include "notify/letters.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "notify/engine.h"
#include "report/writers.h"

namespace breachscope::notify {
namespace {

std::string JoinWords(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += (i + 1 == items.size()) ? (items.size() > 2 ? ", and " : " and ") : ", ";
    s += items[i];
  }
  return s;
}

std::string BreachPhrase(const std::string& t) {
  if (t == "hacking_it_incident") return "unauthorized access to its computer systems by an outside party";
  if (t == "unauthorized_access_disclosure") return "an unauthorized access to, or disclosure of, information";
  if (t == "theft") return "the theft of equipment or records";
  if (t == "loss") return "the loss of equipment or records";
  if (t == "improper_disposal") return "the improper disposal of records";
  return "a data security incident";
}

std::string LocationPhrase(const std::string& l) {
  if (l == "network_server") return "a network server";
  if (l == "email") return "an email account";
  if (l == "desktop_computer") return "a desktop computer";
  if (l == "laptop") return "a laptop computer";
  if (l == "paper_films") return "paper records";
  if (l == "other_portable_device") return "a portable electronic device";
  if (l == "electronic_medical_record") return "an electronic medical record system";
  return "its records";
}

bool Has(const std::vector<std::string>& v, std::string_view t) { return std::find(v.begin(), v.end(), t) != v.end(); }

std::string JoinOr(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += (i + 1 == items.size()) ? (items.size() > 2 ? ", or " : " or ") : ", ";
    s += items[i];
  }
  return s;
}

// "https://www.example.org/x/" -> "www.example.org/x": shorter lines on paper.
std::string Site(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"})
    if (url.substr(0, scheme.size()) == scheme) url.remove_prefix(scheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

}  // namespace

std::string LongDate(Date d) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  return std::string(kMonths[d.month() - 1]) + " " + std::to_string(d.day()) + ", " + std::to_string(d.year());
}

bool LetterSupports(std::string_view item) {
  // Each item and where ComposeLetter() meets it.
  static const std::set<std::string_view> kSupported = {
      "what_happened",                // "What Happened" (left out for MA: omit_nature_of_breach)
      "date_of_breach",               // breach_start/breach_end sentence
      "date_of_discovery",            // "On <discovered>, ... discovered"
      "date_of_notice",               // [DATE OF MAILING]
      "information_involved",         // "What Information Was Involved", types in words
      "what_we_are_doing",            // "What We Are Doing"
      "what_you_can_do",              // "What You Can Do"
      "remain_vigilant",              // "Stay alert: review your account statements ..."
      "credit_freeze_info",           // "Credit freeze (security freeze) ..."
      "fraud_alert_info",             // "Fraud alert ..."
      "free_credit_reports",          // annualcreditreport.com
      "cra_contacts",                 // the three bureaus: phone, website, postal address
      "ftc_contact",                  // FTC website, phone and address
      "contact_entity",               // "For More Information" (contact: or placeholders)
      "title_notice_of_data_breach",  // CA: the title
      "prescribed_headings",          // CA: the five headings
      "omit_nature_of_breach",        // MA: the variant without the description
      "police_report_right",          // MA
      "omit_resident_count",          // IL, MA: no letter states how many were affected
  };
  return kSupported.count(item) > 0;
}

std::string LetterVariant::Key() const {
  std::string k;
  for (const auto& t : types) k += t + ",";
  k += ma ? "|ma" : "|std";
  k += hipaa ? "|hipaa" : "|state";
  k += "|m" + std::to_string(monitoring_months);
  return k;
}

std::vector<LetterBlock> ComposeLetter(const Rules& rules, const Incident& inc, const LetterVariant& v,
                                       const Recipient* r) {
  std::vector<LetterBlock> b;
  const std::string& entity = inc.entity_name;
  std::string head = entity;
  if (!inc.contact.address.empty()) head += "\n" + inc.contact.address;
  b.push_back({LetterBlock::kLetterhead, head});
  b.push_back({LetterBlock::kText, "[DATE OF MAILING]"});
  if (r)
    b.push_back({LetterBlock::kAddress, r->full_name + "\n" + r->street + "\n" + r->city_state_zip, false});
  else
    b.push_back({LetterBlock::kAddress, "[FULL NAME]\n[STREET ADDRESS]\n[CITY, STATE ZIP]"});
  b.push_back({LetterBlock::kTitle, "Notice of Data Breach"});
  b.push_back({LetterBlock::kText, "Dear " + (r ? r->full_name : std::string("[FULL NAME]")) + ",", r == nullptr});

  const bool omit_nature = v.ma && !v.hipaa;  // HIPAA's content rule (45 CFR 164.404(c)) prevails
  if (omit_nature) {
    b.push_back({LetterBlock::kText, "We are writing to let you know about a data security incident at " + entity +
                                         " that involved some of your personal information, and about steps you "
                                         "can take to protect yourself."});
  } else {
    b.push_back({LetterBlock::kText, "We are writing to tell you about a data security incident at " + entity +
                                         " that involved some of your personal information. This letter explains "
                                         "what happened, what information was involved, what we are doing, and what "
                                         "you can do."});
  }

  b.push_back({LetterBlock::kHeading, "What Happened"});
  if (omit_nature) {
    b.push_back({LetterBlock::kText, "On " + LongDate(inc.discovered) + ", " + entity +
                                         " learned of an incident that involved some of your personal information."});
  } else {
    std::string t = "On " + LongDate(inc.discovered) + ", " + entity + " discovered " + BreachPhrase(inc.breach_type) +
                    " involving " + LocationPhrase(inc.location) + ".";
    if (inc.breach_start && inc.breach_end && !(*inc.breach_start == *inc.breach_end))
      t += " The incident took place between " + LongDate(*inc.breach_start) + " and " + LongDate(*inc.breach_end) + ".";
    else if (inc.breach_start)
      t += " The incident took place on or about " + LongDate(*inc.breach_start) + ".";
    else if (inc.breach_end)
      t += " The incident ended on " + LongDate(*inc.breach_end) + ".";
    else
      t += " The date of the incident itself is not yet known.";
    if (!inc.description.empty()) t += " " + inc.description;
    b.push_back({LetterBlock::kText, t});
  }

  b.push_back({LetterBlock::kHeading, "What Information Was Involved"});
  std::vector<std::string> words;
  if (Has(v.types, "name")) words.push_back("your name");
  for (const auto& t : v.types)
    if (t != "name") words.push_back("your " + DescribeType(t));
  b.push_back({LetterBlock::kText,
               "The information involved included " + (words.empty() ? std::string("your personal information") : JoinWords(words)) +
                   ". For your protection, this letter does not repeat any of these numbers or details."});

  b.push_back({LetterBlock::kHeading, "What We Are Doing"});
  b.push_back({LetterBlock::kText, entity +
                                       " acted to contain the incident, is investigating it, and is reviewing its "
                                       "security measures to help prevent anything similar from happening again. "
                                       "We are notifying the regulators and agencies the law requires."});
  int months = std::max(v.monitoring_months, inc.credit_monitoring.months);
  std::string offer = "We are offering you " +
                      (months > 0 ? std::to_string(months) + " months of " : std::string()) +
                      "complimentary credit monitoring and identity theft protection services";
  if (!inc.credit_monitoring.provider.empty()) offer += " through " + inc.credit_monitoring.provider;
  offer += ". To enroll, visit " +
           (inc.credit_monitoring.enroll_url.empty() ? std::string("[ENROLLMENT WEBSITE]") : inc.credit_monitoring.enroll_url) +
           " and enter your enrollment code: [ENROLLMENT CODE]";
  if (inc.credit_monitoring.enroll_by) offer += ". Please enroll by " + LongDate(*inc.credit_monitoring.enroll_by);
  offer += ". Enrolling will not affect your credit score.";
  b.push_back({LetterBlock::kText, offer});

  b.push_back({LetterBlock::kHeading, "What You Can Do"});
  std::string vigilant = "Stay alert: review your account statements and your credit reports for activity you do not "
                         "recognize, and report anything suspicious to the company involved.";
  if (v.hipaa || Has(v.types, "health_id") || Has(v.types, "mbi") || Has(v.types, "diagnosis"))
    vigilant += " Review the explanation-of-benefits statements from your health plan or Medicare and report any "
                "service you did not receive.";
  if (Has(v.types, "credit_card") || Has(v.types, "bank_account"))
    vigilant += " Tell your bank or card issuer about this notice; they can watch for fraud or issue a new number.";
  b.push_back({LetterBlock::kText, vigilant});
  b.push_back({LetterBlock::kText, "Free credit reports: you are entitled to a free credit report from each of the "
                                   "three nationwide consumer reporting agencies. Visit " +
                                       Site(rules.annual_credit_report.website) + " or call " +
                                       rules.annual_credit_report.phone + "."});
  b.push_back({LetterBlock::kText, "Fraud alert: you may place a fraud alert on your credit file at no charge. An "
                                   "initial fraud alert lasts one year and tells lenders to verify your identity "
                                   "before opening credit in your name. Contact any one of the agencies below; it "
                                   "will tell the other two."});
  b.push_back({LetterBlock::kText, "Credit freeze (security freeze): you may place a freeze on your credit file at no "
                                   "charge. A freeze stops lenders from seeing your credit report, so no new credit "
                                   "can be opened in your name, until you lift it. Contact each of the three "
                                   "agencies:"});
  std::string bureaus;
  for (const auto& c : rules.credit_bureaus) {
    if (!bureaus.empty()) bureaus += "\n";
    bureaus += c.name + "   " + c.phone + "   " + Site(c.website);
    if (!c.address.empty()) bureaus += "\n      " + c.address;
  }
  b.push_back({LetterBlock::kAddress, bureaus});
  b.push_back({LetterBlock::kText, "Federal Trade Commission: learn about identity theft, report it and get a recovery "
                                   "plan at " +
                                       Site(rules.ftc.website) + " or " + rules.ftc.phone +
                                       (rules.ftc.address.empty() ? std::string() : ", or write to " + rules.ftc.address) +
                                       ". You can also contact your state attorney general."});
  if (v.ma)
    b.push_back({LetterBlock::kText, "Massachusetts residents: you have the right to obtain a police report about "
                                     "this incident, and if you are the victim of identity theft, to file a police "
                                     "report and obtain a copy of it. There is no charge to place, lift or remove a "
                                     "security freeze."});

  b.push_back({LetterBlock::kHeading, "For More Information"});
  std::vector<std::string> how;
  how.push_back("call " + (inc.contact.phone.empty() ? std::string("[TOLL-FREE NUMBER]") : inc.contact.phone));
  if (!inc.contact.email.empty()) how.push_back("email " + inc.contact.email);
  if (!inc.contact.website.empty()) how.push_back("visit " + inc.contact.website);
  if (!inc.contact.address.empty()) how.push_back("write to " + entity + ", " + inc.contact.address);
  b.push_back({LetterBlock::kText, "If you have questions, please " + JoinOr(how) +
                                       ". We sincerely regret any concern or inconvenience this may cause you."});
  b.push_back({LetterBlock::kText, "Sincerely,\n" + entity});
  b.push_back({LetterBlock::kFooter, "Reference " + (r ? r->person : std::string("[PERSON ID]")) + " - letter " + v.id,
               r == nullptr});
  return b;
}

// ---------------------------------------------------------------------------

struct PdfWriter::Impl {
  std::unique_ptr<report::OutputFile> file;
  Status write_status;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  bool page_open = false;
  // Shaped paragraphs by (kind, text): the body of a variant is the same for every
  // recipient, so a batch shapes it once (measured: most of the time per letter).
  std::unordered_map<std::string, PangoLayout*> layouts;

  PangoLayout* Layout(const LetterBlock& block);
  void ClearLayouts() {
    for (auto& [k, l] : layouts) g_object_unref(l);
    layouts.clear();
  }
};

namespace {

constexpr double kPageW = 612, kPageH = 792, kMargin = 66, kBottom = kPageH - 60;

cairo_status_t WriteToFile(void* closure, const unsigned char* data, unsigned int length) {
  auto* impl = static_cast<PdfWriter::Impl*>(closure);
  if (!impl->write_status.ok()) return CAIRO_STATUS_WRITE_ERROR;
  impl->write_status = impl->file->Append(std::string_view(reinterpret_cast<const char*>(data), length));
  return impl->write_status.ok() ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

const char* FontFor(LetterBlock::Kind k) {
  switch (k) {
    case LetterBlock::kLetterhead: return "DejaVu Sans Bold 10";
    case LetterBlock::kTitle: return "DejaVu Sans Bold 15";
    case LetterBlock::kHeading: return "DejaVu Sans Bold 11";
    case LetterBlock::kFooter: return "DejaVu Sans 7.5";
    default: return "DejaVu Serif 10";
  }
}

}  // namespace

PangoLayout* PdfWriter::Impl::Layout(const LetterBlock& block) {
  std::string key;
  if (block.shared) {  // a per-recipient block is shaped, drawn and freed (AddLetter)
    key = std::to_string(static_cast<int>(block.kind)) + '\x1f' + block.text;
    if (auto it = layouts.find(key); it != layouts.end()) return it->second;
    if (layouts.size() >= 1024) ClearLayouts();
  }
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string(FontFor(block.kind));
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  pango_layout_set_width(layout, static_cast<int>((kPageW - 2 * kMargin) * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, block.kind == LetterBlock::kFooter ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  pango_layout_set_text(layout, block.text.c_str(), static_cast<int>(block.text.size()));
  if (block.shared) layouts.emplace(std::move(key), layout);
  return layout;
}

PdfWriter::PdfWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PdfWriter::~PdfWriter() {
  if (impl_ && impl_->surface) (void)Close();
}

Result<std::unique_ptr<PdfWriter>> PdfWriter::Create(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  auto f = report::OutputFile::Create(path);
  if (!f.ok()) return f.status();
  impl->file = std::move(*f);
  impl->surface = cairo_pdf_surface_create_for_stream(WriteToFile, impl.get(), kPageW, kPageH);
  if (cairo_surface_status(impl->surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(impl->surface);
    impl->surface = nullptr;
    return InternalError("cairo could not create a PDF surface");
  }
  cairo_pdf_surface_set_metadata(impl->surface, CAIRO_PDF_METADATA_TITLE, "Notice of Data Breach");
  cairo_pdf_surface_set_metadata(impl->surface, CAIRO_PDF_METADATA_CREATOR, "breachscope notify");
  impl->cr = cairo_create(impl->surface);
  return std::unique_ptr<PdfWriter>(new PdfWriter(std::move(impl)));
}

Status PdfWriter::AddLetter(const std::vector<LetterBlock>& blocks) {
  if (!impl_->cr) return InternalError("PDF already closed");
  cairo_t* cr = impl_->cr;
  if (impl_->page_open) cairo_show_page(cr);
  impl_->page_open = true;
  ++pages_;
  double y = kMargin;
  for (const auto& block : blocks) {
    PangoLayout* layout = impl_->Layout(block);
    double before = block.kind == LetterBlock::kHeading ? 10 : block.kind == LetterBlock::kTitle ? 14 : 4;
    if (block.kind == LetterBlock::kAddress && y < 120) before = 30;
    y += before;
    if (block.kind == LetterBlock::kFooter) y = std::max(y, kBottom - 12);
    const int lines = pango_layout_get_line_count(layout);
    for (int i = 0; i < lines; ++i) {
      PangoLayoutLine* line = pango_layout_get_line_readonly(layout, i);
      PangoRectangle ink, logical;
      pango_layout_line_get_pixel_extents(line, &ink, &logical);
      // A heading keeps its first line of text with it: break early.
      double need = logical.height + (block.kind == LetterBlock::kHeading ? 30 : 0);
      if (y + need > kBottom + (block.kind == LetterBlock::kFooter ? 30 : 0)) {
        cairo_show_page(cr);
        ++pages_;
        y = kMargin;
      }
      double x = kMargin;
      if (block.kind == LetterBlock::kFooter) x = kPageW - kMargin - logical.width;
      cairo_set_source_rgb(cr, block.kind == LetterBlock::kFooter ? 0.4 : 0.0, block.kind == LetterBlock::kFooter ? 0.4 : 0.0,
                           block.kind == LetterBlock::kFooter ? 0.4 : 0.0);
      cairo_move_to(cr, x, y - logical.y);
      pango_cairo_show_layout_line(cr, line);
      y += logical.height;
    }
    if (!block.shared) g_object_unref(layout);
    if (block.kind == LetterBlock::kTitle) {
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      cairo_set_line_width(cr, 0.8);
      cairo_move_to(cr, kMargin, y + 3);
      cairo_line_to(cr, kPageW - kMargin, y + 3);
      cairo_stroke(cr);
      y += 4;
    }
  }
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) return InternalError("cairo drawing failed");
  return impl_->write_status;
}

Status PdfWriter::Close() {
  if (!impl_->surface) return impl_->write_status;
  impl_->ClearLayouts();
  if (impl_->cr) {
    if (impl_->page_open) cairo_show_page(impl_->cr);
    cairo_destroy(impl_->cr);
    impl_->cr = nullptr;
  }
  cairo_surface_finish(impl_->surface);
  cairo_status_t st = cairo_surface_status(impl_->surface);
  cairo_surface_destroy(impl_->surface);
  impl_->surface = nullptr;
  BS_RETURN_IF_ERROR(impl_->write_status);
  if (st != CAIRO_STATUS_SUCCESS) return IoError(std::string("writing the PDF failed: ") + cairo_status_to_string(st));
  return impl_->file->Close();
}

}  // namespace breachscope::notify
