#include "resolve/people.h"

#include <algorithm>

namespace breachscope::resolve {

uint32_t PeopleBuilder::Find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

uint32_t PeopleBuilder::AddRecords(uint32_t count) {
  uint32_t first = static_cast<uint32_t>(parent_.size());
  for (uint32_t i = 0; i < count; ++i) parent_.push_back(first + i);
  return first;
}

void PeopleBuilder::AddSsn(uint32_t record, const redact::Fingerprint& ssn) {
  auto [it, inserted] = ssn_owner_.emplace(ssn, record);
  if (inserted) return;
  uint32_t a = Find(it->second), b = Find(record);
  if (a != b) parent_[std::max(a, b)] = std::min(a, b);  // the older record stays root
}

void PeopleBuilder::Finalize() {
  const uint32_t n = records();
  person_of_.assign(n, 0);
  std::vector<uint32_t> person_of_root(n, UINT32_MAX);
  people_ = 0;
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t root = Find(r);
    if (person_of_root[root] == UINT32_MAX) person_of_root[root] = people_++;
    person_of_[r] = person_of_root[root];
    if (root != r) last_record_[person_of_[r]] = r;
  }
  ssn_owner_.clear();
  parent_.clear();
  parent_.shrink_to_fit();
}

namespace {
int AddressCompleteness(const RecordSummary& r) {
  return !r.street.empty() * 8 + !r.zip.empty() * 4 + !r.state.empty() * 2 + !r.city.empty();
}
}  // namespace

void PeopleBuilder::Fold(Person& person, RecordSummary&& rec, int& best_address) {
  auto fill = [](std::string& dst, std::string& src) {
    if (dst.empty() && !src.empty()) dst = std::move(src);
  };
  if (person.first.empty() && person.last.empty() && (!rec.first.empty() || !rec.last.empty())) {
    person.first = std::move(rec.first);
    person.last = std::move(rec.last);
  }
  fill(person.dob, rec.dob);
  fill(person.email, rec.email);
  fill(person.phone, rec.phone);
  int completeness = AddressCompleteness(rec);
  if (completeness > best_address) {
    best_address = completeness;
    person.street = std::move(rec.street);
    person.city = std::move(rec.city);
    person.state = std::move(rec.state);
    person.zip = std::move(rec.zip);
  }
  for (const auto& [type, fp] : rec.identifiers) person.identifiers[type].push_back(fp);
  person.exposed |= rec.types;
  person.sources.push_back(rec.source);
}

void PeopleBuilder::Tidy(Person& person) {
  for (auto& [type, fps] : person.identifiers) {
    std::sort(fps.begin(), fps.end());
    fps.erase(std::unique(fps.begin(), fps.end()), fps.end());
  }
  std::sort(person.sources.begin(), person.sources.end());
  person.sources.erase(std::unique(person.sources.begin(), person.sources.end()), person.sources.end());
  person.substitute_notice = !person.HasPostalAddress();
}

void PeopleBuilder::Feed(uint32_t record, RecordSummary&& summary,
                         const std::function<void(uint32_t, Person&&)>& emit) {
  uint32_t p = person_of_[record];
  auto last = last_record_.find(p);
  if (last == last_record_.end()) {  // a person of one record
    Person person;
    int best = 0;
    Fold(person, std::move(summary), best);
    Tidy(person);
    emit(p, std::move(person));
    return;
  }
  Pending& pending = pending_[p];
  Fold(pending.person, std::move(summary), pending.best_address);
  if (record == last->second) {
    Person person = std::move(pending.person);
    pending_.erase(p);
    last_record_.erase(last);
    Tidy(person);
    emit(p, std::move(person));
  }
}

}  // namespace breachscope::resolve
