-- Read-your-writes when GETs are served by a read replica (DATABASE_READ_URL): the primary's WAL
-- position just after the last successful write made with this token, or after the write that
-- issued it. A GET with this token reads on the replica only once the replica has replayed past
-- it; until then it reads on the primary. NULL: the token never wrote, any replica will do.
ALTER TABLE access_tokens ADD COLUMN read_fence_lsn pg_lsn;
