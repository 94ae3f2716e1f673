/*
 * Data map entries of joining (PP-04, PP-11): invitation links, what an enterprise holds about
 * people who have not yet joined, and the files it imports them from.  Pending data is the
 * enterprise's (PP-09), seen by its administrators and by the person, and kept only until the
 * person answers or pending-days pass.
 */
#include "privacy/datamap.h"

#define HR "contract: human resources management under the enterprise's labour contracts (PIPL art. 13)"
#define ASK "ask the person whether to join, showing what the enterprise entered about them (PP-04, PP-11)"
#define PENDING_KEEP "until the person accepts (it becomes their membership) or declines, an administrator withdraws it, or pending-days (30 by default) pass"
#define LINK "let people ask to join through a link or QR code the enterprise hands out"
#define LINK_KEEP "while the enterprise exists"
#define IMPORT "import people the enterprise lists in a file as pending members"
#define FILE_KEEP "the file until the import job has read it; the record while the enterprise exists"

const struct pi_column join_pi[] = {
	{ "invitations", "id", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "enterprise_id", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "token_hash", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	/* Which administrator made a link: a bare user id, the enterprise's record of its own acts. */
	{ "invitations", "created_by", PI_IDENTITY, NULL, LINK, "contract", LINK_KEEP, ERASE_KEEP },
	{ "invitations", "department_id", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "needs_approval", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "max_uses", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "uses", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "expires_at", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "revoked_at", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "invitations", "created_at", PI_NONE, NULL, LINK, "none", LINK_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "id", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "enterprise_id", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "source", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "status", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "invitation_id", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "import_id", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "user_id", PI_IDENTITY, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "phone_index", PI_CONTACT, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	/* Sealed with a key of the row's own, destroyed with the row by a trigger. */
	{ "pending_members", "phone_sealed", PI_CONTACT, "user_id", ASK, HR, PENDING_KEEP, ERASE_DESTROY_KEY, EXPORT_OMIT },
	{ "pending_members", "name", PI_IDENTITY, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "department_id", PI_ENTERPRISE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "title", PI_ENTERPRISE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "job_number", PI_ENTERPRISE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "email", PI_CONTACT, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "created_by", PI_IDENTITY, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "created_at", PI_LOG, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "pending_members", "expires_at", PI_NONE, "user_id", ASK, HR, PENDING_KEEP, ERASE_DELETE_ROW },
	{ "imports", "id", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "enterprise_id", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "created_by", PI_IDENTITY, NULL, IMPORT, "contract", FILE_KEEP, ERASE_KEEP },
	{ "imports", "status", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	/* Names and numbers of people not yet asked: held only until the job has read them. */
	{ "imports", "file", PI_CONTACT, NULL, IMPORT, HR, FILE_KEEP, ERASE_CLEAR_FIELD, EXPORT_OMIT },
	{ "imports", "rows_total", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "rows_done", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "imported", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	/* Row numbers, column names and codes only: never a cell's value. */
	{ "imports", "errors", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "notify", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "created_at", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ "imports", "finished_at", PI_NONE, NULL, IMPORT, "none", FILE_KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset join_sets[] = {
	{ "invitations", NULL, CONTROLLER_ENTERPRISE, 0, "邀请链接", "invitation links",
	  "企业发出的加入链接和二维码：有效期、使用次数、是否需要审批", "links and QR codes an enterprise hands out: expiry, uses, whether joining needs approval",
	  "企业存续期间", "while the enterprise exists" },
	{ "pending_members", "user_id", CONTROLLER_ENTERPRISE, 1, "待确认的企业成员资料", "pending enterprise data",
	  "企业在您加入前录入或导入的关于您的资料（姓名、手机号、部门、职务、工号、邮箱），仅企业管理员和您本人可见，由您决定接受或拒绝",
	  "what an enterprise entered or imported about you before you joined (name, mobile, department, title, job number, e-mail): seen only by its administrators and you, who accept or decline it",
	  "直到您接受或拒绝；30 天内未答复则删除", "until you accept or decline; deleted when unanswered for 30 days" },
	{ "imports", NULL, CONTROLLER_ENTERPRISE, 0, "成员导入", "member imports",
	  "管理员上传的成员表格及其逐行校验结果", "files of people administrators upload, and their row-by-row checks",
	  "文件读取后即删除；导入记录在企业存续期间保留", "the file is deleted once read; the record is kept while the enterprise exists" },
	{ 0 }
};
