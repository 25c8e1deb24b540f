//! Integration tests: the real router on 127.0.0.1:0 and a real database per test — a SQLite
//! file, or a fresh PostgreSQL database when `DATABASE_URL` points at a PostgreSQL server.

mod admin_list;
mod attachment_memory;
mod attachments;
mod auth;
mod chat_api;
mod chats;
mod cli;
mod concurrency;
mod config_docs;
mod crash;
mod entities;
mod fanout;
mod hardening;
mod http_hygiene;
mod inbox;
mod invitations;
mod labels;
mod notes;
mod openapi;
mod operations;
mod pages;
mod replies;
mod reply_emails;
mod s3;
mod samples;
mod schema;
mod smtp;
mod socket;
mod support;
mod widget;
