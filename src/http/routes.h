/* The route tables of all modules. */
#ifndef ATRIUM_HTTP_ROUTES_H
#define ATRIUM_HTTP_ROUTES_H
#include "http/req.h"

/* NULL-terminated list of tables, each ending with a NULL method. */
extern const struct route *const route_tables[];

#endif
