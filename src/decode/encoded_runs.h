// decode/encoded_runs.h — every kind of encoded run inside text, decoded.
//
// Besides base64 (decode/base64_runs.h), data hides in text as hex, %-encoding,
// quoted-printable, HTML character references, JavaScript/JSON escapes, ASP.NET
// ViewState, and data: URIs. Each finder below returns the runs it decodes to text
// (DecodedRun: span in the input, decoded UTF-8 text, the contract decoder names of
// the steps taken). FindEncodedRuns() runs them all (and base64), keeps one run
// where two overlap (the longer one; its child unit finds the inner run again), and
// widens runs of inline escapes with up to 64 bytes of their line on each side, so a
// label in front of an escaped value ("SSN: &#52;&#49;...") reaches the child.
//
// Cost: these run over every byte of every text unit. Each finder starts from a
// trigger ('%', '&', '\\', '=', "/wE", "data:"); FindEncodedRuns() notes in one pass
// which 64-byte blocks hold which trigger, and a finder does nothing on text without
// its own. Hex and base64 runs are found by AVX2 classification of 64-byte blocks.
// Runs that decode to noise (hashes, ids, "50% off", "a=10 b=20", a lone "&amp;") are
// dropped, most before they are decoded (CannotBeText on their first bytes).
//
// Names (contract): hex url qp entity jsescape viewstate base64, then gzip / utf16
// for decoded bytes that are compressed or UTF-16 text.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "decode/base64_runs.h"

namespace breachscope::decode {

// Runs of at least 32 hex digits (even count, "0x" allowed in front, not inside a
// word) whose bytes are text (or compressed/UTF-16 text): {"hex", ...}.
std::vector<DecodedRun> FindHexRuns(std::string_view text);

// %XX escapes: the escaped tokens of one line (tokens end at whitespace, quotes,
// brackets, '&' and '?'), merged when closer than 64 bytes; '+' reads as a space
// except inside base64-looking stretches. Kept when the result is text: {"url"}.
std::vector<DecodedRun> FindUrlRuns(std::string_view text);

// Quoted-printable: lines holding soft line breaks ("=\n"), "=3D", or UTF-8
// sequences written as =XX=XX; at least two such signs close together. {"qp"}.
std::vector<DecodedRun> FindQpRuns(std::string_view text);

// HTML character references: runs holding at least three numeric references to
// letters, digits or '@' (&#52;&#x31;); named ones (&amp;) are decoded inside a run
// but never start one. {"entity"}.
std::vector<DecodedRun> FindEntityRuns(std::string_view text);

// JavaScript/JSON escapes: runs with at least three \uXXXX / \xNN escapes of
// letters, digits or '@' — {"jsescape"}; a run made only of \xNN escapes, four or
// more in a row, is a byte string — {"hex", ...}.
std::vector<DecodedRun> FindJsEscapeRuns(std::string_view text);

// ASP.NET ViewState / EventValidation values (base64 of ObjectStateFormatter data,
// starting FF 01, so the base64 starts "/wE"): the serialized strings, one a line.
// {"viewstate"}.
std::vector<DecodedRun> FindViewStateRuns(std::string_view text);

// data: URIs (data:[mime][;params][;base64],payload): base64 payloads of any length
// decoded as base64 runs ({"base64", ...}), others when %-encoded ({"url"}).
std::vector<DecodedRun> FindDataUriRuns(std::string_view text);

// All of the above and FindBase64Runs(), sorted by position, overlaps resolved,
// inline runs widened with context (their begin/end stay the encoded span;
// context_begin/context_end give the span `decoded` covers).
struct EncodedRun : DecodedRun {
  uint64_t context_begin = 0, context_end = 0;
};
std::vector<EncodedRun> FindEncodedRuns(std::string_view text);

// Decoders of inline escapes over any text (used for the context around a run):
// "url", "entity", "jsescape" (and "hex" runs of \xNN). Unknown names: the text as is.
std::string DecodeInline(std::string_view decoder, std::string_view text);

// The strings serialized in ObjectStateFormatter bytes (after FF 01), one a line:
// string tokens (0x05, 0x1E) read by their length prefix, and elsewhere printable
// runs of four characters or more.
std::string ViewStateStrings(std::string_view bytes);

}  // namespace breachscope::decode
