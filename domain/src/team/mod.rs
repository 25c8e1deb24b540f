//! The support team: who is on it and how they appear (`directory`), what admins change about
//! colleagues (`membership`: roles, deactivation, presence), and how colleagues join
//! (`invitations`).

pub mod directory;
pub mod invitations;
pub mod membership;
