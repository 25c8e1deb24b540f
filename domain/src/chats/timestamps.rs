//! Setting one of a chat's timestamps (staff's last look, archived) and telling staff
//! dashboards of the changed entry.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{
    clock,
    effects::Effects,
    entities::{SupportChat, support_chat},
    fact::Fact,
};
use wire::error::AppError;

/// Sets one timestamp column of a chat; staff dashboards hear of the changed entry.
pub(super) async fn set_timestamp(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    column: support_chat::Column,
    value: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<support_chat::Model, AppError> {
    let updated = SupportChat::update_many()
        .col_expr(column, Expr::value(value))
        .col_expr(support_chat::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(support_chat::Column::Id.eq(chat_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::not_found("no such chat"));
    }
    let chat = SupportChat::find_by_id(chat_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    effects
        .publish(db, Fact::ChatChanged { chat_id }, None)
        .await;
    Ok(chat)
}
