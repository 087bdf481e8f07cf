//! jianbao (简报): a news bot and command line that search Chinese news articles, list what
//! is new, summarise an article and answer plain questions, citing article and date.
//!
//! Data flows one way; a module uses only modules above it in this list (`corpus` and
//! `text` are independent of each other):
//!
//! ```text
//! corpus  files → Article values (decode, parse, strip page furniture, metadata)
//! text    segmentation, normalisation, sentences, stop words
//! index   tantivy in RAM (or kept on disk between runs): one document per paragraph,
//!         queries that never fail
//! store   SQLite: feeds, items seen, their articles, subscriptions, alerts to deliver
//! answer  the engine facade: search, latest, article, summary, ask, trend; the live
//!         snapshots that articles are added to and removed from while it answers
//! ingest  the live sources: feed polling, page fetching, the watched folder
//! chat    the conversation shared by the bot and the terminal: commands, replies, memory
//! render  every word users read (one catalogue, Chinese and English), Telegram HTML and
//!         inline cards, terminal text, JSON
//! bot     teloxide wiring only · cli  one file per command (chat, search, …)
//! ```
//!
//! `config` reads the settings and hands each layer its own options; `allocator` tunes
//! malloc at start; `background` runs indexing and page reading at a lower CPU priority;
//! `eval` measures quality on public data for `jianbao eval`.

pub mod allocator;
pub mod answer;
pub(crate) mod background;
pub mod bot;
pub mod chat;
pub mod cli;
pub mod config;
pub mod corpus;
pub(crate) mod eval;
pub mod index;
pub mod ingest;
pub mod render;
pub mod store;
pub mod text;
