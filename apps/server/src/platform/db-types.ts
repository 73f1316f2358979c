import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
type Tsvector = ColumnType<string, string | undefined, string>;
type NullableDefault<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Row types of every table, for Kysely. Keep in step with migrations/. */
export interface Database {
  accounts: {
    id: Generated<number>;
    name: string;
    default_language: Generated<string>;
    conversation_seq: Generated<number>;
    created_at: TimestampDefault;
  };
  users: {
    account_id: number;
    id: Generated<number>;
    email: string;
    name: string;
    role: string;
    password_hash: string;
    language: string | null;
    totp_secret: string | null;
    totp_enabled: Generated<boolean>;
    totp_pending_secret: string | null;
    /** The time step of the last authenticator code accepted; a code is good once. */
    totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
    /** Open conversations automatic assignment gives this agent at most; null: the account's default. */
    capacity: ColumnType<number | null, number | null | undefined, number | null>;
    disabled_at: Timestamp | null;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
  };
  login_identities: { email: string; account_id: number; user_id: number };
  routing_settings: {
    account_id: number;
    auto_assign: Generated<boolean>;
    default_capacity: Generated<number>;
    updated_at: TimestampDefault;
  };
  /** The last agent automatic assignment chose, per team (0: the whole account). */
  routing_cursors: { account_id: number; team_id: number; last_user_id: Generated<number> };
  login_throttle: {
    key: string;
    failures: Generated<number>;
    window_start: Timestamp;
    locked_until: Timestamp | null;
  };
  sessions: {
    account_id: number;
    token_hash: string;
    user_id: number;
    csrf_token: string;
    user_agent: string | null;
    ip: string | null;
    created_at: TimestampDefault;
    last_seen_at: TimestampDefault;
    expires_at: Timestamp;
  };
  api_tokens: {
    account_id: number;
    id: Generated<number>;
    user_id: number;
    name: string;
    token_hash: string;
    prefix: string;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
    created_at: TimestampDefault;
  };
  teams: { account_id: number; id: Generated<number>; name: string; created_at: TimestampDefault };
  team_members: { account_id: number; team_id: number; user_id: number };
  invitations: {
    account_id: number;
    id: Generated<number>;
    email: string;
    name: string | null;
    role: string;
    token_hash: string;
    invited_by: number | null;
    expires_at: Timestamp;
    accepted_at: Timestamp | null;
    revoked_at: Timestamp | null;
    created_at: TimestampDefault;
  };
  contacts: {
    account_id: number;
    id: Generated<number>;
    name: string;
    language: string | null;
    company: string | null;
    attributes: Json;
    search_text: Generated<string>;
    search_tsv: Tsvector;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
  };
  contact_identifiers: {
    account_id: number;
    kind: "email" | "phone";
    value: string;
    contact_id: number;
    position: Generated<number>;
    /** Set when mail to this address bounced (a DSN came back). */
    bounced_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    bounce_reason: ColumnType<string | null, string | null | undefined, string | null>;
  };
  conversations: {
    account_id: number;
    id: Generated<number>;
    number: number;
    subject: string;
    status: Generated<string>;
    priority: Generated<string>;
    type: string | null;
    channel: string;
    language: string | null;
    contact_id: number;
    assignee_id: number | null;
    team_id: number | null;
    tags: ColumnType<string[], string[] | undefined, string[]>;
    preview: Generated<string>;
    message_count: Generated<number>;
    last_message_at: TimestampDefault;
    solved_at: Timestamp | null;
    search_text: Generated<string>;
    search_tsv: Tsvector;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
    /** The email inbox a conversation arrived at or is answered from. */
    inbox_id: ColumnType<number | null, number | null | undefined, number | null>;
    reply_address: ColumnType<string | null, string | null | undefined, string | null>;

    /** The last message sequence number given out in this conversation. */
    last_seq: Generated<number>;
  };
  messages: {
    account_id: number;
    id: Generated<number>;
    conversation_id: number;
    kind: string;
    body: string;
    author_user_id: number | null;
    author_contact_id: number | null;
    mentions: ColumnType<number[], number[] | undefined, number[]>;
    search_text: Generated<string>;
    search_tsv: Tsvector;
    created_at: TimestampDefault;
    /** Message-ID without angle brackets: the dedupe key of email in and out (unique per account). */
    email_message_id: NullableDefault<string>;
    email_in_reply_to: NullableDefault<string>;
    email_references: ColumnType<string[], string[] | undefined, string[]>;
    /** From, To, Cc, Reply-To, subject and the inbound classification of an email. */
    email_meta: ColumnType<unknown, string | null | undefined, string | null>;
    /** Sanitised HTML of the visible part. */
    html: NullableDefault<string>;
    quoted_text: NullableDefault<string>;
    quoted_html: NullableDefault<string>;
    /** queued | sent | failed, for outgoing email. */
    delivery_state: NullableDefault<string>;
    delivery_error: NullableDefault<string>;
    delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

    /** The sender's id of a chat message: a retry with the same id is not stored twice. */
    client_id: ColumnType<string | null, string | null | undefined, string | null>;
    /** Order of the message in its conversation, from 1 with no gaps. */
    seq: number;
  };
  inboxes: {
    account_id: number;
    id: Generated<number>;
    channel: Generated<string>;
    name: string;
    /** Lower case; unique among active inboxes of all accounts. */
    address: string;
    signature: string | null;
    auto_ack: Generated<boolean>;
    /** {host, port, secure, user, passwordEnc} */
    smtp: ColumnType<unknown, string | null | undefined, string | null>;
    /** {host, port, secure, user, passwordEnc, mailbox} */
    imap: ColumnType<unknown, string | null | undefined, string | null>;
    /** {uidValidity, lastUid, lastError, lastPollAt} */
    imap_state: ColumnType<unknown, string | null | undefined, string | null>;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
    disabled_at: Timestamp | null;
  };
  attachments: {
    account_id: number;
    id: Generated<number>;
    conversation_id: number;
    message_id: number | null;
    filename: string;
    content_type: string;
    size: number;
    sha256: string;
    storage_key: string;
    /** Content-ID without angle brackets, for cid: inline images. */
    content_id: string | null;
    inline: Generated<boolean>;
    created_at: TimestampDefault;
  };
  widgets: {
    account_id: number;
    id: Generated<number>;
    public_key: string;
    name: string;
    color: Generated<string>;
    /** {ar, en} greeting texts. */
    greeting: Json;
    position: Generated<string>;
    /** {name, email, phone}: off | optional | required each. */
    prechat: Json;
    /** {timezone, days: [{day, open, close}]}; null is always open. */
    business_hours: ColumnType<unknown, string | null | undefined, string | null>;
    offline_mode: Generated<string>;
    allowed_origins: ColumnType<string[], string[] | undefined, string[]>;
    /** The email inbox that answers offline messages; null: the account's first. */
    reply_inbox_id: ColumnType<number | null, number | null | undefined, number | null>;
    /** The HMAC key of identity verification, encrypted when a key is configured. */
    identity_secret: string;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
  };
  visitors: {
    account_id: number;
    id: Generated<number>;
    widget_id: number;
    contact_id: number | null;
    conversation_id: number | null;
    token_hash: string;
    expires_at: Timestamp;
    last_read_seq: Generated<number>;
    agent_read_seq: Generated<number>;
    created_at: TimestampDefault;
    last_seen_at: TimestampDefault;
  };
  chat_identities: {
    account_id: number;
    external_id: string;
    contact_id: number;
    created_at: TimestampDefault;
  };
  notifications: {
    account_id: number;
    id: Generated<number>;
    user_id: number;
    kind: string;
    conversation_id: number;
    message_id: number | null;
    actor_user_id: number | null;
    read_at: Timestamp | null;
    created_at: TimestampDefault;
  };
  events: {
    account_id: number;
    id: Generated<number>;
    actor_user_id: number | null;
    actor_token_id: number | null;
    type: string;
    subject_type: string;
    subject_id: number | null;
    before: Json | null;
    after: Json | null;
    created_at: TimestampDefault;
  };
  jobs: {
    account_id: number;
    id: Generated<number>;
    name: string;
    payload: Json;
    /** queued | running | done | dead */
    state: Generated<string>;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    /** When a queued job is due, or when a running job's lease ends. */
    run_at: Timestamp;
    locked_by: string | null;
    last_error: string | null;
    singleton_key: string | null;
    created_at: TimestampDefault;
    updated_at: TimestampDefault;
    finished_at: Timestamp | null;
  };
  idempotency_keys: {
    account_id: number;
    key: string;
    user_id: number;
    request_hash: string;
    status_code: number | null;
    response: Json | null;
    created_at: TimestampDefault;
  };
}
