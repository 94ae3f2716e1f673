/* Data map entries of cancellation and erasure. */
#include "privacy/datamap.h"

#define WHY "carry out the user's cancellation after its cooling-off period (PP-38)"
#define UNTIL "until the account is erased or the request withdrawn"
#define RECEIPT "prove what erasure did; names no one"

const struct pi_column erasure_pi[] = {
	{ "cancellations", "user_id", PI_IDENTITY, "user_id", WHY, "contract", UNTIL, ERASE_DELETE_ROW },
	{ "cancellations", "requested_at", PI_LOG, "user_id", WHY, "contract", UNTIL, ERASE_DELETE_ROW },
	{ "cancellations", "due_at", PI_LOG, "user_id", WHY, "contract", UNTIL, ERASE_DELETE_ROW },
	{ "cancellations", "receipt_hash", PI_NONE, "user_id", "find the receipt by the token the user holds", "contract", UNTIL, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "deletion_receipts", "id", PI_NONE, NULL, RECEIPT, "legal obligation: proof of erasure (PIPL art. 47)", "3 years", ERASE_KEEP },
	{ "deletion_receipts", "token_hash", PI_NONE, NULL, RECEIPT, "legal obligation: proof of erasure (PIPL art. 47)", "3 years", ERASE_KEEP, EXPORT_OMIT },
	{ "deletion_receipts", "erased_at", PI_NONE, NULL, RECEIPT, "legal obligation: proof of erasure (PIPL art. 47)", "3 years", ERASE_KEEP },
	{ "deletion_receipts", "receipt", PI_NONE, NULL, RECEIPT, "legal obligation: proof of erasure (PIPL art. 47)", "3 years", ERASE_KEEP },
	{ "deletion_receipts", "signature", PI_NONE, NULL, RECEIPT, "legal obligation: proof of erasure (PIPL art. 47)", "3 years", ERASE_KEEP },
	{ 0 }
};

const struct pi_dataset erasure_sets[] = {
	{ "cancellations", "user_id", CONTROLLER_PLATFORM, 1, "注销申请", "cancellation requests",
	  "在冷静期结束后注销您的账号并删除数据", "cancel your account and erase its data when the cooling-off period ends",
	  "至注销完成或撤回", "until the account is erased or the request withdrawn" },
	{ "deletion_receipts", NULL, CONTROLLER_PLATFORM, 1, "删除回执", "deletion receipts",
	  "证明删除做了什么；不含任何可识别个人的信息", "prove what erasure did; it names no one",
	  "三年", "three years" },
	{ 0 }
};
