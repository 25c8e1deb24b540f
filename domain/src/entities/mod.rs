//! SeaORM entities, one module per table. Their shape is the schema the `migration` crate
//! creates; the schema tests in `server/tests` read both backends back to keep them in step.

pub mod attachment;
pub mod chat_activity;
pub mod chat_label;
pub mod chat_note;
pub mod columns;
pub mod label;
pub mod note_mention;
pub mod notification_job;
pub mod saved_reply;
pub mod secret;
pub mod session;
pub mod staff_invitation;
pub mod support_chat;
pub mod support_message;
pub mod user;

pub use attachment::Entity as Attachment;
pub use chat_activity::Entity as ChatActivity;
pub use chat_label::Entity as ChatLabel;
pub use chat_note::Entity as ChatNote;
pub use label::Entity as Label;
pub use note_mention::Entity as NoteMention;
pub use notification_job::Entity as NotificationJob;
pub use saved_reply::Entity as SavedReply;
pub use secret::Entity as Secret;
pub use session::Entity as Session;
pub use staff_invitation::Entity as StaffInvitation;
pub use support_chat::Entity as SupportChat;
pub use support_message::Entity as SupportMessage;
pub use user::Entity as User;
