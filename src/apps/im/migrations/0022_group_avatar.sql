-- A group's avatar: an image uploaded to the file store.  The group_update event that set it
-- carries the file too (message_files), so the file store keeps it while that event exists.
ALTER TABLE conversations ADD COLUMN avatar_file_id INTEGER;
