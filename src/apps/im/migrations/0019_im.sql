-- Instant messaging (issue 5): conversations of one enterprise, their members, and messages
-- stored once per conversation under a per-conversation sequence (DESIGN §6: members read by
-- sequence).  Everything that changes a conversation — a message, a recall, a member joining —
-- is a row of messages, so one cursor per conversation syncs it all, in order, with no gap.
CREATE TABLE conversations (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'department', 'all_staff')),
	name TEXT NOT NULL DEFAULT '',
	notice TEXT NOT NULL DEFAULT '',
	owner_id INTEGER,               -- groups: the user id of the owner
	department_id INTEGER,          -- department groups follow this department's members
	direct_key TEXT,                -- one-to-one: "<lower id>:<higher id>", one per pair
	who_adds TEXT NOT NULL DEFAULT 'members' CHECK (who_adds IN ('members', 'admins')),
	mute_all INTEGER NOT NULL DEFAULT 0 CHECK (mute_all IN (0, 1)),
	max_members INTEGER NOT NULL,
	last_seq INTEGER NOT NULL DEFAULT 0,
	last_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	dissolved_at INTEGER,
	UNIQUE (enterprise_id, id)
);
CREATE UNIQUE INDEX conversations_direct ON conversations (enterprise_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE UNIQUE INDEX conversations_department ON conversations (enterprise_id, department_id) WHERE department_id IS NOT NULL;

-- joined_seq: the member sees messages after it; read_seq: read up to it.
CREATE TABLE conversation_members (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
	joined_seq INTEGER NOT NULL,
	read_seq INTEGER NOT NULL DEFAULT 0,
	pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
	muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
	PRIMARY KEY (conversation_id, user_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX conversation_members_user ON conversation_members (user_id, conversation_id);

-- kind: text, image, file, voice, location, card, forward (a message's content), recall (body
-- names the seq recalled), or a system event (member_add, member_remove, member_leave, rename,
-- notice, dissolve, mute_all).  body is JSON: the content by kind; '{}' once recalled.
-- client_id is the sender's id for the send: a retry finds the message already stored.
CREATE TABLE messages (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	id INTEGER NOT NULL UNIQUE,
	enterprise_id INTEGER NOT NULL,
	sender_id INTEGER NOT NULL,     -- 0 for the system
	client_id TEXT,
	kind TEXT NOT NULL,
	body TEXT NOT NULL,
	reply_to INTEGER,               -- the seq quoted
	created_at INTEGER NOT NULL,
	recalled_at INTEGER,
	PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, sender_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_sender ON messages (enterprise_id, sender_id);

-- Who a message mentions: user_id 0 is @all.  For the "mentions of me" count.
CREATE TABLE message_mentions (
	conversation_id INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, user_id, seq),
	FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;

-- The files a message carries (images, files, voice): who may fetch a file, and when no message
-- refers to a file any more (recalled, deleted by retention), its blobs go.
CREATE TABLE message_files (
	conversation_id INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	enterprise_id INTEGER NOT NULL,
	file_id INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, seq, file_id),
	FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX message_files_file ON message_files (enterprise_id, file_id);

-- The enterprise's choices for its messages (PP-29, PP-33, PP-37): how long messages and files
-- are kept (NULL: keep), and what happens to a leaver's messages.
CREATE TABLE im_settings (
	enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
	retention_days INTEGER,
	on_leave TEXT NOT NULL DEFAULT 'pseudonym' CHECK (on_leave IN ('pseudonym', 'delete'))
);
