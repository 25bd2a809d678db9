import type { Migration } from './index.ts';

/**
 * Workspaces, people and access; WhatsApp numbers with wrapped secrets;
 * contacts, conversations, messages and statuses; the append-only audit log.
 * Times are milliseconds since the epoch.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE members (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'AGENT')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, user_id)
      ) STRICT;

      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        ip TEXT,
        user_agent TEXT
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions(user_id);

      CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'AGENT')),
        email TEXT,
        created_by TEXT NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_by TEXT REFERENCES users(id)
      ) STRICT;

      CREATE TABLE setup_codes (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        code_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE whatsapp_numbers (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        phone_number_id TEXT NOT NULL UNIQUE,
        business_account_id TEXT NOT NULL,
        display_phone_number TEXT NOT NULL,
        access_token_wrapped BLOB NOT NULL,
        app_secret_wrapped BLOB NOT NULL,
        verify_token_wrapped BLOB NOT NULL,
        verify_token_hash TEXT NOT NULL,
        simulated INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX whatsapp_numbers_by_workspace ON whatsapp_numbers(workspace_id);

      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        wa_id TEXT NOT NULL,
        profile_name TEXT,
        opted_out_at INTEGER,
        opt_out_source TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (workspace_id, wa_id)
      ) STRICT;

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        number_id TEXT NOT NULL REFERENCES whatsapp_numbers(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        last_message_at INTEGER NOT NULL,
        last_inbound_at INTEGER,
        unread_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (workspace_id, number_id, contact_id)
      ) STRICT;
      CREATE INDEX conversations_by_recency ON conversations(workspace_id, last_message_at DESC);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        wa_message_id TEXT,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        type TEXT NOT NULL,
        body TEXT,
        raw_json TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
        error_code INTEGER,
        error_title TEXT,
        sent_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        reply_to_wa_message_id TEXT,
        occurred_at INTEGER NOT NULL,
        status_at INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (workspace_id, wa_message_id)
      ) STRICT;
      CREATE INDEX messages_by_conversation ON messages(conversation_id, occurred_at);

      CREATE TABLE message_statuses (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        number_id TEXT NOT NULL REFERENCES whatsapp_numbers(id) ON DELETE CASCADE,
        wa_message_id TEXT NOT NULL,
        status TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        recipient_id TEXT NOT NULL,
        error_code INTEGER,
        error_title TEXT,
        raw_json TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, wa_message_id, number_id, status)
      ) STRICT;

      CREATE TABLE whatsapp_errors (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        number_id TEXT NOT NULL REFERENCES whatsapp_numbers(id) ON DELETE CASCADE,
        code INTEGER NOT NULL,
        title TEXT NOT NULL,
        message TEXT,
        raw_json TEXT NOT NULL,
        received_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        workspace_id TEXT,
        actor_type TEXT NOT NULL CHECK (actor_type IN ('user', 'system', 'anonymous')),
        actor_id TEXT,
        actor_label TEXT,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
        target_type TEXT,
        target_id TEXT,
        ip TEXT,
        user_agent TEXT,
        details_json TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX audit_log_by_workspace ON audit_log(workspace_id, seq DESC);

      -- The audit log is append-only: the database itself refuses edits.
      CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};
