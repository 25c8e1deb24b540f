//! Reading private notes, what staff write to each other inside a conversation ("@tom this
//! customer was refunded last week"), and finding the colleagues a note mentions. A note lives
//! in `chat_notes`, apart from the chat's messages, so none of a user's paths (history,
//! polling, replay, reply emails, the list's preview and count) can read one; it reaches staff
//! in the conversation and live on the admin channel only. Writing one is
//! [`super::post_note`]'s.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    entities::{ChatNote as NoteRows, NoteMention, chat_note, note_mention, user},
    team::directory,
};
use wire::{
    error::AppError,
    notes::ChatNote,
    team::{Author, StaffRef},
};

/// Every note on the chat, oldest first, as staff see them.
///
/// # Errors
/// Internal error on database failure.
pub async fn notes_of(db: &impl ConnectionTrait, chat_id: Uuid) -> Result<Vec<ChatNote>, AppError> {
    let rows = NoteRows::find()
        .filter(chat_note::Column::ChatId.eq(chat_id))
        .order_by_asc(chat_note::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// The note `id`, as staff see it, if it exists.
///
/// # Errors
/// Internal error on database failure.
pub async fn note(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ChatNote>, AppError> {
    let Some(row) = NoteRows::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(views(db, vec![row]).await?.pop())
}

/// The notes `ids`, as staff see them, by id.
///
/// # Errors
/// Internal error on database failure.
pub async fn notes_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, ChatNote>, AppError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = NoteRows::find()
        .filter(chat_note::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(views(db, rows)
        .await?
        .into_iter()
        .map(|note| (note.id, note))
        .collect())
}

/// Notes as staff see them, with their authors and mentions: two queries for all of them.
pub(super) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<chat_note::Model>,
) -> Result<Vec<ChatNote>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mention_rows = NoteMention::find()
        .filter(note_mention::Column::NoteId.is_in(rows.iter().map(|row| row.id)))
        .order_by_asc(note_mention::Column::Id)
        .all(db)
        .await?;
    let people = directory::people(
        db,
        rows.iter()
            .map(|row| row.author_id)
            .chain(mention_rows.iter().map(|row| row.user_id)),
    )
    .await?;
    let mut mentions: HashMap<Uuid, Vec<StaffRef>> = HashMap::new();
    for row in &mention_rows {
        if let Some(person) = people.get(&row.user_id) {
            mentions
                .entry(row.note_id)
                .or_default()
                .push(directory::staff_ref(person));
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let author = colleague(people.get(&row.author_id)?);
            let mentioned = mentions.remove(&row.id).unwrap_or_default();
            Some(view(row, author, mentioned))
        })
        .collect())
}

pub(super) fn view(row: chat_note::Model, author: Author, mentions: Vec<StaffRef>) -> ChatNote {
    ChatNote {
        id: row.id,
        content: row.content,
        author,
        mentions,
        created_at: row.created_at,
        client_id: row.client_id,
    }
}

/// A colleague as notes name them: the name colleagues know them by.
pub(super) fn colleague(staff: &user::Model) -> Author {
    Author::new(staff.id, staff.display_name())
}

/// The members of `team` that `content` mentions, each once, in the order they first appear.
/// A mention is `@` (at the start or after a character that is not a letter or digit)
/// followed by a member's name, in any case, ending at the end of the text or a character
/// that is not a letter or digit; where names overlap ("@Ann" and "@Ann Lee"), the longest
/// wins. A first name nobody else on the team starts with is enough: the picker's
/// `@Maya Lopez` and a typed `@maya` both mention Maya Lopez if no one else is called Maya.
pub fn mentioned(content: &str, team: &[StaffRef]) -> Vec<StaffRef> {
    let lower = content.to_lowercase();
    let mut found: Vec<StaffRef> = Vec::new();
    // Each member's name, and the first word of it, lower-cased: `(name, member)`.
    let mut names: Vec<(String, &StaffRef)> = Vec::new();
    for member in team {
        let full = member.name.to_lowercase();
        if let Some(first) = full.split_whitespace().next()
            && first != full
            && first_word_is_unique(team, first)
        {
            names.push((first.to_owned(), member));
        }
        names.push((full, member));
    }
    // Longest first, so "@ann lee" is tried before "@ann".
    names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut previous: Option<char> = None;
    for (at, character) in lower.char_indices() {
        let starts = character == '@' && !previous.is_some_and(char::is_alphanumeric);
        previous = Some(character);
        if !starts {
            continue;
        }
        let rest = &lower[at + 1..];
        let hit = names.iter().find(|(name, _)| {
            rest.starts_with(name.as_str())
                && !rest[name.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        });
        if let Some((_, member)) = hit
            && !found.iter().any(|known| known.id == member.id)
        {
            found.push((*member).clone());
        }
    }
    found
}

/// Whether exactly one member's name starts with the word `first`.
fn first_word_is_unique(team: &[StaffRef], first: &str) -> bool {
    team.iter()
        .filter(|member| {
            member
                .name
                .to_lowercase()
                .split_whitespace()
                .next()
                .is_some_and(|word| word == first)
        })
        .count()
        == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(n: u128, name: &str) -> StaffRef {
        StaffRef {
            id: Uuid::from_u128(n),
            name: name.to_owned(),
        }
    }

    fn names(content: &str, team: &[StaffRef]) -> Vec<String> {
        mentioned(content, team)
            .into_iter()
            .map(|m| m.name)
            .collect()
    }

    #[test]
    fn mentions_match_names_in_any_case_each_once_in_order() {
        let team = [member(1, "Maya Lopez"), member(2, "Tom")];
        assert_eq!(
            names("@tom and @Maya Lopez, then @TOM again", &team),
            ["Tom", "Maya Lopez"]
        );
        // A unique first name is enough.
        assert_eq!(names("ask @maya.", &team), ["Maya Lopez"]);
        assert!(names("no mention here", &team).is_empty());
    }

    #[test]
    fn mentions_need_a_boundary_on_both_sides() {
        let team = [member(1, "Tom")];
        assert!(names("mail tom@example.com", &team).is_empty());
        assert!(names("@tommy", &team).is_empty());
        assert_eq!(names("(@tom)", &team), ["Tom"]);
        assert_eq!(names("@tom", &team), ["Tom"]);
    }

    #[test]
    fn the_longest_name_wins_and_shared_first_names_need_the_whole_name() {
        let team = [member(1, "Ann"), member(2, "Ann Lee"), member(3, "Ann Bo")];
        assert_eq!(names("@Ann Lee hi", &team), ["Ann Lee"]);
        assert_eq!(names("@ann hi", &team), ["Ann"]);
        assert!(names("@Lee", &team).is_empty());
    }
}
