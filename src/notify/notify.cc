// notify/notify.cc — orchestration of `breachscope notify`: load, evaluate, write.
// Kept apart from the engine and renderers so those stay pure and testable.
#include "notify/notify.h"

#include <sys/stat.h>

#include <map>

#include "notify/case_input.h"
#include "notify/engine.h"
#include "notify/incident.h"
#include "notify/letters.h"
#include "notify/outputs.h"
#include "notify/rules.h"
#include "report/writers.h"

namespace breachscope::notify {
namespace {

Status WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  auto f = report::OutputFile::Create(path);
  if (!f.ok()) return f.status();
  BS_RETURN_IF_ERROR((*f)->Append(bytes));
  return (*f)->Close();
}

Status MakeDir(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::create_directories(p, ec);
  if (ec) return IoError("cannot create the folder " + p.filename().string() + ": " + ec.message());
  ::chmod(p.c_str(), 0700);
  return Status::Ok();
}

std::string CityStateZip(const PostalAddress& a) { return a.city + ", " + a.state + " " + a.zip; }

}  // namespace

Result<NotifyResult> RunNotify(const NotifyConfig& config) {
  auto rules = LoadEmbeddedRules();
  if (!rules.ok()) return rules.status();
  auto incident = LoadIncident(config.incident_file, rules->Codes());
  if (!incident.ok()) return incident.status();
  auto data = LoadCase(config.case_dir);
  if (!data.ok()) return data.status();

  Engine engine(*rules, *incident, /*keep_notes=*/!config.explain_person.empty());
  NotifyRun run;
  run.rules = &*rules;
  run.incident = &*incident;
  run.data = &*data;
  NotifyResult result;
  result.people = static_cast<int>(data->people.size());

  if (!config.explain_person.empty()) {
    for (const auto& p : data->people)
      if (p.id == config.explain_person) {
        result.explanation = Explain(*rules, *incident, p, engine.Evaluate(p));
        return result;
      }
    return InvalidArgument("--explain: no person with that id in people.jsonl (ids look like p000123)");
  }

  std::map<std::string, int> variant_index;
  for (const auto& p : data->people) {
    Obligation o = engine.Evaluate(p);
    bool usable = p.has_address && p.address.Usable() && rules->Find(p.address.state) != nullptr;
    int v = -1;
    if (o.notify) {
      LetterVariant lv;
      lv.types = p.exposed;
      lv.ma = o.ma_content;
      lv.hipaa = o.hipaa;
      lv.monitoring_months = o.monitoring_months;
      auto [it, inserted] = variant_index.emplace(lv.Key(), static_cast<int>(run.variants.size()));
      if (inserted) {
        run.variants.push_back(lv);
        run.variant_people.push_back(0);
      }
      v = it->second;
      ++run.variant_people[v];
      ++result.to_notify;
      if (usable) ++result.mailed; else ++result.substitute;
      if (!p.email.empty()) ++result.emails;
    }
    run.obligations.push_back(std::move(o));
    run.usable.push_back(usable);
    run.variant_of.push_back(v);
  }
  // Variant ids in the order of their keys, so they do not depend on people's order.
  {
    std::vector<int> order(run.variants.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return run.variants[a].Key() < run.variants[b].Key(); });
    std::vector<int> rank(order.size());
    for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<int>(r);
    std::vector<LetterVariant> vs(order.size());
    std::vector<int> counts(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      vs[rank[i]] = run.variants[i];
      counts[rank[i]] = run.variant_people[i];
    }
    for (size_t r = 0; r < vs.size(); ++r) {
      char id[32];
      std::snprintf(id, sizeof id, "V%02zu", r + 1);
      vs[r].id = id;
    }
    for (auto& v : run.variant_of)
      if (v >= 0) v = rank[v];
    run.variants = std::move(vs);
    run.variant_people = std::move(counts);
  }
  run.agg = Summarise(*rules, *incident, run.obligations, run.usable);
  result.jurisdictions = static_cast<int>(run.agg.rows.size());
  result.variants = static_cast<int>(run.variants.size());

  const auto& out = config.out_dir;
  BS_RETURN_IF_ERROR(MakeDir(out));
  if (config.letters != LettersMode::kNone) run.letters_dir = "letters";

  BS_RETURN_IF_ERROR(WriteFile(out / "obligations.jsonl", RenderObligationsJsonl(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "notification_list.csv", RenderNotificationListCsv(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "email_list.csv", RenderEmailListCsv(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "substitute_notice.csv", RenderSubstituteNoticeCsv(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "regulators.csv", RenderRegulatorsCsv(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "regulators.md", RenderRegulatorsMd(run)));
  if (incident->hipaa_covered) BS_RETURN_IF_ERROR(WriteFile(out / "hhs_report.json", RenderHhsReportJson(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "incident.json", RenderIncidentJson(run)));
  BS_RETURN_IF_ERROR(WriteFile(out / "report.html", RenderReportHtml(run)));

  if (config.letters != LettersMode::kNone) {
    const auto dir = out / "letters";
    BS_RETURN_IF_ERROR(MakeDir(dir));
    BS_RETURN_IF_ERROR(WriteFile(dir / "variants.csv", RenderVariantsCsv(run)));
    for (const auto& v : run.variants) {
      auto pdf = PdfWriter::Create(dir / ("template_" + v.id + ".pdf"));
      if (!pdf.ok()) return pdf.status();
      BS_RETURN_IF_ERROR((*pdf)->AddLetter(ComposeLetter(*rules, *incident, v, nullptr)));
      BS_RETURN_IF_ERROR((*pdf)->Close());
    }
    std::unique_ptr<PdfWriter> batch;  // created with the first letter: no letters, no file
    if (config.letters == LettersMode::kPerPerson && result.mailed > 0) BS_RETURN_IF_ERROR(MakeDir(dir / "people"));
    for (size_t i = 0; i < data->people.size(); ++i) {
      if (!run.obligations[i].notify || !run.usable[i]) continue;
      const auto& p = data->people[i];
      Recipient r{p.id, p.FullName(), p.address.street, CityStateZip(p.address)};
      auto blocks = ComposeLetter(*rules, *incident, run.variants[run.variant_of[i]], &r);
      if (config.letters == LettersMode::kBatch) {
        if (!batch) {
          auto pdf = PdfWriter::Create(dir / "batch.pdf");
          if (!pdf.ok()) return pdf.status();
          batch = std::move(*pdf);
        }
        BS_RETURN_IF_ERROR(batch->AddLetter(blocks));
      } else {
        auto pdf = PdfWriter::Create(dir / "people" / (p.id + ".pdf"));
        if (!pdf.ok()) return pdf.status();
        BS_RETURN_IF_ERROR((*pdf)->AddLetter(blocks));
        result.letter_pages += (*pdf)->pages();
        BS_RETURN_IF_ERROR((*pdf)->Close());
      }
    }
    if (batch) {
      result.letter_pages = batch->pages();
      BS_RETURN_IF_ERROR(batch->Close());
    }
  }
  return result;
}

}  // namespace breachscope::notify
