// Encoded runs inside text: each finder's positives, the traps that must not decode
// (hashes, "50% off", k=v logs, a lone "&amp;"), nested chains (base64 of gzip of
// JSON, %-encoded base64, UTF-16), spans and offsets; then the unit processor end to
// end: an SSN hidden in each encoding is found once, with the right decoder chain.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <zlib.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "decode/base64_runs.h"
#include "decode/encoded_runs.h"
#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "records/format.h"
#include "records/unit_processor.h"

#include "test_reveal.h"

namespace breachscope::decode {
namespace {

std::string B64(std::string_view s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// window_bits: 15 + 16 gzip, 15 zlib, -15 raw deflate.
std::string Deflate(std::string_view s, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, s.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  zs.avail_in = static_cast<uInt>(s.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) {
    o.push_back(d[c >> 4]);
    o.push_back(d[c & 15]);
  }
  return o;
}

std::string Fixture(std::string_view name) {
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/tests/fixtures/decode/" + std::string(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Span(std::string_view text, const DecodedRun& r) { return std::string(text.substr(r.begin, r.end - r.begin)); }

using Chain = std::vector<std::string>;

// ------------------------------------------------------------------ hex

TEST(HexRuns, DecodesHexOfTextAndGivesItsSpan) {
  std::string payload = "Patient Rosa Delgado SSN 412-63-7781";
  std::string text = "trace payload=" + Hex(payload) + " end";
  auto runs = FindHexRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, payload);
  EXPECT_EQ(runs[0].decoders, Chain{"hex"});
  EXPECT_EQ(Span(text, runs[0]), Hex(payload));
  // With a 0x prefix the span starts at the prefix.
  auto pre = FindHexRuns("v=0x" + Hex(payload));
  ASSERT_EQ(pre.size(), 1u);
  EXPECT_EQ(pre[0].begin, 2u);
}

TEST(HexRuns, FindsRunsAtEveryOffsetOfTheProbeStride) {
  std::string payload = "SSN 412-63-7781 for Dana";
  for (size_t pad = 0; pad < 70; ++pad) {
    std::string text = std::string(pad, ' ') + Hex(payload) + ";";
    auto runs = FindHexRuns(text);
    ASSERT_EQ(runs.size(), 1u) << "pad " << pad;
    EXPECT_EQ(runs[0].begin, pad);
  }
}

TEST(HexRuns, HashesIdsAndNumbersAreNotDecoded) {
  EXPECT_TRUE(FindHexRuns("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").empty());
  EXPECT_TRUE(FindHexRuns("md5=d41d8cd98f00b204e9800998ecf8427e").empty());
  EXPECT_TRUE(FindHexRuns("n=12345678901234567890123456789012345678").empty());
  EXPECT_TRUE(FindHexRuns("odd " + Hex("SSN 412-63-7781 for Dana") + "a").empty());  // odd length
  EXPECT_TRUE(FindHexRuns("word" + Hex("SSN 412-63-7781 for Dana")).empty());        // glued to a word
  EXPECT_TRUE(FindHexRuns("short " + Hex("412-63-7781")).empty());                   // under 32 digits
}

TEST(HexRuns, HexOfGzipIsInflated) {
  std::string payload = "first_name,last_name,ssn\nDana,Whitfield,412637781\n";
  auto runs = FindHexRuns("blob " + Hex(Deflate(payload, 15 + 16)));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, payload);
  EXPECT_EQ(runs[0].decoders, (Chain{"hex", "gzip"}));
}

// ------------------------------------------------------------------ url

TEST(UrlRuns, DecodesAnEncodedQueryString) {
  std::string text = "GET /search?q=name%3DJane%20Public%26ssn%3D412-63-7781 HTTP/1.1";
  auto runs = FindUrlRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "q=name=Jane Public&ssn=412-63-7781");
  EXPECT_EQ(Span(text, runs[0]), "q=name%3DJane%20Public%26ssn%3D412-63-7781");
  EXPECT_TRUE(runs[0].inline_escapes);
}

TEST(UrlRuns, PlusIsASpaceButNotInsideBase64) {
  auto runs = FindUrlRuns("form: first=Jane+Q.+Public&ssn=412%2D63%2D7781");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "ssn=412-63-7781");
  runs = FindUrlRuns("q=Jane+Public%2C+SSN+412637781");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "q=Jane Public, SSN 412637781");
  std::string b64 = "eyJzc24iOiI0MTI2Mzc3ODEifQ+abc/def+ghijklmn";
  runs = FindUrlRuns("t=" + b64 + "%3D%3D");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "t=" + b64 + "==");
}

TEST(UrlRuns, PercentInProseAndFormatStringsIsNotDecoded) {
  EXPECT_TRUE(FindUrlRuns("Everything is 50% off, 100% guaranteed").empty());
  EXPECT_TRUE(FindUrlRuns("printf(\"%s has %zu items\")").empty());
  EXPECT_TRUE(FindUrlRuns("bad escape %G1%ZZ here").empty());
  EXPECT_TRUE(FindUrlRuns("broken %FF%FE%FD bytes").empty());  // not UTF-8 text
}

TEST(UrlRuns, EscapedTokensOfOneLineFormOneRun) {
  std::string text = "a=1%202 b=3%204\nc=5%206";
  auto runs = FindUrlRuns(text);
  ASSERT_EQ(runs.size(), 2u);  // the line break ends a run
  EXPECT_EQ(runs[0].decoded, "a=1 2 b=3 4");
  EXPECT_EQ(runs[1].decoded, "c=5 6");
}

// ------------------------------------------------------------------ quoted-printable

TEST(QpRuns, DecodesAQuotedPrintableBodyMadeByPython) {
  std::string text = Fixture("qp_form.txt");
  auto runs = FindQpRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs[0].decoded.find("ssn=412637781"), std::string::npos);
  EXPECT_NE(runs[0].decoded.find("Se\xC3\xB1ora"), std::string::npos);
  EXPECT_EQ(runs[0].decoders, Chain{"qp"});
}

TEST(QpRuns, SoftLineBreaksJoinAValue) {
  std::string text = "Subject: hi\n\nYour number is 412-6=\n3-7781 and your=20\nDOB 1984-07-19=\n.\n";
  auto runs = FindQpRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs[0].decoded.find("412-63-7781"), std::string::npos);
  EXPECT_NE(runs[0].decoded.find("DOB 1984-07-19."), std::string::npos);
}

TEST(QpRuns, KeyValueLogsCodeAndBase64PaddingAreNotQp) {
  EXPECT_TRUE(FindQpRuns("ts=10 a=10 b=20 c=30 level=AB code=FF\n").empty());
  EXPECT_TRUE(FindQpRuns("if (a == b) { x = 3; }\nlet y =\n  4;\n").empty());
  EXPECT_TRUE(FindQpRuns("QUJDREVGR0g=\nSUpLTE1OT1A=\n").empty());
  EXPECT_TRUE(FindQpRuns("render mode=3D once\n").empty());  // a single sign
  EXPECT_TRUE(FindQpRuns("grade=A1, score=B2, x=C3, y=D4\n").empty());
}

// ------------------------------------------------------------------ entities

TEST(EntityRuns, DecodesNumericReferences) {
  std::string enc = "&#52;&#49;&#50;-&#x36;&#x33;-&#55;&#55;&#56;&#49;";
  std::string text = "<td>SSN</td><td>" + enc + "</td>";
  auto runs = FindEntityRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "412-63-7781");
  EXPECT_EQ(Span(text, runs[0]), enc);
  // Mixed with named references inside the run.
  std::string mail = "x &#106;&#97;&#110;&#101;&commat;example&period;org y";
  runs = FindEntityRuns(mail);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "jane@example.");  // the run ends at its last reference
  auto all = FindEncodedRuns(mail);            // its context brings the rest of the line
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].decoded, "x jane@example.org y");
}

TEST(EntityRuns, OrdinaryEscapedHtmlIsNotARun) {
  EXPECT_TRUE(FindEntityRuns("Fish &amp; chips").empty());
  EXPECT_TRUE(FindEntityRuns("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;").empty());
  EXPECT_TRUE(FindEntityRuns("It&#39;s here &#8212; don&#8217;t").empty());
  EXPECT_TRUE(FindEntityRuns("AT&T and R&D").empty());
}

// ------------------------------------------------------------------ JS escapes

TEST(JsEscapeRuns, DecodesUnicodeEscapes) {
  std::string enc = "\\u0034\\u0031\\u0032-\\u0036\\u0033-\\u0037\\u0037\\u0038\\u0031";
  std::string text = "var ssn = \"" + enc + "\";";
  auto runs = FindJsEscapeRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "412-63-7781");
  EXPECT_EQ(runs[0].decoders, Chain{"jsescape"});
  EXPECT_EQ(Span(text, runs[0]), enc);
  // \x escapes mixed with text are JavaScript escapes too.
  runs = FindJsEscapeRuns("s='\\x34\\x31\\x32-63-\\x37\\x37\\x38\\x31'");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "412-63-7781");
  EXPECT_EQ(runs[0].decoders, Chain{"jsescape"});
}

TEST(JsEscapeRuns, AByteStringOfBackslashXIsHex) {
  auto runs = FindJsEscapeRuns("b'\\x34\\x31\\x32\\x36\\x33\\x37\\x37\\x38\\x31'");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "412637781");
  EXPECT_EQ(runs[0].decoders, Chain{"hex"});
}

TEST(JsEscapeRuns, OrdinaryEscapesAreNotARun) {
  EXPECT_TRUE(FindJsEscapeRuns("{\"name\": \"Jos\\u00e9 Garc\\u00eda\"}").empty());
  EXPECT_TRUE(FindJsEscapeRuns("\"html\": \"\\u003cdiv\\u003e\\u0026nbsp;\\u003c/div\\u003e\"").empty());
  EXPECT_TRUE(FindJsEscapeRuns("C:\\Users\\xavier\\unit\\data").empty());
  EXPECT_TRUE(FindJsEscapeRuns("line one\\nline two\\t\\\"quoted\\\"").empty());
  EXPECT_TRUE(FindJsEscapeRuns("\\\\u0034\\\\u0031\\\\u0032").empty());  // escaped backslashes
}

// ------------------------------------------------------------------ ViewState, data: URIs

TEST(ViewStateRuns, ReadsTheSerializedStrings) {
  std::string text = Fixture("viewstate.aspx.html");
  auto runs = FindViewStateRuns(text);
  ASSERT_EQ(runs.size(), 1u);  // __EVENTVALIDATION holds no strings
  EXPECT_EQ(runs[0].decoders, Chain{"viewstate"});
  EXPECT_NE(runs[0].decoded.find("Rosa Delgado\n"), std::string::npos);
  EXPECT_NE(runs[0].decoded.find("SSN 412-63-7781\n"), std::string::npos);
  EXPECT_TRUE(Span(text, runs[0]).starts_with("/wEPDwUL"));
  // Not ViewState: "/wE" in a path, and base64 that does not start FF 01.
  EXPECT_TRUE(FindViewStateRuns("see /wEb/index.html").empty());
  EXPECT_TRUE(FindViewStateRuns("v=\"/wE" + B64("plain text payload here") + "\"").empty());
}

TEST(ViewStateRuns, StringsFallBackToPrintableRuns) {
  std::string bytes = std::string("\x16\x02\x07", 3) + "Dana Whitfield" + std::string("\x01\x02", 2) + "ab";
  EXPECT_EQ(ViewStateStrings(bytes), "Dana Whitfield\n");
}

TEST(DataUriRuns, DecodesShortBase64AndPercentPayloads) {
  std::string text = "<a href=\"data:text/plain;base64," + B64("412637781") + "\">x</a>";
  auto runs = FindDataUriRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "412637781");
  EXPECT_EQ(runs[0].decoders, Chain{"base64"});
  EXPECT_TRUE(Span(text, runs[0]).starts_with("data:text/plain;base64,"));
  runs = FindDataUriRuns("url(data:text/plain;charset=utf-8,SSN%3A%20412-63-7781)");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "SSN: 412-63-7781");
  EXPECT_EQ(runs[0].decoders, Chain{"url"});
  // An image is bytes, not text.
  EXPECT_TRUE(FindDataUriRuns("<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                              "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\">")
                  .empty());
}

// ------------------------------------------------------------------ bytes inside base64

TEST(BytesToText, GzipZlibRawDeflateAndUtf16) {
  std::string payload = R"({"name": "Dana Whitfield", "ssn": "412637781", "note": "met on Tuesday to review the plan"})";
  for (auto [bits, name] : {std::pair{15 + 16, "gzip"}, {15, "zlib"}, {-15, "raw"}}) {
    auto runs = FindBase64Runs("data = \"" + B64(Deflate(payload, bits)) + "\"");
    ASSERT_EQ(runs.size(), 1u) << name;
    EXPECT_EQ(runs[0].decoded, payload) << name;
    EXPECT_EQ(runs[0].decoders, (Chain{"base64", "gzip"})) << name;
  }
  std::string u16;
  for (char c : std::string("Employee Marcus Oyelaran SSN 529-44-9023")) u16 += std::string{c, '\0'};
  auto runs = FindBase64Runs("t=" + B64(u16));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "Employee Marcus Oyelaran SSN 529-44-9023");
  EXPECT_EQ(runs[0].decoders, (Chain{"base64", "utf16"}));
  // gzip of UTF-16BE with a BOM: both steps.
  std::string be = "\xFE\xFF";
  for (char c : std::string("SSN 529-44-9023 and more text")) be += std::string{'\0', c};
  runs = FindBase64Runs("t=" + B64(Deflate(be, 15 + 16)));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, "SSN 529-44-9023 and more text");
  EXPECT_EQ(runs[0].decoders, (Chain{"base64", "gzip", "utf16"}));
}

TEST(BytesToText, InflationStopsAtTheRatioCap) {
  std::string big(8u << 20, 'a');
  std::string gz = Deflate(big, 15 + 16);
  std::string text;
  std::vector<std::string> layers;
  bool limited = false;
  ASSERT_TRUE(BytesToText(gz, text, layers, &limited));
  EXPECT_TRUE(limited);
  EXPECT_LE(text.size(), kMaxInflateRatio * gz.size());
  EXPECT_GT(text.size(), 0u);
  // A small stream within the cap is whole.
  limited = false;
  ASSERT_TRUE(BytesToText(Deflate("SSN 412-63-7781 of Dana Whitfield", 15 + 16), text, layers, &limited));
  EXPECT_FALSE(limited);
  // Corrupt gzip is not text.
  std::string bad = gz.substr(0, 10) + std::string(50, '\x55');
  EXPECT_FALSE(BytesToText(bad, text, layers, &limited));
}

// ------------------------------------------------------------------ all finders together

TEST(EncodedRuns, OverlapsKeepTheOuterRunAndContextIsClipped) {
  // %-encoded base64: the url run holds the base64 run; only the url run is kept.
  std::string b64 = B64(R"({"ssn": "412637781", "name": "Dana Whitfield"})");
  std::string enc;
  for (char c : b64) enc += c == '=' ? std::string("%3D") : c == '+' ? "%2B" : c == '/' ? "%2F" : std::string(1, c);
  std::string text = "GET /r?token=" + enc + " HTTP/1.1";
  auto runs = FindEncodedRuns(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoders, Chain{"url"});
  EXPECT_EQ(runs[0].begin, text.find("token="));
  // Context: the run's line up to 64 bytes each side, not into a neighbouring run.
  std::string line = "<td>SSN</td><td>&#52;&#49;&#50;&#54;&#51;&#55;&#55;&#56;&#49;</td> tail";
  runs = FindEncodedRuns("first line\n" + line + "\nnext");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].context_begin, 11u);
  EXPECT_EQ(runs[0].decoded, "<td>SSN</td><td>412637781</td> tail");
  EXPECT_EQ(runs[0].context_end, 11u + line.size());
}

TEST(EncodedRuns, PlainTextHasNoRuns) {
  std::string csv = "id,first,last,ssn,dob,amount\n";
  for (int i = 0; i < 200; ++i) csv += std::to_string(1000 + i) + ",Dana,Whitfield,412637781,1984-07-19,50.25\n";
  EXPECT_TRUE(FindEncodedRuns(csv).empty());
  EXPECT_TRUE(FindEncodedRuns("Save 50% off & more; a=10 b=20; C:\\temp\\x; data: none").empty());
}

}  // namespace
}  // namespace breachscope::decode

// ------------------------------------------------------------------ end to end
namespace breachscope::records {
namespace {

using decode::B64;
using decode::Deflate;
using decode::Fixture;

struct Engine {
  std::shared_ptr<const detect::NameLexicon> lexicon;
  std::unique_ptr<detect::Scanner> scanner;
  std::unique_ptr<UnitProcessor> processor;
};

const Engine& TheEngine() {
  static const Engine* e = [] {
    auto* eng = new Engine;
    auto labels = detect::LabelTable::LoadEmbedded();
    auto lex = detect::NameLexicon::LoadEmbedded();
    EXPECT_TRUE(labels.ok() && lex.ok());
    eng->lexicon = *lex;
    eng->scanner = std::make_unique<detect::Scanner>(*labels, detect::Date{2026, 1, 1});
    eng->processor = std::make_unique<UnitProcessor>(*eng->scanner, *eng->lexicon, ProcessorOptions{});
    return eng;
  }();
  return *e;
}

struct Hit {
  std::string type, value;
  std::vector<std::string> chain;
  uint64_t line;
  int64_t offset;
};

// Scans `text` as the scan does a file named `name`.
std::vector<Hit> ScanUnit(std::string_view name, std::string_view text, UnitOutput* keep = nullptr) {
  UnitInput in;
  in.text = text;
  in.format = SniffFormat(name, text);
  if (auto n = FormatDecoderName(in.format); !n.empty()) in.decoders.emplace_back(n);
  SqlState sql;
  in.sql = &sql;
  UnitOutput out;
  TheEngine().processor->Process(in, out);
  std::vector<Hit> hits;
  for (const auto& f : out.findings)
    hits.push_back({std::string(TypeName(f.candidate.type)), f.candidate.canonical.Reveal(RevealPassForTests::Pass()),
                    out.chains[f.chain], f.candidate.location.line, f.candidate.location.offset});
  if (keep) *keep = std::move(out);
  return hits;
}

std::vector<Hit> Of(const std::vector<Hit>& hits, std::string_view type, std::string_view value) {
  std::vector<Hit> o;
  for (const auto& h : hits)
    if (h.type == type && h.value == value) o.push_back(h);
  return o;
}

using Chain = std::vector<std::string>;

void ExpectOnce(const std::vector<Hit>& hits, std::string_view value, const Chain& chain) {
  auto ssn = Of(hits, "ssn", value);
  ASSERT_EQ(ssn.size(), 1u) << "ssn " << value;
  EXPECT_EQ(ssn[0].chain, chain);
}

TEST(DecodedUnits, GzipInsideBase64InHtml) {
  auto hits = ScanUnit("gzip_in_html.html", Fixture("gzip_in_html.html"));
  ExpectOnce(hits, "412637781", {"html", "base64", "gzip", "json"});
  auto ssn = Of(hits, "ssn", "412637781");
  EXPECT_EQ(ssn[0].line, 4u);  // the script's line
  EXPECT_EQ(Of(hits, "dob", "1958-04-22").size(), 1u);
}

TEST(DecodedUnits, Utf16InsideBase64) {
  ExpectOnce(ScanUnit("utf16_in_log.txt", Fixture("utf16_in_log.txt")), "529449023", {"base64", "utf16"});
}

TEST(DecodedUnits, QuotedPrintable) {
  auto hits = ScanUnit("qp_form.txt", Fixture("qp_form.txt"));
  ExpectOnce(hits, "412637781", {"qp"});
  // "dob=3D1984-07-19": glued to "3D", the date is only readable decoded.
  auto dob = Of(hits, "dob", "1984-07-19");
  ASSERT_EQ(dob.size(), 1u);
  EXPECT_EQ(dob[0].chain, Chain{"qp"});
  // A plain value in QP text is the parent's finding, not a second one from the child.
  hits = ScanUnit("m.txt", "Caf=C3=A9 order for Dana=\n Whitfield, SSN 529-44-9023 =3D paid=20\n");
  ExpectOnce(hits, "529449023", {});
}

TEST(DecodedUnits, PercentEncodedQueryInALog) {
  // "%3D412-63-7781": glued to "3D", the SSN is only readable decoded.
  auto hits = ScanUnit("url_in_log.log", Fixture("url_in_log.log"));
  ExpectOnce(hits, "412637781", {"url"});
  hits = ScanUnit("access.log", "GET /s?q=ssn%3A412637781%26name%3DJane%20Public HTTP/1.1\n");
  ExpectOnce(hits, "412637781", {"url"});
  // Literal next to an escaped token: the log's own finding, not a second one.
  hits = ScanUnit("access.log", "GET /a?name=Jane%20Public%201&ssn=412-63-7781 HTTP/1.1\n");
  ExpectOnce(hits, "412637781", {});
}

TEST(DecodedUnits, EntitiesAndJsEscapesInHtml) {
  UnitOutput out;
  auto hits = ScanUnit("entities_and_js.html", Fixture("entities_and_js.html"), &out);
  ExpectOnce(hits, "412637781", {"html", "entity"});
  ExpectOnce(hits, "529449023", {"html", "jsescape"});
  auto ssn = Of(hits, "ssn", "412637781");
  EXPECT_EQ(ssn[0].line, 3u);
  EXPECT_GE(ssn[0].offset, 0);
}

TEST(DecodedUnits, ViewState) {
  auto hits = ScanUnit("viewstate.aspx.html", Fixture("viewstate.aspx.html"));
  ExpectOnce(hits, "412637781", {"html", "viewstate"});
  EXPECT_EQ(Of(hits, "ssn", "412637781")[0].line, 3u);
}

TEST(DecodedUnits, HexAndBackslashXAndDataUris) {
  std::string hex;
  for (unsigned char c : std::string("member ssn 412-63-7781 dob 1958-04-22"))
    hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
  ExpectOnce(ScanUnit("t.txt", "payload=" + hex + "\n"), "412637781", {"hex"});
  ExpectOnce(ScanUnit("t.txt", "ssn = b'\\x34\\x31\\x32\\x2d\\x36\\x33\\x2d\\x37\\x37\\x38\\x31'\n"), "412637781",
             {"hex"});
  ExpectOnce(ScanUnit("p.html", "<html><a href=\"data:text/plain;base64," + B64("SSN 412-63-7781") + "\">x</a>\n"),
             "412637781", {"html", "base64"});
}

TEST(DecodedUnits, NestedChains) {
  // %-encoded base64 of JSON.
  std::string b64 = B64(R"({"ssn": "412637781", "name": "Dana Whitfield"})");
  std::string enc;
  for (char c : b64) enc += c == '=' ? std::string("%3D") : c == '+' ? "%2B" : c == '/' ? "%2F" : std::string(1, c);
  ExpectOnce(ScanUnit("a.log", "GET /r?token=" + enc + " HTTP/1.1\n"), "412637781", {"url", "base64", "json"});
  // base64 of gzip of base64 of JSON.
  std::string inner = B64(R"({"ssn": "529449023"})");
  ExpectOnce(ScanUnit("b.txt", "x=" + B64(Deflate("blob " + inner + " end of blob text", 15 + 16)) + "\n"),
             "529449023", {"base64", "gzip", "base64", "json"});
  // A JSON document whose string value is base64.
  ExpectOnce(ScanUnit("c.json", R"({"id": 7, "blob": ")" + B64("SSN 412-63-7781 Dana Whitfield") + "\"}"), "412637781",
             {"json", "base64"});
}

TEST(DecodedUnits, TrapsGiveNoDecodedRuns) {
  UnitOutput out;
  ScanUnit("t.html",
           "<p>Fish &amp; chips, 50% off &lt;today&gt; &#8212; it&#39;s here</p>\n"
           "<p>sha e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</p>\n"
           "<script>if (a == b) { x = 3; } var s = \"Jos\\u00e9\";</script>\n",
           &out);
  EXPECT_EQ(out.decoded_runs, 0);
}

TEST(DecodedUnits, DepthLimitIsAProblemNotACrash) {
  std::string s = "SSN 412-63-7781";
  for (int i = 0; i < 20; ++i) s = "v " + B64(s) + " v";
  UnitOutput out;
  auto hits = ScanUnit("deep.txt", s, &out);
  EXPECT_TRUE(Of(hits, "ssn", "412637781").empty());
  ASSERT_FALSE(out.problems.empty());
  EXPECT_EQ(out.problems[0].code(), StatusCode::kLimit);
}

}  // namespace
}  // namespace breachscope::records
