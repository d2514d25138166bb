// The directory the relay serves, replaceable at run time (SIGHUP) without a restart.
#ifndef POC_SERVER_DIRECTORY_HOLDER_H_
#define POC_SERVER_DIRECTORY_HOLDER_H_

#include "common/directory/directory_view.h"
#include "poc/v1/envelope.pb.h"
#include "server/snapshot_holder.h"

namespace poc {

struct PublishedDirectory {
  DirectoryView view;
  v1::Signed signed_snapshot;  // what GetDirectory returns
};

using DirectoryHolder = SnapshotHolder<PublishedDirectory>;

}  // namespace poc

#endif  // POC_SERVER_DIRECTORY_HOLDER_H_
