#ifndef GITOPSC_LIBGIT2_LOADER_H
#define GITOPSC_LIBGIT2_LOADER_H

// git_libgit2_opts is variadic, which Swift cannot call: one typed wrapper per option used.
// The CA bundle TLS connections verify against, replacing the built-in default (process-wide).
int gitopsc_set_ssl_cert_file(const char *file);

#endif
