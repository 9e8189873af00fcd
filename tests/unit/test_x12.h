// A generated X12 text of any size for the big-file tests (records_x12_test.cc,
// scan_x12_chunks_test.cc): 837P interchanges of subscribers with patients, claims,
// ICD-10 diagnoses, addresses, phones and free-text notes, followed by the hand-made
// 834 (other delimiters, CR/LF) and 835 fixtures, and a second 837 interchange on one
// line with '|' elements and '>' components, so delimiters change inside the text.
// Every person is made up; each subscriber has a unique SSN and member id and each
// person a unique birth date, so the expected people count is exact.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "test_files.h"

namespace breachscope::testing_x12 {

struct GeneratedX12 {
  std::string text;
  size_t subscribers = 0, patients = 0;  // generated people (the fixtures add their own)
};

inline std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

// One 837P interchange with `n` subscribers, every third with a dependent patient;
// `first` numbers the people so that two interchanges hold different ones.
inline std::string Interchange837(size_t first, size_t n, size_t& patients) {
  static const char* kFirst[] = {"DANA", "MARCUS", "ROSA", "TOMAS", "GLORIA", "HENRY", "MAYA", "ELI"};
  static const char* kLast[] = {"WHITFIELD", "OYELARAN", "DELGADO", "NGUYEN", "PHAM", "OSEI", "CASTILLO", "BRENNAN"};
  static const char* kDx[] = {"E119", "I10", "J449", "F329", "M545", "Z0000", "K219", "N390"};
  auto letters = [](size_t i) {  // a distinct letters-only suffix per person
    std::string s;
    do {
      s += static_cast<char>('A' + i % 26);
      i /= 26;
    } while (i);
    return s;
  };
  auto dob = [](size_t i) {
    char b[16];
    std::snprintf(b, sizeof b, "%04zu%02zu%02zu", 1940 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
    return std::string(b);
  };
  auto ssn = [](size_t i) {
    size_t area = 100 + i % 560;
    if (area == 666) area = 667;
    char b[16];
    std::snprintf(b, sizeof b, "%03zu%02zu%04zu", area, 1 + i % 98, 1000 + i % 9000);
    return std::string(b);
  };
  std::string o =
      "ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240105*1200*^*00501*000000101*0*P*:~\n"
      "GS*HC*SUBMITTERID*RECEIVERID*20240105*1200*101*X*005010X222A1~\n"
      "ST*837*0001*005010X222A1~\n"
      "BHT*0019*00*0123*20240105*1200*CH~\n"
      "NM1*41*2*ACME BILLING*****46*S12345~\nPER*IC*BILLING DESK*TE*5735551234~\n"
      "NM1*40*2*SHOW ME HEALTH PLAN*****46*R12345~\n"
      "HL*1**20*1~\nNM1*85*2*COLUMBIA FAMILY CLINIC*****XX*1234567893~\nN3*900 CLINIC DRIVE~\n"
      "N4*COLUMBIA*MO*65201~\nREF*EI*431234567~\n";
  size_t hl = 2;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = first + k;
    const bool dependent = i % 3 == 0;
    const std::string last = std::string(kLast[i % 8]) + letters(i), name = kFirst[(i / 8) % 8];
    const size_t sub_hl = hl++;
    o += "HL*" + std::to_string(sub_hl) + "*1*22*" + (dependent ? "1" : "0") + "~\n";
    o += std::string("SBR*") + (dependent ? "P" : "P*18") + "*GRP7788******MC~\n";
    o += "NM1*IL*1*" + last + "*" + name + "*M***MI*DCN" + std::to_string(48000000 + i) + "~\n";
    o += "N3*" + std::to_string(100 + i % 900) + " HICKORY HOLLOW LN*APT " + std::to_string(1 + i % 9) + "~\n";
    o += "N4*JEFFERSON CITY*MO*65109~\n";
    o += "DMG*D8*" + dob(2 * i) + "*F~\n";
    o += "REF*SY*" + ssn(i) + "~\n";
    o += "PER*IC*" + name + "*TE*573662" + std::to_string(1000 + i % 9000) + "~\n";
    o += "NM1*PR*2*SHOW ME HEALTH PLAN*****PI*MO123~\nN3*PO BOX 6500~\nN4*JEFFERSON CITY*MO*65102~\n";
    std::string claim_person = last;
    if (dependent) {
      ++patients;
      o += "HL*" + std::to_string(hl++) + "*" + std::to_string(sub_hl) + "*23*0~\nPAT*19~\n";
      o += "NM1*QC*1*" + last + "*JUNIOR" + letters(i) + "~\n";
      o += "N3*" + std::to_string(100 + i % 900) + " HICKORY HOLLOW LN~\nN4*JEFFERSON CITY*MO*65109~\n";
      o += "DMG*D8*" + dob(2 * i + 1) + "*M~\n";
    }
    // Claims: one or two, with diagnoses, a note holding a dashed SSN, and service lines.
    for (size_t c = 0; c < 1 + i % 2; ++c) {
      o += "CLM*A" + std::to_string(i) + "X" + std::to_string(c) + "*220.00***11:B:1*Y*A*Y*Y~\n";
      o += std::string("HI*ABK:") + kDx[i % 8] + "*ABF:" + kDx[(i + c + 1) % 8] + "~\n";
      if (c == 0 && !dependent) {
        std::string s = ssn(i);
        o += "NTE*ADD*PATIENT GAVE SSN " + s.substr(0, 3) + "-" + s.substr(3, 2) + "-" + s.substr(5) + "~\n";
      }
      o += "NM1*82*1*OKAFOR*DANIEL****XX*1245319599~\n";
      o += "LX*1~\nSV1*HC:99214*220.00*UN*1***1~\nDTP*472*D8*20240102~\n";
    }
  }
  o += "SE*99*0001~\nGE*1*101~\nIEA*1*000000101~\n";
  return o;
}

inline GeneratedX12 Generate(const std::filesystem::path& fixtures, size_t subscribers) {
  GeneratedX12 g;
  const size_t half = subscribers / 2;
  g.text = Interchange837(0, half, g.patients);
  g.text += testing_files::ReadFile(fixtures / "member-address.834");
  g.text += testing_files::ReadFile(fixtures / "medicare.835");
  // The second half on one line with other delimiters ('|' elements, '>' components).
  std::string other = Interchange837(half, subscribers - half, g.patients);
  other = Replace(Replace(Replace(other, "~\n", "~"), "*", "|"), ":", ">");
  g.text += other;
  g.subscribers = subscribers;
  return g;
}

}  // namespace breachscope::testing_x12
