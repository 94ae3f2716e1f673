-- Files of messages (issue 5): images, voice recordings and any other file a member uploads to
-- send.  The bytes are not here: each lives in the blob store (<data>/blobs/<enterprise id>/
-- <blob id>, src/blob/blob.h), encrypted with the enterprise's key.
--
-- status: 'processing' (an image not yet re-encoded: nobody may fetch it; blob_id is then the
-- upload as sent, metadata and all), 'ready', 'failed' (an image that could not be decoded:
-- nothing of it is kept), 'deleted' (no message refers to it any more, or never sent within a
-- day: the files job removes its blobs, then the row).
CREATE TABLE files (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	uploader_id INTEGER NOT NULL,     -- a bare user id; 0 once they have left the enterprise
	kind TEXT NOT NULL CHECK (kind IN ('image', 'file', 'voice')),
	name TEXT NOT NULL,
	type TEXT NOT NULL,               -- the catalogue's name of what the content is (core/filetype.h)
	mime TEXT NOT NULL,
	size INTEGER NOT NULL,            -- bytes of the content as served
	width INTEGER,                    -- images: as shown (turned upright)
	height INTEGER,
	duration_ms INTEGER,              -- voice
	status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed', 'deleted')),
	blob_id INTEGER,                  -- the content; NULL once failed
	thumb_blob_id INTEGER,            -- images: the thumbnail
	thumb_size INTEGER,
	created_at INTEGER NOT NULL,
	UNIQUE (enterprise_id, id)
);
CREATE INDEX files_work ON files (status, id) WHERE status IN ('processing', 'deleted');
CREATE INDEX files_created ON files (created_at) WHERE status <> 'deleted';
CREATE INDEX files_uploader ON files (enterprise_id, uploader_id);
CREATE INDEX files_blob ON files (blob_id);
CREATE INDEX files_thumb_blob ON files (thumb_blob_id) WHERE thumb_blob_id IS NOT NULL;

-- A file's last message gone (deleted by retention, by a leaver's deletion, with its
-- conversation), the file goes too.  A recall keeps the row of message_files: the recall route
-- calls file_release() for that.  (PostgreSQL: the same as a trigger function.)
CREATE TRIGGER message_files_release AFTER DELETE ON message_files
WHEN NOT EXISTS (SELECT 1 FROM message_files WHERE enterprise_id = old.enterprise_id AND file_id = old.file_id)
BEGIN
	UPDATE files SET status = 'deleted', name = '' WHERE enterprise_id = old.enterprise_id AND id = old.file_id
		AND status <> 'deleted';
END;

-- The enterprise's key (a subject key whose subject is the enterprise: ids are unique across
-- tables, so it is no one else's) seals its blobs; with the enterprise it goes, and every blob
-- left on disk or in a backup is unreadable for good.
CREATE TRIGGER enterprises_key AFTER DELETE ON enterprises
BEGIN
	DELETE FROM subject_keys WHERE subject_id = old.id;
END;

-- What an enterprise accepts, per kind; no row: the defaults (file-image-max, max-upload,
-- file-voice-max; every type of the catalogue the kind may carry).  types: names, comma-separated.
CREATE TABLE file_settings (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('image', 'file', 'voice')),
	max_bytes INTEGER NOT NULL,
	types TEXT NOT NULL,
	PRIMARY KEY (enterprise_id, kind)
);
