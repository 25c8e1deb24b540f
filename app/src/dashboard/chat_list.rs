//! The chat list as one view of the inbox holds it: the pages loaded so far, kept in list
//! order as live `chat_updated` entries arrive, each entry in the views its owner and state
//! put it in. Pure, so the host's tests cover the rules.

use std::cmp::Ordering;

use uuid::Uuid;

use wire::{
    model::{ChatListPage, SupportChatListItem},
    team::{ChatStatus, InboxView},
};

/// One view of the inbox as one staff member sees it ("Mine" is theirs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tab {
    /// The view.
    pub view: InboxView,
    /// Who is looking.
    pub viewer: Uuid,
    /// Only chats carrying this label.
    pub label: Option<Uuid>,
}

impl Tab {
    /// Whether `entry` belongs in this view (the server's `ListScope` rule, and its label,
    /// for live entries).
    pub fn holds(&self, entry: &SupportChatListItem) -> bool {
        let owner = entry.assignee.as_ref().map(|a| a.id);
        let labeled = self
            .label
            .is_none_or(|label| entry.labels.iter().any(|l| l.id == label));
        labeled
            && match self.view {
                InboxView::Mine => entry.status == ChatStatus::Open && owner == Some(self.viewer),
                InboxView::Unassigned => entry.status == ChatStatus::Open && owner.is_none(),
                InboxView::Open => entry.status == ChatStatus::Open,
                InboxView::Snoozed => entry.status == ChatStatus::Snoozed,
                InboxView::Resolved => entry.status == ChatStatus::Resolved,
            }
    }
}

/// What one tab shows and how far it has loaded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatList {
    /// The chats in list order.
    pub chats: Vec<SupportChatListItem>,
    /// Whether more chats follow the last one shown (another page can load).
    pub more: bool,
}

/// List order: newest activity first, chats without messages last, then by id (newest first).
pub fn list_order(a: &SupportChatListItem, b: &SupportChatListItem) -> Ordering {
    match (a.last_message_at, b.last_message_at) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| b.id.cmp(&a.id))
}

impl ChatList {
    /// The first page.
    pub fn from_page(page: ChatListPage) -> Self {
        Self {
            more: page.next_after.is_some(),
            chats: page.chats,
        }
    }

    /// Where the next page starts: after the last chat shown (its row's current place, so
    /// chats that moved since the last page are neither skipped nor repeated).
    pub fn next_cursor(&self) -> Option<Uuid> {
        if self.more {
            self.chats.last().map(|c| c.id)
        } else {
            None
        }
    }

    /// Appends the next page; chats already shown (moved up meanwhile) are not repeated.
    pub fn append(&mut self, page: ChatListPage) {
        self.more = page.next_after.is_some();
        for chat in page.chats {
            if !self.chats.iter().any(|c| c.id == chat.id) {
                self.chats.push(chat);
            }
        }
    }

    /// A chat's entry changed (`chat_updated`). It leaves this tab when it no longer belongs
    /// (its owner or state moved it to another view); otherwise it takes its place in list
    /// order, unless that place is past the pages loaded (a later page brings it). During a
    /// search only chats already found are updated: whether another chat matches is the
    /// server's call.
    pub fn apply(&mut self, mut entry: SupportChatListItem, tab: Tab, searching: bool) {
        let shown = self.chats.iter().position(|c| c.id == entry.id);
        if let Some(at) = shown {
            let old = self.chats.remove(at);
            if entry.match_snippet.is_none() {
                entry.match_snippet = old.match_snippet;
                entry.match_in_note = old.match_in_note;
            }
        }
        if !tab.holds(&entry) || (searching && shown.is_none()) {
            return;
        }
        let at = self
            .chats
            .partition_point(|c| list_order(c, &entry) == Ordering::Less);
        if at == self.chats.len() && self.more {
            return;
        }
        self.chats.insert(at, entry);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;

    fn chat(n: u128, minutes_ago: Option<i64>, archived: bool) -> SupportChatListItem {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time");
        SupportChatListItem {
            id: Uuid::from_u128(n),
            user_id: Uuid::from_u128(1000 + n),
            user_email: None,
            last_message_at: minutes_ago.map(|m| now - Duration::minutes(m)),
            last_message_preview: None,
            last_message_sender: None,
            message_count: 1,
            unread: false,
            archived,
            status: if archived {
                ChatStatus::Resolved
            } else {
                ChatStatus::Open
            },
            snoozed_until: None,
            assignee: None,
            labels: Vec::new(),
            match_in_note: false,
            match_snippet: None,
        }
    }

    const VIEWER: Uuid = Uuid::from_u128(77);
    const OPEN: Tab = Tab {
        view: InboxView::Open,
        viewer: VIEWER,
        label: None,
    };
    const RESOLVED: Tab = Tab {
        view: InboxView::Resolved,
        viewer: VIEWER,
        label: None,
    };

    fn ids(list: &ChatList) -> Vec<u128> {
        list.chats.iter().map(|c| c.id.as_u128()).collect()
    }

    fn page(chats: Vec<SupportChatListItem>, more: bool) -> ChatListPage {
        ChatListPage {
            next_after: more.then(|| chats.last().map(|c| c.id)).flatten(),
            chats,
        }
    }

    #[test]
    fn updates_move_chats_to_their_place_and_out_of_the_wrong_tab() {
        let mut list = ChatList::from_page(page(
            vec![
                chat(1, Some(1), false),
                chat(2, Some(5), false),
                chat(3, None, false),
            ],
            false,
        ));
        // Chat 3 gets a message: to the top, unread.
        let mut newest = chat(3, Some(0), false);
        newest.unread = true;
        list.apply(newest, OPEN, false);
        assert_eq!(ids(&list), [3, 1, 2]);
        assert!(list.chats[0].unread);
        // Chat 1 is archived by someone: it leaves the active tab.
        list.apply(chat(1, Some(1), true), OPEN, false);
        assert_eq!(ids(&list), [3, 2]);
        // A new chat appears in its place.
        list.apply(chat(9, Some(3), false), OPEN, false);
        assert_eq!(ids(&list), [3, 9, 2]);
        // The archived tab takes in an archived chat and drops one restored (auto-unarchive).
        let mut archive = ChatList::from_page(page(vec![chat(5, Some(10), true)], false));
        archive.apply(chat(6, Some(2), true), RESOLVED, false);
        assert_eq!(ids(&archive), [6, 5]);
        archive.apply(chat(5, Some(0), false), RESOLVED, false);
        assert_eq!(ids(&archive), [6]);
    }

    #[test]
    fn entries_past_the_loaded_pages_wait_for_their_page_and_pages_never_repeat() {
        let mut list = ChatList::from_page(page(
            vec![chat(1, Some(1), false), chat(2, Some(2), false)],
            true,
        ));
        list.apply(chat(7, Some(60), false), OPEN, false);
        assert_eq!(
            ids(&list),
            [1, 2],
            "older than the last loaded: a later page"
        );
        assert_eq!(list.next_cursor(), Some(Uuid::from_u128(2)));
        // Chat 4 moved to the top before the next page came: it is not shown twice.
        list.apply(chat(4, Some(0), false), OPEN, false);
        list.append(page(
            vec![chat(4, Some(0), false), chat(7, Some(60), false)],
            false,
        ));
        assert_eq!(ids(&list), [4, 1, 2, 7]);
        assert_eq!(list.next_cursor(), None);
    }

    #[test]
    fn owner_and_state_move_entries_between_views() {
        let mine = Tab {
            view: InboxView::Mine,
            viewer: VIEWER,
            label: None,
        };
        let unassigned = Tab {
            view: InboxView::Unassigned,
            viewer: VIEWER,
            label: None,
        };
        let snoozed = Tab {
            view: InboxView::Snoozed,
            viewer: VIEWER,
            label: None,
        };
        let mut entry = chat(1, Some(1), false);
        assert!(unassigned.holds(&entry) && OPEN.holds(&entry) && !mine.holds(&entry));
        entry.assignee = Some(wire::team::StaffRef {
            id: VIEWER,
            name: "Maya".into(),
        });
        assert!(mine.holds(&entry) && !unassigned.holds(&entry) && OPEN.holds(&entry));
        let mut list = ChatList::from_page(page(vec![entry.clone()], false));
        entry.status = ChatStatus::Snoozed;
        assert!(snoozed.holds(&entry) && !OPEN.holds(&entry) && !mine.holds(&entry));
        list.apply(entry.clone(), mine, false);
        assert!(list.chats.is_empty(), "a snoozed chat leaves Mine");
        entry.assignee.as_mut().expect("owner").id = Uuid::from_u128(78);
        entry.status = ChatStatus::Open;
        assert!(!mine.holds(&entry), "a colleague's chat is not mine");
    }

    #[test]
    fn a_label_view_takes_chats_as_the_label_comes_and_goes() {
        let vip = wire::labels::Label {
            id: Uuid::from_u128(500),
            name: "vip".into(),
            color: wire::labels::LABEL_COLORS[0].into(),
        };
        let labeled = Tab {
            label: Some(vip.id),
            ..OPEN
        };
        let mut list = ChatList::from_page(page(Vec::new(), false));
        let mut entry = chat(1, Some(1), false);
        list.apply(entry.clone(), labeled, false);
        assert!(list.chats.is_empty(), "no label yet");
        entry.labels.push(vip);
        list.apply(entry.clone(), labeled, false);
        assert_eq!(ids(&list), [1]);
        entry.labels.clear();
        list.apply(entry, labeled, false);
        assert!(list.chats.is_empty(), "the label came off");
    }

    #[test]
    fn searches_only_update_what_they_found() {
        let mut found = chat(1, Some(5), false);
        found.match_snippet = Some("refund please".into());
        let mut list = ChatList::from_page(page(vec![found], false));
        list.apply(chat(2, Some(0), false), OPEN, true);
        assert_eq!(ids(&list), [1], "an unknown chat may not match");
        list.apply(chat(1, Some(0), false), OPEN, true);
        assert_eq!(
            list.chats[0].match_snippet.as_deref(),
            Some("refund please"),
            "the snippet stays"
        );
    }
}
