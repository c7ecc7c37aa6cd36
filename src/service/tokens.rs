//! API tokens: creating them (shown once, stored only as a SHA-256 hash), checking a bearer
//! token in constant time, listing and revoking.

use chrono::Utc;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Service, ServiceError};
use crate::store::{Revocation, TokenRecord};

/// Every token starts with this.
pub const TOKEN_PREFIX: &str = "wa_";
/// Hex characters after `wa_` stored as the lookup prefix.
const LOOKUP_CHARS: usize = 8;

/// Who a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    /// The token's id (the rate-limit key).
    pub token_id: String,
    /// The owner of the reports it reaches.
    pub owner: String,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn lookup_prefix(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    (rest.len() > LOOKUP_CHARS).then(|| &token[..TOKEN_PREFIX.len() + LOOKUP_CHARS])
}

impl Service {
    /// Creates a token for `owner` (default: the name) and returns it with its record. The
    /// token itself is not stored and cannot be shown again.
    pub async fn create_token(
        &self,
        name: &str,
        owner: Option<&str>,
    ) -> Result<(String, TokenRecord), ServiceError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ServiceError::Invalid(
                "give the token a name, e.g. --name ci-bot".into(),
            ));
        }
        let owner = owner
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .unwrap_or(name);
        let secret: [u8; 32] = rand::random();
        let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
        let record = TokenRecord {
            id: format!("tok_{}", ulid::Ulid::generate()),
            name: name.to_owned(),
            owner: owner.to_owned(),
            prefix: lookup_prefix(&token)
                .expect("generated tokens are long")
                .to_owned(),
            hash: hex::encode(digest(&token)),
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        let stored = record.clone();
        if !self.db(move |s| s.insert_token(&stored)).await? {
            return Err(ServiceError::Invalid(format!(
                "an active token is already named `{name}`; pick another --name, or revoke the \
                 old one first (webaudit token revoke {name})"
            )));
        }
        Ok((token, record))
    }

    /// The owner of a bearer token, if it is valid and not revoked. The hash comparison runs in
    /// constant time.
    pub async fn verify_token(&self, token: &str) -> Result<Option<TokenOwner>, ServiceError> {
        let Some(prefix) = lookup_prefix(token.trim()).map(str::to_owned) else {
            return Ok(None);
        };
        let presented = digest(token.trim());
        let candidates = self.db(move |s| s.active_tokens_by_prefix(&prefix)).await?;
        let matched = candidates.into_iter().find(|c| {
            hex::decode(&c.hash)
                .map(|stored| bool::from(stored.as_slice().ct_eq(&presented)))
                .unwrap_or(false)
        });
        let Some(record) = matched else {
            return Ok(None);
        };
        let id = record.id.clone();
        self.db(move |s| s.touch_token(&id)).await?;
        Ok(Some(TokenOwner {
            token_id: record.id,
            owner: record.owner,
        }))
    }

    /// Every token record, newest first.
    pub async fn list_tokens(&self) -> Result<Vec<TokenRecord>, ServiceError> {
        self.db(|s| s.list_tokens()).await
    }

    /// Revokes the one active token whose id, name or prefix is `key`; refuses when none or
    /// several match.
    pub async fn revoke_token(&self, key: &str) -> Result<TokenRecord, ServiceError> {
        let k = key.trim().to_owned();
        match self.db(move |s| s.revoke_token(&k)).await? {
            Revocation::Revoked(record) => Ok(record),
            Revocation::NoMatch => Err(ServiceError::Invalid(format!(
                "no active token matches `{key}`; see `webaudit token list`"
            ))),
            Revocation::Ambiguous(tokens) => Err(ServiceError::Invalid(ambiguous(key, &tokens))),
        }
    }
}

/// The refusal of a revocation that matched several active tokens, with the ids to revoke by.
fn ambiguous(key: &str, tokens: &[TokenRecord]) -> String {
    let ids: Vec<String> = tokens
        .iter()
        .map(|t| {
            format!(
                "{} (name {}, owner {}, prefix {})",
                t.id, t.name, t.owner, t.prefix
            )
        })
        .collect();
    format!(
        "`{key}` matches {} active tokens, so none was revoked; revoke each by its id: {}",
        tokens.len(),
        ids.join(", ")
    )
}
