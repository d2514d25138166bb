// What a live session does with an item handed to it at commit (SessionHandle::Offer): the rule
// that lets it skip reading the store without breaking relay order per State.
#ifndef POC_SERVER_OFFER_DECISION_H_
#define POC_SERVER_OFFER_DECISION_H_

#include <cstdint>

namespace poc {

enum class OfferAction {
  kSkip,  // already taken from the store (a read returned it first)
  kPush,  // push it now: nothing queued before it for this State can still be in the store
  kRead,  // read the store from the cursor instead, as a wake-up does
};

// `seq` and `prev_seq` are the item's (QueueItem); `cursor` is the highest seq the session has
// taken; `reading` says a store read is in flight, which may return this item too; `has_room`
// says the window and write-ahead bounds take one more item.
inline OfferAction DecideOffer(uint64_t seq, uint64_t prev_seq, uint64_t cursor, bool reading,
                               bool has_room) {
  if (seq <= cursor) return OfferAction::kSkip;
  if (reading || prev_seq > cursor || !has_room) return OfferAction::kRead;
  return OfferAction::kPush;
}

}  // namespace poc

#endif  // POC_SERVER_OFFER_DECISION_H_
