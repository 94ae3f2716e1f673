/*
 * Purposes of collection, declared in code (PP-12, PP-15): what each optional service collects,
 * why, in Chinese and English, on which device permission it rides and whether the data is
 * sensitive.  A collecting module names its purpose by id when it calls consent_require();
 * raising a purpose's version asks everyone again (PP-19).
 */
#ifndef ATRIUM_PRIVACY_PURPOSE_H
#define ATRIUM_PRIVACY_PURPOSE_H

/* The device permissions a purpose may ride on; PERM_NONE for purposes that need none. */
enum device_permission {
	PERM_NONE,
	PERM_LOCATION,
	PERM_CAMERA,
	PERM_MICROPHONE,
	PERM_CALENDAR,
	PERM_PHOTOS,
	PERM_PHONE_STATE,
	PERM_STORAGE,
	PERM_BACKGROUND,
	PERM_APP_LIST,
	PERM_NOTIFICATIONS,
	PERM__COUNT
};

/*
 * REQUIRED: the function the purpose serves cannot run without it (face punch-in without the
 * face); OPTIONAL: that function runs without it, with less.  Neither kind is ever needed by the
 * basic services: refusing any purpose leaves them working (PP-12).
 */
enum purpose_need { PURPOSE_OPTIONAL, PURPOSE_REQUIRED };

struct purpose {
	const char *id;
	int version; /* raised when what is collected or why changes: older grants stop counting */
	const char *title_zh, *title_en;
	const char *desc_zh, *desc_en;
	enum purpose_need need;
	enum device_permission permission;
	int sensitive;         /* sensitive personal information (PIPL art. 28): separate consent */
	const char *basis;     /* legal basis: "consent" for every declared purpose */
	const char *category;  /* Kantara purposeCategory */
	const char *const *pii; /* Kantara piiCategory names, NULL-terminated */
};

/* The declared purposes, terminated by a NULL id. */
extern const struct purpose purposes[];
/* Accepting the privacy policy at registration: recorded like a consent, but not a purpose
 * anyone grants or revokes later, so purpose_find() does not return it. */
extern const struct purpose purpose_policy;

/* The declared purpose with this id, or NULL. */
const struct purpose *purpose_find(const char *id);
/* Title and description in lang ("en"; anything else gives Chinese). */
const char *purpose_title(const struct purpose *p, const char *lang);
const char *purpose_desc(const struct purpose *p, const char *lang);

/* "location", "camera", …; NULL for PERM_NONE. */
const char *permission_name(enum device_permission perm);
/* The permission called name, or PERM_NONE when there is none. */
enum device_permission permission_find(const char *name);

#endif
