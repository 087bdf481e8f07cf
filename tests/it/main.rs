//! Integration tests: the corpus reader, the search engine and the command line, on the
//! seed article and the fixtures in `tests/fixtures/`; the fake Telegram Bot API server the
//! bot's end-to-end tests run against (`common::fake_telegram`, itself checked in
//! `fake_telegram_checks`).

mod answers;
mod bot;
mod bot_reliability;
mod cli;
mod common;
mod corpus;
mod dates;
mod fake_telegram_checks;
mod feeds_admin;
mod follow;
mod live;
mod pages;
mod reliability;
mod search;
mod trend;
