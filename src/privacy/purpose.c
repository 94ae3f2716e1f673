/* The declared purposes of collection and the device permissions they ride on. */
#include <string.h>
#include "privacy/purpose.h"
#include "core/banned.h"

/* Kantara purpose categories (Consent Receipt v1.1, appendix). */
#define CORE "1 - Core Function"
#define CONTRACTED "2 - Contracted Service"
#define MARKETING "6 - Marketing"

#define PII(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Every text says what is collected, why, and how much (PP-15).  Location and face data are
 * sensitive personal information under PIPL art. 28, so they are flagged and each has its own
 * purpose: one consent never covers another use of the same data (PP-12: any new use of face
 * data asks again).
 */
const struct purpose purposes[] = {
	/* Version 2: says how long the raw coordinates are kept, now that they are deleted after the
	 * enterprise's period and the punch keeps only the place and the distance. */
	{ "attendance_location", 2, "考勤定位", "Attendance location",
	  "打卡时获取您的精确位置，用于判断是否在考勤地点范围内。只在您点击打卡的那一刻获取一次，不在后台持续定位。打卡记录只保留匹配到的考勤地点和距离；原始坐标用您的密钥加密保存，到企业设定的期限（默认 30 天）即删除。",
	  "Reads your precise location at the moment you punch in or out, to check that you are within an attendance site. Read once per punch, never tracked in the background. The punch keeps only the site it matched and the distance; the raw coordinates are kept encrypted with your key and deleted after the period your enterprise sets (30 days unless it sets another).",
	  PURPOSE_REQUIRED, PERM_LOCATION, 1, "consent", CORE, PII("location") },
	{ "attendance_wifi", 1, "考勤 Wi-Fi", "Attendance Wi-Fi",
	  "打卡时读取手机当前连接的 Wi-Fi 名称和路由器地址（BSSID），用于判断是否连接了公司的考勤 Wi-Fi。手机系统要求此项使用位置权限，但不会获取您的位置。",
	  "Reads the name and router address (BSSID) of the Wi-Fi network your phone is on when you punch, to check it is your company's attendance Wi-Fi. The phone's system puts this behind the location permission; your location itself is not read.",
	  PURPOSE_REQUIRED, PERM_LOCATION, 0, "consent", CORE, PII("device", "network") },
	{ "face_punch_in", 1, "人脸识别打卡", "Face punch-in",
	  "打卡时通过摄像头拍摄您的面部，与您本人录入的人脸特征比对，确认是本人打卡。人脸特征加密保存，仅用于考勤核验；用于任何其他用途前都会再次征得您的同意。",
	  "Takes a picture of your face with the camera when you punch and compares it with the face template you enrolled, to confirm it is you. The template is stored encrypted and used only to verify attendance; any other use asks you again first.",
	  PURPOSE_REQUIRED, PERM_CAMERA, 1, "consent", CORE, PII("biometric", "face image") },
	{ "face_recognition", 1, "人脸身份验证", "Face verification",
	  "在您选择用人脸验证身份时（如会议签到、敏感操作的二次验证）拍摄您的面部并与您的人脸特征比对。只在您发起验证时使用，比对后不保存照片。",
	  "When you choose to prove who you are by your face (meeting check-in, a second check before a sensitive action), takes a picture of your face and compares it with your template. Used only when you start a check; the picture is not kept after the comparison.",
	  PURPOSE_REQUIRED, PERM_CAMERA, 1, "consent", CORE, PII("biometric", "face image") },
	{ "meeting_camera", 1, "会议摄像头", "Camera in meetings",
	  "在视频会议和直播中，仅当您打开摄像头时采集画面并实时传给参会者。不开摄像头也能参会。",
	  "In video meetings and live streams, captures video only while you have your camera on and sends it live to the other participants. You can join without a camera.",
	  PURPOSE_OPTIONAL, PERM_CAMERA, 0, "consent", CORE, PII("video") },
	{ "microphone", 1, "麦克风", "Microphone",
	  "仅在您按住说话按钮录制语音消息，或在会议中打开麦克风时录音；松开按钮或关闭麦克风即停止。",
	  "Records sound only while you hold the talk button for a voice message or have your microphone on in a meeting; it stops when you let go or mute.",
	  PURPOSE_REQUIRED, PERM_MICROPHONE, 0, "consent", CORE, PII("audio") },
	{ "calendar_sync", 1, "日历同步", "Calendar sync",
	  "把 Atrium 中的会议和日程写入手机系统日历并按时提醒您，并读取其中由 Atrium 创建的日程以保持一致；不读取您的其他日程。",
	  "Writes your Atrium meetings and events into your phone's calendar so it can remind you, and reads back the events Atrium created to keep them in step; your other events are not read.",
	  PURPOSE_REQUIRED, PERM_CALENDAR, 0, "consent", CORE, PII("calendar") },
	{ "photo_access", 1, "相册访问", "Photo library",
	  "在您发送图片、设置头像或上传附件时读取您选中的照片和文件；只读取您选中的，不扫描相册。",
	  "Reads the photos and files you pick when you send a picture, set an avatar or attach a file; only what you pick, the library is never scanned.",
	  PURPOSE_REQUIRED, PERM_PHOTOS, 0, "consent", CORE, PII("photos") },
	/* Version 2: the check runs on the server, against the enterprise's list, as the text now
	 * says; version 1 said it ran on the phone, which asked for something else. */
	{ "app_list_anti_cheating", 2, "应用列表（考勤防作弊）", "Installed apps (attendance anti-cheating)",
	  "打卡时，手机把已安装应用的标识（包名，或其 SHA-256 散列值）随打卡发送；服务器只在内存中将其与企业设定的虚拟定位、改机等作弊工具名单比对，只保存“是否装有名单中的工具”这一结果，不保存您的应用列表。不同意时照常打卡，只是不做此项检查。",
	  "When you punch, your phone sends the identifiers of your installed apps (package names, or their SHA-256 hashes) with the punch; the server compares them in memory with your enterprise's list of location-faking and device-spoofing tools and keeps only the result, whether such a tool is installed, never your app list. Without this consent you punch as usual, without the check.",
	  PURPOSE_OPTIONAL, PERM_APP_LIST, 0, "consent", CONTRACTED, PII("device", "installed apps") },
	{ "phone_state_security", 1, "设备状态（账号安全）", "Phone state (account security)",
	  "读取设备型号、系统版本和设备标识，用于识别新设备登录并通知您，防止账号被盗用。不读取通话记录、通话内容或电话号码。",
	  "Reads the device model, system version and device identifier to spot sign-ins from new devices and tell you, so your account cannot be taken over unnoticed. Call logs, calls and phone numbers are not read.",
	  PURPOSE_OPTIONAL, PERM_PHONE_STATE, 0, "consent", CORE, PII("device") },
	{ "background_messaging", 1, "后台运行（即时消息）", "Background running (messages)",
	  "Atrium 退到后台时保持消息连接，让您及时收到新消息和来电。后台运行期间不采集位置或其他信息。",
	  "Keeps the message connection open while Atrium is in the background, so new messages and calls reach you in time. Nothing else, location included, is collected in the background.",
	  PURPOSE_OPTIONAL, PERM_BACKGROUND, 0, "consent", CORE, PII("device") },
	{ "storage_logs", 1, "存储（运行日志）", "Storage (app logs)",
	  "在手机存储中保存应用运行日志，便于您反馈问题时排查故障。日志只在您主动提交反馈时才会上传。",
	  "Keeps the app's logs in your phone's storage, to find faults when you report a problem. Logs are uploaded only when you send feedback yourself.",
	  PURPOSE_OPTIONAL, PERM_STORAGE, 0, "consent", CORE, PII("device", "logs") },
	{ "push_notifications", 1, "消息推送", "Push notifications",
	  "保存您设备的推送令牌，用于在 Atrium 未打开时推送新消息、审批和会议提醒。关闭后仍可在应用内查看全部通知。",
	  "Keeps your device's push token to send you new messages, approvals and meeting reminders while Atrium is closed. Without it every notification is still in the app.",
	  PURPOSE_OPTIONAL, PERM_NOTIFICATIONS, 0, "consent", CORE, PII("device") },
	/* Never required for anything: PP-18 rules out profiling, PP-22 lets it be unsubscribed. */
	{ "marketing_messages", 1, "营销信息", "Marketing messages",
	  "通过短信、邮件和推送向您发送产品更新、活动和优惠信息。可随时退订，退订不影响任何功能；不会据此对您画像或个性化推荐。",
	  "Sends you product news, events and offers by SMS, e-mail and push. You can unsubscribe at any time without losing any function; it is never used to profile you or to personalise recommendations.",
	  PURPOSE_OPTIONAL, PERM_NONE, 0, "consent", MARKETING, PII("contact") },
	{ 0 }
};

const struct purpose purpose_policy = {
	"privacy_policy", 1, "接受隐私政策", "Acceptance of the privacy policy",
	"注册时接受的隐私政策版本：它说明平台收集哪些信息、为何收集以及您的权利。",
	"The version of the privacy policy accepted at registration: what the platform collects, why, and your rights.",
	PURPOSE_REQUIRED, PERM_NONE, 0, "consent", CORE, PII("identity", "contact"),
};

const struct purpose *purpose_find(const char *id)
{
	for (const struct purpose *p = purposes; p->id; p++)
		if (!strcmp(p->id, id))
			return p;
	return NULL;
}

const char *purpose_title(const struct purpose *p, const char *lang)
{
	return lang && !strcmp(lang, "en") ? p->title_en : p->title_zh;
}

const char *purpose_desc(const struct purpose *p, const char *lang)
{
	return lang && !strcmp(lang, "en") ? p->desc_en : p->desc_zh;
}

static const char *const permission_names[PERM__COUNT] = {
	[PERM_NONE] = NULL,
	[PERM_LOCATION] = "location",
	[PERM_CAMERA] = "camera",
	[PERM_MICROPHONE] = "microphone",
	[PERM_CALENDAR] = "calendar",
	[PERM_PHOTOS] = "photos",
	[PERM_PHONE_STATE] = "phone_state",
	[PERM_STORAGE] = "storage",
	[PERM_BACKGROUND] = "background",
	[PERM_APP_LIST] = "app_list",
	[PERM_NOTIFICATIONS] = "notifications",
};

const char *permission_name(enum device_permission perm)
{
	return (unsigned)perm < PERM__COUNT ? permission_names[perm] : NULL;
}

enum device_permission permission_find(const char *name)
{
	for (int i = PERM_NONE + 1; i < PERM__COUNT; i++)
		if (!strcmp(permission_names[i], name))
			return (enum device_permission)i;
	return PERM_NONE;
}
