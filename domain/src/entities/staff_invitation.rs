//! A row of `staff_invitations`: an admin's invitation of a colleague, and the job of its email.

use sea_orm::entity::prelude::*;

use super::columns::StaffRoleColumn;

/// One invitation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_invitations")]
pub struct Model {
    /// UUID v7; also the stable part of the email's `Message-ID`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who is invited (lowercased).
    pub email: String,
    /// Their name, as the admin typed it.
    pub name: Option<String>,
    /// The role they will have.
    pub staff_role: StaffRoleColumn,
    /// Hex SHA-256 of the link's token: what accepting looks up.
    pub token_hash: String,
    /// The token itself, only until the email went out (the link carries it).
    pub token: Option<String>,
    /// The admin who invited them.
    pub invited_by: Option<Uuid>,
    /// When the link stops working.
    pub expires_at: DateTimeUtc,
    /// When it was used (once).
    pub accepted_at: Option<DateTimeUtc>,
    /// When an admin withdrew it (or a newer invitation of the same email replaced it).
    pub revoked_at: Option<DateTimeUtc>,
    /// When the email went out.
    pub email_sent_at: Option<DateTimeUtc>,
    /// When the email is due (or, while claimed, when the lease ends).
    pub run_at: DateTimeUtc,
    /// Attempts at the email so far.
    pub attempts: i32,
    /// The last attempt's failure, for operators.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When the admin invited them.
    pub created_at: DateTimeUtc,
}

/// Tables `staff_invitations` points to: none (the inviting admin is kept by id only, so an
/// invitation outlives nothing it should not).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
