import { type Kysely, sql } from "kysely";

/**
 * The core schema: accounts, people and access, contacts, conversations,
 * messages, events. Every tenant-owned table leads its primary key and its
 * indexes with account_id, so an account is the unit of sharding.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists btree_gin`.execute(db);

  await sql`
    create table accounts (
      id bigint generated always as identity primary key,
      name text not null,
      default_language text not null default 'ar',
      conversation_seq bigint not null default 0,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      email text not null,
      name text not null,
      role text not null check (role in ('owner','admin','supervisor','agent')),
      password_hash text not null,
      language text check (language in ('ar','en')),
      totp_secret text,
      totp_enabled boolean not null default false,
      totp_pending_secret text,
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
  await sql`create unique index users_email on users (account_id, lower(email))`.execute(db);

  // The sign-in directory: an email names one user of one account. It is the
  // one lookup that comes before an account is known.
  await sql`
    create table login_identities (
      email text primary key,
      account_id bigint not null,
      user_id bigint not null,
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table login_throttle (
      key text primary key,
      failures int not null default 0,
      window_start timestamptz not null,
      locked_until timestamptz
    )`.execute(db);

  await sql`
    create table sessions (
      account_id bigint not null,
      token_hash text not null,
      user_id bigint not null,
      csrf_token text not null,
      user_agent text,
      ip text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (account_id, token_hash),
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index sessions_user on sessions (account_id, user_id)`.execute(db);

  await sql`
    create table api_tokens (
      account_id bigint not null,
      id bigint generated always as identity,
      user_id bigint not null,
      name text not null,
      token_hash text not null,
      prefix text not null,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index api_tokens_hash on api_tokens (account_id, token_hash)`.execute(db);

  await sql`
    create table teams (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      name text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
  await sql`create unique index teams_name on teams (account_id, lower(name))`.execute(db);

  await sql`
    create table team_members (
      account_id bigint not null,
      team_id bigint not null,
      user_id bigint not null,
      primary key (account_id, team_id, user_id),
      foreign key (account_id, team_id) references teams (account_id, id) on delete cascade,
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index team_members_user on team_members (account_id, user_id)`.execute(db);

  await sql`
    create table invitations (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      email text not null,
      name text,
      role text not null check (role in ('owner','admin','supervisor','agent')),
      token_hash text not null,
      invited_by bigint,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
  await sql`create unique index invitations_hash on invitations (account_id, token_hash)`.execute(db);

  await sql`
    create table contacts (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      name text not null,
      language text check (language in ('ar','en')),
      company text,
      attributes jsonb not null default '{}',
      search_text text not null default '',
      search_tsv tsvector not null default ''::tsvector,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
  await sql`create index contacts_recent on contacts (account_id, id desc)`.execute(db);
  await sql`create index contacts_tsv on contacts using gin (account_id, search_tsv)`.execute(db);
  await sql`create index contacts_trgm on contacts using gin (account_id, search_text gin_trgm_ops)`.execute(
    db,
  );

  // One row per email or phone: the primary key is what keeps two contacts of
  // one account from sharing an address.
  await sql`
    create table contact_identifiers (
      account_id bigint not null,
      kind text not null check (kind in ('email','phone')),
      value text not null,
      contact_id bigint not null,
      position int not null default 0,
      primary key (account_id, kind, value),
      foreign key (account_id, contact_id) references contacts (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index contact_identifiers_contact on contact_identifiers (account_id, contact_id)`.execute(
    db,
  );

  await sql`
    create table conversations (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      number bigint not null,
      subject text not null,
      status text not null default 'new'
        check (status in ('new','open','pending','on_hold','solved','closed')),
      priority text not null default 'normal' check (priority in ('low','normal','high','urgent')),
      type text check (type in ('question','complaint','technical','return','suggestion','sales')),
      channel text not null check (channel in ('web','api')),
      language text check (language in ('ar','en')),
      contact_id bigint not null,
      assignee_id bigint,
      team_id bigint,
      tags text[] not null default '{}',
      preview text not null default '',
      message_count int not null default 0,
      last_message_at timestamptz not null default now(),
      solved_at timestamptz,
      search_text text not null default '',
      search_tsv tsvector not null default ''::tsvector,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id),
      unique (account_id, number),
      foreign key (account_id, contact_id) references contacts (account_id, id),
      foreign key (account_id, assignee_id) references users (account_id, id),
      foreign key (account_id, team_id) references teams (account_id, id)
    )`.execute(db);
  await sql`create index conversations_inbox on conversations (account_id, last_message_at desc, id desc)`.execute(
    db,
  );
  await sql`create index conversations_status on conversations (account_id, status, last_message_at desc, id desc)`.execute(
    db,
  );
  await sql`create index conversations_assignee on conversations (account_id, assignee_id, last_message_at desc, id desc)`.execute(
    db,
  );
  await sql`create index conversations_contact on conversations (account_id, contact_id, id desc)`.execute(
    db,
  );
  await sql`create index conversations_tags on conversations using gin (account_id, tags)`.execute(db);
  await sql`create index conversations_tsv on conversations using gin (account_id, search_tsv)`.execute(db);
  await sql`create index conversations_trgm on conversations using gin (account_id, search_text gin_trgm_ops)`.execute(
    db,
  );

  await sql`
    create table messages (
      account_id bigint not null,
      id bigint generated always as identity,
      conversation_id bigint not null,
      kind text not null check (kind in ('inbound','reply','note')),
      body text not null,
      author_user_id bigint,
      author_contact_id bigint,
      mentions bigint[] not null default '{}',
      search_text text not null default '',
      search_tsv tsvector not null default ''::tsvector,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index messages_conversation on messages (account_id, conversation_id, id)`.execute(db);
  await sql`create index messages_tsv on messages using gin (account_id, search_tsv)`.execute(db);
  await sql`create index messages_trgm on messages using gin (account_id, search_text gin_trgm_ops)`.execute(
    db,
  );

  await sql`
    create table notifications (
      account_id bigint not null,
      id bigint generated always as identity,
      user_id bigint not null,
      kind text not null check (kind in ('mention','assigned')),
      conversation_id bigint not null,
      message_id bigint,
      actor_user_id bigint,
      read_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index notifications_user on notifications (account_id, user_id, id desc)`.execute(db);

  await sql`
    create table events (
      account_id bigint not null,
      id bigint generated always as identity,
      actor_user_id bigint,
      actor_token_id bigint,
      type text not null,
      subject_type text not null,
      subject_id bigint,
      before jsonb,
      after jsonb,
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
  await sql`create index events_subject on events (account_id, subject_type, subject_id, id)`.execute(db);

  await sql`
    create table idempotency_keys (
      account_id bigint not null,
      key text not null,
      user_id bigint not null,
      request_hash text not null,
      status_code int,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (account_id, key)
    )`.execute(db);
}
