// OutputFile writes whole blocks with O_DIRECT and the tail without it, or everything the
// ordinary way where the file system refuses O_DIRECT (tmpfs before Linux 6.6, some network
// file systems). Whatever the path taken,
// the file must hold exactly the bytes appended, in order, with mode 0600.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "report/writers.h"
#include "test_files.h"

namespace breachscope::report {
namespace {

using testing_files::ReadFile;

// Appends pieces of awkward sizes (1 byte, odd sizes, more than the 4 MiB buffer at once)
// and returns what was appended.
std::string WritePieces(const std::filesystem::path& path) {
  auto file = OutputFile::Create(path);
  EXPECT_TRUE(file.ok());
  std::string expected;
  const size_t sizes[] = {1, 4095, 4097, 333, (4u << 20) + 17, 65536, 1, (9u << 20) + 3, 7};
  char c = 'a';
  for (size_t n : sizes) {
    std::string piece;
    for (size_t i = 0; i < n; ++i) piece.push_back(static_cast<char>(c + i % 23));
    ++c;
    EXPECT_TRUE((*file)->Append(piece).ok());
    expected += piece;
  }
  EXPECT_TRUE((*file)->Close().ok());
  return expected;
}

void ExpectSameBytesAndPrivate(const std::filesystem::path& path, const std::string& expected) {
  std::string got = ReadFile(path);
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(OutputFile, DiskFileHoldsExactlyTheAppendedBytes) {
  testing_files::TempDir dir;
  auto path = dir.path() / "out.jsonl";
  std::string expected = WritePieces(path);
  ExpectSameBytesAndPrivate(path, expected);
}

TEST(OutputFile, TmpfsFileHoldsExactlyTheAppendedBytes) {
  ASSERT_TRUE(std::filesystem::is_directory("/dev/shm")) << "Linux machines have a tmpfs at /dev/shm";
  char tmpl[] = "/dev/shm/bs-out-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::filesystem::path dir = tmpl;
  std::string expected = WritePieces(dir / "out.jsonl");
  ExpectSameBytesAndPrivate(dir / "out.jsonl", expected);
  std::filesystem::remove_all(dir);
}

TEST(OutputFile, EmptyAndTinyFiles) {
  testing_files::TempDir dir;
  {
    auto f = OutputFile::Create(dir.path() / "empty");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "empty"), 0u);
  {
    auto f = OutputFile::Create(dir.path() / "tiny");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("{}\n").ok());
    ASSERT_TRUE((*f)->Close().ok());
    EXPECT_FALSE((*f)->Append("late").ok()) << "appending after Close must fail, not write";
  }
  EXPECT_EQ(ReadFile(dir.path() / "tiny"), "{}\n");
}

TEST(OutputFile, ExactMultipleOfTheBufferHasNoTail) {
  testing_files::TempDir dir;
  auto f = OutputFile::Create(dir.path() / "whole");
  ASSERT_TRUE(f.ok());
  std::string block(8u << 20, 'x');
  ASSERT_TRUE((*f)->Append(block).ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "whole"), block.size());
}

// Full buffers are written on the file's own thread: a write that fails there (here: past
// RLIMIT_FSIZE, EFBIG) must still come back from Append or Close, never be lost.
TEST(OutputFile, FailedBackgroundWriteIsReported) {
  testing_files::TempDir dir;
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 6u << 20;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool failed = false;
  {
    auto f = OutputFile::Create(dir.path() / "big");
    ASSERT_TRUE(f.ok());
    std::string piece(1u << 20, 'y');
    for (int i = 0; i < 20 && !failed; ++i) failed = !(*f)->Append(piece).ok();
    if (!failed) failed = !(*f)->Close().ok();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(failed) << "20 MiB written past a 6 MiB file size limit without an error";
}

// Many full buffers in a row (the writer thread and Append taking turns with the two
// buffers): every byte in order.
TEST(OutputFile, ManyBuffersKeepTheirOrder) {
  testing_files::TempDir dir;
  auto f = OutputFile::Create(dir.path() / "many");
  ASSERT_TRUE(f.ok());
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    std::string line = "{\"n\": " + std::to_string(i) + ", \"pad\": \"" + std::string(i % 9000, 'a' + i % 26) + "\"}\n";
    ASSERT_TRUE((*f)->Append(line).ok());
    expected += line;
  }
  ASSERT_TRUE((*f)->Close().ok());
  ExpectSameBytesAndPrivate(dir.path() / "many", expected);
}

TEST(OutputFile, UnwritableFolderIsAnError) {
  auto f = OutputFile::Create("/nonexistent-folder-bs/out.jsonl");
  EXPECT_FALSE(f.ok());
}

}  // namespace
}  // namespace breachscope::report
