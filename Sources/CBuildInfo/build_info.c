/* SwiftPM needs a source file in a C target; everything is in the header. */
#include "build_info.h"
