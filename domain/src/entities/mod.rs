//! SeaORM entities, one module per table. Their shape is the schema the `migration` crate
//! creates; the schema tests in `server/tests` read both backends back to keep them in step.

pub mod columns;
pub mod notification_job;
pub mod session;
pub mod support_chat;
pub mod support_message;
pub mod user;

pub use notification_job::Entity as NotificationJob;
pub use session::Entity as Session;
pub use support_chat::Entity as SupportChat;
pub use support_message::Entity as SupportMessage;
pub use user::Entity as User;
