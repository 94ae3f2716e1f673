/* The data map: the modules' declarations in one place. */
#include <string.h>
#include "privacy/datamap.h"

static const struct pi_column *const modules[] = { privacy_pi, account_pi, notify_pi, audit_pi, erasure_pi, export_pi, requests_pi };
#define NMODULES (sizeof(modules) / sizeof(modules[0]))
static const struct pi_dataset *const module_sets[] = { privacy_sets, account_sets, notify_sets, audit_sets, erasure_sets, export_sets, requests_sets };
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
