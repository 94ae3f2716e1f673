/* Data map entries of platform operators (table platform_operators). */
#include "privacy/datamap.h"

#define WHY "let the accounts the operator names use the admin API for rights requests (PP-39 … PP-42)"
/* The role is part of the work the operator's staff do under their terms with the operator. */
#define BASIS "contract"
#define KEEP "while the account holds the role; removed when it is withdrawn or the account erased"

const struct pi_column operators_pi[] = {
	{ "platform_operators", "user_id", PI_IDENTITY, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "platform_operators", "granted_at", PI_LOG, "user_id", "when the role was granted", BASIS, KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset operators_sets[] = {
	{ "platform_operators", "user_id", CONTROLLER_PLATFORM, 1, "平台管理员", "platform operators",
	  "允许平台运营方指定的账号通过管理接口登记和答复个人信息权利请求",
	  "let the accounts the platform's operator names record and answer personal-data rights requests through the admin API",
	  "担任该角色期间；撤销角色或注销账号时删除", "while the account holds the role; deleted when it is withdrawn or the account erased" },
	{ 0 }
};
