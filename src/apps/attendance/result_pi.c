/*
 * Data map entries of attendance results.  A judged day and a make-up request are the
 * enterprise's attendance records (PP-09) about one person (subject user_id): in that person's
 * export, erased with their account, deleted when they leave the enterprise (PP-37) and with the
 * enterprise.  A judged day is derived from the punches, the rule and the calendar and is judged
 * again whenever one of them changes, so it holds nothing the punches do not.
 */
#include "privacy/datamap.h"

#define RESULT "judge each working day from the enterprise's rule and the punches: on time, late, early, missing, absent (PP-09)"
#define RESULT_KEEP "while the person is a member of the enterprise; deleted when they leave it, with their account, or with the enterprise"
#define MAKEUP "let a member ask to count a punch they could not make, and an administrator decide (PP-09)"
#define MAKEUP_KEEP RESULT_KEEP
#define SETTLED "know which days the results job has judged for everyone"

const struct pi_column attendance_result_pi[] = {
	{ "attendance_days", "enterprise_id", PI_NONE, "user_id", RESULT, "none", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "user_id", PI_IDENTITY, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "day", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "group_id", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "status", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "expected", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "attended", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "late_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "late_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "early_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "early_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "missing_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "field_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "makeup_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "worked_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "first_at", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "last_at", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	/* Per shift: the expected times and the punches counted (time, place id, proof): no coordinates. */
	{ "attendance_days", "detail", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "computed_at", PI_NONE, "user_id", RESULT, "none", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "settles_at", PI_NONE, "user_id", RESULT, "none", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_days", "stale", PI_NONE, "user_id", RESULT, "none", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "id", PI_NONE, "user_id", MAKEUP, "none", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "enterprise_id", PI_NONE, "user_id", MAKEUP, "none", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "user_id", PI_IDENTITY, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "day", PI_ENTERPRISE, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "shift", PI_ENTERPRISE, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "at", PI_ENTERPRISE, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	/* The person's own words: whatever they chose to explain. */
	{ "attendance_makeups", "reason", PI_CONTENT, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "status", PI_ENTERPRISE, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "created_at", PI_LOG, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	/* A bare user id of the administrator who decided; shown by a pseudonym once they have left. */
	{ "attendance_makeups", "decided_by", PI_IDENTITY, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "decided_at", PI_LOG, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	{ "attendance_makeups", "comment", PI_CONTENT, "user_id", MAKEUP, "contract", MAKEUP_KEEP, ERASE_DELETE_ROW },
	/* A person's month summed from their judged days: nothing the days do not hold. */
	{ "attendance_months", "enterprise_id", PI_NONE, "user_id", RESULT, "none", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "user_id", PI_IDENTITY, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "month", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "group_id", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "expected_days", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "attended_days", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "late_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "late_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "early_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "early_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "absent_days", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "missing_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "field_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "makeup_count", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "worked_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_months", "rest_minutes", PI_ENTERPRISE, "user_id", RESULT, "contract", RESULT_KEEP, ERASE_DELETE_ROW },
	{ "attendance_settled", "enterprise_id", PI_NONE, NULL, SETTLED, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ "attendance_settled", "from_day", PI_NONE, NULL, SETTLED, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ "attendance_settled", "through_day", PI_NONE, NULL, SETTLED, "none", "while the enterprise exists", ERASE_DELETE_ROW },
	{ 0 }
};

const struct pi_dataset attendance_result_sets[] = {
	{ "attendance_days", "user_id", CONTROLLER_ENTERPRISE, 1, "考勤结果", "attendance results",
	  "按企业的考勤规则、工作日历和您的打卡判定的每个工作日：正常、迟到（分钟）、早退（分钟）、缺卡、旷工、外勤、休息，以及计入的打卡时间；规则、日历或打卡变化时重新判定",
	  "each working day judged from the enterprise's rule, calendar and your punches: normal, late (minutes), early leave (minutes), missing punch, absent, field punch, rest day, and the punch times counted; judged again when the rule, calendar or punches change",
	  "您属于该企业期间；离开企业或注销账号时删除", "while you are a member of the enterprise; deleted when you leave it or your account is erased" },
	{ "attendance_makeups", "user_id", CONTROLLER_ENTERPRISE, 1, "补卡申请", "make-up punch requests",
	  "您的补卡申请（日期、补卡时间、原因）及管理员的审批结果和意见", "your requests to count a punch you could not make (day, time, reason) and the administrator's decision and comment",
	  "您属于该企业期间；离开企业或注销账号时删除", "while you are a member of the enterprise; deleted when you leave it or your account is erased" },
	{ "attendance_months", "user_id", CONTROLLER_ENTERPRISE, 1, "考勤月度汇总", "monthly attendance sums",
	  "由您每天的考勤结果汇总的每月数字：应出勤、出勤、迟到、早退、旷工、缺卡、外勤、补卡和工作时长",
	  "your months summed from your judged days: days expected and attended, late, early leave, absent, missing punches, field punches, make-ups and hours worked",
	  "您属于该企业期间；离开企业或注销账号时删除", "while you are a member of the enterprise; deleted when you leave it or your account is erased" },
	{ "attendance_settled", NULL, CONTROLLER_ENTERPRISE, 0, "考勤结果进度", "attendance results progress",
	  "考勤结果已为全体成员判定到哪一天", "through which day attendance results have been judged for everyone",
	  "企业存续期间", "while the enterprise exists" },
	{ 0 }
};
