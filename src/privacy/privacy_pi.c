/* Data map entries of the privacy module's own tables. */
#include "privacy/datamap.h"

#define ACCOUNT "to run the account the user signed up for"
#define KEEP_ACCOUNT "while the account exists"

const struct pi_column privacy_pi[] = {
	{ "schema_migrations", "name", PI_NONE, NULL, "schema bookkeeping", "none", "forever", ERASE_KEEP },
	{ "schema_migrations", "applied_at", PI_NONE, NULL, "schema bookkeeping", "none", "forever", ERASE_KEEP },
	/* Also each enterprise's key (subject id: the enterprise's id; ids are unique across tables):
	 * it seals the enterprise's files (blob/blob.h) and goes with the enterprise (trigger
	 * enterprises_key, migration 0020). */
	{ "subject_keys", "subject_id", PI_NONE, "subject_id", "find the subject's data key", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "subject_keys", "wrapped", PI_NONE, "subject_id", "encrypt the subject's sensitive fields", "contract", KEEP_ACCOUNT, ERASE_DESTROY_KEY, EXPORT_OMIT },
	{ "subject_keys", "created_at", PI_NONE, "subject_id", "key rotation", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "id", PI_NONE, "user_id", "identify the record", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "user_id", PI_IDENTITY, "user_id", "whose consent", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "purpose", PI_LOG, "user_id", "what was consented to", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "granted", PI_LOG, "user_id", "grant or revocation", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "policy_version", PI_LOG, "user_id", "which policy text was accepted", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "device_id", PI_DEVICE, "user_id", "where consent was given", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "created_at", PI_LOG, "user_id", "when consent was given", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "consents", "purpose_version", PI_LOG, "user_id", "which version of the purpose was agreed to (PP-19)", "legal obligation: proof of consent", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "device_permissions", "user_id", PI_IDENTITY, "user_id", "whose device switches", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "device_permissions", "device_id", PI_DEVICE, "user_id", "which device reported the switch (PP-13)", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "device_permissions", "permission", PI_DEVICE, "user_id", "which permission (PP-12)", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "device_permissions", "granted", PI_DEVICE, "user_id", "switched on or off: off stops collection (PP-13)", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "device_permissions", "updated_at", PI_LOG, "user_id", "when the switch was reported", "contract", KEEP_ACCOUNT, ERASE_DELETE_ROW },
	{ "push_tokens", "user_id", PI_IDENTITY, "user_id", "whose device to push to", "consent", "until replaced or the account ends", ERASE_DELETE_ROW },
	{ "push_tokens", "device_id", PI_DEVICE, "user_id", "which device to push to", "consent", "until replaced or the account ends", ERASE_DELETE_ROW },
	{ "push_tokens", "token", PI_DEVICE, "user_id", "send push notifications (purpose push_notifications)", "consent", "until replaced or the account ends", ERASE_DELETE_ROW },
	{ "push_tokens", "updated_at", PI_LOG, "user_id", "when the token was registered", "consent", "until replaced or the account ends", ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset privacy_sets[] = {
	{ "schema_migrations", NULL, CONTROLLER_PLATFORM, 0, "数据库结构版本", "schema versions",
	  "记录已应用的数据库迁移", "which schema changes were applied", "永久", "forever" },
	{ "subject_keys", "subject_id", CONTROLLER_PLATFORM, 1, "数据密钥", "data keys",
	  "加密您的敏感字段；销毁密钥即永久删除这些字段", "encrypt your sensitive fields; destroying the key erases them for good",
	  "账号存续期间", "while the account exists" },
	{ "consents", "user_id", CONTROLLER_PLATFORM, 1, "同意记录", "consent records",
	  "证明您何时、在哪台设备上同意或撤回了哪项用途", "prove what you agreed to or withdrew, when and on which device",
	  "账号存续期间", "while the account exists" },
	{ "device_permissions", "user_id", CONTROLLER_PLATFORM, 1, "设备权限开关", "device permission switches",
	  "记录您在各台设备上打开或关闭的权限；关闭即停止该设备上的相应收集", "record which permissions you switched on or off on each device; off stops that collection there",
	  "账号存续期间", "while the account exists" },
	{ "push_tokens", "user_id", CONTROLLER_PLATFORM, 1, "推送令牌", "push tokens",
	  "在您同意消息推送后，向您的设备推送通知", "send notifications to your device once you agreed to push notifications",
	  "被新令牌替换或账号注销前", "until replaced or the account ends" },
	{ 0 }
};
