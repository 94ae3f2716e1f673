/* The operator's commands, `atrium admin NAME …`, and what they share with `atrium serve`. */
#ifndef ATRIUM_ADMIN_H
#define ATRIUM_ADMIN_H
#include "core/config.h"
#include "store/store.h"

/* Runs `atrium admin argv[0] argv[1…]`; returns the exit status. */
int admin_main(const struct config *cfg, int argc, char **argv);

/* "<data>/<name>", malloc'ed. */
char *data_path(const struct config *cfg, const char *name);
/* Takes the data folder's lock, held by a serving server: an fd, or -1 when it is held. */
int lock_data(const struct config *cfg);
/*
 * Opens the data folder's database with every migration applied, for a command that reads or
 * writes it beside a running server (each connection its own; SQLite serialises writers).
 * NULL with a message on stderr when there is no database or it cannot be opened.
 */
struct store *admin_open_store(const struct config *cfg);

#endif
