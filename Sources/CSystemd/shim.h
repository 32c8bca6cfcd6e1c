#ifndef STORYLINE_CSYSTEMD_SHIM_H
#define STORYLINE_CSYSTEMD_SHIM_H

// Journal calls carry their own CODE_FILE/CODE_LINE/CODE_FUNC fields.
#define SD_JOURNAL_SUPPRESS_LOCATION 1

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#endif
