/* Data map entries of the notify module. */
#include "privacy/datamap.h"

#define WHY "tell the user about their account (PP-17)"
#define KEEP "while the account exists; read ones 180 days after they were read"

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

const struct pi_dataset notify_sets[] = {
	{ "notifications", "user_id", CONTROLLER_PLATFORM, 1, "站内通知", "in-app notifications",
	  "告知您账号相关的事件，例如新设备登录", "tell you about your account, such as a sign-in on a new device",
	  "账号存续期间；已读通知在阅读 180 天后删除", "while the account exists; read ones 180 days after they were read" },
	{ 0 }
};
