/*
 * Data map entries of instant messaging.  Message content and its metadata are the enterprise's
 * (PP-09): it sets how long they are kept (im_settings.retention_days, applied by the retention
 * job) and whether a leaver's messages stay under a pseudonym or go (im_settings.on_leave).
 * Rows are nobody's alone, so no subject column: a member's own export does not carry the
 * enterprise's conversations, and erasing an account applies the enterprise's leave choice.
 */
#include "privacy/datamap.h"

#define CHAT "let members of an enterprise talk in conversations (PP-09)"
#define CONV_KEEP "while the conversation exists; deleted with it when dissolved and its messages are gone, or with the enterprise"
#define MSG_KEEP "as the enterprise's retention setting says (default: kept); recalled content is deleted at once"
#define MEMBER_KEEP "while the person is in the conversation; deleted when they leave it or the enterprise"
#define SET "the enterprise's choices for its messages (PP-29, PP-33, PP-37)"

const struct pi_column im_pi[] = {
	{ "conversations", "id", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "enterprise_id", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "kind", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "name", PI_CONTENT, NULL, CHAT, "contract", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "notice", PI_CONTENT, NULL, CHAT, "contract", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "avatar_file_id", PI_CONTENT, NULL, CHAT, "contract", CONV_KEEP, ERASE_DELETE_ROW },
	/* A bare user id; ownership passes on when its owner leaves the conversation or enterprise. */
	{ "conversations", "owner_id", PI_IDENTITY, NULL, CHAT, "contract", CONV_KEEP, ERASE_KEEP },
	{ "conversations", "department_id", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	/* Two user ids: a one-to-one conversation, found again by its pair. */
	{ "conversations", "direct_key", PI_IDENTITY, NULL, CHAT, "contract", CONV_KEEP, ERASE_KEEP },
	{ "conversations", "who_adds", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "mute_all", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "max_members", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "last_seq", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "last_at", PI_LOG, NULL, CHAT, "contract", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "created_at", PI_LOG, NULL, CHAT, "contract", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversations", "dissolved_at", PI_NONE, NULL, CHAT, "none", CONV_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "conversation_id", PI_NONE, "user_id", CHAT, "none", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "enterprise_id", PI_NONE, "user_id", CHAT, "none", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "user_id", PI_IDENTITY, "user_id", CHAT, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "role", PI_ENTERPRISE, "user_id", CHAT, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "joined_seq", PI_NONE, "user_id", CHAT, "none", MEMBER_KEEP, ERASE_DELETE_ROW },
	/* How far a member has read: what read receipts show the senders. */
	{ "conversation_members", "read_seq", PI_LOG, "user_id", CHAT, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "pinned", PI_NONE, "user_id", CHAT, "none", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "conversation_members", "muted", PI_NONE, "user_id", CHAT, "none", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "messages", "conversation_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "seq", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "enterprise_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	/* Shown as a pseudonym once the sender has left (org_write_person), or the row is deleted
	 * when the enterprise chose so (im_settings.on_leave). */
	{ "messages", "sender_id", PI_IDENTITY, NULL, CHAT, "contract", MSG_KEEP, ERASE_PSEUDONYMISE },
	{ "messages", "client_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "messages", "kind", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "body", PI_CONTENT, NULL, CHAT, "contract", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "reply_to", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "created_at", PI_LOG, NULL, CHAT, "contract", MSG_KEEP, ERASE_DELETE_ROW },
	{ "messages", "recalled_at", PI_LOG, NULL, CHAT, "contract", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_mentions", "conversation_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_mentions", "seq", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_mentions", "user_id", PI_IDENTITY, NULL, CHAT, "contract", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_files", "conversation_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_files", "seq", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_files", "enterprise_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "message_files", "file_id", PI_NONE, NULL, CHAT, "none", MSG_KEEP, ERASE_DELETE_ROW },
	{ "im_settings", "enterprise_id", PI_NONE, NULL, SET, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ "im_settings", "retention_days", PI_NONE, NULL, SET, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ "im_settings", "on_leave", PI_NONE, NULL, SET, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset im_sets[] = {
	{ "conversations", NULL, CONTROLLER_ENTERPRISE, 1, "会话", "conversations",
	  "企业内的单聊、群聊、部门群和全员群：名称、公告、群主和设置", "one-to-one, group, department and all-staff conversations of an enterprise: name, notice, owner, settings",
	  "会话存续期间", "while the conversation exists" },
	{ "conversation_members", "user_id", CONTROLLER_ENTERPRISE, 1, "会话成员", "conversation members",
	  "您在哪些会话中、读到哪里（已读回执）、置顶和免打扰", "which conversations you are in, how far you have read (read receipts), pinned and muted",
	  "在会话中期间", "while you are in the conversation" },
	{ "messages", NULL, CONTROLLER_ENTERPRISE, 1, "消息", "messages",
	  "会话中的消息内容、发送者和时间（由企业控制）；撤回的内容立即删除", "the content, sender and time of messages in conversations (the enterprise controls them); recalled content is deleted at once",
	  "按企业设置的保留期限（默认一直保留）；您离开企业后按企业的选择以化名保留或删除", "as long as the enterprise's retention setting says (default: kept); when you leave, kept under a pseudonym or deleted as the enterprise chose" },
	{ "message_mentions", NULL, CONTROLLER_ENTERPRISE, 0, "消息中的提及", "mentions in messages",
	  "消息中 @ 了谁，用于提醒", "whom a message mentions, to tell them",
	  "与消息相同", "as long as the message" },
	{ "message_files", NULL, CONTROLLER_ENTERPRISE, 0, "消息中的文件", "files in messages",
	  "消息携带的图片、文件和语音", "the images, files and voice messages a message carries",
	  "与消息相同", "as long as the message" },
	{ "im_settings", NULL, CONTROLLER_ENTERPRISE, 0, "消息设置", "message settings",
	  "企业对消息保留期限和离职成员消息的选择", "the enterprise's choices for keeping messages and a leaver's messages",
	  "企业存续期间", "while the enterprise exists" },
	{ 0 }
};
