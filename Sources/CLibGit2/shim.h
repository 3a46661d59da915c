#include <git2.h>
// The in-memory object database publish builds its objects in; not part of git2.h.
#include <git2/sys/mempack.h>
