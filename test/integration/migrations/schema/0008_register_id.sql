-- added table register_meta
CREATE TABLE register_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  register_id TEXT NOT NULL CHECK (register_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*' AND length(register_id) = 36),
  created_at INTEGER NOT NULL
) STRICT;

-- added trigger register_meta_fixed on register_meta
CREATE TRIGGER register_meta_fixed BEFORE UPDATE ON register_meta
BEGIN SELECT RAISE(ABORT, 'the register id is made once and never changes'); END;

-- added trigger register_meta_kept on register_meta
CREATE TRIGGER register_meta_kept BEFORE DELETE ON register_meta
BEGIN SELECT RAISE(ABORT, 'the register id is made once and never changes'); END;

-- user_version 8
