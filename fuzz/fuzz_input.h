// The byte format shared by the fuzz targets and the seed writer: a stream of fields, each a
// one-byte tag or a length-prefixed chunk (2-byte little-endian length, then the bytes). Reading
// never fails: past the end a reader returns zeros and empty chunks, so every byte string is a
// valid input and mutations keep the structure of the seeds.
//
//   FuzzInput in(data, size);
//   while (!in.empty()) { uint8_t op = in.TakeByte(); std::string body = in.TakeChunk(); ... }
#ifndef HYPERD_FUZZ_FUZZ_INPUT_H_
#define HYPERD_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/message_lite.h"

namespace hyperd::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  uint8_t TakeByte();
  uint64_t TakeUint64();  // 8 bytes, little-endian
  // A chunk written by FuzzOutput::AddChunk: at most 65535 bytes, fewer if the input ends first.
  std::string TakeChunk();
  // Parses the next chunk as `message` (protobuf wire format). False if it does not parse; the
  // message then holds whatever the parser had set, which the targets use anyway.
  bool TakeMessage(google::protobuf::MessageLite& message);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Builds inputs in FuzzInput's format (seed corpora, regression tests).
class FuzzOutput {
 public:
  FuzzOutput& AddByte(uint8_t byte);
  FuzzOutput& AddUint64(uint64_t value);
  // Truncated to 65535 bytes.
  FuzzOutput& AddChunk(const std::string& bytes);
  FuzzOutput& AddMessage(const google::protobuf::MessageLite& message);
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace hyperd::fuzz

#endif  // HYPERD_FUZZ_FUZZ_INPUT_H_
