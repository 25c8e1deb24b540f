//! A row of `note_mentions`: a colleague a note mentioned (`@name`), and when they saw it.

use sea_orm::entity::prelude::*;

/// One mention of one person in one note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "note_mentions")]
pub struct Model {
    /// UUID v7: a person's mentions sort by it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The note.
    pub note_id: Uuid,
    /// The note's chat (the Mentions view links to it without reading the note).
    pub chat_id: Uuid,
    /// The staff member mentioned.
    pub user_id: Uuid,
    /// When they saw it (opened the chat, or the Mentions view); `None` until then.
    pub seen_at: Option<DateTimeUtc>,
    /// When the note was written.
    pub created_at: DateTimeUtc,
}

/// Tables `note_mentions` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The note that mentions.
    #[sea_orm(
        belongs_to = "super::chat_note::Entity",
        from = "Column::NoteId",
        to = "super::chat_note::Column::Id",
        on_delete = "Cascade"
    )]
    ChatNote,
}

impl Related<super::chat_note::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ChatNote.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
