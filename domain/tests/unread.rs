//! The rule of "unread for staff" holds its two spellings (the Rust rule the list entry and the
//! admin channel use, the SQL the dashboard's count uses) to the same answers, on a real SQLite
//! database migrated like production, for every combination of a chat's figures.

use chrono::{TimeDelta, Utc};
use domain::{
    auth::visitors,
    chats::{self, unread::unread_by_staff},
    entities::{SupportChat, support_chat},
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, Database, EntityTrait, IntoActiveModel, Set};

#[tokio::test]
async fn the_count_and_the_list_entries_agree_on_every_combination() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("unread.db").display()
    );
    let db = Database::connect(&url).await.expect("connect");
    Migrator::up(&db, None).await.expect("migrate");

    let start = Utc::now() - TimeDelta::hours(1);
    let at = |minutes| Some(start + TimeDelta::minutes(minutes));
    let mut expected = 0;
    for wrote in [None, at(10), at(30)] {
        for viewed in [None, at(20)] {
            for archived in [None, at(40)] {
                let user = visitors::create_anonymous(&db).await.expect("user");
                let chat = chats::get_or_create(&db, user.id).await.expect("chat");
                let mut row = chat.into_active_model();
                row.last_user_message_at = Set(wrote);
                row.last_message_at = Set(wrote);
                row.admin_viewed_at = Set(viewed);
                row.archived_at = Set(archived);
                let chat: support_chat::Model = row.update(&db).await.expect("update");
                let entry = chats::list_item(&db, chat.id).await.expect("entry");
                assert_eq!(entry.unread, unread_by_staff(&chat), "{chat:?}");
                if archived.is_none() && unread_by_staff(&chat) {
                    expected += 1;
                }
            }
        }
    }
    assert_eq!(SupportChat::find().all(&db).await.expect("chats").len(), 12);
    // Unread and active: written after the look (30 > 20), or written and never looked at.
    assert_eq!(expected, 3);
    assert_eq!(
        chats::count_unread_for_admin(&db).await.expect("count"),
        expected
    );
}
