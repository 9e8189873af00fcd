// extract/registry.h — the extractor of each container family.
//
// Each returns a process-lifetime singleton (or null while a family is not built).
// Thread-safety: the returned extractors are immutable.
#pragma once

namespace breachscope::extract {

class Extractor;

const Extractor* ArchiveExtractor();       // archive.cc: zip tar gzip bzip2 xz zstd 7z rar cpio iso (libarchive)
const Extractor* OfficeExtractor();        // office.cc: docx xlsx pptx odt ods (libarchive + expat)
const Extractor* LegacyOfficeExtractor();  // legacy_office.cc: doc xls (catdoc/xls2csv/antiword, child processes)
const Extractor* PdfExtractor();           // pdf.cc: pdftotext per page, pdftoppm + OCR for text-less pages
const Extractor* ImageExtractor();         // image.cc: png jpeg tiff bmp gif via Tesseract
const Extractor* MailExtractor();          // mail.cc: eml mbox (GMime)
const Extractor* PstExtractor();           // pst.cc: pst ost (libpff)
const Extractor* HtmlExtractor();          // html.cc: html xml text, attributes, scripts, ViewState, data: URIs
const Extractor* HarExtractor();           // har.cc: HAR response bodies by URL
const Extractor* SqliteExtractor();        // sqlite_db.cc: every table of an SQLite file
const Extractor* MdbExtractor();           // mdb.cc: Access via mdbtools (child processes)

}  // namespace breachscope::extract
