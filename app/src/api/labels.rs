//! Server functions for labels: the labels page (`/admin/labels`: admins define them), the
//! conversation's label menu and the inbox's label filter. Same services and wire types as
//! `/api/admin/labels` and `PUT /api/admin/chats/{id}/labels`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

use wire::{error::AppError, labels::Label, model::SupportChatListItem};

/// The team's labels, by name, and whether the reader may define them (admins).
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "labels/load")]
pub async fn load_labels() -> Result<(Vec<Label>, bool), AppError> {
    use super::request::{answer, staff};
    use domain::labels;

    answer(
        async {
            let (state, staff) = staff().await?;
            Ok((labels::all(&state.db).await?, staff.is_team_admin()))
        }
        .await,
    )
}

/// A new label.
///
/// # Errors
/// 403 for agents; 409 for a name taken in any case; 422 for a bad name or colour.
#[server(prefix = "/rpc", endpoint = "labels/create")]
pub async fn create_label(name: String, color: String) -> Result<Label, AppError> {
    use super::request::{answer, staff};
    use domain::labels;

    answer(
        async {
            let (state, staff) = staff().await?;
            labels::create(&state.db, &staff, &name, &color).await
        }
        .await,
    )
}

/// Renames and recolours a label.
///
/// # Errors
/// As [`create_label`]; 404 for an unknown label.
#[server(prefix = "/rpc", endpoint = "labels/change")]
pub async fn change_label(id: Uuid, name: String, color: String) -> Result<Label, AppError> {
    use super::request::{answer, staff};
    use domain::labels;

    answer(
        async {
            let (state, staff) = staff().await?;
            labels::update(&state.db, &staff, id, Some(&name), Some(&color)).await
        }
        .await,
    )
}

/// Deletes a label (it comes off every chat).
///
/// # Errors
/// 403 for agents; 404 for an unknown label.
#[server(prefix = "/rpc", endpoint = "labels/delete")]
pub async fn delete_label(id: Uuid) -> Result<(), AppError> {
    use super::request::{answer, staff};
    use domain::labels;

    answer(
        async {
            let (state, staff) = staff().await?;
            labels::delete(&state.db, &staff, id).await
        }
        .await,
    )
}

/// Makes `label_ids` the chat's labels; answers its list entry.
///
/// # Errors
/// 404 for an unknown chat; 422 for an unknown label or more than 20.
#[server(prefix = "/rpc", endpoint = "labels/on_chat", input = Json)]
pub async fn set_chat_labels(
    chat_id: Uuid,
    label_ids: Vec<Uuid>,
) -> Result<SupportChatListItem, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            chats::set_labels(&state.db, &state.effects, chat_id, staff.id, &label_ids).await
        }
        .await,
    )
}
