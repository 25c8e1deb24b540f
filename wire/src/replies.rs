//! Saved replies on the wire: the team's library of answers (`/api/admin/replies`), and how a
//! body's variables are filled when the composer inserts one. Added after the first release.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One answer of the library.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SavedReply {
    /// The reply's id.
    pub id: Uuid,
    /// What the library lists it as.
    pub title: String,
    /// What the composer's picker finds it by, unique whatever its case.
    pub shortcut: String,
    /// The text it inserts; `{{user.name}}`, `{{user.email}}` and `{{agent.name}}` are filled.
    pub body: String,
}

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// Longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 32;

/// What a saved reply's variables stand for in one conversation; `None` where it is not known.
#[derive(Clone, Copy, Debug, Default)]
pub struct Variables<'a> {
    /// `{{user.name}}`: the user's name.
    pub user_name: Option<&'a str>,
    /// `{{user.email}}`: the user's email.
    pub user_email: Option<&'a str>,
    /// `{{agent.name}}`: the staff member inserting it.
    pub agent_name: Option<&'a str>,
}

impl Variables<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        match name {
            "user.name" => self.user_name,
            "user.email" => self.user_email,
            "agent.name" => self.agent_name,
            _ => None,
        }
        .map(str::trim)
        .filter(|value| !value.is_empty())
    }
}

/// `body` with each `{{name}}` (spaces inside the braces allowed) replaced by its value. A
/// variable that is unknown, or known but without a value here (a visitor who gave no name),
/// stays as written, so the reply is never sent half-filled by surprise: the agent sees it in
/// the box and edits it.
pub fn fill(body: &str, variables: &Variables<'_>) -> String {
    let mut filled = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let name = after[..close].trim();
                match variables.value(name) {
                    Some(value) => filled.push_str(value),
                    None => filled.push_str(&rest[open..open + 2 + close + 2]),
                }
                rest = &after[close + 2..];
            }
            None => {
                filled.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    filled.push_str(rest);
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_variables_are_filled_and_the_rest_stay_visible() {
        let here = Variables {
            user_name: Some("Ada"),
            user_email: Some("ada@example.com"),
            agent_name: Some("Maya"),
        };
        assert_eq!(
            fill(
                "Hi {{user.name}}, {{ agent.name }} here ({{user.email}}).",
                &here
            ),
            "Hi Ada, Maya here (ada@example.com)."
        );
        assert_eq!(
            fill("Order {{order.id}} and {{user.name", &here),
            "Order {{order.id}} and {{user.name"
        );
        let visitor = Variables {
            user_name: None,
            user_email: Some(" "),
            agent_name: Some("Maya"),
        };
        assert_eq!(
            fill("Hi {{user.name}} / {{user.email}}", &visitor),
            "Hi {{user.name}} / {{user.email}}"
        );
        assert_eq!(fill("no variables", &visitor), "no variables");
        assert_eq!(fill("{{}}é{{agent.name}}", &visitor), "{{}}éMaya");
    }
}
