-- Rights requests that come by e-mail, phone, post or in person (PP-39 … PP-42), each with the
-- clock of its answer: due_at is set when the requester's identity is verified (PP-40); while
-- it is not, the clock stands still and there is no due date.  Times are ms since the epoch.
CREATE TABLE rights_requests (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL CHECK (type IN ('access', 'correction', 'deletion', 'cancellation', 'other')),
	channel TEXT NOT NULL CHECK (channel IN ('email', 'phone', 'post', 'in_person', 'other')),
	requester TEXT NOT NULL,                 -- name and contact as the requester gave them
	user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	identity_state TEXT NOT NULL DEFAULT 'unverified'
		CHECK (identity_state IN ('unverified', 'verified', 'failed')),
	received_at INTEGER NOT NULL,
	verified_at INTEGER,
	due_at INTEGER,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'refused')),
	answer TEXT,                             -- the answer, or what the refusal said
	ground TEXT,                             -- a refusal's ground (src/privacy/requests.c)
	answered_at INTEGER,                     -- when it was answered or refused: closed
	repeat_of INTEGER                        -- an earlier request it repeats; no foreign key: the
	                                         -- earlier one may be swept first, the flag stays
);
CREATE INDEX rights_requests_open ON rights_requests (status, due_at);
CREATE INDEX rights_requests_type ON rights_requests (type, received_at);
