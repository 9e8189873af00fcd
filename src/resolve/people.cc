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

uint32_t PeopleBuilder::Add(RecordSummary record) {
  uint32_t id = static_cast<uint32_t>(records_.size());
  parent_.push_back(id);
  for (const auto& [type, fp] : record.identifiers) {
    if (type != PiiType::kSsn) continue;
    auto [it, inserted] = ssn_owner_.emplace(fp, id);
    if (!inserted) {
      uint32_t a = Find(it->second), b = Find(id);
      if (a != b) parent_[std::max(a, b)] = std::min(a, b);  // the older record stays root
    }
  }
  records_.push_back(std::move(record));
  return id;
}

namespace {

int AddressCompleteness(const RecordSummary& r) {
  return !r.street.empty() * 8 + !r.zip.empty() * 4 + !r.state.empty() * 2 + !r.city.empty();
}

}  // namespace

void PeopleBuilder::Resolve(std::vector<Person>& people, std::vector<uint32_t>& person_of) {
  people.clear();
  person_of.assign(records_.size(), 0);
  std::vector<uint32_t> person_of_root(records_.size(), UINT32_MAX);
  std::vector<int> best_address;
  for (uint32_t r = 0; r < records_.size(); ++r) {
    uint32_t root = Find(r);
    if (person_of_root[root] == UINT32_MAX) {
      person_of_root[root] = static_cast<uint32_t>(people.size());
      people.emplace_back();
      best_address.push_back(0);
    }
    uint32_t p = person_of_root[root];
    person_of[r] = p;
    Person& person = people[p];
    RecordSummary& rec = records_[r];
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
    if (completeness > best_address[p]) {
      best_address[p] = completeness;
      person.street = std::move(rec.street);
      person.city = std::move(rec.city);
      person.state = std::move(rec.state);
      person.zip = std::move(rec.zip);
    }
    for (const auto& [type, fp] : rec.identifiers) person.identifiers[type].push_back(fp);
    person.exposed |= rec.types;
    person.sources.push_back(rec.source);
  }
  for (Person& person : people) {
    for (auto& [type, fps] : person.identifiers) {
      std::sort(fps.begin(), fps.end());
      fps.erase(std::unique(fps.begin(), fps.end()), fps.end());
    }
    std::sort(person.sources.begin(), person.sources.end());
    person.sources.erase(std::unique(person.sources.begin(), person.sources.end()), person.sources.end());
  }
  records_.clear();
  records_.shrink_to_fit();
}

}  // namespace breachscope::resolve
