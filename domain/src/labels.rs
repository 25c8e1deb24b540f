//! The team's labels ("billing", "bug", "vip"): admins define them (a name unique whatever its
//! case, a colour from the palette); every staff member reads them, and reads which chats
//! carry which ([`on_chats`]). Putting labels on a chat is [`crate::chats::labeling`]'s.
//! Only reads and the definitions' own writes: no live events, so the chat list may read it.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    clock,
    entities::{ChatLabel, Label as LabelRows, chat_label, label, user},
    fields::{admins_only, bounded_text, conflict_if_taken},
};
use wire::{
    error::AppError,
    labels::{LABEL_COLORS, Label, MAX_LABEL_CHARS},
};

impl From<label::Model> for Label {
    fn from(row: label::Model) -> Self {
        Self {
            id: row.id,
            name: row.name,
            color: row.color,
        }
    }
}

/// Every label, by name.
///
/// # Errors
/// Internal error on database failure.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Label>, AppError> {
    Ok(LabelRows::find()
        .order_by_asc(label::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(Label::from)
        .collect())
}

/// A new label, by an admin.
///
/// # Errors
/// 403 for an agent; 422 for a blank or long name or a colour not in the palette; 409 when
/// another label has that name in any case.
pub async fn create(
    db: &DatabaseConnection,
    actor: &user::Model,
    name: &str,
    color: &str,
) -> Result<Label, AppError> {
    admins_only(actor, "labels")?;
    let name = label_name(name)?;
    let color = label_color(color)?;
    let now = clock::now();
    let row = label::ActiveModel {
        id: Set(Uuid::now_v7()),
        name_key: Set(name.to_lowercase()),
        name: Set(name),
        color: Set(color),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|err| conflict_if_taken(err, "another label has that name"))?;
    Ok(row.into())
}

/// Renames and/or recolours a label, by an admin.
///
/// # Errors
/// As [`create`]; 404 for an unknown label.
pub async fn update(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: Uuid,
    name: Option<&str>,
    color: Option<&str>,
) -> Result<Label, AppError> {
    admins_only(actor, "labels")?;
    let row = LabelRows::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such label"))?;
    let mut changed = row.into_active_model();
    if let Some(name) = name {
        let name = label_name(name)?;
        changed.name_key = Set(name.to_lowercase());
        changed.name = Set(name);
    }
    if let Some(color) = color {
        changed.color = Set(label_color(color)?);
    }
    changed.updated_at = Set(clock::now());
    Ok(changed
        .update(db)
        .await
        .map_err(|err| conflict_if_taken(err, "another label has that name"))?
        .into())
}

/// Deletes a label, by an admin: it comes off every chat (activity lines about it stay,
/// without its name).
///
/// # Errors
/// 403 for an agent; 404 for an unknown label.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: Uuid,
) -> Result<(), AppError> {
    admins_only(actor, "labels")?;
    let deleted = LabelRows::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::not_found("no such label"));
    }
    Ok(())
}

/// The labels of each of `chats`, by name (chats without any are left out).
///
/// # Errors
/// Internal error on database failure.
pub async fn on_chats(
    db: &impl ConnectionTrait,
    chats: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Vec<Label>>, AppError> {
    let chats: Vec<Uuid> = chats.into_iter().collect();
    if chats.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = ChatLabel::find()
        .filter(chat_label::Column::ChatId.is_in(chats))
        .find_also_related(LabelRows)
        .order_by_asc(label::Column::NameKey)
        .all(db)
        .await?;
    let mut labels: HashMap<Uuid, Vec<Label>> = HashMap::new();
    for (on_chat, label) in rows {
        if let Some(label) = label {
            labels
                .entry(on_chat.chat_id)
                .or_default()
                .push(label.into());
        }
    }
    Ok(labels)
}

/// The labels of `ids`, by id (ids no label has are left out).
///
/// # Errors
/// Internal error on database failure.
pub async fn by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Label>, AppError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(LabelRows::find()
        .filter(label::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.into()))
        .collect())
}

/// A label's name ([`bounded_text`]).
fn label_name(raw: &str) -> Result<String, AppError> {
    bounded_text("label's name", raw, MAX_LABEL_CHARS)
}

/// A colour of the palette, written as the palette writes it.
fn label_color(raw: &str) -> Result<String, AppError> {
    LABEL_COLORS
        .iter()
        .find(|color| **color == raw)
        .map(|color| (*color).to_owned())
        .ok_or_else(|| {
            AppError::validation(format!("color must be one of {}", LABEL_COLORS.join(", ")))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded_and_colours_come_from_the_palette() {
        assert_eq!(label_name("  vip ").ok().as_deref(), Some("vip"));
        assert!(label_name("   ").is_err());
        assert!(label_name(&"x".repeat(MAX_LABEL_CHARS + 1)).is_err());
        assert!(label_name(&"é".repeat(MAX_LABEL_CHARS)).is_ok());
        assert!(label_name(&format!(" {} ", "x".repeat(MAX_LABEL_CHARS - 1))).is_err());
        assert_eq!(label_color("#1d4ed8").ok().as_deref(), Some("#1d4ed8"));
        assert!(label_color("#1D4ED8").is_err());
        assert!(label_color("#123456").is_err());
        assert!(label_color("red").is_err());
    }
}
