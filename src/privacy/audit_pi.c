/* Data map entries of the audit chain (table audit_log). */
#include "privacy/datamap.h"

#define WHY "prove who did what to whose data (PP-33: audit duty)"
#define LEGAL "legal obligation: accountability of processing (PIPL art. 54-55)"
/* Erasure cannot rewrite an entry without breaking every hash after it; the chain is built so
 * that nothing in it needs rewriting: ids only, never personal data (src/privacy/audit.h). */
#define LEGAL_ID LEGAL "; kept as a bare user id, which names no one once the account is erased"
#define LEGAL_DETAIL LEGAL "; holds no personal data by rule, so nothing in it needs erasing"
#define KEEP "for the legal record; entries are never changed or removed"

const struct pi_column audit_pi[] = {
	{ "audit_log", "id", PI_NONE, "subject", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "audit_log", "at", PI_LOG, "subject", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "audit_log", "actor", PI_IDENTITY, "subject", "who acted: a user id, or 0 for the system", LEGAL_ID, KEEP, ERASE_KEEP },
	{ "audit_log", "action", PI_LOG, "subject", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "audit_log", "subject", PI_IDENTITY, "subject", "whose data was touched: a user id", LEGAL_ID, KEEP, ERASE_KEEP },
	{ "audit_log", "object", PI_LOG, "subject", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "audit_log", "detail", PI_LOG, "subject", WHY, LEGAL_DETAIL, KEEP, ERASE_KEEP },
	{ "audit_log", "prev_hash", PI_NONE, "subject", "chain each entry to the one before", LEGAL, KEEP, ERASE_KEEP, EXPORT_OMIT },
	{ "audit_log", "hash", PI_NONE, "subject", "detect a changed, removed or reordered entry", LEGAL, KEEP, ERASE_KEEP, EXPORT_OMIT },
	{ "audit_head", "id", PI_NONE, NULL, "the one head record", "none", KEEP, ERASE_KEEP },
	{ "audit_head", "last_id", PI_NONE, NULL, "seal the chain's newest entry", LEGAL, KEEP, ERASE_KEEP },
	{ "audit_head", "entries", PI_NONE, NULL, "seal the chain's length", LEGAL, KEEP, ERASE_KEEP },
	{ "audit_head", "hash", PI_NONE, NULL, "seal the chain's newest hash", LEGAL, KEEP, ERASE_KEEP },
	{ "audit_head", "seal", PI_NONE, NULL, "a MAC under the master key over the three", LEGAL, KEEP, ERASE_KEEP },
	{ 0 }
};

const struct pi_dataset audit_sets[] = {
	{ "audit_log", "subject", CONTROLLER_PLATFORM, 1, "审计记录", "audit record",
	  "证明谁在何时对谁的数据做了什么（注册、同意、会话、导出、删除等），记录前后相扣、无法悄悄篡改；只记用户 ID，不记个人信息",
	  "prove who did what to whose data and when (sign-up, consents, sessions, exports, erasure); entries are chained so none can be changed unnoticed, and hold user ids, never personal data",
	  "作为法定记录保存，不修改、不删除", "kept for the legal record; never changed or removed" },
	{ "audit_head", NULL, CONTROLLER_PLATFORM, 0, "审计链头", "audit chain head",
	  "封存审计链的最新条目和条目数，发现末尾被删除或整链被改写", "seal the chain's newest entry and length, so a dropped tail or a rewritten chain is caught",
	  "永久", "forever" },
	{ 0 }
};
