// Labelled fields for people, labels aligned:
//
//   Subject:   Ransomware campaign against hospitals
//   Urgency:   urgent (acknowledge within 4h)
//   Summary:   first line
//              second line
//
// Values are made safe for a terminal; a value's newlines are kept and its continuation lines
// indented under the first. Fields with an empty value are left out, so optional template
// fields do not clutter the output.
#ifndef POC_CLIENT_POCCTL_FIELD_LIST_H_
#define POC_CLIENT_POCCTL_FIELD_LIST_H_

#include <string>
#include <utility>
#include <vector>

namespace poc::pocctl {

class FieldList {
 public:
  FieldList() = default;

  void Add(std::string label, const std::string& value);

  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_FIELD_LIST_H_
