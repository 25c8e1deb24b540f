//! The reply email's content: subject, plain text and HTML (every user-provided character
//! escaped), the link that opens the conversation, the unsubscribe link, a stable Message-ID.

use super::ReplyEmail;
use wire::model::cut_chars;

/// Longest preview of one reply in the email, in characters.
pub const REPLY_PREVIEW_CHARS: usize = 200;

/// Where the email comes from.
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    /// The product's name ("New reply from {app_name} Support").
    pub app_name: &'a str,
    /// The public URL, without a trailing slash.
    pub public_url: &'a str,
}

/// A composed email, ready for a transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// `<reply-JOB@host>`: the same for every attempt at the same job.
    pub message_id: String,
    /// Opens the conversation (the hosted app with the widget open).
    pub open_url: String,
    /// Unsubscribes: a page confirming with one click (GET), or at once (POST, RFC 8058).
    /// `None` for an email nobody subscribed to (an invitation).
    pub unsubscribe_url: Option<String>,
}

/// Composes the email for `email`.
pub fn compose(site: Site<'_>, email: &ReplyEmail) -> Composed {
    let open_url = format!("{}/?support=open", site.public_url);
    let unsubscribe_url = format!(
        "{}/unsubscribe?user={}&token={}",
        site.public_url, email.user_id, email.unsubscribe_token
    );
    let count = email.replies.len();
    let headline = if count == 1 {
        format!("You have a new reply from {} Support:", site.app_name)
    } else {
        format!(
            "You have {count} new replies from {} Support:",
            site.app_name
        )
    };
    let mut text = format!("Hello,\n\n{headline}\n\n");
    let mut items = String::new();
    for reply in &email.replies {
        let preview = cut_chars(&reply.content, REPLY_PREVIEW_CHARS);
        let at = reply.created_at.format("%Y-%m-%d %H:%M UTC");
        let files = email.files.get(&reply.id).map_or(&[][..], Vec::as_slice);
        text.push_str(&format!("  * {preview}\n"));
        let mut links = String::new();
        for file in files {
            text.push_str(&format!(
                "    Attached: {} ({}): {}\n",
                file.name,
                file.size_label(),
                file.url
            ));
            links.push_str(&format!(
                "<div>&#128206; <a href=\"{}\" style=\"color:#175cd3\">{}</a> \
                 <span style=\"color:#667085\">({})</span></div>",
                escape(&file.url),
                escape(&file.name),
                file.size_label()
            ));
        }
        text.push_str(&format!("    ({at})\n\n"));
        items.push_str(&format!(
            "<li style=\"margin:0 0 12px\"><div style=\"white-space:pre-wrap\">{}</div>{links}\
             <div style=\"color:#667085;font-size:12px\">{at}</div></li>",
            escape(&preview)
        ));
    }
    text.push_str(&format!(
        "Read and answer: {open_url}\n\n--\nYou get this email because a reply in your support \
         conversation stayed unread.\nUnsubscribe: {unsubscribe_url}\n"
    ));
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#101828\">\
         <p>Hello,</p><p>{}</p><ul style=\"padding-left:20px\">{items}</ul>\
         <p><a href=\"{}\" style=\"color:#175cd3\">Read and answer</a></p>\
         <hr style=\"border:none;border-top:1px solid #eaecf0\">\
         <p style=\"color:#667085;font-size:12px\">You get this email because a reply in your \
         support conversation stayed unread. <a href=\"{}\" style=\"color:#667085\">Unsubscribe</a></p>\
         </body></html>",
        escape(&headline),
        escape(&open_url),
        escape(&unsubscribe_url),
    );
    Composed {
        to: email.to.clone(),
        subject: format!("New reply from {} Support", site.app_name),
        text,
        html,
        message_id: format!("<reply-{}@{}>", email.job_id, host_of(site.public_url)),
        open_url,
        unsubscribe_url: Some(unsubscribe_url),
    }
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The host of a URL, without scheme, port or path.
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::entities::{columns::SenderColumn, support_message};

    fn reply(content: &str, minute: u32) -> support_message::Model {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, minute, 0)
            .single()
            .expect("a time");
        support_message::Model {
            id: Uuid::nil(),
            chat_id: Uuid::nil(),
            seq: i64::from(minute),
            client_id: None,
            content: content.to_owned(),
            sender_type: SenderColumn::Admin,
            author_id: None,
            read_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn email(replies: Vec<support_message::Model>) -> ReplyEmail {
        ReplyEmail {
            job_id: Uuid::nil(),
            user_id: Uuid::nil(),
            to: "ada@example.com".into(),
            unsubscribe_token: "t0ken".into(),
            replies,
            files: std::collections::HashMap::new(),
        }
    }

    const SITE: Site<'static> = Site {
        app_name: "Acme",
        public_url: "https://support.acme.example:8443",
    };

    #[test]
    fn the_email_lists_replies_oldest_first_with_escaped_html() {
        let composed = compose(
            SITE,
            &email(vec![
                reply("First <b>answer</b> & more", 1),
                reply("Second", 2),
                reply(&"é".repeat(250), 3),
            ]),
        );
        assert_eq!(composed.subject, "New reply from Acme Support");
        assert!(composed.text.contains("3 new replies from Acme Support"));
        let first = composed.text.find("First").expect("first reply");
        let second = composed.text.find("Second").expect("second reply");
        assert!(first < second, "oldest first");
        assert!(
            composed
                .html
                .contains("First &lt;b&gt;answer&lt;/b&gt; &amp; more")
        );
        assert!(!composed.html.contains("<b>answer</b>"));
        assert!(composed.text.contains(&format!("{}…", "é".repeat(200))));
        assert!(!composed.text.contains(&"é".repeat(201)));
        assert_eq!(
            composed.message_id,
            format!("<reply-{}@support.acme.example>", Uuid::nil())
        );
        assert_eq!(
            composed.unsubscribe_url,
            Some(format!(
                "https://support.acme.example:8443/unsubscribe?user={}&token=t0ken",
                Uuid::nil()
            ))
        );
        assert!(composed.html.contains("unsubscribe?user="));
        assert!(composed.html.contains("&amp;token=t0ken"));
    }

    /// Ids and dates vary from run to run; the snapshots show their places.
    fn redacted(text: &str) -> String {
        let ids =
            regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .expect("id pattern");
        let dates = regex::Regex::new(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC").expect("date pattern");
        dates
            .replace_all(&ids.replace_all(text, "[id]"), "[date]")
            .into_owned()
    }

    #[test]
    fn the_bodies_match_their_snapshots() {
        let now = Utc::now();
        let mut replies = vec![
            reply("Have you tried turning it off and on again?", 1),
            reply("If that fails: <b>hold</b> the button for 10 s & retry.", 2),
        ];
        for (i, reply) in replies.iter_mut().enumerate() {
            reply.id = Uuid::now_v7();
            reply.created_at = now + chrono::TimeDelta::seconds(i64::try_from(i).unwrap_or(0));
        }
        let composed = compose(
            SITE,
            &ReplyEmail {
                job_id: Uuid::now_v7(),
                user_id: Uuid::now_v7(),
                ..email(replies)
            },
        );
        insta::assert_snapshot!("reply_email_text", redacted(&composed.text));
        insta::assert_snapshot!("reply_email_html", redacted(&composed.html));
        assert_eq!(
            redacted(&composed.message_id),
            "<reply-[id]@support.acme.example>"
        );
    }

    #[test]
    fn files_sent_with_a_reply_are_named_with_their_links() {
        let mut sent = reply("Your invoice", 3);
        sent.id = Uuid::now_v7();
        let file = wire::attachments::Attachment {
            id: Uuid::nil(),
            name: "invoice <12>.pdf".to_owned(),
            size: 2_048,
            content_type: "application/pdf".to_owned(),
            width: None,
            height: None,
            url: "https://support.acme.example:8443/files/x?exp=1&sig=ab&x=<".to_owned(),
            thumbnail_url: None,
        };
        let mut with_files = email(vec![sent.clone()]);
        with_files.files.insert(sent.id, vec![file]);
        let composed = compose(SITE, &with_files);
        assert!(composed.text.contains(
            "Attached: invoice <12>.pdf (3 KB): https://support.acme.example:8443/files/x?exp=1&sig=ab&x=<"
        ));
        assert!(composed.html.contains(
            "<a href=\"https://support.acme.example:8443/files/x?exp=1&amp;sig=ab&amp;x=&lt;\" style=\"color:#175cd3\">invoice &lt;12&gt;.pdf</a>"
        ));
    }

    #[test]
    fn one_reply_reads_in_the_singular() {
        let composed = compose(SITE, &email(vec![reply("Hi", 1)]));
        assert!(
            composed
                .text
                .contains("You have a new reply from Acme Support:")
        );
    }
}
