//! A row of `note_mentions`: a colleague a note mentioned (`@name`), when they saw it, and the
//! email they get when they do not see it in time (the row is that email's durable job).

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
    /// When the mention's email is due (while claimed: when the lease ends); `None` once it
    /// went out, was not needed or gave up.
    pub email_run_at: Option<DateTimeUtc>,
    /// Attempts at the email so far.
    pub email_attempts: i32,
    /// When the email went out.
    pub emailed_at: Option<DateTimeUtc>,
    /// The last attempt's failure, for operators.
    #[sea_orm(column_type = "Text", nullable)]
    pub email_error: Option<String>,
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
