//! Confab's wire types: what travels between browser and server, and what sites code against.
//! Field names follow the spec's JSON exactly; the REST API, the `/ws` protocol and the error body
//! are public contracts, so fields are only ever added.
//!
//! Compiled into the browser bundles and the server alike; it knows nothing of the database,
//! HTTP or the UI beyond the conversions its features name.

pub mod attachments;
pub mod error;
pub mod labels;
pub mod model;
pub mod notes;
pub mod protocol;
pub mod replies;
pub mod staff;
pub mod team;
