/*
 * Data map entries of the enterprise module's tables.  Every table here is the enterprise's
 * (PP-09): it decides its profile, who belongs and what the enterprise calls them; Atrium keeps
 * the records for it under the contract with the person who created or joined it.
 */
#include "privacy/datamap.h"

#define RUN "run the enterprise its creator set up (PP-03)"
#define ROLES "decide who may do what in the enterprise (PP-04)"
#define MEMBER "know who belongs to the enterprise and what it calls them (PP-09)"
#define ENT_KEEP "while the enterprise exists"
#define MEMBER_KEEP "while the person is a member; deleted when they leave or their account is erased"
#define PLACE "know where in the enterprise's structure each member works, and who heads each department (PP-09)"
#define DEPT_MEMBER_KEEP "while the person sits in the department; deleted when they leave it, leave the enterprise or their account is erased"
#define PROFILE "hold the member's profile the enterprise keeps for its address book and work (PP-09)"
#define SEARCH "find colleagues in the enterprise's address book by the pinyin of their names (PP-09)"
#define SHOW "decide who in the enterprise sees which profile field (PP-20, PP-26)"
#define CUSTOM "let the enterprise define profile fields of its own (PP-09)"
#define PHOTO "show colleagues the member's photo in the enterprise (PP-09)"
#define VALUE_KEEP "while the person is a member and the field exists; deleted with the field, when they leave or when their account is erased"
#define ADMIN_KEEP "while the person is an administrator; deleted on demotion, leaving or erasure"

const struct pi_column org_pi[] = {
	{ "enterprises", "id", PI_NONE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "name", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "industry", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "size", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "region", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "logo_url", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "invoice_header", PI_ENTERPRISE, NULL, "invoices the enterprise asks for", "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "address", PI_ENTERPRISE, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	/* The contact may name a person and a number: treated as contact data. */
	{ "enterprises", "contact", PI_CONTACT, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	/* A bare user id that outlives nobody: ownership passes on before an owner can leave. */
	{ "enterprises", "owner_id", PI_IDENTITY, NULL, ROLES, "contract", ENT_KEEP, ERASE_KEEP },
	{ "enterprises", "created_at", PI_LOG, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "updated_at", PI_LOG, NULL, RUN, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "members", "enterprise_id", PI_NONE, "user_id", MEMBER, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "members", "user_id", PI_IDENTITY, "user_id", MEMBER, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "members", "name_in_enterprise", PI_IDENTITY, "user_id", MEMBER, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "members", "role", PI_ENTERPRISE, "user_id", ROLES, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "members", "status", PI_ENTERPRISE, "user_id", MEMBER, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "members", "joined_at", PI_LOG, "user_id", MEMBER, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	/* The name's pinyin, for the address book's search: derived from name_in_enterprise and
	 * remade at every write of it, so an export shows the name itself, not these keys. */
	{ "members", "name_pinyin", PI_IDENTITY, "user_id", SEARCH, "contract", MEMBER_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "members", "name_initials", PI_IDENTITY, "user_id", SEARCH, "contract", MEMBER_KEEP, ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "departments", "id", PI_NONE, NULL, "the enterprise's structure", "contract", "while the department exists", ERASE_DELETE_ROW },
	{ "departments", "enterprise_id", PI_NONE, NULL, "the enterprise's structure", "contract", "while the department exists", ERASE_DELETE_ROW },
	{ "departments", "name", PI_ENTERPRISE, NULL, "the enterprise's structure", "contract", "while the department exists", ERASE_DELETE_ROW },
	{ "departments", "parent_id", PI_NONE, NULL, "the enterprise's structure", "contract", "while the department exists", ERASE_DELETE_ROW },
	{ "departments", "sort", PI_NONE, NULL, "the enterprise's structure", "contract", "while the department exists", ERASE_DELETE_ROW },
	{ "department_heads", "enterprise_id", PI_NONE, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "department_heads", "department_id", PI_ENTERPRISE, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "department_heads", "user_id", PI_IDENTITY, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_departments", "enterprise_id", PI_NONE, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_departments", "user_id", PI_IDENTITY, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_departments", "department_id", PI_ENTERPRISE, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_departments", "is_primary", PI_ENTERPRISE, "user_id", PLACE, "contract", DEPT_MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "admin_rights", "enterprise_id", PI_NONE, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_rights", "user_id", PI_IDENTITY, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_rights", "rights", PI_ENTERPRISE, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_rights", "scope", PI_ENTERPRISE, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_scope_departments", "enterprise_id", PI_NONE, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_scope_departments", "user_id", PI_IDENTITY, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "admin_scope_departments", "department_id", PI_ENTERPRISE, "user_id", ROLES, "contract", ADMIN_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "enterprise_id", PI_NONE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "user_id", PI_IDENTITY, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "gender", PI_IDENTITY, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "work_phone", PI_CONTACT, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "landline", PI_CONTACT, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "email", PI_CONTACT, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "position", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "rank", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "title", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "job_number", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "office_seat", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "fax", PI_CONTACT, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "work_signature", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_profiles", "hire_date", PI_ENTERPRISE, "user_id", PROFILE, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "field_visibility", "enterprise_id", PI_NONE, NULL, SHOW, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "field_visibility", "field", PI_NONE, NULL, SHOW, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "field_visibility", "level", PI_NONE, NULL, SHOW, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "enterprises", "show_mobile", PI_NONE, NULL, SHOW, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	/* The enterprise's own profile fields: its definitions, nobody's data. */
	{ "custom_fields", "id", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "enterprise_id", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "name_zh", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "name_en", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "kind", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "options", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "level", PI_NONE, NULL, SHOW, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "sort", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "created_at", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "custom_fields", "updated_at", PI_NONE, NULL, CUSTOM, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	/* A member's values of them: whatever the enterprise chose to ask, so enterprise-controlled. */
	{ "member_custom_values", "enterprise_id", PI_NONE, "user_id", PROFILE, "contract", VALUE_KEEP, ERASE_DELETE_ROW },
	{ "member_custom_values", "user_id", PI_IDENTITY, "user_id", PROFILE, "contract", VALUE_KEEP, ERASE_DELETE_ROW },
	{ "member_custom_values", "field_id", PI_NONE, "user_id", PROFILE, "contract", VALUE_KEEP, ERASE_DELETE_ROW },
	{ "member_custom_values", "value", PI_ENTERPRISE, "user_id", PROFILE, "contract", VALUE_KEEP, ERASE_DELETE_ROW },
	/* The photo (PP-09): a re-encoded thumbnail, exported as it is stored (base64 in data.json). */
	{ "member_photos", "enterprise_id", PI_NONE, "user_id", PHOTO, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_photos", "user_id", PI_IDENTITY, "user_id", PHOTO, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_photos", "mime", PI_NONE, "user_id", PHOTO, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_photos", "bytes", PI_IDENTITY, "user_id", PHOTO, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ "member_photos", "updated_at", PI_LOG, "user_id", PHOTO, "contract", MEMBER_KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset org_sets[] = {
	{ "enterprises", NULL, CONTROLLER_ENTERPRISE, 1, "企业资料", "enterprise profile",
	  "创建和运行企业：名称、行业、规模、地区、标志、发票抬头、地址、联系方式、所有者",
	  "create and run the enterprise: name, industry, size, region, logo, invoice header, address, contact, owner",
	  "企业存续期间", "while the enterprise exists" },
	{ "members", "user_id", CONTROLLER_ENTERPRISE, 1, "企业成员身份", "enterprise memberships",
	  "您属于哪些企业、在企业中的姓名、角色和状态（由企业决定）",
	  "which enterprises you belong to, the name each uses for you, your role and status (the enterprise decides)",
	  "成员身份存续期间；离开企业或注销账号时删除", "while you are a member; deleted when you leave or your account is erased" },
	{ "departments", NULL, CONTROLLER_ENTERPRISE, 1, "企业部门", "enterprise departments",
	  "企业的组织结构", "the enterprise's structure",
	  "部门存续期间", "while the department exists" },
	{ "department_heads", "user_id", CONTROLLER_ENTERPRISE, 1, "部门负责人", "department heads",
	  "您负责企业的哪些部门", "which departments of an enterprise you head",
	  "担任部门负责人期间；离开企业或注销账号时删除", "while you head the department; deleted when you leave the enterprise or your account is erased" },
	{ "member_departments", "user_id", CONTROLLER_ENTERPRISE, 1, "所在部门", "your departments",
	  "您在企业中所属的部门及主部门（由企业决定）", "the departments you sit in within an enterprise and your primary one (the enterprise decides)",
	  "属于该部门期间；离开企业或注销账号时删除", "while you sit in the department; deleted when you leave the enterprise or your account is erased" },
	{ "admin_rights", "user_id", CONTROLLER_ENTERPRISE, 1, "管理员权限", "administrator rights",
	  "您作为企业管理员的权限和管理范围", "your rights and scope as an administrator of an enterprise",
	  "担任管理员期间", "while you are an administrator" },
	{ "admin_scope_departments", "user_id", CONTROLLER_ENTERPRISE, 1, "管理员管理的部门", "departments an administrator manages",
	  "管理范围限于部分部门时，列出这些部门", "the departments an administrator's scope is limited to",
	  "担任管理员期间", "while you are an administrator" },
	{ "member_profiles", "user_id", CONTROLLER_ENTERPRISE, 1, "企业成员资料", "member profiles",
	  "企业为通讯录和工作保存的您的资料：性别、工作电话、座机、邮箱、职位、职级、职称、工号、工位、传真、工作签名、入职日期（由企业决定，谁能看到哪一项也由企业设置）",
	  "the profile an enterprise keeps about you for its address book and work: gender, work phone, landline, e-mail, position, rank, title, job number, office seat, fax, work signature, hire date (the enterprise decides, and sets who sees each field)",
	  "成员身份存续期间；离开企业或注销账号时删除", "while you are a member; deleted when you leave or your account is erased" },
	{ "custom_fields", NULL, CONTROLLER_ENTERPRISE, 0, "企业自定义资料字段", "custom profile fields",
	  "企业为成员资料自行增加的字段：名称、类型、选项、可见范围和顺序", "the profile fields an enterprise adds of its own: name, kind, choices, who sees them and their order",
	  "企业存续期间，或企业删除该字段为止", "while the enterprise exists, or until it deletes the field" },
	{ "member_custom_values", "user_id", CONTROLLER_ENTERPRISE, 1, "企业自定义资料", "custom profile values",
	  "企业在自定义字段中保存的您的资料（由企业决定，谁能看到也由企业按字段设置）",
	  "what an enterprise keeps about you in the profile fields it defined (the enterprise decides, and sets who sees each field)",
	  "成员身份存续期间；企业删除字段、您离开企业或注销账号时删除", "while you are a member; deleted when the enterprise deletes the field, when you leave or your account is erased" },
	{ "member_photos", "user_id", CONTROLLER_ENTERPRISE, 1, "成员照片", "member photo",
	  "企业通讯录中显示的您的照片：上传后只保存重新编码的方形缩略图，不保留任何 EXIF、位置等元数据",
	  "your photo in the enterprise's address book: only a re-encoded square thumbnail is kept, without any EXIF, location or other metadata of the upload",
	  "成员身份存续期间；删除照片、离开企业或注销账号时删除", "while you are a member; deleted when the photo is removed, when you leave or your account is erased" },
	{ "field_visibility", NULL, CONTROLLER_ENTERPRISE, 0, "资料字段可见范围", "profile field visibility",
	  "企业设置的每个资料字段对谁可见", "who in the enterprise sees each profile field, as the enterprise sets it",
	  "企业存续期间", "while the enterprise exists" },
	{ 0 }
};
