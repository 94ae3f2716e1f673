/* Data map entries of rights requests that come another way (table rights_requests, PP-39). */
#include "privacy/datamap.h"

#define WHY "record and answer a rights request made by e-mail, phone, post or in person (PP-39 … PP-42)"
#define LEGAL "legal obligation: proof of answering rights requests (PIPL art. 50)"
/* Long enough to answer a complaint or a regulator's question about how a request was handled;
 * the retention sweep deletes the row then (src/privacy/retention.c). */
#define KEEP "3 years after the request is closed (answered or refused), then deleted"
#define KEEP_ERASED KEEP "; when the linked account is erased it is replaced by 'erased' at once"
#define KEEP_CLEARED KEEP "; cleared at once when the linked account is erased"

const struct pi_column requests_pi[] = {
	{ "rights_requests", "id", PI_NONE, "user_id", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "type", PI_LOG, "user_id", "what was asked: access, correction, deletion, cancellation", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "channel", PI_LOG, "user_id", "how the request came in", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "requester", PI_CONTACT, "user_id", "who asked and how to answer them, as they gave it", LEGAL, KEEP_ERASED, ERASE_PSEUDONYMISE },
	{ "rights_requests", "user_id", PI_IDENTITY, "user_id", "the account the request is about, once known", LEGAL, KEEP_CLEARED, ERASE_CLEAR_FIELD },
	{ "rights_requests", "identity_state", PI_LOG, "user_id", "identity is verified before a request is acted on (PP-39)", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "received_at", PI_LOG, "user_id", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "verified_at", PI_LOG, "user_id", "starts the 15-day clock (PP-40)", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "due_at", PI_LOG, "user_id", "when the answer is due (PP-40)", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "status", PI_LOG, "user_id", WHY, LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "answer", PI_CONTENT, "user_id", "what was answered", LEGAL, KEEP_CLEARED, ERASE_CLEAR_FIELD },
	{ "rights_requests", "ground", PI_LOG, "user_id", "the named ground of a refusal (PP-41, PP-42)", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "answered_at", PI_LOG, "user_id", "proof of answering in time (PP-40)", LEGAL, KEEP, ERASE_KEEP },
	{ "rights_requests", "repeat_of", PI_NONE, "user_id", "an earlier request of the same kind by the same requester (PP-41)", LEGAL, KEEP, ERASE_KEEP },
	{ 0 }
};

const struct pi_dataset requests_sets[] = {
	{ "rights_requests", "user_id", CONTROLLER_PLATFORM, 1, "权利请求记录", "rights requests",
	  "记录并答复您通过邮件、电话、信件或当面提出的查阅、更正、删除、注销等请求：请求人及联系方式、身份核验、答复期限和答复内容",
	  "record and answer the access, correction, deletion and cancellation requests you make by e-mail, phone, post or in person: who asked and how to reach them, identity verification, the due date and the answer",
	  "结案（答复或拒绝）后保存三年，用于证明已依法答复，然后删除；账号删除时，请求人信息改为“erased”，答复内容清除",
	  "3 years after the request is closed (answered or refused), as proof that it was answered, then deleted; when the account is erased, the requester is replaced by 'erased' and the answer cleared" },
	{ 0 }
};
