/*
 * Data map entries of the attendance rules.  The calendar, punch places, groups, their rules and
 * shifts are the enterprise's own settings, nobody's personal data.  Which group a person is
 * named into (or excepted from) and their roster of shifts are about that person (subject
 * user_id: in their export, deleted when they leave the enterprise or their account is erased).
 */
#include "privacy/datamap.h"

#define CAL "the enterprise's work calendar: working weekdays, holidays, swapped working weekends and time zone (PP-09)"
#define PLACE "where the enterprise's people may punch: its offices' centres and radii, its Wi-Fi networks (PP-09)"
#define RULE "the enterprise's attendance rules: groups, shifts and anti-cheating settings (PP-09)"
#define WHO "which attendance group and rule apply to a member (PP-09)"
#define ROSTER "the shift a member works on a day under a scheduled rule (PP-09)"
#define ENT_KEEP "while the enterprise keeps it; deleted with the enterprise"
#define WHO_KEEP "while the person is named into or excepted from the group; deleted when they leave the enterprise, their account is erased or the group goes"
#define ROSTER_KEEP "while the group exists and the person is a member; deleted when they leave the enterprise, their account is erased or the group goes"

#define SETTING(table, column) { table, column, PI_NONE, NULL, RULE, "none", ENT_KEEP, ERASE_DELETE_ROW }

const struct pi_column attendance_rules_pi[] = {
	{ "attendance_calendars", "enterprise_id", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendars", "workdays", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendars", "time_zone", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendars", "updated_at", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendar_days", "enterprise_id", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendar_days", "day", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendar_days", "kind", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_calendar_days", "name", PI_NONE, NULL, CAL, "none", ENT_KEEP, ERASE_DELETE_ROW },
	/* An office's position and a network's name: the enterprise's, about no person. */
	{ "attendance_places", "id", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "enterprise_id", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "kind", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "name", PI_ENTERPRISE, NULL, PLACE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "latitude_e7", PI_ENTERPRISE, NULL, PLACE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "longitude_e7", PI_ENTERPRISE, NULL, PLACE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "radius_m", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "ssid", PI_ENTERPRISE, NULL, PLACE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "bssid", PI_ENTERPRISE, NULL, PLACE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "created_at", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_places", "updated_at", PI_NONE, NULL, PLACE, "none", ENT_KEEP, ERASE_DELETE_ROW },
	SETTING("attendance_groups", "id"),
	SETTING("attendance_groups", "enterprise_id"),
	{ "attendance_groups", "name", PI_ENTERPRISE, NULL, RULE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	SETTING("attendance_groups", "kind"),
	SETTING("attendance_groups", "hours_per_day"),
	SETTING("attendance_groups", "allow_field"),
	SETTING("attendance_groups", "makeup_per_month"),
	SETTING("attendance_groups", "device_changes_per_month"),
	SETTING("attendance_groups", "location_retention_days"),
	SETTING("attendance_groups", "max_speed_kmh"),
	SETTING("attendance_groups", "max_accuracy_m"),
	SETTING("attendance_groups", "clock_skew_s"),
	SETTING("attendance_groups", "created_at"),
	SETTING("attendance_groups", "updated_at"),
	SETTING("attendance_shifts", "enterprise_id"),
	SETTING("attendance_shifts", "group_id"),
	SETTING("attendance_shifts", "idx"),
	{ "attendance_shifts", "name", PI_ENTERPRISE, NULL, RULE, "contract", ENT_KEEP, ERASE_DELETE_ROW },
	SETTING("attendance_shifts", "start_min"),
	SETTING("attendance_shifts", "end_min"),
	SETTING("attendance_shifts", "late_grace"),
	SETTING("attendance_shifts", "early_grace"),
	SETTING("attendance_shifts", "flex"),
	SETTING("attendance_shifts", "break1_start"),
	SETTING("attendance_shifts", "break1_end"),
	SETTING("attendance_shifts", "break2_start"),
	SETTING("attendance_shifts", "break2_end"),
	SETTING("attendance_group_places", "enterprise_id"),
	SETTING("attendance_group_places", "group_id"),
	SETTING("attendance_group_places", "place_id"),
	SETTING("attendance_group_departments", "enterprise_id"),
	SETTING("attendance_group_departments", "group_id"),
	SETTING("attendance_group_departments", "department_id"),
	{ "attendance_group_people", "enterprise_id", PI_NONE, "user_id", WHO, "none", WHO_KEEP, ERASE_DELETE_ROW },
	{ "attendance_group_people", "group_id", PI_ENTERPRISE, "user_id", WHO, "contract", WHO_KEEP, ERASE_DELETE_ROW },
	{ "attendance_group_people", "user_id", PI_IDENTITY, "user_id", WHO, "contract", WHO_KEEP, ERASE_DELETE_ROW },
	{ "attendance_group_people", "excluded", PI_ENTERPRISE, "user_id", WHO, "contract", WHO_KEEP, ERASE_DELETE_ROW },
	{ "attendance_roster", "enterprise_id", PI_NONE, "user_id", ROSTER, "none", ROSTER_KEEP, ERASE_DELETE_ROW },
	{ "attendance_roster", "group_id", PI_ENTERPRISE, "user_id", ROSTER, "contract", ROSTER_KEEP, ERASE_DELETE_ROW },
	{ "attendance_roster", "user_id", PI_IDENTITY, "user_id", ROSTER, "contract", ROSTER_KEEP, ERASE_DELETE_ROW },
	{ "attendance_roster", "day", PI_ENTERPRISE, "user_id", ROSTER, "contract", ROSTER_KEEP, ERASE_DELETE_ROW },
	{ "attendance_roster", "shift", PI_ENTERPRISE, "user_id", ROSTER, "contract", ROSTER_KEEP, ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset attendance_rules_sets[] = {
	{ "attendance_calendars", NULL, CONTROLLER_ENTERPRISE, 0, "考勤工作日历", "attendance work calendar",
	  "企业的每周工作日和时区", "the enterprise's working weekdays and time zone",
	  "企业存续期间", "while the enterprise exists" },
	{ "attendance_calendar_days", NULL, CONTROLLER_ENTERPRISE, 0, "节假日与调休", "holidays and swapped working days",
	  "企业日历中的法定节假日和调休上班日", "public holidays and swapped working weekends of the enterprise's calendar",
	  "企业存续期间", "while the enterprise exists" },
	{ "attendance_places", NULL, CONTROLLER_ENTERPRISE, 0, "考勤地点", "punch places",
	  "企业设置的打卡范围（办公地点的中心和半径）和 Wi-Fi 网络", "where the enterprise lets people punch: office centres and radii, Wi-Fi networks",
	  "企业删除该地点或企业注销为止", "until the enterprise deletes the place, or the enterprise goes" },
	{ "attendance_groups", NULL, CONTROLLER_ENTERPRISE, 0, "考勤组与规则", "attendance groups and rules",
	  "考勤组的名称、规则类型及防作弊设置（外勤、补卡次数、换设备次数、位置保留天数、速度、精度、时间误差）",
	  "attendance groups' names, rule kinds and anti-cheating settings (field punches, make-ups, device changes, location retention, speed, accuracy, clock skew)",
	  "企业删除该考勤组或企业注销为止", "until the enterprise deletes the group, or the enterprise goes" },
	{ "attendance_shifts", NULL, CONTROLLER_ENTERPRISE, 0, "班次", "shifts",
	  "考勤规则的班次：上下班时间、迟到早退宽限、弹性时间和休息时段", "the shifts of attendance rules: start and end, lateness and early-leave grace, flexible minutes, rest breaks",
	  "考勤组存续期间", "while the group exists" },
	{ "attendance_group_places", NULL, CONTROLLER_ENTERPRISE, 0, "考勤组的打卡地点", "places of attendance groups",
	  "每个考勤组可以在哪些地点打卡", "which places each attendance group punches at",
	  "考勤组存续期间", "while the group exists" },
	{ "attendance_group_departments", NULL, CONTROLLER_ENTERPRISE, 0, "按部门参加考勤", "attendance groups by department",
	  "哪些部门（含下级部门）属于哪个考勤组", "which departments (with those below them) belong to which attendance group",
	  "考勤组和部门存续期间", "while the group and the department exist" },
	{ "attendance_group_people", "user_id", CONTROLLER_ENTERPRISE, 1, "您的考勤组", "your attendance group",
	  "企业把您单独加入或排除出哪个考勤组（由企业决定）", "the attendance group an enterprise names you into, or takes you out of (the enterprise decides)",
	  "直到企业更改；离开企业或注销账号时删除", "until the enterprise changes it; deleted when you leave or your account is erased" },
	{ "attendance_roster", "user_id", CONTROLLER_ENTERPRISE, 1, "排班", "your roster",
	  "排班制考勤中您每天的班次或休息（由企业安排）", "your shift or rest on each day under a scheduled rule (the enterprise plans it)",
	  "考勤组存续期间；离开企业或注销账号时删除", "while the group exists; deleted when you leave or your account is erased" },
	{ 0 }
};
