//! The composer's pickers, as pure rules the host's tests cover: when a picker opens (`/` at
//! the start of the box, or Ctrl+/, for saved replies; `@` after a space in a note, for
//! colleagues), what it offers for the words typed after it, and what choosing puts in the box.
//! The component is [`super::composer`]'s.

use wire::{
    replies::{SavedReply, Variables, fill},
    team::StaffRef,
};

/// What a picker offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerKind {
    /// The team's saved replies.
    Replies,
    /// Colleagues to mention.
    Mentions,
}

/// An open picker: what it offers, where the text it replaces starts (a byte offset into the
/// box's text), and the words typed after its trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// Replies or mentions.
    pub kind: PickerKind,
    /// Where the trigger (`/`, `@`) starts; what choosing replaces runs from here to the caret.
    pub start: usize,
    /// What was typed after the trigger, up to the caret.
    pub query: String,
}

/// The picker the text before the caret opens, if any: `/words` as the whole text before the
/// caret (a saved reply, at the start of the box), or `@words` starting the last word in a
/// note (a colleague).
pub fn trigger(text: &str, caret: usize, in_note: bool) -> Option<Trigger> {
    let before = text.get(..caret)?;
    if let Some(query) = before.strip_prefix('/')
        && !query.contains(char::is_whitespace)
    {
        return Some(Trigger {
            kind: PickerKind::Replies,
            start: 0,
            query: query.to_owned(),
        });
    }
    if !in_note {
        return None;
    }
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(at, c)| at + c.len_utf8());
    let query = before[word_start..].strip_prefix('@')?;
    Some(Trigger {
        kind: PickerKind::Mentions,
        start: word_start,
        query: query.to_owned(),
    })
}

/// The saved replies whose shortcut, title or body holds `query` (any case), shortcut
/// matches first.
pub fn matching_replies<'a>(replies: &'a [SavedReply], query: &str) -> Vec<&'a SavedReply> {
    let query = query.to_lowercase();
    let holds = |text: &str| text.to_lowercase().contains(&query);
    let mut found: Vec<&SavedReply> = replies
        .iter()
        .filter(|r| holds(&r.shortcut) || holds(&r.title) || holds(&r.body))
        .collect();
    found.sort_by_key(|r| !r.shortcut.to_lowercase().starts_with(&query));
    found
}

/// The colleagues whose name holds `query` (any case), those it starts first.
pub fn matching_people<'a>(team: &'a [StaffRef], query: &str) -> Vec<&'a StaffRef> {
    let query = query.to_lowercase();
    let mut found: Vec<&StaffRef> = team
        .iter()
        .filter(|p| p.name.to_lowercase().contains(&query))
        .collect();
    found.sort_by_key(|p| !p.name.to_lowercase().starts_with(&query));
    found
}

/// The box's text once `inserted` replaced the trigger (from its start to the caret), and
/// where the caret goes: after the insertion.
pub fn replace(text: &str, trigger: &Trigger, caret: usize, inserted: &str) -> (String, usize) {
    let caret = caret.min(text.len()).max(trigger.start);
    let mut out = String::with_capacity(text.len() + inserted.len());
    out.push_str(&text[..trigger.start]);
    out.push_str(inserted);
    let after = out.len();
    out.push_str(&text[caret..]);
    (out, after)
}

/// What choosing a saved reply inserts: its body, variables filled.
pub fn reply_text(reply: &SavedReply, variables: &Variables<'_>) -> String {
    fill(&reply.body, variables)
}

/// What choosing a colleague inserts: `@Name ` (notes resolve mentions by name).
pub fn mention_text(person: &StaffRef) -> String {
    format!("@{} ", person.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn reply(shortcut: &str, title: &str, body: &str) -> SavedReply {
        SavedReply {
            id: Uuid::nil(),
            title: title.to_owned(),
            shortcut: shortcut.to_owned(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_slash_at_the_start_opens_replies_and_an_at_in_a_note_opens_people() {
        assert_eq!(
            trigger("/ref", 4, false),
            Some(Trigger {
                kind: PickerKind::Replies,
                start: 0,
                query: "ref".into()
            })
        );
        assert_eq!(trigger("/ref und", 8, false), None, "a space ends it");
        assert_eq!(trigger("see /ref", 8, false), None, "only at the start");
        assert_eq!(trigger("ask @to", 7, false), None, "mentions are for notes");
        assert_eq!(
            trigger("ask @to", 7, true),
            Some(Trigger {
                kind: PickerKind::Mentions,
                start: 4,
                query: "to".into()
            })
        );
        assert_eq!(trigger("mail a@b", 8, true), None, "an @ inside a word");
        assert_eq!(trigger("é @", 4, true).map(|t| t.start), Some(3));
    }

    #[test]
    fn choosing_replaces_the_trigger_and_puts_the_caret_after() {
        let open = trigger("/ref", 4, false).expect("open");
        assert_eq!(
            replace("/ref", &open, 4, "Refunded."),
            ("Refunded.".into(), 9)
        );
        let mention = trigger("ask @to now", 7, true).expect("open");
        assert_eq!(
            replace("ask @to now", &mention, 7, "@Tom "),
            ("ask @Tom  now".into(), 9)
        );
    }

    #[test]
    fn pickers_filter_by_what_was_typed_best_first() {
        let replies = [
            reply("thanks", "Thank you", "Glad to help"),
            reply("refund", "Refund issued", "Your refund is on its way"),
            reply("policy", "Refund policy", "30 days"),
        ];
        let found: Vec<&str> = matching_replies(&replies, "REF")
            .iter()
            .map(|r| r.shortcut.as_str())
            .collect();
        assert_eq!(found, ["refund", "policy"]);
        assert_eq!(matching_replies(&replies, "").len(), 3);
        let team = [
            StaffRef {
                id: Uuid::nil(),
                name: "Anna Tomlin".into(),
            },
            StaffRef {
                id: Uuid::nil(),
                name: "Tom".into(),
            },
        ];
        let people: Vec<&str> = matching_people(&team, "tom")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(people, ["Tom", "Anna Tomlin"]);
        assert_eq!(mention_text(&team[1]), "@Tom ");
        let variables = Variables {
            user_name: Some("Ada"),
            ..Variables::default()
        };
        assert_eq!(
            reply_text(
                &reply("hi", "Hi", "Hi {{user.name}} {{agent.name}}"),
                &variables
            ),
            "Hi Ada {{agent.name}}"
        );
    }
}
