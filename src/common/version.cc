#include "oups/version.h"

namespace oups {

const char* Version() { return OUPS_VERSION_STRING; }

}  // namespace oups
