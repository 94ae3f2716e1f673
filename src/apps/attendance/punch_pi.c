/*
 * Data map entries of punching.  Attendance records are the enterprise's (PP-09) and each punch
 * is its person's (subject user_id: in their export, erased with their account, gone when they
 * leave the enterprise).  Location is collected only under the attendance_location consent and
 * kept least: the place matched and the distance stay with the punch; the raw coordinates are
 * sealed with the person's key and cleared by the retention rule attendance_punches once their
 * enterprise's period (location_retention_days, default 30) has passed (PP-29, PP-33).  The
 * Wi-Fi network read at a punch and the installed-app list are never stored.
 */
#include "privacy/datamap.h"

#define PUNCH "record attendance: when and where a member punched, as their enterprise's rule asks (PP-09)"
#define PUNCH_KEEP "while the person is a member of the enterprise; deleted when they leave it"
#define LOC_KEEP "the enterprise's location retention period (location_retention_days, default 30 days), then cleared by the retention job; the punch stays"
#define CHEAT "keep attendance records true: anti-cheating flags for an administrator's review (PP-17)"
#define DEVICE "punch from one bound device, so nobody punches for someone else (PP-17)"
#define CHANGE_KEEP "pending: until decided; decided: 90 days after the decision, then deleted; all of them when the person leaves"
#define BLOCK "the enterprise's list of cheating tools a punch's app list is matched against (PP-17)"

const struct pi_column attendance_punch_pi[] = {
	{ "attendance_punches", "id", PI_NONE, "user_id", PUNCH, "none", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "enterprise_id", PI_NONE, "user_id", PUNCH, "none", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "user_id", PI_IDENTITY, "user_id", PUNCH, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	/* The client's retry token: nothing of the person. */
	{ "attendance_punches", "idempotency_key", PI_NONE, "user_id", "a retried punch is one punch", "none", PUNCH_KEEP,
	  ERASE_DELETE_ROW, EXPORT_OMIT },
	{ "attendance_punches", "kind", PI_ENTERPRISE, "user_id", PUNCH, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "punched_at", PI_ENTERPRISE, "user_id", PUNCH, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "day", PI_ENTERPRISE, "user_id", PUNCH, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "client_time", PI_DEVICE, "user_id", CHEAT, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "device_id", PI_DEVICE, "user_id", DEVICE, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	/* What is kept of where: the place matched (a place the enterprise defined) and how far. */
	{ "attendance_punches", "place_id", PI_ENTERPRISE, "user_id", PUNCH, "consent", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "matched_by", PI_ENTERPRISE, "user_id", PUNCH, "consent", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "distance_m", PI_LOCATION, "user_id", PUNCH, "consent", PUNCH_KEEP, ERASE_DELETE_ROW },
	/* The raw coordinates: sensitive (PIPL art. 28), sealed for the person, kept least. */
	{ "attendance_punches", "location_sealed", PI_LOCATION, "user_id",
	  "check a punch against the places and review it (attendance_location consent)", "consent", LOC_KEEP,
	  ERASE_DESTROY_KEY },
	{ "attendance_punches", "location_expires_at", PI_NONE, "user_id", "when the raw coordinates are cleared", "none",
	  LOC_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "flags", PI_ENTERPRISE, "user_id", CHEAT, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "note", PI_CONTENT, "user_id", "say where and why a field punch was made", "contract",
	  PUNCH_KEEP, ERASE_DELETE_ROW, EXPORT_VALUE, 0 },
	{ "attendance_punches", "photo_file_id", PI_CONTENT, "user_id", "show a field punch's place", "contract",
	  PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "review", PI_ENTERPRISE, "user_id", CHEAT, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "reviewed_by", PI_IDENTITY, "user_id", CHEAT, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_punches", "reviewed_at", PI_LOG, "user_id", CHEAT, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_devices", "enterprise_id", PI_NONE, "user_id", DEVICE, "none", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_devices", "user_id", PI_IDENTITY, "user_id", DEVICE, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_devices", "device_id", PI_DEVICE, "user_id", DEVICE, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_devices", "bound_at", PI_LOG, "user_id", DEVICE, "contract", PUNCH_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "id", PI_NONE, "user_id", DEVICE, "none", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "enterprise_id", PI_NONE, "user_id", DEVICE, "none", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "user_id", PI_IDENTITY, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "device_id", PI_DEVICE, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "reason", PI_CONTENT, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "status", PI_ENTERPRISE, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "created_at", PI_LOG, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "decided_by", PI_IDENTITY, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_device_changes", "decided_at", PI_LOG, "user_id", DEVICE, "contract", CHANGE_KEEP, ERASE_DELETE_ROW },
	{ "attendance_app_blocklist", "enterprise_id", PI_NONE, NULL, BLOCK, "none", "while the enterprise keeps it on its list", ERASE_DELETE_ROW },
	{ "attendance_app_blocklist", "app_id", PI_NONE, NULL, BLOCK, "none", "while the enterprise keeps it on its list", ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset attendance_punch_sets[] = {
	{ "attendance_punches", "user_id", CONTROLLER_ENTERPRISE, 1, "考勤打卡记录", "attendance punches",
	  "记录您何时、在哪个考勤地点打卡：匹配到的地点和距离、打卡设备、防作弊标记、外勤备注；原始坐标仅在您同意考勤定位后采集，用您的密钥加密保存；打卡时读取的 Wi-Fi 名称和应用列表不保存",
	  "when and at which attendance place you punched: the place matched and the distance, the device, anti-cheating flags, a field punch's note; raw coordinates only under your attendance-location consent, sealed with your key; the Wi-Fi network read and the app list are not kept",
	  "打卡记录在您属于该企业期间保存；原始坐标按企业设定的期限（默认 30 天）后删除",
	  "punches while you are a member of the enterprise; raw coordinates deleted after the enterprise's period (default 30 days)" },
	{ "attendance_devices", "user_id", CONTROLLER_ENTERPRISE, 1, "考勤绑定设备", "attendance device",
	  "您用于打卡的唯一设备，防止代打卡", "the one device you punch from, so nobody punches for you",
	  "您属于该企业期间", "while you are a member of the enterprise" },
	{ "attendance_device_changes", "user_id", CONTROLLER_ENTERPRISE, 1, "考勤设备变更", "attendance device changes",
	  "更换打卡设备的申请及其审批结果", "requests to punch from another device, and their decisions",
	  "审批后 90 天删除", "deleted 90 days after the decision" },
	{ "attendance_app_blocklist", NULL, CONTROLLER_ENTERPRISE, 0, "作弊工具名单", "cheating tools list",
	  "企业设定的虚拟定位等作弊工具名单；打卡时的应用列表只在内存中与之比对，只保留是否命中",
	  "the enterprise's list of location-faking and similar tools; a punch's app list is matched against it in memory and only the result is kept",
	  "企业保留期间", "while the enterprise keeps it" },
	{ 0 }
};
