/*
 * Data map entries of the files of messages.  A file is content of the enterprise's messages
 * (PP-09): nobody's alone, so no subject column — a member's own export does not carry the
 * enterprise's files, as it does not carry its messages.  The bytes are in the blob store,
 * encrypted with the enterprise's key (blob/blob.h); images are kept only as re-encoded without
 * their metadata.  A file goes with the last message that shows it, and one never sent a day
 * after its upload.
 */
#include "privacy/datamap.h"

#define SEND "let members send images, voice messages and files in conversations (PP-09)"
#define FILE_KEEP "while a message shows it; deleted, blobs included, when the last one is recalled or deleted, a day after upload when never sent, or with the enterprise"
#define SET "the enterprise's choices for the files its members send"
#define SET_KEEP "while the enterprise exists"

const struct pi_column file_pi[] = {
	{ "files", "id", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "enterprise_id", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	/* A bare user id, only so the uploader may fetch the file before sending it; cleared (0)
	 * when they leave the enterprise, their unsent uploads deleted (file_init). */
	{ "files", "uploader_id", PI_IDENTITY, NULL, SEND, "contract", FILE_KEEP, ERASE_CLEAR_FIELD },
	{ "files", "kind", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "name", PI_CONTENT, NULL, SEND, "contract", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "type", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "mime", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "size", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "width", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "height", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "duration_ms", PI_CONTENT, NULL, SEND, "contract", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "status", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	/* The content itself: sealed in the blob store under this id, removed with the row. */
	{ "files", "blob_id", PI_CONTENT, NULL, SEND, "contract", FILE_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "files", "thumb_blob_id", PI_CONTENT, NULL, SEND, "contract", FILE_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "files", "thumb_size", PI_NONE, NULL, SEND, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "files", "created_at", PI_LOG, NULL, SEND, "contract", FILE_KEEP, ERASE_DELETE_ROW },
	{ "file_settings", "enterprise_id", PI_NONE, NULL, SET, "none", SET_KEEP, ERASE_DELETE_ROW },
	{ "file_settings", "kind", PI_NONE, NULL, SET, "none", SET_KEEP, ERASE_DELETE_ROW },
	{ "file_settings", "max_bytes", PI_NONE, NULL, SET, "none", SET_KEEP, ERASE_DELETE_ROW },
	{ "file_settings", "types", PI_NONE, NULL, SET, "none", SET_KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset file_sets[] = {
	{ "files", NULL, CONTROLLER_ENTERPRISE, 1, "消息中的图片、语音和文件", "images, voice messages and files in messages",
	  "成员在会话中发送的图片（去除 EXIF、GPS 等元数据后保存）、语音和文件；以企业密钥加密保存", "images (kept only re-encoded without EXIF, GPS or any metadata), voice messages and files members send in conversations; stored encrypted with the enterprise's key",
	  "与显示它的消息相同：最后一条消息撤回或删除时即删除；上传后一天内未发送即删除", "as long as a message shows it: deleted when the last one is recalled or deleted; deleted a day after upload if never sent" },
	{ "file_settings", NULL, CONTROLLER_ENTERPRISE, 0, "文件设置", "file settings",
	  "企业允许发送的文件类型和大小", "the types and sizes of file the enterprise accepts",
	  "企业存续期间", "while the enterprise exists" },
	{ 0 }
};
