#include "decode/text_encoding.h"

#include <iconv.h>

#include <cerrno>

namespace breachscope::decode {

namespace {

bool ValidUtf8Prefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0) return false;
    if (i + n >= s.size()) return true;  // a sequence cut by the end of the sample
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

std::string_view EncodingName(TextEncoding enc) {
  switch (enc) {
    case TextEncoding::kUtf8: return "utf-8";
    case TextEncoding::kUtf16Le: return "utf-16le";
    case TextEncoding::kUtf16Be: return "utf-16be";
    case TextEncoding::kCp1252: return "windows-1252";
    case TextEncoding::kBinary: return "binary";
  }
  return "binary";
}

TextEncoding DetectEncoding(std::string_view h) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(h[i]); };
  if (h.size() >= 3 && at(0) == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return TextEncoding::kUtf8;
  if (h.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE) return TextEncoding::kUtf16Le;
  if (h.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF) return TextEncoding::kUtf16Be;
  size_t sample = std::min<size_t>(h.size(), 4096) & ~size_t(1);
  size_t even_nul = 0, odd_nul = 0, nul = 0;
  for (size_t i = 0; i < sample; ++i) {
    if (at(i) == 0) {
      ++nul;
      (i % 2 ? odd_nul : even_nul)++;
    }
  }
  if (sample >= 2) {
    size_t pairs = sample / 2;
    if (odd_nul * 10 >= pairs * 3 && even_nul * 10 < pairs) return TextEncoding::kUtf16Le;
    if (even_nul * 10 >= pairs * 3 && odd_nul * 10 < pairs) return TextEncoding::kUtf16Be;
  }
  if (nul > 0) return TextEncoding::kBinary;
  // Control bytes other than whitespace in quantity: not text.
  size_t ctrl = 0;
  for (size_t i = 0; i < sample; ++i)
    if (at(i) < 0x20 && at(i) != '\n' && at(i) != '\r' && at(i) != '\t' && at(i) != 0x0c) ++ctrl;
  if (sample && ctrl * 20 > sample) return TextEncoding::kBinary;
  return ValidUtf8Prefix(h.substr(0, std::min<size_t>(h.size(), 65536))) ? TextEncoding::kUtf8
                                                                          : TextEncoding::kCp1252;
}

size_t BomLength(std::string_view h, TextEncoding enc) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(h[i]); };
  switch (enc) {
    case TextEncoding::kUtf8:
      return h.size() >= 3 && at(0) == 0xEF && at(1) == 0xBB && at(2) == 0xBF ? 3 : 0;
    case TextEncoding::kUtf16Le:
      return h.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE ? 2 : 0;
    case TextEncoding::kUtf16Be:
      return h.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF ? 2 : 0;
    default:
      return 0;
  }
}

Status ToUtf8(std::string_view bytes, TextEncoding enc, std::string& out, size_t* consumed) {
  const char* from = enc == TextEncoding::kUtf16Le   ? "UTF-16LE"
                     : enc == TextEncoding::kUtf16Be ? "UTF-16BE"
                     : enc == TextEncoding::kCp1252  ? "WINDOWS-1252"
                                                     : "UTF-8";
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return InternalError(std::string("iconv cannot convert from ") + from);
  out.clear();
  out.resize(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* o = out.data();
  size_t o_left = out.size();
  const size_t unit = (enc == TextEncoding::kUtf16Le || enc == TextEncoding::kUtf16Be) ? 2 : 1;
  while (in_left > 0) {
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t used = o - out.data();
      out.resize(out.size() * 2);
      o = out.data() + used;
      o_left = out.size() - used;
    } else if (errno == EILSEQ) {
      // Replace the bad unit with U+FFFD and go on.
      if (o_left < 3) {
        size_t used = o - out.data();
        out.resize(out.size() * 2);
        o = out.data() + used;
        o_left = out.size() - used;
      }
      *o++ = '\xEF';
      *o++ = '\xBF';
      *o++ = '\xBD';
      o_left -= 3;
      size_t skip = std::min(unit, in_left);
      in += skip;
      in_left -= skip;
    } else {  // EINVAL: an incomplete sequence at the end, left for the next chunk
      break;
    }
  }
  iconv_close(cd);
  out.resize(o - out.data());
  if (consumed) *consumed = bytes.size() - in_left;
  return Status::Ok();
}

}  // namespace breachscope::decode
