#ifndef GITOPSC_BUILD_INFO_H
#define GITOPSC_BUILD_INFO_H

/* The source commit a binary was built from. scripts/release defines it on the command line
   (swift build -Xcc -DGITOPSC_SOURCE_COMMIT='"<id>"'); a plain `swift build` leaves it empty. */
#ifndef GITOPSC_SOURCE_COMMIT
#define GITOPSC_SOURCE_COMMIT ""
#endif

static inline const char *gitopsc_source_commit(void) {
    return GITOPSC_SOURCE_COMMIT;
}

#endif
