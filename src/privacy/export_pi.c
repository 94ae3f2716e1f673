/* Data map entries of data exports (table exports). */
#include "privacy/datamap.h"

#define WHY "give the user a copy of their data on request (PP-36)"
#define BASIS "legal obligation: the right to consult and copy one's data (PIPL art. 45)"
#define KEEP "the record while the account exists; the file 7 days after it is ready"

const struct pi_column export_pi[] = {
	{ "exports", "id", PI_NONE, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "user_id", PI_IDENTITY, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "status", PI_LOG, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "progress", PI_NONE, "user_id", "show how far the export has come", BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "created_at", PI_LOG, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "ready_at", PI_LOG, "user_id", WHY, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "expires_at", PI_LOG, "user_id", "delete the file when its download period ends", BASIS, KEEP, ERASE_DELETE_ROW },
	{ "exports", "size", PI_NONE, "user_id", "tell the user how large the download is", BASIS, KEEP, ERASE_DELETE_ROW },
	/* The file holds the whole copy; erasing the row leaves the file to the job runner's sweep,
	 * which deletes every file no ready export names. */
	{ "exports", "file", PI_NONE, "user_id", "find the export's file", BASIS, KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ 0 }
};

const struct pi_dataset export_sets[] = {
	{ "exports", "user_id", CONTROLLER_PLATFORM, 1, "数据导出", "data exports",
	  "按您的要求生成个人信息副本（ZIP 文件），供您下载", "make the copy of your data you asked for (a ZIP file) for you to download",
	  "导出文件在生成 7 天后删除；导出记录在账号存续期间保留", "the file is deleted 7 days after it is ready; the record is kept while the account exists" },
	{ 0 }
};
