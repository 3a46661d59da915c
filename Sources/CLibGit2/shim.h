#include <git2.h>
// The in-memory object database publish builds its objects in; not part of git2.h.
#include <git2/sys/mempack.h>

// git_libgit2_opts is variadic, which Swift cannot call: one typed wrapper per option used.
// The CA bundle TLS connections verify against, replacing the built-in default (process-wide).
static inline int gitopsc_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}
