/* Messages as clients see them: see message.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "apps/im/message.h"
#include "core/id.h"
#include "apps/org/org.h"
#include "core/banned.h"

/* A card carries a colleague's id: shown with their name of the day, or a pseudonym. */
static void card_write(struct store *st, const struct keyring *kr, int64_t eid, const char *body, struct jsonw *w)
{
	json_t *b = json_loads(body, 0, NULL);
	int64_t uid = 0;
	jsonw_open(w, "body", '{');
	if (json_is_string(json_object_get(b, "user_id")) && !id_parse(json_string_value(json_object_get(b, "user_id")), &uid))
		org_write_person(st, kr, eid, uid, "person", w);
	if (json_is_true(json_object_get(b, "forwarded")))
		jsonw_bool(w, "forwarded", 1);
	jsonw_close(w, '}');
	json_decref(b);
}

void im_message_write(struct store *st, const struct keyring *kr, struct store_stmt *s, struct jsonw *w)
{
	int64_t sender = store_col_int(s, 3);
	int recalled = !store_col_is_null(s, 9);
	const char *body = store_col_text(s, 6);
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "conversation_id", store_col_int(s, 0));
	jsonw_int(w, "seq", store_col_int(s, 1));
	jsonw_id(w, "id", store_col_int(s, 2));
	if (sender)
		org_write_person(st, kr, store_col_int(s, 10), sender, "sender", w);
	else
		jsonw_null(w, "sender");
	if (!store_col_is_null(s, 4))
		jsonw_str(w, "client_id", store_col_text(s, 4));
	jsonw_str(w, "kind", store_col_text(s, 5));
	if (!recalled && !strcmp(store_col_text(s, 5), "card"))
		card_write(st, kr, store_col_int(s, 10), body, w);
	else
		jsonw_raw(w, "body", recalled || !*body ? "{}" : body, recalled || !*body ? 2 : strlen(body));
	jsonw_bool(w, "recalled", recalled);
	if (store_col_is_null(s, 7))
		jsonw_null(w, "reply_to");
	else
		jsonw_int(w, "reply_to", store_col_int(s, 7));
	jsonw_time(w, "created_at", store_col_int(s, 8));
	jsonw_close(w, '}');
}

int im_kind_sendable(const char *kind)
{
	static const char *const kinds[] = { "text", "image", "file", "voice", "location", "card", NULL };
	for (const char *const *k = kinds; *k; k++)
		if (!strcmp(*k, kind))
			return 1;
	return 0;
}

char *im_message_event(int64_t eid, const char *message, size_t message_len, size_t *len)
{
	size_t cap = message_len + 96; /* the frame around the message, the id at its longest */
	char *event = malloc(cap);
	if (event)
		*len = (size_t)snprintf(event, cap, "{\"type\":\"message\",\"enterprise_id\":\"%lld\",\"message\":%.*s}",
					(long long)eid, (int)message_len, message);
	return event;
}
