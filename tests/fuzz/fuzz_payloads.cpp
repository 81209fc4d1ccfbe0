// libFuzzer: one MQTT message (its topic on the first line, its payload after)
// through the county's live picture, which reads it with the contract's
// readers. Nothing may crash, hang or leak; a refusal is an answer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "contract/readers.hpp"
#include "live/picture.hpp"
#include "live/views.hpp"

using namespace villagecam;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  if (nl == std::string::npos) return 0;
  static const auto t0 = SteadyTime(std::chrono::hours(1000));
  static const auto w0 = WallTime(std::chrono::hours(24 * 365 * 56));
  // A picture that admits the county's codes and knows one node already.
  county::LivePicture picture("villagecam", config::Seconds(60), county::Admission{{"410225"}, 4, 8});
  picture.setAdmitted({{"sim-0001", {"模拟县", "第1镇", "第1镇1村", "410225101201"}}});
  for (int i = 0; i < 2; ++i) {  // twice: a message about what the first one made
    const auto applied = picture.apply({input.substr(0, nl), input.substr(nl + 1), i == 0}, t0, w0);
    if (applied.kind == county::Applied::Kind::Bad && applied.error.empty()) __builtin_trap();
  }
  picture.checkSilence(t0 + std::chrono::minutes(5), w0 + std::chrono::minutes(5));
  // Every view of what it made must be writable as JSON.
  for (const auto& j : {county::summaryJson(picture, "x", w0), county::villagesJson(picture), county::problemsJson(picture),
                        county::openAlertsJson(picture), county::pendingJson(picture)}) {
    (void)j.dump();
  }
  for (const auto& [key, node] : picture.nodes()) (void)county::villageJson(picture, key).dump();
  // The same payload as a command a node reads, and as a reply the county reads.
  for (const char* kind : {"command", "command-reply"}) {
    try {
      const auto j = contract::parsePayload(input.substr(nl + 1), kind);
      if (std::string(kind) == "command") (void)contract::commandJson(contract::readCommand(j)).dump();
      else (void)contract::readCommandReply(j);
    } catch (const contract::PayloadError&) {
    }
  }
  return 0;
}
