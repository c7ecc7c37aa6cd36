//! API tokens: only the SHA-256 hash of a token is stored, with a short prefix to find it,
//! the owner whose reports it reaches, and when it was created, last used and revoked.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::rows::{corrupt, timestamp};
use super::{Store, StoreError};

/// A stored token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TokenRecord {
    /// Token id (`tok_` + ULID).
    pub id: String,
    /// A name to recognise it by.
    pub name: String,
    /// The owner of the reports it reaches.
    pub owner: String,
    /// The start of the token, for recognising it (`wa_1a2b3c4d`).
    pub prefix: String,
    /// SHA-256 of the token, hex.
    #[serde(skip)]
    pub hash: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn parse_time(id: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| corrupt(id, format!("bad timestamp `{t}`: {e}")))
    })
    .transpose()
}

fn record(row: &rusqlite::Row<'_>) -> Result<TokenRecord, StoreError> {
    let id: String = row.get(0)?;
    Ok(TokenRecord {
        name: row.get(1)?,
        owner: row.get(2)?,
        prefix: row.get(3)?,
        hash: row.get(4)?,
        created_at: parse_time(&id, Some(row.get(5)?))?.expect("created_at is set"),
        last_used_at: parse_time(&id, row.get(6)?)?,
        revoked_at: parse_time(&id, row.get(7)?)?,
        id,
    })
}

const COLUMNS: &str = "id, name, owner, prefix, hash, created_at, last_used_at, revoked_at";

impl Store {
    /// Stores a new token record, unless an active token already has its name. Returns whether
    /// it was stored.
    pub fn insert_token(&self, token: &TokenRecord) -> Result<bool, StoreError> {
        let conn = self.conn()?;
        let inserted = conn
            .prepare_cached(
                "INSERT INTO tokens (id, name, owner, prefix, hash, created_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6
                 WHERE NOT EXISTS (SELECT 1 FROM tokens WHERE name = ?2 AND revoked_at IS NULL)",
            )?
            .execute(params![
                token.id,
                token.name,
                token.owner,
                token.prefix,
                token.hash,
                timestamp(token.created_at)
            ])?;
        Ok(inserted == 1)
    }

    /// Active (not revoked) tokens with this prefix.
    pub fn active_tokens_by_prefix(&self, prefix: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM tokens WHERE prefix = ? AND revoked_at IS NULL"
        ))?;
        let mut rows = stmt.query([prefix])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(record(row)?);
        }
        Ok(out)
    }

    /// Every token, newest first.
    pub fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.conn()?;
        let mut stmt =
            conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tokens ORDER BY id DESC"))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(record(row)?);
        }
        Ok(out)
    }

    /// Notes that a token was used now.
    pub fn touch_token(&self, id: &str) -> Result<(), StoreError> {
        let conn = self.conn()?;
        conn.prepare_cached("UPDATE tokens SET last_used_at = ? WHERE id = ?")?
            .execute(params![timestamp(Utc::now()), id])?;
        Ok(())
    }

    /// Revokes the one active token whose id, name or prefix is `key` (an id match wins).
    /// Nothing is revoked when no token or several match.
    pub fn revoke_token(&self, key: &str) -> Result<Revocation, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut matches = active_tokens_matching(&tx, key)?;
        if let Some(exact) = matches.iter().position(|t| t.id == key) {
            matches = vec![matches.swap_remove(exact)];
        }
        let outcome = match matches.len() {
            0 => Revocation::NoMatch,
            1 => {
                let token = matches.remove(0);
                tx.prepare_cached("UPDATE tokens SET revoked_at = ? WHERE id = ?")?
                    .execute(params![timestamp(Utc::now()), token.id])?;
                Revocation::Revoked(token)
            }
            _ => Revocation::Ambiguous(matches),
        };
        tx.commit()?;
        Ok(outcome)
    }
}

/// What [`Store::revoke_token`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// This token was revoked.
    Revoked(TokenRecord),
    /// No active token matched.
    NoMatch,
    /// Several active tokens matched (a name shared by tokens of an older database, or a
    /// shared prefix); none was revoked.
    Ambiguous(Vec<TokenRecord>),
}

/// Active tokens whose id, name or prefix is `key`, oldest first.
fn active_tokens_matching(conn: &Connection, key: &str) -> Result<Vec<TokenRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tokens
         WHERE (id = ?1 OR name = ?1 OR prefix = ?1) AND revoked_at IS NULL
         ORDER BY id"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(record(row)?);
    }
    Ok(out)
}
