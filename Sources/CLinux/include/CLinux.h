#ifndef STORYLINE_CLINUX_H
#define STORYLINE_CLINUX_H

// Linux calls that Swift's Glibc module does not import: signalfd, renameat2, mallopt and malloc_trim;
// and the commit this binary was built from, which only the C compiler is told.

#include <signal.h>
#include <sys/signalfd.h>

/// Blocks SIGTERM, SIGINT and SIGHUP for the calling thread and returns a signalfd that reads them,
/// or -1 with errno set.
int storyline_signalfd_open(void);

/// Reads one pending signal from a signalfd: its number, 0 if none is pending, -1 on error.
int storyline_signalfd_read(int fd);

/// Renames without replacing an existing target (renameat2 RENAME_NOREPLACE); -1 with errno set.
int storyline_rename_noreplace(const char *from, const char *to);

/// Makes malloc map every block of `bytes` or more and unmap it when freed (mallopt M_MMAP_THRESHOLD,
/// which also stops glibc raising the threshold by itself); 0 on failure.
int storyline_map_blocks_from(int bytes);

/// Gives every whole free page of the heap back to the system (malloc_trim(0)): by itself glibc gives
/// back only free memory at the top of the heap. 1 if some memory was given back, 0 if none.
int storyline_return_free_memory(void);

/// The commit the binary was built from (`git rev-parse --short HEAD`, `-dirty` when the tree had
/// changes), as the build defined STORYLINE_COMMIT for this target; "unknown" when it did not.
const char *storyline_build_commit(void);

#endif
