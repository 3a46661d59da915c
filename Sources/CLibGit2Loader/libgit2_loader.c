// libgit2, loaded the first time gitopsc calls it.
//
// Linking libgit2 makes every process map it and its dependencies (libssh2, mbedtls, libcrypto,
// krb5, pcre2, zlib, ...) and resolve their relocations at start-up, about 1.5-2 ms of a
// `gitopsc --version`, although most commands never use git. So the binary does not link it:
// this file defines each libgit2 function GitStore calls as a trampoline that, on its first
// call, looks the real function up in libgit2 (opened once with dlopen) and then calls it.
//
// The declarations come from libgit2's own headers (the CLibGit2 module imports the same ones),
// so a definition whose parameters or result differ from the header is a compile error, and a
// function GitStore starts using without adding it here is a link error.
#include <git2.h>
#include <git2/sys/mempack.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "libgit2_loader.h"

// The library the headers describe: its ABI changes with the SOVERSION, so no other one will do.
#ifdef __APPLE__
#define LIBGIT2_LIBRARY "libgit2." LIBGIT2_SOVERSION ".dylib"
#else
#define LIBGIT2_LIBRARY "libgit2.so." LIBGIT2_SOVERSION
#endif

static void *libgit2;
static pthread_once_t libgit2_opened = PTHREAD_ONCE_INIT;

// A missing or broken libgit2 is an installation problem, reported like bad input (exit 2)
// rather than a crash. The library is opened by the first git call, before anything is written
// through it (only a broken install lacks a function found later); stdio is flushed so output
// already printed is not lost, and _exit avoids running exit handlers while other threads work.
static _Noreturn void fail(const char *what) {
    fprintf(stderr, "gitopsc: cannot load libgit2 (%s): %s; install the libgit2-%s package\n",
            LIBGIT2_LIBRARY, what ? what : "unknown error", LIBGIT2_SOVERSION);
    fflush(NULL);
    _exit(2);
}

static void open_libgit2(void) {
    libgit2 = dlopen(LIBGIT2_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!libgit2) fail(dlerror());
}

static void *libgit2_function(const char *name) {
    pthread_once(&libgit2_opened, open_libgit2);
    dlerror();
    void *function = dlsym(libgit2, name);
    if (!function) fail(dlerror());
    return function;
}

// The trampolines are exported from the executable (Swift links it with --export-dynamic), but
// Debian's libgit2 binds its calls to its own functions internally (no PLT relocations for
// them), so they never come back through here. The real function is looked up once. Threads that race on the first call all store the same
// address, so a relaxed atomic is enough.
#define REAL(name) \
    static __typeof__(name) *real; \
    __typeof__(name) *function = __atomic_load_n(&real, __ATOMIC_RELAXED); \
    if (!function) { \
        function = (__typeof__(name) *)libgit2_function(#name); \
        __atomic_store_n(&real, function, __ATOMIC_RELAXED); \
    }

#define FORWARD(result, name, parameters, arguments) \
    result name parameters { REAL(name) return function arguments; }
#define FORWARD_VOID(name, parameters, arguments) \
    void name parameters { REAL(name) function arguments; }

FORWARD_VOID(git_blob_free, (git_blob *blob), (blob))
FORWARD(int, git_blob_lookup, (git_blob **blob, git_repository *repo, const git_oid *id), (blob, repo, id))
FORWARD(const void *, git_blob_rawcontent, (const git_blob *blob), (blob))
FORWARD(git_object_size_t, git_blob_rawsize, (const git_blob *blob), (blob))
FORWARD(int, git_branch_is_checked_out, (const git_reference *branch), (branch))
FORWARD_VOID(git_buf_dispose, (git_buf *buffer), (buffer))
FORWARD_VOID(git_commit_free, (git_commit *commit), (commit))
FORWARD(int, git_commit_lookup, (git_commit **commit, git_repository *repo, const git_oid *id), (commit, repo, id))
FORWARD(int, git_commit_tree, (git_tree **tree_out, const git_commit *commit), (tree_out, commit))
FORWARD(const git_oid *, git_commit_tree_id, (const git_commit *commit), (commit))
FORWARD_VOID(git_config_free, (git_config *cfg), (cfg))
FORWARD_VOID(git_config_iterator_free, (git_config_iterator *iter), (iter))
FORWARD(int, git_config_multivar_iterator_new, (git_config_iterator **out, const git_config *cfg, const char *name, const char *regexp), (out, cfg, name, regexp))
FORWARD(int, git_config_next, (git_config_entry **entry, git_config_iterator *iter), (entry, iter))
FORWARD(int, git_credential_ssh_key_from_agent, (git_credential **out, const char *username), (out, username))
FORWARD(int, git_credential_ssh_key_new, (git_credential **out, const char *username, const char *publickey, const char *privatekey, const char *passphrase), (out, username, publickey, privatekey, passphrase))
FORWARD(int, git_credential_username_new, (git_credential **out, const char *username), (out, username))
FORWARD(int, git_credential_userpass_plaintext_new, (git_credential **out, const char *username, const char *password), (out, username, password))
FORWARD(const git_error *, git_error_last, (void), ())
FORWARD(int, git_fetch_options_init, (git_fetch_options *opts, unsigned int version), (opts, version))
FORWARD(int, git_libgit2_init, (void), ())
FORWARD(int, git_mempack_new, (git_odb_backend **out), (out))
FORWARD(int, git_mempack_reset, (git_odb_backend *backend), (backend))
FORWARD_VOID(git_object_free, (git_object *object), (object))
FORWARD(const git_oid *, git_object_id, (const git_object *obj), (obj))
FORWARD(int, git_object_peel, (git_object **peeled, const git_object *object, git_object_t target_type), (peeled, object, target_type))
FORWARD(int, git_odb_add_backend, (git_odb *odb, git_odb_backend *backend, int priority), (odb, backend, priority))
FORWARD_VOID(git_odb_free, (git_odb *db), (db))
FORWARD(int, git_odb_hash, (git_oid *out, const void *data, size_t len, git_object_t type), (out, data, len, type))
FORWARD(int, git_odb_new, (git_odb **out), (out))
FORWARD(int, git_odb_write, (git_oid *out, git_odb *odb, const void *data, size_t len, git_object_t type), (out, odb, data, len, type))
FORWARD(int, git_odb_write_pack, (git_odb_writepack **out, git_odb *db, git_indexer_progress_cb progress_cb, void *progress_payload), (out, db, progress_cb, progress_payload))
FORWARD(int, git_oid_cmp, (const git_oid *a, const git_oid *b), (a, b))
FORWARD(int, git_oid_fromstr, (git_oid *out, const char *str), (out, str))
FORWARD(char *, git_oid_tostr_s, (const git_oid *oid), (oid))
FORWARD_VOID(git_packbuilder_free, (git_packbuilder *pb), (pb))
FORWARD(int, git_packbuilder_insert, (git_packbuilder *pb, const git_oid *id, const char *name), (pb, id, name))
FORWARD(int, git_packbuilder_new, (git_packbuilder **out, git_repository *repo), (out, repo))
FORWARD(unsigned int, git_packbuilder_set_threads, (git_packbuilder *pb, unsigned int n), (pb, n))
FORWARD(int, git_packbuilder_write_buf, (git_buf *buf, git_packbuilder *pb), (buf, pb))
FORWARD(int, git_push_options_init, (git_push_options *opts, unsigned int version), (opts, version))
FORWARD(int, git_reference_create_matching, (git_reference **out, git_repository *repo, const char *name, const git_oid *id, int force, const git_oid *current_id, const char *log_message), (out, repo, name, id, force, current_id, log_message))
FORWARD_VOID(git_reference_free, (git_reference *ref), (ref))
FORWARD(int, git_reference_lookup, (git_reference **out, git_repository *repo, const char *name), (out, repo, name))
FORWARD(int, git_reference_name_is_valid, (int *valid, const char *refname), (valid, refname))
FORWARD(int, git_reference_name_to_id, (git_oid *out, git_repository *repo, const char *name), (out, repo, name))
FORWARD(const char *, git_reference_symbolic_target, (const git_reference *ref), (ref))
FORWARD(git_reference_t, git_reference_type, (const git_reference *ref), (ref))
FORWARD(int, git_remote_connect, (git_remote *remote, git_direction direction, const git_remote_callbacks *callbacks, const git_proxy_options *proxy_opts, const git_strarray *custom_headers), (remote, direction, callbacks, proxy_opts, custom_headers))
FORWARD(int, git_remote_create_anonymous, (git_remote **out, git_repository *repo, const char *url), (out, repo, url))
FORWARD(int, git_remote_download, (git_remote *remote, const git_strarray *refspecs, const git_fetch_options *opts), (remote, refspecs, opts))
FORWARD_VOID(git_remote_free, (git_remote *remote), (remote))
FORWARD(int, git_remote_init_callbacks, (git_remote_callbacks *opts, unsigned int version), (opts, version))
FORWARD(int, git_remote_lookup, (git_remote **out, git_repository *repo, const char *name), (out, repo, name))
FORWARD(int, git_remote_ls, (const git_remote_head ***out, size_t *size, git_remote *remote), (out, size, remote))
FORWARD(int, git_remote_push, (git_remote *remote, const git_strarray *refspecs, const git_push_options *opts), (remote, refspecs, opts))
FORWARD(const char *, git_remote_url, (const git_remote *remote), (remote))
FORWARD(int, git_repository_config_snapshot, (git_config **out, git_repository *repo), (out, repo))
FORWARD_VOID(git_repository_free, (git_repository *repo), (repo))
FORWARD(int, git_repository_is_bare, (const git_repository *repo), (repo))
FORWARD(int, git_repository_item_path, (git_buf *out, const git_repository *repo, git_repository_item_t item), (out, repo, item))
FORWARD(int, git_repository_odb, (git_odb **out, git_repository *repo), (out, repo))
FORWARD(int, git_repository_open_ext, (git_repository **out, const char *path, unsigned int flags, const char *ceiling_dirs), (out, path, flags, ceiling_dirs))
FORWARD(const char *, git_repository_path, (const git_repository *repo), (repo))
FORWARD(const char *, git_repository_workdir, (const git_repository *repo), (repo))
FORWARD(int, git_repository_wrap_odb, (git_repository **out, git_odb *odb), (out, odb))
FORWARD(int, git_revparse_single, (git_object **out, git_repository *repo, const char *spec), (out, repo, spec))
FORWARD_VOID(git_signature_free, (git_signature *sig), (sig))
FORWARD(int, git_signature_new, (git_signature **out, const char *name, const char *email, git_time_t time, int offset), (out, name, email, time, offset))
FORWARD(int, git_signature_now, (git_signature **out, const char *name, const char *email), (out, name, email))
FORWARD(size_t, git_status_list_entrycount, (git_status_list *statuslist), (statuslist))
FORWARD_VOID(git_status_list_free, (git_status_list *statuslist), (statuslist))
FORWARD(int, git_status_list_new, (git_status_list **out, git_repository *repo, const git_status_options *opts), (out, repo, opts))
FORWARD(int, git_status_options_init, (git_status_options *opts, unsigned int version), (opts, version))
FORWARD(const git_tree_entry *, git_tree_entry_byindex, (const git_tree *tree, size_t idx), (tree, idx))
FORWARD(int, git_tree_entry_bypath, (git_tree_entry **out, const git_tree *root, const char *path), (out, root, path))
FORWARD(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry *entry), (entry))
FORWARD_VOID(git_tree_entry_free, (git_tree_entry *entry), (entry))
FORWARD(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry))
FORWARD(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry))
FORWARD(git_object_t, git_tree_entry_type, (const git_tree_entry *entry), (entry))
FORWARD(size_t, git_tree_entrycount, (const git_tree *tree), (tree))
FORWARD_VOID(git_tree_free, (git_tree *tree), (tree))
FORWARD(int, git_tree_lookup, (git_tree **out, git_repository *repo, const git_oid *id), (out, repo, id))

int gitopsc_set_ssl_cert_file(const char *file) {
    REAL(git_libgit2_opts)
    return function(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}
