/* The data map: the modules' declarations in one place. */
#include <string.h>
#include "privacy/datamap.h"

static const struct pi_column *const modules[] = { privacy_pi, account_pi, notify_pi, audit_pi, erasure_pi, export_pi, requests_pi, operators_pi, org_pi, join_pi, contact_pi, im_pi, file_pi, im_search_pi, attendance_punch_pi, attendance_rules_pi, attendance_result_pi };
#define NMODULES (sizeof(modules) / sizeof(modules[0]))
static const struct pi_dataset *const module_sets[] = { privacy_sets, account_sets, notify_sets, audit_sets, erasure_sets, export_sets, requests_sets, operators_sets, org_sets, join_sets, contact_sets, im_sets, file_sets, im_search_sets, attendance_punch_sets, attendance_rules_sets, attendance_result_sets };
#define NSETS (sizeof(module_sets) / sizeof(module_sets[0]))

const struct pi_column *datamap_find(const char *table, const char *column)
{
	for (size_t m = 0; m < NMODULES; m++)
		for (const struct pi_column *c = modules[m]; c->table; c++)
			if (!strcmp(c->table, table) && !strcmp(c->column, column))
				return c;
	return NULL;
}

void datamap_each(void (*fn)(const struct pi_column *c, void *arg), void *arg)
{
	for (size_t m = 0; m < NMODULES; m++)
		for (const struct pi_column *c = modules[m]; c->table; c++)
			fn(c, arg);
}

const struct pi_dataset *datamap_dataset(const char *table)
{
	for (size_t m = 0; m < NSETS; m++)
		for (const struct pi_dataset *d = module_sets[m]; d->table; d++)
			if (!strcmp(d->table, table))
				return d;
	return NULL;
}

void datamap_each_dataset(void (*fn)(const struct pi_dataset *d, void *arg), void *arg)
{
	for (size_t m = 0; m < NSETS; m++)
		for (const struct pi_dataset *d = module_sets[m]; d->table; d++)
			fn(d, arg);
}

static const struct {
	const char *name, *zh, *en;
} categories[] = {
	[PI_NONE] = { "none", "非个人信息", "not personal data" },
	[PI_IDENTITY] = { "identity", "身份信息", "identity" },
	[PI_CONTACT] = { "contact", "联系方式", "contact details" },
	[PI_SENSITIVE] = { "sensitive", "敏感个人信息", "sensitive personal data" },
	[PI_BIOMETRIC] = { "biometric", "生物识别信息", "biometric data" },
	[PI_LOCATION] = { "location", "位置信息", "location" },
	[PI_DEVICE] = { "device", "设备信息", "device data" },
	[PI_LOG] = { "log", "日志信息", "log data" },
	[PI_CONTENT] = { "content", "内容信息", "content" },
	[PI_ENTERPRISE] = { "enterprise", "企业控制的信息", "enterprise-controlled data" },
};

const char *datamap_category_label(enum pi_category c, const char *lang)
{
	if ((unsigned)c >= sizeof(categories) / sizeof(categories[0]))
		return "?";
	return !strcmp(lang, "en") ? categories[c].en : categories[c].zh;
}

const char *datamap_category_name(enum pi_category c)
{
	return (unsigned)c < sizeof(categories) / sizeof(categories[0]) ? categories[c].name : "?";
}

const char *datamap_controller_name(enum pi_controller c)
{
	return c == CONTROLLER_ENTERPRISE ? "enterprise" : "platform";
}

static const struct legal_basis bases[] = {
	{ "consent", 0, "您的同意", "your consent" },
	{ "national security", 1, "与国家安全、国防安全直接相关", "directly related to national security and defence" },
	{ "public interest", 2, "与公共安全、公共卫生、重大公共利益直接相关", "directly related to public safety, health or major public interests" },
	{ "criminal justice", 3, "与犯罪侦查、起诉、审判和判决执行等直接相关", "directly related to criminal investigation, prosecution, trial or enforcement" },
	{ "vital interests", 4, "为维护您或他人的生命、财产等重大合法权益但又很难得到您的同意", "to protect the life, property or other major rights of you or others when consent is hard to obtain" },
	{ "self-disclosed", 5, "您自行向社会公众公开的信息", "information you made public yourself" },
	{ "lawfully public", 6, "从合法公开披露的信息中收集", "collected from lawfully disclosed information" },
	{ "contract", 7, "根据您的要求签订和履行合同所必需", "necessary to enter into and perform a contract at your request" },
	{ "security", 8, "维护所提供产品或服务的安全稳定运行所必需", "necessary for the safe and stable operation of the service" },
	{ "news reporting", 9, "新闻单位开展合法的新闻报道所必需", "necessary for lawful news reporting by a news organisation" },
	{ "academic research", 10, "学术研究机构出于公共利益开展统计或学术研究所必需", "necessary for statistical or academic research in the public interest" },
	{ "legal obligation", 11, "法律法规规定的其他情形", "other circumstances laws and regulations provide for" },
};

const struct legal_basis *datamap_basis(const char *basis)
{
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		size_t n = strlen(bases[i].id);
		if (!strncmp(basis, bases[i].id, n) && (basis[n] == '\0' || basis[n] == ':'))
			return &bases[i];
	}
	return NULL;
}
