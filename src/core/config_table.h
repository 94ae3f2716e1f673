/*
 * Every configuration option: field, option name (--name, ATRIUM_NAME, "name = " in the file),
 * kind (STR or INT), default, help.  The README's configuration table follows this file.
 */
O(listen,            "listen",            STR, "127.0.0.1:8080", "address and port to listen on")
O(data,              "data",              STR, "./atrium-data",  "data folder: database, blobs, key file, outbox, logs")
O(threads,           "threads",           INT, "0",              "event loops (0: one per core)")
O(tls_cert,          "tls-cert",          STR, "",               "PEM certificate chain; with tls-key, serve HTTPS")
O(tls_key,           "tls-key",           STR, "",               "PEM private key for tls-cert")
O(max_body,          "max-body",          INT, "1048576",        "largest request body accepted, in bytes")
O(idle_timeout,      "idle-timeout",      INT, "30",             "seconds an idle or slow connection is kept")
O(access_log,        "access-log",        STR, "",               "access log path, '-' for stdout, 'off' for none (default <data>/logs/access.jsonl)")
O(node_id,           "node-id",           INT, "0",              "node number in ids (0-1023), unique per server in a cluster")
O(session_idle_days, "session-idle-days", INT, "30",             "days of inactivity after which a session ends")
O(sms_provider,      "sms-provider",      STR, "outbox",         "'outbox' (append to <data>/outbox/sms.jsonl) or 'http'")
O(sms_http_url,      "sms-http-url",      STR, "",               "URL the http SMS provider POSTs {\"to\",\"text\"} to")
O(sms_http_auth,     "sms-http-auth",     STR, "",               "Authorization header value for the http SMS provider")
O(code_ttl,          "code-ttl",          INT, "300",            "seconds an SMS or e-mail verification code stays valid")
O(sms_ip_per_hour,   "sms-ip-per-hour",   INT, "30",             "verification codes one client address may request per hour")
O(email_provider,    "email-provider",    STR, "outbox",         "'outbox' (append to <data>/outbox/email.jsonl) or 'smtp'")
O(smtp_url,          "smtp-url",          STR, "",               "SMTP server, e.g. smtps://smtp.example.com:465")
O(smtp_from,         "smtp-from",         STR, "",               "sender address of e-mail")
O(smtp_user,         "smtp-user",         STR, "",               "SMTP user name")
O(smtp_password,     "smtp-password",     STR, "",               "SMTP password")
