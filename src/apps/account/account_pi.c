/* Data map entries of the account module's tables. */
#include "privacy/datamap.h"

#define ACCOUNT "run the account the user signed up for (PP-01)"
#define SECURITY "keep the account secure and spot abnormal states (PP-05, PP-17)"
#define KEEP "while the account exists"
#define SESSION "until the session ends or sits idle past session-idle-days"
#define CODE "until it is used or expires; swept after a day"

const struct pi_column account_pi[] = {
	{ "users", "id", PI_NONE, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW },
	{ "users", "phone_index", PI_CONTACT, "id", "find the account by its number", "contract", KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "users", "phone_sealed", PI_CONTACT, "id", ACCOUNT, "contract", KEEP, ERASE_DESTROY_KEY },
	{ "users", "name", PI_IDENTITY, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW, EXPORT_VALUE, 1 },
	{ "users", "gender", PI_IDENTITY, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW, EXPORT_VALUE, 1 },
	{ "users", "email", PI_CONTACT, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW, EXPORT_VALUE, 1 },
	{ "users", "pending_email", PI_CONTACT, "id", "verify a new e-mail address", "contract", "until verified or replaced", ERASE_DELETE_ROW },
	{ "users", "policy_version", PI_LOG, "id", "which policy the user accepted", "legal obligation: proof of consent", KEEP, ERASE_DELETE_ROW },
	{ "users", "created_at", PI_LOG, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW },
	{ "users", "updated_at", PI_LOG, "id", ACCOUNT, "contract", KEEP, ERASE_DELETE_ROW },
	{ "sessions", "id", PI_NONE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "user_id", PI_IDENTITY, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "token_hash", PI_NONE, "user_id", "recognise the session; the token itself is never stored", "contract", SESSION, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "sessions", "cookie", PI_NONE, "user_id", "whether the session rides on a cookie (PP-23)", "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "device_id", PI_DEVICE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "device_model", PI_DEVICE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "device_os", PI_DEVICE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "app_version", PI_DEVICE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "ip", PI_DEVICE, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "created_at", PI_LOG, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "sessions", "last_seen_at", PI_LOG, "user_id", SECURITY, "contract", SESSION, ERASE_DELETE_ROW },
	{ "known_devices", "user_id", PI_IDENTITY, "user_id", SECURITY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "known_devices", "device_id", PI_DEVICE, "user_id", SECURITY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "known_devices", "first_seen_at", PI_LOG, "user_id", SECURITY, "contract", KEEP, ERASE_DELETE_ROW },
	{ "verification_codes", "id", PI_NONE, NULL, "verify a number or address", "contract", CODE, ERASE_DELETE_ROW },
	{ "verification_codes", "target_index", PI_CONTACT, NULL, "keyed hash of the number or address the code went to", "contract", CODE, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "verification_codes", "purpose", PI_NONE, NULL, "what the code is for", "contract", CODE, ERASE_DELETE_ROW },
	{ "verification_codes", "code_hash", PI_NONE, NULL, "check the code; the code itself is never stored", "contract", CODE, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "verification_codes", "tries", PI_NONE, NULL, "lock a code after five wrong tries", "contract", CODE, ERASE_DELETE_ROW },
	{ "verification_codes", "created_at", PI_NONE, NULL, "rate limits", "contract", CODE, ERASE_DELETE_ROW },
	{ "verification_codes", "expires_at", PI_NONE, NULL, "expiry", "contract", CODE, ERASE_DELETE_ROW },
	{ "verification_codes", "used_at", PI_NONE, NULL, "single use", "contract", CODE, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset account_sets[] = {
	{ "users", "id", CONTROLLER_PLATFORM, 1, "账号资料", "account profile",
	  "注册和登录您的账号：手机号（加密保存）、姓名、性别、邮箱", "register and sign in your account: mobile number (stored encrypted), name, gender, e-mail",
	  "账号存续期间；注销后删除", "while the account exists; erased when it is cancelled" },
	{ "sessions", "user_id", CONTROLLER_PLATFORM, 1, "登录会话与设备", "sessions and devices",
	  "保障账号安全、发现异常登录：设备型号、系统、应用版本、登录 IP", "keep the account secure and spot unusual sign-ins: device model, OS, app version, sign-in IP",
	  "会话结束或闲置超期即删除", "deleted when the session ends or sits idle too long" },
	{ "known_devices", "user_id", CONTROLLER_PLATFORM, 1, "已知设备", "known devices",
	  "在新设备登录时通知您", "tell you when a new device signs in",
	  "账号存续期间", "while the account exists" },
	{ "verification_codes", NULL, CONTROLLER_PLATFORM, 1, "验证码", "verification codes",
	  "验证手机号或邮箱；只保存验证码和号码的加密散列", "verify a number or address; only keyed hashes of the code and the number are kept",
	  "使用或过期后，最多一天", "at most a day after use or expiry" },
	{ 0 }
};
