/*
 * Data map entries of the external contacts.  The people on the cards are customers and partners
 * of the enterprise, not users of Atrium: the enterprise controls their data (PP-09) and Atrium
 * keeps it on its instructions.  No column names a subject: there is no account to export the
 * cards to or to erase them by, and the member who made a card is not its subject, so a card
 * never enters a member's own export (it goes with the enterprise's export instead:
 * GET /enterprises/{eid}/external-contacts/export) and never leaves with a member (it is handed
 * to a colleague, contact.h).  Every row goes with its enterprise (foreign keys, ON DELETE
 * CASCADE) or when the enterprise deletes the card.
 */
#include "privacy/datamap.h"

#define CARD "keep the enterprise's cards of its customers and partners, for its members' work with them (PP-09)"
#define SHARE "decide which departments and colleagues see a card, as its owner or the enterprise sets it (PP-20)"
/* The enterprise is the controller; Atrium processes the cards as it is entrusted (PIPL art. 21). */
#define BASIS "contract: the enterprise's dealings with its customers and partners, processed on its instructions (PIPL art. 13(2), art. 21)"
#define KEEP "while the enterprise keeps the card; deleted with it or with the enterprise; handed to a colleague, never lost, when its owner leaves"
#define SHARE_KEEP "while the share stands; dropped with the card, the department, or when the colleague leaves"

const struct pi_column contact_pi[] = {
	{ "external_contacts", "enterprise_id", PI_NONE, NULL, CARD, "none", KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "id", PI_NONE, NULL, CARD, "none", KEEP, ERASE_DELETE_ROW },
	/* Which member holds the card: the enterprise's assignment of work, not the member's own data. */
	{ "external_contacts", "owner_id", PI_ENTERPRISE, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "name", PI_IDENTITY, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "company", PI_IDENTITY, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "title", PI_IDENTITY, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "phones", PI_CONTACT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	/* The same numbers' digits, kept so that a search finds a number however it was typed. */
	{ "external_contacts", "phone_digits", PI_CONTACT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "emails", PI_CONTACT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "address", PI_CONTACT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	/* Free text members write about the person: content. */
	{ "external_contacts", "notes", PI_CONTENT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "created_at", PI_LOG, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contacts", "updated_at", PI_LOG, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contact_tags", "enterprise_id", PI_NONE, NULL, CARD, "none", KEEP, ERASE_DELETE_ROW },
	{ "external_contact_tags", "contact_id", PI_NONE, NULL, CARD, "none", KEEP, ERASE_DELETE_ROW },
	{ "external_contact_tags", "sort", PI_NONE, NULL, CARD, "none", KEEP, ERASE_DELETE_ROW },
	/* A label the enterprise puts on the person ("supplier", "VIP"): content about them. */
	{ "external_contact_tags", "tag", PI_CONTENT, NULL, CARD, BASIS, KEEP, ERASE_DELETE_ROW },
	{ "external_contact_departments", "enterprise_id", PI_NONE, NULL, SHARE, "none", SHARE_KEEP, ERASE_DELETE_ROW },
	{ "external_contact_departments", "contact_id", PI_NONE, NULL, SHARE, "none", SHARE_KEEP, ERASE_DELETE_ROW },
	{ "external_contact_departments", "department_id", PI_ENTERPRISE, NULL, SHARE, BASIS, SHARE_KEEP, ERASE_DELETE_ROW },
	{ "external_contact_colleagues", "enterprise_id", PI_NONE, NULL, SHARE, "none", SHARE_KEEP, ERASE_DELETE_ROW },
	{ "external_contact_colleagues", "contact_id", PI_NONE, NULL, SHARE, "none", SHARE_KEEP, ERASE_DELETE_ROW },
	/*
	 * The colleague a card is shared with: a member's bare user id, recording the owner's decision
	 * about the card rather than anything about the colleague.  It names no subject, so the share
	 * is no part of the colleague's export; it is dropped when the colleague leaves
	 * (contact_handover, and the foreign key to members) and so never outlives the membership.
	 */
	{ "external_contact_colleagues", "colleague_id", PI_ENTERPRISE, NULL, SHARE, BASIS, SHARE_KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset contact_sets[] = {
	{ "external_contacts", NULL, CONTROLLER_ENTERPRISE, 1, "企业外部联系人", "enterprise external contacts",
	  "企业成员为客户和合作伙伴保存的名片：姓名、公司、职位、电话、邮箱、地址、备注，以及由哪位成员负责。这些是第三方的个人信息，由企业控制：随企业数据导出，不属于任何成员本人的个人信息副本；成员离开时名片交给同事，不会丢失",
	  "the cards members keep of the enterprise's customers and partners: name, company, title, phones, e-mails, address, notes, and which member holds each. They are third parties' personal data the enterprise controls: exported with the enterprise's data, never part of a member's own copy; when a member leaves, their cards pass to a colleague and none is lost",
	  "企业保留名片期间；企业删除名片或企业注销时删除", "while the enterprise keeps the card; deleted when it deletes the card or the enterprise is deleted" },
	{ "external_contact_tags", NULL, CONTROLLER_ENTERPRISE, 1, "外部联系人标签", "external contact tags",
	  "企业为外部联系人设置的标签，用于分类和查找", "the labels the enterprise puts on its external contacts, to sort and find them",
	  "随名片保存", "kept with the card" },
	{ "external_contact_departments", NULL, CONTROLLER_ENTERPRISE, 0, "外部联系人共享的部门", "departments an external contact is shared with",
	  "名片共享给哪些部门（及其下级部门）", "which departments (and their sub-departments) see a card",
	  "共享存续期间", "while the share stands" },
	{ "external_contact_colleagues", NULL, CONTROLLER_ENTERPRISE, 1, "外部联系人共享的同事", "colleagues an external contact is shared with",
	  "名片共享给哪些同事；同事离开企业时取消", "which colleagues see a card; dropped when the colleague leaves",
	  "共享存续期间", "while the share stands" },
	{ 0 }
};
