/*
 * Data map entries of the message search index (migrations/0021_im_search.sql).  Its rows are a
 * copy of message content in pieces (each character of a text with the next), the enterprise's
 * as the messages are (PP-09): nobody's alone, so no subject column and nothing in a member's
 * export (the messages are the content; the index only finds them).  They go with the message:
 * at once when it is recalled, and with its row however that is deleted (retention, a leaver's
 * messages, the conversation or the enterprise), by triggers.
 */
#include "privacy/datamap.h"

#define FIND "let members find the messages they may read by words in them (issue 5)"
#define KEEP "as long as the message's text: deleted at once when it is recalled, and with the message"

const struct pi_column im_search_pi[] = {
	{ "im_search_grams", "conversation_id", PI_NONE, NULL, FIND, "none", KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "im_search_grams", "gram", PI_CONTENT, NULL, FIND, "contract", KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "im_search_grams", "seq", PI_NONE, NULL, FIND, "none", KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	/* The numbers 1 to 5000: nobody's data. */
	{ "im_search_positions", "i", PI_NONE, NULL, FIND, "none", "fixed, part of the schema", ERASE_KEEP, EXPORT_OMIT },
	{ 0 }
};

const struct pi_dataset im_search_sets[] = {
	{ "im_search_grams", NULL, CONTROLLER_ENTERPRISE, 1, "消息搜索索引", "message search index",
	  "消息文字的索引（每个字与其后一个字），用于在您可以查看的消息中搜索；由企业控制", "an index of the text of messages (each character with the next), to search the messages you may read; the enterprise controls it",
	  "与消息文字相同：消息撤回时立即删除，消息删除时一并删除", "as long as the message's text: deleted at once when the message is recalled, and with the message" },
	{ "im_search_positions", NULL, CONTROLLER_PLATFORM, 0, "搜索索引的位置表", "positions of the search index",
	  "数字 1 至 5000，用于拆分文字；不含任何人的数据", "the numbers 1 to 5000, to take texts apart; nobody's data",
	  "固定不变", "fixed" },
	{ 0 }
};
