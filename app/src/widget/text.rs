//! The widget's words and text rules: every visible string in English and Japanese and the
//! badge's label. Pure, so the rules are unit-tested on the host.

use crate::{components::UploadWords, conversation::Words};

/// The languages the widget speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Locale {
    /// `ja…` is Japanese, anything else English: a `locale` attribute or a browser language.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("ja") {
            Self::Ja
        } else {
            Self::En
        }
    }

    /// The BCP 47 tag, for `lang` attributes and date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ja => "ja",
        }
    }

    /// The strings in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::Ja => &JA,
        }
    }
}

/// Every fixed string the widget shows.
#[derive(Debug)]
pub struct Strings {
    /// The conversation's words (the view the dashboard shares).
    pub conversation: Words,
    /// The panel's title.
    pub title: &'static str,
    /// The button's label when closed and nothing is unread.
    pub open_chat: &'static str,
    /// The button's label when open.
    pub close_chat: &'static str,
    /// The message box's label and placeholder.
    pub input_label: &'static str,
    /// The send button.
    pub send: &'static str,
    /// The connection dot's label, connected.
    pub connected: &'static str,
    /// The connection dot's label, connecting or down.
    pub reconnecting: &'static str,
    /// When the chat could not be loaded.
    pub load_failed: &'static str,
    /// The mute toggle, sound on.
    pub mute: &'static str,
    /// The mute toggle, sound off.
    pub unmute: &'static str,
    /// The email prompt's text.
    pub email_prompt: &'static str,
    /// The email field's label.
    pub email_label: &'static str,
    /// The email prompt's button.
    pub email_save: &'static str,
    /// After the email was saved.
    pub email_saved: &'static str,
    /// The email prompt's dismiss button.
    pub dismiss: &'static str,
    /// Sender label of staff messages.
    pub staff: &'static str,
    /// When an identity the site sent was refused.
    pub identity_refused: &'static str,
}

static EN: Strings = Strings {
    conversation: Words {
        you: "You",
        seen: "Seen",
        sending: "Sending…",
        not_sent: "Not sent.",
        retry: "Retry",
        loading: "Loading…",
        empty: "Ask us anything. We usually answer within a few minutes.",
        new_messages: "New messages",
        typing: "Support is typing…",
        list_label: "Support",
        uploads: UploadWords::ENGLISH,
    },
    title: "Support",
    open_chat: "Open support chat",
    close_chat: "Close support chat",
    input_label: "Write a message…",
    send: "Send",
    connected: "Connected",
    reconnecting: "Reconnecting…",
    load_failed: "The chat could not be loaded. Retrying…",
    mute: "Mute sound",
    unmute: "Unmute sound",
    email_prompt: "Leave your email so our reply reaches you if you close this page.",
    email_label: "Your email",
    email_save: "Save",
    email_saved: "Thanks! We will email you when we reply.",
    dismiss: "Dismiss",
    staff: "Support",
    identity_refused: "Your identity could not be verified; you are chatting anonymously.",
};

static JA: Strings = Strings {
    conversation: Words {
        you: "あなた",
        seen: "既読",
        sending: "送信中…",
        not_sent: "送信できませんでした。",
        retry: "再送信",
        loading: "読み込み中…",
        empty: "何でもお気軽にご質問ください。通常数分以内にお返事します。",
        new_messages: "新しいメッセージ",
        typing: "サポートが入力中…",
        list_label: "サポート",
        uploads: UploadWords {
            attach: "ファイルを添付",
            remove: "削除",
            failed: "アップロードに失敗しました",
            retry: "再試行",
            sending: "アップロード中",
        },
    },
    title: "サポート",
    open_chat: "サポートチャットを開く",
    close_chat: "サポートチャットを閉じる",
    input_label: "メッセージを入力…",
    send: "送信",
    connected: "接続中",
    reconnecting: "再接続しています…",
    load_failed: "チャットを読み込めませんでした。再試行しています…",
    mute: "通知音をオフ",
    unmute: "通知音をオン",
    email_prompt: "ページを閉じても返信が届くよう、メールアドレスを残してください。",
    email_label: "メールアドレス",
    email_save: "保存",
    email_saved: "ありがとうございます。返信したらメールでお知らせします。",
    dismiss: "閉じる",
    staff: "サポート",
    identity_refused: "本人確認ができなかったため、匿名でチャットしています。",
};

/// What the badge shows: nothing for 0, the count up to 9, then "9+".
pub fn badge_text(unread: usize) -> Option<String> {
    match unread {
        0 => None,
        1..=9 => Some(unread.to_string()),
        _ => Some("9+".to_owned()),
    }
}

/// The chat button's accessible name, which includes the unread count.
pub fn button_label(locale: Locale, open: bool, unread: usize) -> String {
    let strings = locale.strings();
    if open {
        return strings.close_chat.to_owned();
    }
    match (locale, unread) {
        (_, 0) => strings.open_chat.to_owned(),
        (Locale::En, 1) => "Open support chat, 1 unread message".to_owned(),
        (Locale::En, n) => format!("Open support chat, {n} unread messages"),
        (Locale::Ja, n) => format!("サポートチャットを開く（未読 {n} 件）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_caps_at_nine() {
        assert_eq!(badge_text(0), None);
        assert_eq!(badge_text(3).as_deref(), Some("3"));
        assert_eq!(badge_text(9).as_deref(), Some("9"));
        assert_eq!(badge_text(10).as_deref(), Some("9+"));
    }

    #[test]
    fn the_button_label_carries_the_unread_count() {
        assert_eq!(button_label(Locale::En, false, 0), "Open support chat");
        assert_eq!(
            button_label(Locale::En, false, 1),
            "Open support chat, 1 unread message"
        );
        assert_eq!(
            button_label(Locale::En, false, 12),
            "Open support chat, 12 unread messages"
        );
        assert_eq!(button_label(Locale::En, true, 12), "Close support chat");
        assert!(button_label(Locale::Ja, false, 2).contains('2'));
    }

    #[test]
    fn locales_are_picked_from_language_tags() {
        assert_eq!(Locale::from_tag("ja-JP"), Locale::Ja);
        assert_eq!(Locale::from_tag("JA"), Locale::Ja);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("fr"), Locale::En);
    }
}
