#include "fuzz/fuzz_input.h"

#include <algorithm>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace hyperd::fuzz {

uint8_t FuzzInput::TakeByte() { return empty() ? 0 : data_[pos_++]; }

uint64_t FuzzInput::TakeUint64() {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(TakeByte()) << (8 * i);
  return value;
}

std::string FuzzInput::TakeChunk() {
  const size_t low = TakeByte();
  const size_t length = low | (static_cast<size_t>(TakeByte()) << 8);
  const size_t available = std::min(length, size_ - std::min(pos_, size_));
  std::string chunk(reinterpret_cast<const char*>(data_) + std::min(pos_, size_), available);
  pos_ += available;
  return chunk;
}

bool FuzzInput::TakeMessage(google::protobuf::MessageLite& message) {
  const std::string chunk = TakeChunk();
  return message.ParseFromString(chunk);
}

FuzzOutput& FuzzOutput::AddByte(uint8_t byte) {
  bytes_.push_back(static_cast<char>(byte));
  return *this;
}

FuzzOutput& FuzzOutput::AddUint64(uint64_t value) {
  for (int i = 0; i < 8; ++i) AddByte(static_cast<uint8_t>(value >> (8 * i)));
  return *this;
}

FuzzOutput& FuzzOutput::AddChunk(const std::string& bytes) {
  const size_t length = std::min<size_t>(bytes.size(), 0xFFFF);
  AddByte(static_cast<uint8_t>(length & 0xFF));
  AddByte(static_cast<uint8_t>(length >> 8));
  bytes_.append(bytes, 0, length);
  return *this;
}

FuzzOutput& FuzzOutput::AddMessage(const google::protobuf::MessageLite& message) {
  // Deterministic: map fields in key order, so regenerated seeds are byte-identical.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return AddChunk(bytes);
}

}  // namespace hyperd::fuzz
