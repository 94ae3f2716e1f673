/* Every module's route table, in the order they are matched. */
#include <stddef.h>
#include "http/routes.h"

extern const struct route system_routes[], ws_routes[], privacy_routes[], account_routes[], audit_routes[],
	consent_routes[], cancellation_routes[], export_routes[], requests_routes[], org_routes[], dept_routes[], member_routes[], address_book_routes[], invite_routes[], import_routes[], conversation_routes[], message_routes[], im_search_routes[], im_settings_routes[],
	custom_field_routes[], photo_routes[], contact_routes[], file_routes[], punch_routes[],
	attendance_calendar_routes[], attendance_rule_routes[], attendance_report_routes[];

const struct route *const route_tables[] = { system_routes, ws_routes, privacy_routes, account_routes, audit_routes,
					     consent_routes, cancellation_routes, export_routes, requests_routes, org_routes, dept_routes, member_routes, address_book_routes, invite_routes, import_routes, conversation_routes, message_routes, im_search_routes, im_settings_routes,
					     custom_field_routes, photo_routes, contact_routes, file_routes, punch_routes,
					     attendance_calendar_routes, attendance_rule_routes, attendance_report_routes, NULL };
