// The notification every scenario sends: a valid priority notification whose serialized
// poc.v1.Message is `payload_bytes` long (the padding is its description).
#ifndef POC_BENCH_BENCH_MESSAGE_H_
#define POC_BENCH_BENCH_MESSAGE_H_

#include <string>
#include <vector>

#include "poc/v1/message.pb.h"

namespace poc::bench {

v1::Message MakeBenchMessage(const std::string& sender, const std::vector<std::string>& recipients,
                             size_t payload_bytes);

}  // namespace poc::bench

#endif  // POC_BENCH_BENCH_MESSAGE_H_
