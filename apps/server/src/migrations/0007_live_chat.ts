import { type Kysely, sql } from "kysely";

/**
 * Live chat: widgets (the embeddable chat of a site, with its public key,
 * looks, business hours, origin allow-list and identity secret), visitors
 * (a browser holding an expiring token, joined to a contact once it has one),
 * the host's user ids verified by HMAC, and two columns on messages that make
 * chat delivery exact: the sender's client id (a retry never duplicates) and
 * a per-conversation sequence number (a reconnecting client asks for what
 * came after the last one it saw). Every message gets a sequence number,
 * counted by `conversations.last_seq` under the conversation row's lock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table widgets (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      public_key text not null,
      name text not null,
      color text not null default '#0b7a75',
      greeting jsonb not null default '{}',
      position text not null default 'end' check (position in ('start','end')),
      prechat jsonb not null default '{}',
      business_hours jsonb,
      offline_mode text not null default 'message' check (offline_mode in ('message','hidden')),
      allowed_origins text[] not null default '{}',
      identity_secret text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id),
      unique (account_id, public_key)
    )`.execute(db);

  await sql`
    create table visitors (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      widget_id bigint not null,
      contact_id bigint,
      conversation_id bigint,
      token_hash text not null,
      expires_at timestamptz not null,
      last_read_seq int not null default 0,
      agent_read_seq int not null default 0,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      primary key (account_id, id),
      unique (account_id, token_hash),
      foreign key (account_id, widget_id) references widgets (account_id, id) on delete cascade,
      foreign key (account_id, contact_id) references contacts (account_id, id) on delete set null,
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete set null
    )`.execute(db);
  await sql`create index visitors_expiry on visitors (account_id, expires_at)`.execute(db);

  await sql`
    create table chat_identities (
      account_id bigint not null references accounts(id),
      external_id text not null,
      contact_id bigint not null,
      created_at timestamptz not null default now(),
      primary key (account_id, external_id),
      foreign key (account_id, contact_id) references contacts (account_id, id) on delete cascade
    )`.execute(db);

  await sql`alter table conversations add column last_seq int not null default 0`.execute(db);
  await sql`alter table messages add column client_id text, add column seq int`.execute(db);
  await sql`
    update messages m set seq = s.n
    from (select account_id, id,
                 row_number() over (partition by account_id, conversation_id order by id) as n
          from messages) s
    where m.account_id = s.account_id and m.id = s.id`.execute(db);
  await sql`
    update conversations c set last_seq = s.top
    from (select account_id, conversation_id, max(seq) as top from messages group by 1, 2) s
    where c.account_id = s.account_id and c.id = s.conversation_id`.execute(db);
  await sql`alter table messages alter column seq set not null`.execute(db);
  await sql`create unique index messages_seq on messages (account_id, conversation_id, seq)`.execute(db);
  await sql`create unique index messages_client_id on messages (account_id, conversation_id, client_id)
    where client_id is not null`.execute(db);
}
