/* Data map entries of the notify module. */
#include "privacy/datamap.h"

#define WHY "tell the user about their account (PP-17)"
#define KEEP "while the account exists"

const struct pi_column notify_pi[] = {
	{ "notifications", "id", PI_NONE, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "user_id", PI_IDENTITY, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "kind", PI_LOG, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "title", PI_CONTENT, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "body", PI_CONTENT, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "created_at", PI_LOG, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "notifications", "read_at", PI_LOG, "user_id", WHY, "contract", KEEP, ERASE_DELETE_ROW },
	{ 0 }
};
