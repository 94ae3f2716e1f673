-- Platform operators: the accounts that may use the admin API (rights requests, PP-39 … PP-42).
-- Granted and withdrawn only with `atrium admin operators …` on the server's machine, never over
-- the API, so a stolen session cannot make itself an operator.  Times are ms since the epoch.
CREATE TABLE platform_operators (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	granted_at INTEGER NOT NULL
);
